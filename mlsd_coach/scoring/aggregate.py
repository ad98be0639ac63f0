"""Step scores, totals, levels and signals, computed in code from item scores and the
framework's thresholds. Every judge (offline, LLM or a plugin) builds its results here, so all
are judged by one rule, and every result is complete when it is built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, RubricItem
from mlsd_coach.scoring.scorecard import (
    ASKED,
    MET,
    ItemResult,
    MistakeResult,
    Rating,
    Route,
    Scorecard,
    StepResult,
)

MAX_PENALTY = 0.5  # mistakes remove at most this share of a step's score
OFFLINE = "offline"
# Points are credited wherever they are made; whether they sit in the step that owns them is
# part of how structured the answer is, a share of this signal's rating.
NOT_RATED = "not rated"  # the level of a copied answer
STRUCTURE_SIGNAL = "communication"
STRUCTURE_SHARE = 0.3


def item_result(
    item: RubricItem,
    score: float,
    feedback: str,
    *,
    generic: bool,
    evidence: Sequence[str] = (),
    evidence_from: Sequence[str] = (),
    depth_missing: bool = False,
) -> ItemResult:
    """A judge's verdict on one rubric item, with the item's own fields copied over."""
    return ItemResult(
        id=item.id,
        title=item.title,
        weight=item.weight,
        signal=item.signal,
        score=score,
        evidence=tuple(evidence),
        evidence_from=tuple(evidence_from),
        feedback=feedback,
        why=item.why,
        generic=generic,
        depth_missing=depth_missing,
    )


def step_score_from_coverage(framework: Framework, coverage: float) -> float:
    """0-100 from the weighted share of rubric credit earned: full marks at the framework's
    `full_marks_at` share, because no answer covers every item in a 45-minute round."""
    return 100 * min(1.0, coverage / framework.full_marks_at)


def step_result(
    framework: Framework,
    step: FrameworkStep,
    items: Sequence[ItemResult],
    mistakes: Sequence[MistakeResult] = (),
    *,
    judge: str,
    notes: Sequence[str] = (),
    flagged: Sequence[str] = (),
) -> StepResult:
    """A complete answered step: coverage of the rubric's weight, scaled to full marks, less
    the mistakes' penalty, with its level."""
    weight = sum(item.weight for item in items)
    coverage = sum(item.weight * item.score for item in items) / weight if weight else 0.0
    penalty = min(MAX_PENALTY, sum(mistake.penalty for mistake in mistakes))
    score = round(step_score_from_coverage(framework, coverage) * (1 - penalty), 1)
    return StepResult(
        id=step.id,
        title=step.title,
        score=score,
        level=framework.level_for(score),
        answered=True,
        judge=judge,
        items=tuple(items),
        mistakes=tuple(mistakes),
        notes=tuple(notes),
        flagged=tuple(flagged),
    )


def unanswered_step(framework: Framework, step: FrameworkStep, items: Sequence[ItemResult]) -> StepResult:
    return StepResult(
        id=step.id,
        title=step.title,
        score=0.0,
        level=framework.level_for(0.0),
        answered=False,
        items=tuple(items),
    )


def build_scorecard(
    case: CaseStudy,
    framework: Framework,
    judge: str,
    steps: Sequence[StepResult],
    warnings: Sequence[str] = (),
    routing: Sequence[Route] = (),
    copied: str = "",
) -> Scorecard:
    """The whole verdict: the overall score weights each step by its minutes; any sentence
    that addresses the grader disqualifies the answer."""
    minutes = {step.id: step.minutes for step in framework.steps}
    total_minutes = sum(minutes[s.id] for s in steps)
    overall = sum(minutes[s.id] * s.score for s in steps) / total_minutes if total_minutes else 0.0
    all_warnings = [*warnings, *(note for step in steps for note in step.notes)]
    placement = structure(steps)
    if placement is not None and placement.elsewhere:
        all_warnings.append(
            f"{placement.elsewhere} of {placement.credited} credited items were said outside the step "
            "that owns them; they are credited, and the communication signal reflects the structure"
        )
    unanswered = [s.id for s in steps if not s.answered]
    if unanswered:
        all_warnings.append(f"not answered: {', '.join(unanswered)} (each scores 0)")
    flagged = [f"step '{s.id}': {flag}" for s in steps for flag in s.flagged]
    if flagged:
        overall = 0.0
        all_warnings.insert(
            0,
            "the answer addresses the grader instead of the interviewer; it earns nothing and is "
            "disqualified (remove the flagged sentences to be scored): " + "; ".join(flagged),
        )
    level = framework.level_for(round(overall, 1))
    if copied:
        level = NOT_RATED
        all_warnings.insert(0, copied)
    return Scorecard(
        case=case.id,
        framework=framework.short_name,
        scorer=_scorer(judge, steps),
        overall=Rating(score=round(overall, 1), level=level),
        steps=tuple(steps),
        signals=signal_ratings(framework, steps),
        flagged=tuple(flagged),
        warnings=tuple(all_warnings),
        routing=tuple(routing),
        copied=copied,
    )


def _scorer(judge: str, steps: Sequence[StepResult]) -> str:
    """The judge named on the card: the one asked, unless every answered step fell back to
    the offline scorer."""
    answered = [step for step in steps if step.answered]
    if answered and all(step.judge == OFFLINE for step in answered):
        return OFFLINE
    return judge


@dataclass(frozen=True)
class Placement:
    """Where the credited items were said: `share` of the credit in the step that owns it,
    `elsewhere` items met from another step."""

    credited: int
    share: float
    elsewhere: int


def structure(steps: Sequence[StepResult]) -> Placement | None:
    """The credit-weighted share of items whose best evidence is in their own step (or a
    clarifying question); None when nothing is credited."""
    credited = [
        (item, step.id) for step in steps for item in step.items if item.score > 0 and item.evidence_from
    ]
    total = sum(item.weight * item.score for item, _ in credited)
    if not total:
        return None
    placed = [(item, item.evidence_from[0] in (step_id, ASKED)) for item, step_id in credited]
    in_place = sum(item.weight * item.score for item, ok in placed if ok) / total
    elsewhere = sum(1 for item, ok in placed if not ok and item.score >= MET)
    return Placement(len(credited), in_place, elsewhere)


def signal_ratings(framework: Framework, steps: Sequence[StepResult]) -> dict[str, Rating]:
    ratings: dict[str, Rating] = {}
    placement = structure(steps)
    for signal in framework.signals:
        items = [item for step in steps for item in step.items if item.signal == signal.id]
        weight = sum(item.weight for item in items)
        share = sum(item.weight * item.score for item in items) / weight if weight else 0.0
        if signal.id == STRUCTURE_SIGNAL and placement is not None:
            share = (1 - STRUCTURE_SHARE) * share + STRUCTURE_SHARE * placement.share
        score = round(100 * share, 1)
        ratings[signal.id] = Rating(score=score, level=framework.level_for(score), title=signal.title)
    return ratings
