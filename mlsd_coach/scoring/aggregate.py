"""Totals, levels and signals, computed in code from item scores and the framework's
thresholds; every scorer (offline or LLM) ends here, so both are judged by one rule."""

from __future__ import annotations

from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.scoring.base import Scorecard, SignalResult, StepResult


def step_score_from_coverage(framework: Framework, coverage: float) -> float:
    """0-100 from the weighted share of rubric credit earned: full marks at the framework's
    `full_marks_at` share, because no answer covers every item in a 45-minute round."""
    return 100 * min(1.0, coverage / framework.full_marks_at)


def build_scorecard(
    case: CaseStudy,
    framework: Framework,
    scorer: str,
    steps: list[StepResult],
    warnings: list[str],
    flagged: list[str],
) -> Scorecard:
    for step in steps:
        step.level = framework.level_for(step.score)
    minutes = {step.id: step.minutes for step in framework.steps}
    total_minutes = sum(minutes[s.id] for s in steps)
    overall = sum(minutes[s.id] * s.score for s in steps) / total_minutes if total_minutes else 0.0
    warnings = [*warnings, *(note for step in steps for note in step.notes)]
    unanswered = [s.id for s in steps if not s.answered]
    if unanswered:
        warnings.append(f"not answered: {', '.join(unanswered)} (each scores 0)")
    if flagged:
        overall = 0.0
        warnings.insert(
            0,
            "the answer addresses the grader instead of the interviewer; it earns nothing and is "
            "disqualified (remove the flagged sentences to be scored): " + "; ".join(flagged),
        )
    return Scorecard(
        case=case.id,
        framework=framework.short_name,
        scorer=scorer,
        score=overall,
        level=framework.level_for(overall),
        steps=steps,
        signals=signal_results(framework, steps),
        warnings=warnings,
        flagged=flagged,
    )


def signal_results(framework: Framework, steps: list[StepResult]) -> list[SignalResult]:
    results = []
    for signal in framework.signals:
        items = [item for step in steps for item in step.items if item.signal == signal.id]
        weight = sum(item.weight for item in items)
        score = 100 * sum(item.weight * item.score for item in items) / weight if weight else 0.0
        results.append(SignalResult(signal.id, signal.title, score, framework.level_for(score)))
    return results
