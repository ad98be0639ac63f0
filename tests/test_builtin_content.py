"""The shipped content meets the bar the issues set, so a future edit cannot quietly lower it."""

from __future__ import annotations

from collections import Counter

import pytest

from mlsd_coach.content.models import FOUR_STEP_IDS, SEVEN_STEP_IDS, SIGNAL_IDS
from mlsd_coach.content.registry import load_library

LIBRARY = load_library()
CASES = sorted(LIBRARY.cases)


def test_the_four_required_cases_ship():
    assert {"feed-ranking", "fraud-detection", "search-ranking", "ad-click-prediction"} <= set(CASES)


def test_frameworks_have_the_fixed_step_ids_and_fill_45_minutes():
    seven, four = LIBRARY.frameworks["seven-step"], LIBRARY.frameworks["four-step"]
    assert tuple(s.id for s in seven.steps) == SEVEN_STEP_IDS
    assert tuple(s.id for s in four.steps) == FOUR_STEP_IDS
    for framework in (seven, four):
        assert sum(s.minutes for s in framework.steps) == 45
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
    assert sum(s.latency_ms or 0 for s in stages) <= case.latency_budget_ms
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
