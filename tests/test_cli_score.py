"""`mlsd score`: the table, the JSON, and the scorer choice."""

from __future__ import annotations

import json

from conftest import DATA

STRONG = DATA / "answers" / "feed-ranking" / "strong.md"


def test_score_table_shows_steps_evidence_and_verdict(mlsd):
    result = mlsd("score", "feed-ranking", str(STRONG), "--scorer", "offline")
    assert result.exit_code == 0, result.stderr
    for title in (
        "Clarify requirements",
        "Model development",
        "Monitoring and iteration",
        "Verdict",
        "To add:",
    ):
        assert title in result.stdout
    assert "Overall" in result.stdout and "Problem navigation" in result.stdout


def test_json_evidence_is_verbatim_from_the_answer(mlsd):
    result = mlsd("score", "feed-ranking", str(STRONG), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["case"] == "feed-ranking" and data["framework"] == "7-step" and data["scorer"] == "offline"
    flat = " ".join(STRONG.read_text(encoding="utf-8").replace("**", "").replace("`", "").split())
    quotes = [e for step in data["steps"] for item in step["items"] for e in item["evidence"]]
    assert len(quotes) >= 20
    for quote in quotes:
        assert quote.rstrip("…") in flat or " ".join(quote.rstrip("…").split()) in flat, quote


def test_four_step_json(mlsd):
    result = mlsd(
        "score", "fraud-detection", str(DATA / "answers" / "fraud-detection" / "mid.md"), "-f", "4", "--json"
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["framework"] == "4-step"
    assert [s["id"] for s in data["steps"]] == ["scope", "architecture", "modeling", "scaling"]


def test_llm_scorer_says_it_is_not_configured(mlsd):
    result = mlsd("score", "feed-ranking", str(STRONG), "--scorer", "llm")
    assert result.exit_code == 2
    assert "the LLM judge is not configured" in result.stderr


def test_auto_falls_back_to_offline_with_a_note(mlsd):
    result = mlsd("score", "feed-ranking", str(STRONG), "--scorer", "auto")
    assert result.exit_code == 0
    assert "note: no LLM judge is configured; scoring offline" in result.stderr


def test_unknown_scorer_and_framework_are_usage_errors(mlsd):
    assert mlsd("score", "feed-ranking", str(STRONG), "--scorer", "magic").exit_code == 2
    assert mlsd("score", "feed-ranking", str(STRONG), "--framework", "9").exit_code == 2


def test_injected_answer_is_flagged_in_json(mlsd):
    result = mlsd("score", "feed-ranking", str(DATA / "answers" / "feed-ranking" / "injected.md"), "--json")
    data = json.loads(result.stdout)
    assert data["overall"]["score"] == 0
    assert data["flagged"] and data["warnings"][0].startswith("the answer addresses the grader")


def test_unknown_case_is_bad_input(mlsd):
    result = mlsd("score", "feed-rank", str(STRONG))
    assert result.exit_code == 2
    assert "unknown case 'feed-rank'" in result.stderr


def test_target_sets_which_depth_is_expected_and_an_unknown_one_is_a_usage_error(mlsd):
    def overall(target: str) -> dict:
        result = mlsd(
            "score", "feed-ranking", str(STRONG), "--scorer", "offline", "--json", "--target", target
        )
        assert result.exit_code == 0, result.stderr
        card = json.loads(result.stdout)
        assert card["target"] == target
        return card

    mid, senior, staff = overall("mid"), overall("senior"), overall("staff")
    depth = [i for s in senior["steps"] for i in s["items"] if i["tier"] == "depth"]
    assert {i["level"] for i in depth} >= {"mid", "senior", "staff"}
    assert mid["overall"]["score"] >= senior["overall"]["score"] >= staff["overall"]["score"]
    wrong = mlsd("score", "feed-ranking", str(STRONG), "--target", "principal")
    assert wrong.exit_code == 2
    assert "--target must be mid, senior or staff (got 'principal')" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
