"""The LLM path against imitations of real local servers (issue 11, item 8).

`fake_openai.kind` makes the fake behave like llama.cpp's server, Ollama or vLLM as their
sources show (see tests/fake_openai.py); the tests go through `mlsd score` and `mlsd config test`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_openai import Reply, completion, error, judgement, response_format_type, step_title
from llm_verdicts import met_where_said

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.cli.config import TEST_MAX_TOKENS
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.llm.client import LlmClient
from mlsd_coach.llm.config import load_settings
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.judge import score as score_answer
from mlsd_coach.scoring.llm import JUDGE_MAX_TOKENS, LlmJudge, StepJudgement
from mlsd_coach.scoring.llm_interviewer import ANSWER_MAX_TOKENS, PROBE_MAX_TOKENS, LlmInterviewer
from mlsd_coach.scoring.offline import OfflineJudge

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
CASE = LIBRARY.case("feed-ranking")
OFFLINE = OfflineJudge(load_glossary())
MID = DATA / "answers" / "feed-ranking" / "mid.md"
SCHEMA = StepJudgement.model_json_schema()


def judge_everything(request: dict[str, Any]) -> Any:
    return judgement(request, met_where_said)


def score(mlsd: Any, scorer: str = "llm") -> tuple[dict[str, Any], str]:
    result = mlsd("score", "feed-ranking", str(MID), "--scorer", scorer, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def judged_by_the_llm(step: dict[str, Any]) -> bool:
    """Every item carries the fake model's feedback (the offline scorer writes its own)."""
    return all(item["feedback"] == f"Feedback on {item['id']}." for item in step["items"])


def offline_step_items(step_id: str) -> list[tuple[str, float]]:
    card = score_answer(OFFLINE, CASE, SEVEN, parse_answer(MID.read_text(), SEVEN))
    return [(item.id, item.score) for item in card.step(step_id).items]


def test_llamacpp_refusing_json_schema_with_a_500_gets_json_mode_with_its_schema_field(fake_openai, mlsd):
    fake_openai.kind = "llamacpp"
    fake_openai.default = judge_everything
    card, stderr = score(mlsd)
    assert card["scorer"] == "llm" and "unavailable" not in stderr
    assert all(judged_by_the_llm(step) for step in card["steps"])
    refused, *judged = fake_openai.requests
    assert response_format_type(refused) == "json_schema"  # once: a refusal is not retried
    assert [r["response_format"] for r in judged] == [{"type": "json_object", "schema": SCHEMA}] * 7
    assert fake_openai.gets == ["/v1/models"]  # the server kind is learned once
    assert {r["max_tokens"] for r in fake_openai.requests} == {JUDGE_MAX_TOKENS}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "Input should be 'text' or 'json_object'"),  # the wording in the issue
        (422, "body.response_format.type: Input should be 'text' or 'json_object'"),
        (400, "this server does not support structured outputs"),
        (501, "json_schema is not implemented"),
    ],
)
def test_any_error_about_the_response_format_switches_to_json_mode_at_once(
    fake_openai, mlsd, status, message
):
    def server(request: dict[str, Any]) -> Any:
        if response_format_type(request) == "json_schema":
            return error(status, message)
        return judge_everything(request)

    fake_openai.default = server
    card, _ = score(mlsd)
    assert card["scorer"] == "llm"
    assert [response_format_type(r) for r in fake_openai.requests] == ["json_schema"] + ["json_object"] * 7
    assert all("schema" not in r["response_format"] for r in fake_openai.requests[1:])  # not llama.cpp


def test_a_server_that_rejects_the_schema_field_too_gets_plain_json_mode(fake_openai, mlsd):
    fake_openai.kind = "llamacpp"

    def server(request: dict[str, Any]) -> Any:
        if "schema" in request["response_format"]:
            return error(400, "response_format: unknown field 'schema'")
        return judge_everything(request)

    fake_openai.default = server
    card, _ = score(mlsd)
    assert card["scorer"] == "llm" and all(judged_by_the_llm(step) for step in card["steps"])
    formats = [r["response_format"] for r in fake_openai.requests]
    assert formats[1] == {"type": "json_object", "schema": SCHEMA}
    assert formats[2:] == [{"type": "json_object"}] * 7


def test_ollama_gets_json_schema_and_max_tokens_on_every_request(fake_openai, mlsd):
    fake_openai.kind = "ollama"
    fake_openai.default = judge_everything
    card, _ = score(mlsd)
    assert card["scorer"] == "llm"
    assert [response_format_type(r) for r in fake_openai.requests] == ["json_schema"] * 7
    assert all(r["max_tokens"] == JUDGE_MAX_TOKENS for r in fake_openai.requests)
    assert fake_openai.gets == []  # nothing refused, nothing to learn


def test_an_ollama_that_ignores_the_schema_gets_plain_json_mode(fake_openai, mlsd):
    fake_openai.kind = "ollama"

    def older_ollama(request: dict[str, Any]) -> Any:
        if response_format_type(request) == "json_schema":
            return completion("The candidate covered the requirements well.")  # schema ignored
        return judge_everything(request)

    fake_openai.default = older_ollama
    card, _ = score(mlsd)
    assert card["scorer"] == "llm" and all(judged_by_the_llm(step) for step in card["steps"])
    assert [r["response_format"] for r in fake_openai.requests[1:]] == [{"type": "json_object"}] * 7
    assert all("format" not in r for r in fake_openai.requests)  # its OpenAI endpoint ignores it


