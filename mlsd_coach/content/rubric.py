"""Which rubric items, probes and model answers belong to a step of a framework."""

from __future__ import annotations

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe, RubricItem


def step_items(framework: Framework, case: CaseStudy, step: FrameworkStep) -> list[RubricItem]:
    """The framework's generic items for `step`, then the case's items for the 7-step
    steps it covers."""
    case_items = [item for item in case.rubric if item.step in step.covers]
    return [*step.rubric, *case_items]


def step_probes(case: CaseStudy, step: FrameworkStep) -> list[Probe]:
    return [probe for probe in case.probes if probe.step in step.covers]


def step_model_answer(case: CaseStudy, step: FrameworkStep) -> str:
    parts = [case.model_answer[seven] for seven in step.covers]
    return "\n\n".join(parts)
