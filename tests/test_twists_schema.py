"""A case's `twists` (constraints the interviewer changes mid-round): what a file may say."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mlsd_coach.content.models import Twist

ITEM = {
    "id": "twist-fewer-candidates",
    "title": "Cuts the candidates the heavy ranker scores",
    "weight": 2,
    "signal": "solution-design",
    "strong_answer": "Scores 200 instead of 500 and says what recall that costs.",
    "concepts": [{"name": "fewer candidates", "aliases": ["cut candidates"]}],
    "why": "The heavy ranker is most of the budget.",
    "feedback": "Say which stage shrinks and what it costs.",
}


def twist(**changes: object) -> Twist:
    fields = {
        "id": "latency-50ms",
        "say": "The budget is now 50 ms.",
        "changes": "Shrink ranking.",
        "items": [ITEM],
    }
    return Twist.model_validate({**fields, **changes})


def test_a_twist_is_said_after_a_step_or_at_a_minute_never_both_or_neither():
    assert twist(after="model").after == "model"
    assert twist(at_minute=20).at_minute == 20
    for moment in ({}, {"after": "model", "at_minute": 20}):
        with pytest.raises(ValidationError, match="exactly one of"):
            twist(**moment)
    with pytest.raises(ValidationError):
        twist(after="deployment")  # not a 7-step id


def test_every_built_in_case_has_two_twists_whose_items_a_strong_reply_can_earn():
    from mlsd_coach.content.registry import load_library
    from mlsd_coach.scoring.offline import make_judge

    judge = make_judge()
    library = load_library()
    for case_id in library.cases:
        twists = library.case(case_id).twists
        assert len(twists) >= 2, case_id
        assert len({t.id for t in twists}) == len(twists)
        for each in twists:
            assert each.after is not None or each.at_minute is not None
            for item in each.items:
                found = sum(
                    judge.mentions(item.model_copy(update={"concepts": [c]}), item.strong_answer)
                    for c in item.concepts
                )
                assert found >= item.min_concepts, (case_id, each.id, item.id)
