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
