"""The shipped content meets the bar the issues set, so a future edit cannot quietly lower it."""

from __future__ import annotations

from collections import Counter

import pytest

from mlsd_coach.content.models import FOUR_STEP_IDS, SEVEN_STEP_IDS, SIGNAL_IDS
from mlsd_coach.content.registry import load_library

LIBRARY = load_library()
CASES = sorted(LIBRARY.cases)


def test_the_ten_cases_ship_at_more_than_one_difficulty():
    assert set(CASES) == {
        "feed-ranking",
        "fraud-detection",
        "search-ranking",
        "ad-click-prediction",
        "harmful-content",
        "rag-assistant",
        "people-you-may-know",
        "visual-search",
        "notification-ranking",
        "eta-prediction",
    }
    assert "medium" in {LIBRARY.case(case_id).difficulty for case_id in CASES}


def test_a_case_starts_with_no_labels_and_says_so_in_its_facts():
    facts = " ".join(fact.answer.lower() for fact in LIBRARY.case("rag-assistant").facts)
    assert "no labelled" in facts or "no labeled" in facts


def test_frameworks_have_the_fixed_step_ids_and_fill_the_design_time_of_a_round():
    seven, four = LIBRARY.frameworks["seven-step"], LIBRARY.frameworks["four-step"]
    assert tuple(s.id for s in seven.steps) == SEVEN_STEP_IDS
    assert tuple(s.id for s in four.steps) == FOUR_STEP_IDS
    for framework in (seven, four):
        # a 45-minute round leaves about 35 minutes of design, a 60-minute one about 50
        assert framework.round_minutes == 45 and sum(s.minutes for s in framework.steps) == 35
        assert framework.long_round_minutes == 60
        assert sum(s.long_minutes or 0 for s in framework.steps) == 50
        assert framework.design_minutes(45) == {s.id: s.minutes for s in framework.steps}
        assert framework.design_minutes(60) == {s.id: s.long_minutes for s in framework.steps}
        assert {s.id for s in framework.signals} == set(SIGNAL_IDS)
        for step in framework.steps:
            assert len(step.rubric) >= 3, f"{framework.id}/{step.id} needs generic rubric items"


def test_four_step_maps_onto_every_seven_step_id_once():
    covered = [seven for step in LIBRARY.frameworks["four-step"].steps for seven in step.covers]
    assert sorted(covered) == sorted(SEVEN_STEP_IDS)


@pytest.mark.parametrize("case_id", CASES)
def test_case_depth(case_id):
    entry = LIBRARY.cases[case_id]
    assert entry.builtin
    case = entry.case
    items = Counter(item.step for item in case.rubric)
    probes = Counter(probe.step for probe in case.probes)
    for step in SEVEN_STEP_IDS:
        assert items[step] >= 4, f"{case_id}: step {step} has {items[step]} case-specific rubric items"
        assert probes[step] >= 2, f"{case_id}: step {step} has {probes[step]} probes"
        assert len(case.model_answer[step].split()) >= 120, f"{case_id}: model answer for {step} is thin"
    assert len(case.facts) >= 10
    assert len(case.mistakes) >= 4
    assert len(case.references) >= 3
    stages = case.blueprint.online_stages()
    assert len(stages) >= 3
    assert case.blueprint.critical_path_ms() <= case.latency_budget_ms  # side-by-side stages count once
    assert {c.track for c in case.blueprint.components} == {"online", "offline"}


def test_feed_ranking_blueprint_points_at_the_reference_pipeline():
    components = LIBRARY.case("feed-ranking").blueprint.components
    implemented = {c.implementation for c in components if c.implementation}
    for module in ("retrieval", "ranking", "rerank"):
        assert f"mlsd_coach/pipeline/{module}.py" in implemented


def test_every_implementation_a_blueprint_names_exists():
    from mlsd_coach.paths import PACKAGE_DIR

    for case_id in CASES:
        for component in LIBRARY.case(case_id).blueprint.components:
            if component.implementation:
                assert (PACKAGE_DIR.parent / component.implementation).is_file(), component.implementation


@pytest.mark.parametrize("case_id", CASES)
def test_each_rubric_is_cut_into_core_items_depth_by_level_and_red_flags(case_id):
    case = LIBRARY.case(case_id)
    core = [item for item in case.rubric if item.tier == "core"]
    depth_levels = Counter(item.level for item in case.rubric if item.tier == "depth")
    assert 12 <= len(core) <= 15, f"{case_id} has {len(core)} core items"
    assert set(depth_levels) == {"mid", "senior", "staff"}, depth_levels
    assert 2 <= sum(mistake.red_flag for mistake in case.mistakes) <= 5
    capacity = [item for item in core if item.step == "serving" and "capacity" in item.id]
    assert capacity, f"{case_id} has no core item on capacity and cost"
    assert len(case.checks) >= 4, "the fact sheet's arithmetic is checked on load"


@pytest.mark.parametrize("case_id", CASES)
def test_model_answers_are_the_length_of_a_spoken_answer(case_id):
    words = sum(len(text.split()) for text in LIBRARY.case(case_id).model_answer.values())
    assert 1_150 <= words <= 1_550, f"{case_id}: {words} words"


def test_every_core_item_is_about_its_own_case():
    """A core item of one case is not something another case's core asks for in the same words."""
    titles = {
        case_id: {item.title.lower() for item in LIBRARY.case(case_id).rubric if item.tier == "core"}
        for case_id in CASES
    }
    for case_id, own in titles.items():
        others = set().union(*(t for other, t in titles.items() if other != case_id))
        assert not own & others, f"{case_id} shares core items with another case: {own & others}"
