"""`mlsd history` and `mlsd report` print stored text as text: the id and the score are never
cut, markup in a case or an answer prints as typed, and no control character reaches stdout."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from mlsd_coach.answers import parse_answer
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.scorecard import ItemResult, Rating, Scorecard, StepResult
from mlsd_coach.store.history import HistoryStore

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
SCORER = OfflineJudge(load_glossary())
LONG_ID = 98765432101
HOSTILE = "[/bold] [/features/v2] [bold red]x\x1b]0;pwned\x07\x1b[2J"


def practise(home: Path, extra: str = "") -> int:
    answer = parse_answer((DATA / "answers" / "feed-ranking" / "mid.md").read_text(), SEVEN)
    with HistoryStore(home / "history.sqlite3") as store:
        session = InterviewSession.start(store, LIBRARY.case("feed-ranking"), SEVEN, SCORER, NoticeBuffer())
        for step in SEVEN.steps:
            session.submit(step, answer.text(step.id) + extra)
        session.finish()
        return session.session_id


def first_cells(table: str) -> list[str]:
    """The non-empty first cells of the body rows of a rich table (the session ids)."""
    cells = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    return [cell for cell in cells if cell]


@pytest.mark.parametrize("columns", ["60", pytest.param("80", marks=pytest.mark.slow)])  # 60 is the narrower
def test_the_id_and_score_are_printed_whole_and_the_id_works(private_home, columns):
    HistoryStore(private_home / "history.sqlite3").close()
    with sqlite3.connect(private_home / "history.sqlite3") as db:
        db.execute(
            "INSERT INTO sessions (id, case_id, framework, mode, started_at) "
            "VALUES (?, 'feed-ranking', 'seven-step', 'practice', '2026-01-01T00:00:00+00:00')",
            (LONG_ID - 1,),
        )
    db.close()
    session = practise(private_home)
    assert session == LONG_ID
    with HistoryStore(private_home / "history.sqlite3") as store:
        row = store.session(session)
        assert row is not None and row.overall_score is not None
        score = f"{row.overall_score:.1f}"

    env = {**os.environ, "COLUMNS": columns}
    table = run_cli("history", env=env)  # stdout is a pipe, as in `mlsd history | less`
    assert table.returncode == 0, table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= int(columns)
    assert "…" not in table.stdout
    printed = first_cells(table.stdout)
    assert printed == [str(LONG_ID - 1), str(LONG_ID)]
    assert f" {score} " in table.stdout

    report = run_cli("report", printed[-1], env=env)
    assert report.returncode == 0, report.stderr
    assert f"session {LONG_ID}" in report.stdout


def hostile_session(home: Path) -> None:
    """A session whose case id, step title, missed item and level all carry markup and escapes."""
    joins = ItemResult(id="joins", title=f"Joins {HOSTILE}", score=0.0)
    step = StepResult(
        id="data", title=f"Data {HOSTILE}", score=40.0, level=HOSTILE, answered=True, items=(joins,)
    )
    card = Scorecard(
        case=f"case {HOSTILE}",
        framework="7-step",
        scorer="offline",
        overall=Rating(score=40.0, level=HOSTILE),
        steps=(step,),
    )
    with HistoryStore(home / "history.sqlite3") as store:
        session = store.start_session(f"case {HOSTILE}", "seven-step", "practice", "offline")
        store.finish_session(session, card)


@pytest.mark.parametrize("columns", ["120", "60"])
def test_history_prints_markup_as_text_and_no_control_characters(private_home, mlsd, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    from mlsd_coach.cli.output import console

    console.cache_clear()  # a console made for another test kept that test's width
    hostile_session(private_home)
    result = mlsd("history")
    console.cache_clear()
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[/bold]" in result.stdout and "[/features/v2]" in result.stdout
    if columns == "120":
        assert "Data [/bold] [/features/v2] [bold red]x]0;pwned[2J" in result.stdout
        assert "Joins [/bold]" in result.stdout


def test_report_prints_markup_as_text_and_no_control_characters(private_home, mlsd, tmp_path):
    session = practise(private_home, extra=f"\n{HOSTILE}")
    out = mlsd("report", str(session), "--format", "md")
    assert out.exit_code == 0, out.stderr
    assert "[/bold] [/features/v2]" in out.stdout and "\x1b" not in out.stdout

    for fmt in ("md", "html"):
        file = tmp_path / f"report.{fmt}"
        written = mlsd("report", str(session), "--format", fmt, "-o", str(file))
        assert written.exit_code == 0, written.stderr
        text = file.read_text(encoding="utf-8")
        assert "[/bold]" in text
        assert "\x1b" not in text and "\x07" not in text
