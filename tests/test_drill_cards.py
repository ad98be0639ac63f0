"""The drill's cards, made from the built-in cases: every case's estimates against figures
worked by hand from its fact sheet, every rubric item as a concept card, probes as trade-off
and debug cards."""

from __future__ import annotations

import pytest

from mlsd_coach.content.models import Probe
from mlsd_coach.content.registry import load_frameworks, load_library, load_one_case
from mlsd_coach.drill.cards import CardKind, case_cards, concept_question, probe_kind
from mlsd_coach.drill.estimates import estimates

FRAMEWORKS = load_frameworks()

# Worked by hand (two helpers, on a calculator, from each case's scale lines; not from code).
HAND_WORKED = {
    "feed-ranking": {
        "peak-qps": 100_000,
        "scoring-rate": 50e6,
        "feature-reads": 50e6,
        "embedding-memory": 25.6,
        "labels-per-day": 960e6,
    },
    "people-you-may-know": {
        "peak-qps": 29_861,
        "scoring-rate": 29.86e6,
        "feature-reads": 29.86e6,
        "embedding-memory": 256,
        "labels-per-day": 48e6,
    },
    "visual-search": {
        "peak-qps": 3_000,
        "scoring-rate": 5_700,
        "embedding-memory": 2_048,
        "labels-per-day": 77_760,
    },
    "notification-ranking": {
        "peak-qps": 69_444,
        "scoring-rate": 104_167,
        "feature-reads": 416_667,
        "labels-per-day": 72_000,
        "ab-test-days": 5.37,
    },
    "eta-prediction": {
        "peak-qps": 5_486,
        "scoring-rate": 25_486,
        "feature-reads": 87_431,
        "labels-per-day": 228_000,
        "ab-test-days": 4.71,
    },
    "fraud-detection": {"peak-qps": 19_907, "feature-reads": 238_889, "labels-per-day": 423_550},
    "search-ranking": {
        "peak-qps": 3_000,
        "scoring-rate": 1.5e6,
        "feature-reads": 1.5e6,
        "embedding-memory": 25.6,
        "labels-per-day": 30e6,
    },
    "ad-click-prediction": {
        "peak-qps": 300_000,
        "scoring-rate": 60e6,
        "feature-reads": 1.5e6,
        "embedding-memory": 64,
        "labels-per-day": 100e6,
        "ab-test-days": 7.77,
    },
    "harmful-content": {"peak-qps": 24_884, "labels-per-day": 360_000},
    "rag-assistant": {
        "peak-qps": 13.889,
        "scoring-rate": 694.44,
        "embedding-memory": 30.72,
        "labels-per-day": 12_000,
    },
}

CASE_IDS = tuple(HAND_WORKED)


def test_every_built_in_case_has_hand_worked_figures():
    assert set(HAND_WORKED) == set(load_library().cases)


def case(case_id: str):
    return load_one_case(case_id, FRAMEWORKS, [])


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_estimates_match_the_figures_worked_by_hand(case_id):
    sizing = case(case_id).sizing
    assert sizing is not None
    computed = {estimate.name: estimate.value for estimate in estimates(sizing)}
    assert computed == pytest.approx(HAND_WORKED[case_id], rel=2e-3)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_case_makes_cards_of_every_kind(case_id):
    study = case(case_id)
    cards = case_cards(study)
    by_kind = {kind: [c for c in cards if c.kind == kind] for kind in CardKind}
    assert {c.items[0] for c in by_kind[CardKind.CONCEPT]} == {item.id for item in study.rubric}
    assert len(by_kind[CardKind.ESTIMATE]) >= 2
    assert by_kind[CardKind.TRADEOFF] and by_kind[CardKind.DEBUG]
    assert len({c.id for c in cards}) == len(cards)  # the schedule is kept under these ids
    items = {item.id for item in study.rubric}
    for card in cards:
        assert card.id.startswith(f"{case_id}/{card.kind.value}/")
        assert set(card.items) <= items and card.question.strip()
        assert card.step in study.model_answer


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_core_items_are_asked_without_giving_the_answer_away(case_id):
    study = case(case_id)
    for item in (i for i in study.rubric if i.tier == "core"):
        question = concept_question(study, item).lower()
        assert item.question, f"{item.id}: a core item asks its own question"
        assert len(question.split()) <= 45, item.id
        for concept in item.concepts:
            for phrase in (concept.name, *concept.aliases):
                # a short alias such as "ML" can stand inside other words; whole phrases only
                assert f" {phrase.lower()} " not in f" {question} ", (item.id, phrase)


def test_a_depth_item_without_a_question_is_asked_from_its_title():
    study = case("fraud-detection")
    untargeted = next(
        i for i in study.rubric if not i.question and all(p.targets[0] != i.id for p in study.probes)
    )
    question = concept_question(study, untargeted)
    assert question.startswith("How would you ") and question.endswith("?")
    first_word = untargeted.title.split()[0].lower()
    assert first_word not in question.split()  # "Watches" became "watch", not kept as written


def probe(question: str, kind: str | None = None) -> Probe:
    return Probe(id="p", step="model", question=question, targets=["x"], kind=kind)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Retrieval recall went up 3% offline but the end-to-end metrics didn't move. Why?", CardKind.DEBUG),
        (
            "Calibration is fine overall, but advertisers in one country complain. What do you look at?",
            CardKind.DEBUG,
        ),
        ("Two-tower or cross-encoder for the 500 candidates, and why?", CardKind.TRADEOFF),
        ("Why not keep the logistic regression?", CardKind.TRADEOFF),
        ("Walk me through the 150 ms budget.", None),
    ],
)
def test_a_probe_without_a_kind_is_read_from_its_wording(question, kind):
    assert probe_kind(probe(question)) == kind


def test_a_probe_kind_written_in_the_case_wins_over_the_wording():
    assert probe_kind(probe("Why not keep the logistic regression?", "follow-up")) is None
    assert probe_kind(probe("Walk me through the budget.", "debug")) == CardKind.DEBUG
