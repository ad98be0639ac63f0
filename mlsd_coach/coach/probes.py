"""Follow-up probes: only for what the answer missed, most valuable first."""

from __future__ import annotations

from mlsd_coach.content.models import CaseStudy, FrameworkStep, Probe
from mlsd_coach.content.rubric import step_probes
from mlsd_coach.scoring.scorecard import StepResult, open_credit


def select_probes(case: CaseStudy, step: FrameworkStep, result: StepResult, count: int = 1) -> list[Probe]:
    """Up to `count` probes of `step` whose every target the answer missed, ordered by the
    weight of credit still open on their targets. A probe for something covered is never asked."""
    missed = {item.id: open_credit(item) for item in result.items if not item.met}
    eligible = [probe for probe in step_probes(case, step) if all(t in missed for t in probe.targets)]
    eligible.sort(key=lambda probe: sum(missed[t] for t in probe.targets), reverse=True)
    return eligible[:count]


def hint_for(case: CaseStudy, step: FrameworkStep) -> str:
    """A nudge, not an answer: the two heaviest case-specific things this step should cover."""
    items = sorted((i for i in case.rubric if i.step in step.covers), key=lambda i: i.weight, reverse=True)
    titles = [item.title[0].lower() + item.title[1:] for item in items[:2]]
    return "An interviewer here would listen for whether the candidate " + " and ".join(titles) + "."
