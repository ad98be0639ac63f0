"""No part of a key a server echoes back reaches the terminal, history or a report (issue 11, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from fake_openai import error

from conftest import DATA
from mlsd_coach import paths
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.llm.client import LlmClient
from mlsd_coach.llm.config import LlmSettings, load_settings, redact
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.llm import LlmJudge
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.store.history import HistoryStore

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
CASE = LIBRARY.case("feed-ranking")
MID = DATA / "answers" / "feed-ranking" / "mid.md"
LONG_KEY = "sk-proj-" + "Q7xK2mPz9LbN4vRt" * 9 + "aB3dE5fG7hJ9"  # 164 characters, as in the issue
OTHER_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm94eSJ9.c2lnbmF0dXJl"


def leaked(secret: str, *texts: str, size: int = 8) -> list[str]:
    """Every `size`-character piece of `secret` that occurs in one of `texts`."""
    pieces = {secret[i : i + size] for i in range(len(secret) - size + 1)}
    return sorted(piece for piece in pieces if any(piece in text for text in texts))


@pytest.fixture
def echoing_server(fake_openai: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A server that quotes the Authorization header it received, the key straddling 200 characters."""
    assert len(LONG_KEY) == 164
    monkeypatch.setenv("OPENAI_API_KEY", LONG_KEY)
    fake_openai.default = fake_openai.echo_authorization(400)
    return fake_openai


def test_an_echoed_long_key_never_reaches_the_terminal(echoing_server, mlsd):
    tested = mlsd("config", "test")
    scored = mlsd("score", "feed-ranking", str(MID), "--scorer", "auto", "--json")
    assert tested.exit_code == 1 and scored.exit_code == 0
    assert echoing_server.headers[0]["authorization"] == f"Bearer {LONG_KEY}"
    for result in (tested, scored):
        assert "invalid header Authorization: Bearer ****" in result.stderr
        assert leaked(LONG_KEY, result.stdout, result.stderr) == []


def test_an_echoed_long_key_never_reaches_history_or_a_report(echoing_server, mlsd):
    notices = NoticeBuffer()
    client = LlmClient(load_settings(), sleep=lambda seconds: None)
    judge = LlmJudge(client, OfflineJudge(load_glossary()), notices)
    with HistoryStore() as store:
        session = InterviewSession.start(store, CASE, SEVEN, judge, notices)
        session.ask("How many users?")
        for step in SEVEN.steps[:2]:
            session.submit(step, "We rank the feed with a two-tower retrieval model and a GBDT ranker.")
        notices = session.drain_notices()
        session.finish()
    assert any("Bearer ****" in notice for notice in notices)
    report = mlsd("report", "latest")
    assert report.exit_code == 0, report.stderr
    assert leaked(LONG_KEY, report.stdout) == []
    assert leaked(LONG_KEY, paths.db_path().read_bytes().decode("utf-8", "replace")) == []


@pytest.mark.parametrize(
    "echoed",
    [
        f"Authorization: Bearer {OTHER_TOKEN}",
        "api_key=sk-live-51HqLyjWDarjtT1zdp7dc",
        f"bearer\t{OTHER_TOKEN}",
    ],
    ids=["bearer", "sk", "lowercase-bearer"],
)
def test_tokens_that_are_not_the_configured_key_are_redacted_too(fake_openai, mlsd, echoed):
    fake_openai.default = lambda request: error(400, echoed)
    result = mlsd("config", "test")
    assert result.exit_code == 1
    secret = OTHER_TOKEN if OTHER_TOKEN in echoed else "51HqLyjWDarjtT1zdp7dc"
    assert leaked(secret, result.stderr) == [] and "****" in result.stderr


def test_redaction_happens_before_a_message_is_shortened():
    settings = LlmSettings(LONG_KEY, "http://user:hunter2@127.0.0.1:8080/v1", "m", 5.0, {})
    text = redact("x" * 190 + f" Bearer {LONG_KEY} from http://user:hunter2@127.0.0.1:8080/v1", settings)
    assert leaked(LONG_KEY, text) == [] and "hunter2" not in text
    assert text.endswith(" Bearer **** from http://****@127.0.0.1:8080/v1")