def test_vllm_rejecting_max_tokens_beyond_its_context_is_retried_with_what_fits(fake_openai, mlsd):
    fake_openai.kind = "vllm"
    fake_openai.max_model_len = 3600  # judge prompts here are about 2,000-2,800 tokens
    fake_openai.default = judge_everything
    card, stderr = score(mlsd)
    assert card["scorer"] == "llm" and "unavailable" not in stderr
    assert all(judged_by_the_llm(step) for step in card["steps"])
    asked = [r["max_tokens"] for r in fake_openai.requests]
    assert asked[0::2] == [JUDGE_MAX_TOKENS] * 7
    prompts = [len(json.dumps(r["messages"])) // 4 for r in fake_openai.requests[1::2]]
    assert asked[1::2] == [3600 - prompt for prompt in prompts]


def test_a_prompt_longer_than_the_context_scores_that_step_offline_without_retries(fake_openai, mlsd):
    fake_openai.kind = "vllm"
    fake_openai.max_model_len = 1000
    fake_openai.default = judge_everything
    card, stderr = score(mlsd)
    assert card["scorer"] == "offline" and len(fake_openai.requests) == 7
    assert stderr == (
        "note: LLM judge unavailable for step 'requirements' (the model's context (1000 tokens) is too "
        "small for the prompt and a reply); scored offline\n"
    )


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Ready! How can I help you with your system design interview today?", "replied 'Ready! How can I"),
        (None, "replied (an empty message)"),  # a reasoning model spent the tokens thinking
    ],
    ids=["text", "empty"],
)
def test_config_test_accepts_a_reply_cut_off_at_its_token_limit(fake_openai, mlsd, content, said):
    fake_openai.kind = "vllm"
    fake_openai.default = lambda request: completion(content, finish_reason="length")
    result = mlsd("config", "test")
    assert result.exit_code == 0, result.stderr
    said_out = " ".join(result.stdout.split())
    assert said in said_out and "cut off at its token limit — server and model work" in said_out
    assert fake_openai.requests[0]["max_tokens"] == TEST_MAX_TOKENS


def test_the_fake_stops_a_reply_at_max_tokens(fake_openai, mlsd):
    fake_openai.default = lambda request: completion("ready " * 50)
    result = mlsd("config", "test")
    assert result.exit_code == 0 and "cut off at its token limit" in result.stdout


def test_a_step_whose_reply_fails_validation_alone_is_scored_offline(fake_openai, mlsd):
    def server(request: dict[str, Any]) -> Any:
        if step_title(request) == "Model development":
            return completion('{"items": "not a list"}')
        return judge_everything(request)

    fake_openai.default = server
    card, stderr = score(mlsd)
    steps = {step["id"]: step for step in card["steps"]}
    assert card["scorer"] == "llm"
    assert all(judged_by_the_llm(step) for step_id, step in steps.items() if step_id != "model")
    assert not judged_by_the_llm(steps["model"])
    assert [(item["id"], item["score"]) for item in steps["model"]["items"]] == offline_step_items("model")
    reason = "the model's reply was not valid JSON for the rubric, even after a repair"
    assert f"step 'model' scored offline: LLM judge unavailable ({reason})" in card["warnings"]
    assert f"note: LLM judge unavailable for step 'model' ({reason}); scored offline" in stderr


def test_a_server_that_fails_midway_is_not_asked_again_and_judged_steps_stay(fake_openai):
    def server(request: dict[str, Any]) -> Any:
        return judge_everything(request) if len(fake_openai.requests) <= 2 else error(503, "overloaded")

    fake_openai.default = server
    notices = NoticeBuffer()
    judge = LlmJudge(LlmClient(load_settings(), sleep=lambda seconds: None), OFFLINE, notices)
    card = score_answer(judge, CASE, SEVEN, parse_answer(MID.read_text(), SEVEN))
    assert len(fake_openai.requests) == 2 + 3  # two judged, one step tried three times, then no more
    assert card.scorer == "llm"
    first, second, *rest = [step.model_dump(mode="json") for step in card.steps]
    assert judged_by_the_llm(first) and judged_by_the_llm(second)
    assert not any(judged_by_the_llm(step) for step in rest)
    assert notices.drain() == [
        "LLM judge unavailable (server error (HTTP 503), 3 attempts: overloaded); step 'data' and the "
        "steps after it are scored offline"
    ]


def test_a_reply_that_is_not_json_falls_back_offline_under_auto(fake_openai, mlsd):
    fake_openai.default = lambda request: Reply(body="<html>502 Bad Gateway</html>")
    card, stderr = score(mlsd, "auto")
    assert card["scorer"] == "offline"
    assert "the server's reply could not be read" in stderr and "unexpected" not in stderr


def test_the_interviewer_bounds_every_reply(fake_openai):
    client = LlmClient(load_settings())
    interviewer = LlmInterviewer(client, NoticeBuffer())
    fake_openai.default = lambda request: completion("About 300 million daily active users.")
    interviewer.answer(CASE, "How many users?")
    result = score_answer(OFFLINE, CASE, SEVEN, parse_answer(MID.read_text(), SEVEN)).step("requirements")
    interviewer.phrase(next(p for p in CASE.probes if p.step == "requirements"), result)
    assert [r["max_tokens"] for r in fake_openai.requests] == [ANSWER_MAX_TOKENS, PROBE_MAX_TOKENS]
