"""The verdict's rules: the recommendation follows from the signal ratings and the red flags,
generic credit depends on the case's core, and the target level sets which depth is expected."""

from __future__ import annotations

import statistics

import pytest

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_frameworks, load_glossary, load_library
from mlsd_coach.scoring.aggregate import (
    RELEVANCE_AT,
    Weighing,
    coverage,
    recommendation,
    weighing_for,
)
from mlsd_coach.scoring.judge import score as score_answer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.scorecard import ItemResult, Rating, StepResult

SEVEN = load_frameworks()["seven-step"]
LIBRARY = load_library()
JUDGE = OfflineJudge(load_glossary())
SIGNALS = [signal.id for signal in SEVEN.signals]


def signals(*scores: float) -> dict[str, Rating]:
    ratings = {}
    for signal_id, score in zip(SIGNALS, scores, strict=True):
        number, name = SEVEN.rating_for(score)
        ratings[signal_id] = Rating(score=score, level=name, rating=number)
    return ratings


def item(tier: str, score: float, weight: float = 1.0, level: str = "", item_id: str = "") -> ItemResult:
    return ItemResult(
        id=item_id or f"{tier}-{level}-{score}",
        title="t",
        score=score,
        weight=weight,
        tier=tier,
        level=level,
        generic=tier == "generic",
    )


def step(*items: ItemResult) -> StepResult:
    return StepResult(id="model", title="Model", score=0.0, level="", answered=True, items=items)


def test_the_score_is_the_mean_of_the_signals_and_gives_the_level():
    verdict = recommendation(SEVEN, signals(80, 75, 72, 70, 63), ())
    assert verdict.score == pytest.approx(72.0)
    assert verdict.level == "hire" == SEVEN.level_for(verdict.score)


def test_strong_hire_needs_every_signal_strong_and_the_score_stays_in_the_band_chosen():
    every_strong = recommendation(SEVEN, signals(100, 100, 100, 95, 60), ())
    one_weak = recommendation(SEVEN, signals(100, 100, 100, 100, 45), ())
    assert every_strong.level == "strong hire"
    assert one_weak.level == "hire"  # the mean (89) alone would say strong hire
    assert one_weak.score < SEVEN.levels[-1].min_score
    assert SEVEN.level_for(one_weak.score) == one_weak.level


def test_a_very_weak_signal_keeps_the_answer_below_lean_hire():
    verdict = recommendation(SEVEN, signals(100, 95, 90, 90, 20), ())
    assert verdict.level == "lean no hire"
    assert SEVEN.level_for(verdict.score) == verdict.level


def test_the_level_never_contradicts_the_signals():
    for scores in [(50, 50, 50, 50, 50), (54, 54, 54, 54, 54), (39, 39, 39, 39, 39), (90, 30, 90, 30, 90)]:
        verdict = recommendation(SEVEN, signals(*scores), ())
        ratings = [SEVEN.rating_for(s)[0] for s in scores]
        if max(ratings) <= 2:  # nothing strong: never a hire level
            assert verdict.level in ("strong no hire", "no hire", "lean no hire")


def test_a_red_flag_caps_the_recommendation_and_two_cap_it_lower():
    excellent = signals(100, 100, 100, 100, 100)
    assert recommendation(SEVEN, excellent, ()).level == "strong hire"
    one = recommendation(SEVEN, excellent, ("Accuracy on a rare-event problem",))
    two = recommendation(
        SEVEN, excellent, ("Accuracy on a rare-event problem", "Random split of time-ordered data")
    )
    assert one.level == SEVEN.red_flag_cap == "lean no hire"
    assert two.level == "no hire"
    assert SEVEN.level_for(one.score) == one.level and SEVEN.level_for(two.score) == two.level


def test_generic_credit_counts_only_as_far_as_the_case_core_is_covered():
    on_case = [step(item("core", 1.0, item_id="c1"), item("core", 1.0, item_id="c2"), item("generic", 1.0))]
    off_case = [step(item("core", 0.0, item_id="c1"), item("core", 0.0, item_id="c2"), item("generic", 1.0))]
    half = [step(item("core", RELEVANCE_AT / 2, item_id="c1"), item("core", RELEVANCE_AT / 2, item_id="c2"))]
    assert weighing_for(on_case).relevance == 1.0
    assert weighing_for(off_case).relevance == 0.0
    assert weighing_for(half).relevance == pytest.approx(0.5)
    generic_only = [item("generic", 1.0)]
    assert coverage(generic_only, Weighing(relevance=0.25)) == pytest.approx(0.25)


