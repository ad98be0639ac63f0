"""What to study next from a scorecard: the missed items worth the most overall."""

from __future__ import annotations

from mlsd_coach.scoring.scorecard import ItemResult, Scorecard, open_credit


def study_next(card: Scorecard, count: int = 3) -> list[ItemResult]:
    """The missed items with the most open credit, each scaled by its step's total weight so
    that every step counts alike whatever the size of its rubric."""
    if card.copied:  # a copy of the reference answer shows nothing to study
        return []
    candidates: list[tuple[float, ItemResult]] = []
    for step in card.steps:
        step_weight = sum(item.weight for item in step.items) or 1.0
        candidates.extend((open_credit(item) / step_weight, item) for item in step.items if not item.met)
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in candidates[:count]]
