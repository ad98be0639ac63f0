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


def test_a_twist_item_reusing_a_rubric_id_is_refused_at_its_line(tmp_path, mlsd):
    from mlsd_coach.paths import builtin_cases_dir

    text = (builtin_cases_dir() / "feed-ranking.yaml").read_text(encoding="utf-8")
    rubric_id = "frame-multistage-funnel"
    first_twist_item = text.index("id: twist-", text.index("\ntwists:"))
    broken = text[:first_twist_item] + f"id: {rubric_id}" + text[text.index("\n", first_twist_item) :]
    path = tmp_path / "my-feed.yaml"
    path.write_text(broken.replace("id: feed-ranking", "id: my-feed", 1), encoding="utf-8")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    line = broken[:first_twist_item].count("\n") + 1
    assert (
        f"{path}:{line}:" in result.stderr
        and f"duplicate rubric or twist item id '{rubric_id}'" in result.stderr
    )
