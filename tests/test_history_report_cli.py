"""`mlsd history` and `mlsd report` over a real history file."""

from __future__ import annotations

import json

import pytest

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.store.history import HistoryStore

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
SCORER = OfflineJudge(load_glossary())


def practise(home, case_id: str, level: str, steps=None, finish=True, extra: str = "") -> int:
    answer = parse_answer((DATA / "answers" / case_id / f"{level}.md").read_text(), SEVEN)
    with HistoryStore(home / "history.sqlite3") as store:
        session = InterviewSession.start(store, LIBRARY.case(case_id), SEVEN, SCORER, NoticeBuffer())
        session.ask("How many users?")
        session.done_clarifying()
        for step in SEVEN.steps if steps is None else steps:
            session.submit(step, answer.text(step.id) + extra)
        if finish:
            session.finish()
        return session.session_id


def test_history_lists_sessions_trends_misses_and_a_suggestion(private_home, mlsd):
    practise(private_home, "feed-ranking", "weak")
    practise(private_home, "feed-ranking", "strong")
    practise(private_home, "fraud-detection", "mid", steps=SEVEN.steps[:2], finish=False)
    table = mlsd("history")
    assert table.exit_code == 0, table.stderr
    for text in ("Sessions", "unfinished", "Step trends", "Missed most often", "Practise next:"):
        assert text in table.stdout
    data = json.loads(mlsd("history", "--json").stdout)
    assert [s["case"] for s in data["sessions"]] == ["feed-ranking", "feed-ranking", "fraud-detection"]
    assert data["sessions"][2]["finished"] is False and data["sessions"][2]["score"] is None
    assert all(len(scores) == 2 for scores in data["trends"].values())
    assert data["trends"]["requirements"][0] < data["trends"]["requirements"][1]
    assert data["most_missed"] and data["most_missed"][0]["times"] == 2
    # The newest feed-ranking session is strong, so a case never finished has more to give.
    assert data["practise_next"]["case_id"] == "ad-click-prediction"
    assert data["practise_next"]["reason"] == "you have not tried it yet"


def test_a_four_step_user_is_pointed_at_a_four_step_step(private_home, mlsd):
    four = LIBRARY.frameworks["four-step"]
    answer = parse_answer((DATA / "answers" / "feed-ranking" / "strong.md").read_text(), four, SEVEN)
    with HistoryStore(private_home / "history.sqlite3") as store:
        session = InterviewSession.start(store, LIBRARY.case("feed-ranking"), four, SCORER, NoticeBuffer())
        session.done_clarifying()
        for step in four.steps:
            session.submit(step, answer.text(step.id))
        session.finish()
    suggestion = json.loads(mlsd("history", "--json").stdout)["practise_next"]
    assert suggestion["reason"] == "you have not tried it yet"
    assert (suggestion["step_id"], suggestion["step_title"]) == ("scope", four.steps[0].title)


def test_practise_next_points_at_the_step_worth_most(private_home, mlsd):
    practise(private_home, "feed-ranking", "weak")
    suggestion = json.loads(mlsd("history", "--json").stdout)["practise_next"]
    assert suggestion["case_id"] == "feed-ranking"
    assert suggestion["step_id"] == "model"  # 10 of 45 minutes, the largest share, and scored near 0


def test_history_when_empty(mlsd):
    result = mlsd("history")
    assert result.exit_code == 0 and "No sessions yet" in result.stdout


def test_markdown_report_of_a_session(private_home, mlsd):
    session = practise(private_home, "feed-ranking", "mid")
    result = mlsd("report", str(session))
    assert result.exit_code == 0, result.stderr
    assert "How many users?" in result.stdout
    assert LIBRARY.case("feed-ranking").model_answer["monitoring"].split("\n")[0].strip() in result.stdout


def test_html_report_escapes_user_text_and_writes_a_file(private_home, mlsd, tmp_path):
    session = practise(private_home, "feed-ranking", "mid", extra="\n<script>alert('x')</script>")
    out = tmp_path / "report.html"
    result = mlsd("report", str(session), "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html and "<script" not in html


def test_latest_report(private_home, mlsd):
    practise(private_home, "feed-ranking", "weak")
    assert mlsd("report", "latest").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "99"], "no session 99"),
        (["report", "abc"], "'abc' is not a session id"),
        (["report", "latest", "--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_report_bad_input(private_home, mlsd, args, message):
    practise(private_home, "feed-ranking", "weak")
    result = mlsd(*args)
    assert result.exit_code == 2 and message in result.stderr