def test_the_target_level_sets_which_depth_items_are_expected():
    items = [item("core", 1.0, item_id="c"), item("depth", 0.0, level="staff", item_id="s")]
    senior, staff = Weighing(target="senior"), Weighing(target="staff")
    assert coverage(items, senior) == 1.0  # a staff item is not expected from a senior candidate
    assert coverage(items, staff) < 1.0  # and is from a staff one
    bonus = [item("core", 0.5, item_id="c"), item("depth", 1.0, level="staff", item_id="s")]
    assert coverage(bonus, senior) > coverage(bonus[:1], senior)  # met above the target, it adds


def test_a_case_without_tiers_treats_its_items_as_core():
    untiered = [step(item("depth", 1.0, item_id="a"), item("generic", 1.0))]
    assert weighing_for(untiered).relevance == 1.0


def test_a_red_flag_said_anywhere_caps_a_strong_answer():
    case = LIBRARY.case("fraud-detection")
    judge = JUDGE
    strong = (DATA / "answers" / "fraud-detection" / "strong.md").read_text(encoding="utf-8")
    flagged = (
        strong
        + "\n\n## Afterthoughts\nTo keep it simple I would optimise accuracy as the metric for the model.\n"
    )
    before = score_answer(judge, case, SEVEN, parse_answer(strong, SEVEN, case=case))
    after = score_answer(judge, case, SEVEN, parse_answer(flagged, SEVEN, case=case))
    assert before.level in ("hire", "strong hire") and not before.red_flags
    assert after.red_flags and after.level == "lean no hire"
    assert any(warning.startswith("red flag") for warning in after.warnings)


def ratios_on_other_cases(case_id: str, text: str) -> tuple[float, dict[str, float]]:
    """The answer's own-case score, and its score on every other case over that."""
    case = LIBRARY.case(case_id)
    own = score_answer(JUDGE, case, SEVEN, parse_answer(text, SEVEN, case=case)).score
    ratios = {}
    for other_id in sorted(LIBRARY.cases):
        if other_id != case_id:
            other = LIBRARY.case(other_id)
            ratios[other_id] = (
                score_answer(JUDGE, other, SEVEN, parse_answer(text, SEVEN, case=other)).score / own
            )
    return own, ratios


@pytest.mark.slow  # each of ten answers scored as nine other cases
def test_an_answer_to_another_case_scores_at_most_half_of_its_own_case_score():
    for case_id in sorted(LIBRARY.cases):
        text = (DATA / "answers" / case_id / "strong.md").read_text(encoding="utf-8")
        _, ratios = ratios_on_other_cases(case_id, text)
        assert statistics.median(ratios.values()) <= 0.5, (case_id, ratios)
        # close problems (text and visual search) share points; none keeps two thirds
        assert max(ratios.values()) <= 2 / 3, (case_id, ratios)


@pytest.mark.slow
def test_each_model_answer_earns_strong_hire_marks_on_its_own_case_and_far_less_on_another():
    for case_id in sorted(LIBRARY.cases):
        case = LIBRARY.case(case_id)
        text = "\n\n".join(f"## {step.title}\n{case.model_answer[step.id]}" for step in SEVEN.steps)
        card = score_answer(JUDGE, case, SEVEN, parse_answer(text, SEVEN, case=case))
        assert card.copied and card.level == "not rated"  # it is the reference answer itself
        assert card.score >= SEVEN.levels[-1].min_score  # strong-hire marks
        assert all(signal.rating >= 3 for signal in card.signals.values())
        _, ratios = ratios_on_other_cases(case_id, text)
        assert statistics.median(ratios.values()) <= 0.5, (case_id, ratios)
        # a model answer covers its case thoroughly, so on a close problem (feed and ads both
        # rank with calibrated heads) it keeps most of a generic design's worth
        assert max(ratios.values()) <= 0.8, (case_id, ratios)


def test_a_strong_answer_scored_as_an_unrelated_case_keeps_less_than_half():
    text = (DATA / "answers" / "fraud-detection" / "strong.md").read_text(encoding="utf-8")
    own, ratios = ratios_on_other_cases("fraud-detection", text)
    assert own >= SEVEN.levels[-2].min_score
    for unrelated in ("visual-search", "rag-assistant", "people-you-may-know"):
        assert ratios[unrelated] <= 0.5, (unrelated, ratios[unrelated])
