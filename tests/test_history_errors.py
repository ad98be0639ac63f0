"""A history file that cannot be used is one line naming it and what to do (exit 2), never an
"unexpected" failure; a damaged session is skipped with a warning; a newer file is never written."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, REPO
from mlsd_coach.answers import parse_answer
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.errors import HistoryError
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.scorecard import StepResult
from mlsd_coach.store.history import HistoryStore

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
SCORER = OfflineJudge(load_glossary())


def db_file(home: Path) -> Path:
    return home / "history.sqlite3"


def practise(home: Path, extra: str = "") -> int:
    """One finished feed-ranking session in the real history file; returns its id."""
    answer = parse_answer((DATA / "answers" / "feed-ranking" / "mid.md").read_text(), SEVEN)
    with HistoryStore(db_file(home)) as store:
        session = InterviewSession.start(store, LIBRARY.case("feed-ranking"), SEVEN, SCORER, NoticeBuffer())
        for step in SEVEN.steps:
            session.submit(step, answer.text(step.id) + extra)
        session.finish()
        return session.session_id


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "unexpected" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def fingerprint(*files: Path) -> dict[str, str | None]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else None for f in files}


# --- files that are not a usable database ---


@pytest.mark.parametrize("command", [["history"], ["history", "--json"], ["report", "latest"]])
def test_random_bytes_at_the_database_path(private_home, mlsd, command):
    db_file(private_home).write_bytes(os.urandom(20_000))
    result = mlsd(*command)
    assert_one_line_error(result, str(db_file(private_home)), "not a usable SQLite database", "mv ")


def test_a_truncated_database(private_home, mlsd):
    practise(private_home)
    data = db_file(private_home).read_bytes()
    db_file(private_home).write_bytes(data[: len(data) // 2])
    for command in (["history"], ["report", "1"]):
        result = mlsd(*command)
        assert_one_line_error(result, str(db_file(private_home)), "malformed", "move it aside")


def test_a_directory_at_the_database_path(private_home, mlsd):
    db_file(private_home).mkdir()
    result = mlsd("history")
    assert_one_line_error(result, str(db_file(private_home)), "is a directory", "move it aside")


def test_a_full_disk_through_the_real_entry_point(private_home):
    """A real write failure: the process may not grow any file past 4 KiB (SIGXFSZ ignored, so
    the write fails instead of killing the process), which SQLite reports as a disk I/O error."""
    script = (
        "import resource, signal, sys, runpy;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096));"
        "sys.argv = ['mlsd', 'history'];"
        "runpy.run_module('mlsd_coach', run_name='__main__')"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "unexpected" not in result.stderr
    [line] = result.stderr.splitlines()
    assert str(db_file(private_home)) in line and "free space" in line


# --- the translation of real SQLite conditions, at the store boundary ---


def test_a_full_disk_on_write_says_free_space(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    session = store.start_session("feed-ranking", "seven-step", "practice", "offline")
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(HistoryError, match=r"h\.sqlite3: the disk is full .*free some space"):
        store.add_event(session, "answer", "x" * 100_000, "data")
    store.close()


def test_a_read_only_database_says_fix_permissions_or_set_mlsd_home(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    store._db.execute("PRAGMA query_only = ON")
    with pytest.raises(HistoryError, match=r"h\.sqlite3: is read-only .*writable.*MLSD_HOME"):
        store.start_session("feed-ranking", "seven-step", "practice", "offline")
    store.close()


def test_a_locked_database_says_another_mlsd_is_writing(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    store._db.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError, match=r"another mlsd is writing to it .*try again"):
            store.start_session("feed-ranking", "seven-step", "practice", "offline")
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_a_folder_that_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(HistoryError, match=r"cannot create its folder"):
        HistoryStore(tmp_path / "file" / "h.sqlite3")


# --- a newer schema ---

FUTURE = """
import os, sqlite3, sys
from mlsd_coach.store.history import HistoryStore
HistoryStore().close()
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("INSERT INTO migrations VALUES ('999_from_the_future', '2030-01-01')")
db.execute("INSERT INTO sessions (case_id, framework, mode, started_at) VALUES ('x', 'y', 'z', 'now')")
os._exit(0)  # as if that mlsd were still running: its last writes are only in the -wal file
"""


def test_a_database_from_a_newer_mlsd_is_refused_and_never_written(private_home, mlsd):
    path = db_file(private_home)
    subprocess.run([sys.executable, "-c", FUTURE, str(path)], check=True, timeout=60, cwd=REPO)
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0
    before = fingerprint(path, wal)
    for command in (["history"], ["report", "latest"], ["report", "1"]):
        result = mlsd(*command)
        assert_one_line_error(
            result, str(path), "newer mlsd (migration '999_from_the_future')", "upgrade mlsd", "MLSD_HOME"
        )
    assert fingerprint(path, wal) == before


# --- one damaged row ---


def damage(home: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(db_file(home)) as db:
        db.execute(sql, params)
    db.close()


@pytest.mark.parametrize(
    ("column", "value", "part"),
    [
        ("scorecard_json", "{not json", "scorecard"),
        ("scorecard_json", '{"steps": 3}', "scorecard"),
        ("settings_json", "[1, 2", "settings"),
        ("settings_json", "[]", "settings"),
    ],
)
def test_a_damaged_session_is_skipped_with_one_warning(private_home, mlsd, column, value, part):
    first, damaged, last = (practise(private_home) for _ in range(3))
    damage(private_home, f"UPDATE sessions SET {column} = ? WHERE id = ?", value, damaged)
    path = db_file(private_home)

    table = mlsd("history")
    assert table.exit_code == 0, table.stderr
    [warning] = table.stderr.splitlines()
    assert warning.startswith("warning: ") and str(path) in warning
    assert f"session {damaged} is damaged (its {part} cannot be read)" in warning

    listing = mlsd("history", "--json")
    assert listing.exit_code == 0, listing.stderr
    assert [s["id"] for s in json.loads(listing.stdout)["sessions"]] == [first, last]
    assert mlsd("report", str(first)).exit_code == 0
    assert mlsd("report", "latest").exit_code == 0

    result = mlsd("report", str(damaged))
    assert_one_line_error(result, str(path), f"session {damaged} is damaged")


def test_a_damaged_step_score_is_skipped_with_a_warning(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        session = store.start_session("feed-ranking", "seven-step", "practice", "offline")
        for step_id, score in (("data", 40.0), ("model", 60.0)):
            result = StepResult(id=step_id, title=step_id, score=score, level="no hire", answered=True)
            store.add_step_score(session, result)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE step_scores SET result_json = 'oops' WHERE step_id = 'data'")
    db.close()
    with HistoryStore(path) as store:
        assert [s.result.id for s in store.step_scores(session)] == ["model"]
    assert (
        f"session {session} is damaged (its score of step 'data' cannot be read)" in capsys.readouterr().err
    )


def test_resume_skips_a_damaged_unfinished_session(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        older = store.start_session("feed-ranking", "seven-step", "practice", "offline")
        newer = store.start_session("feed-ranking", "seven-step", "practice", "offline")
        store._db.execute("UPDATE sessions SET settings_json = '{' WHERE id = ?", (newer,))
        row = store.latest_unfinished("feed-ranking", "practice")
        assert row is not None and row.id == older


# --- session ids ---


@pytest.mark.parametrize(
    ("session", "message"),
    [
        ("99999999999999999999999", "no session 99999999999999999999999; `mlsd history` lists them"),
        ("9223372036854775808", "no session 9223372036854775808"),
        ("0", "no session 0"),
        ("-1", "'-1' is not a session id"),
        ("1_0", "'1_0' is not a session id"),
        ("١", "'١' is not a session id"),
        ("", "'' is not a session id"),
    ],
)
def test_report_of_an_id_that_is_not_there(private_home, mlsd, session, message):
    practise(private_home)
    result = mlsd("report", "--", session)
    assert_one_line_error(result, message)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("framework", "nine-step", "framework 'nine-step', which this mlsd does not know"),
        ("case_id", "a-case-since-removed", "a-case-since-removed"),
    ],
)
def test_report_of_a_session_whose_framework_or_case_is_gone(private_home, mlsd, column, value, message):
    session = practise(private_home)
    damage(private_home, f"UPDATE sessions SET {column} = ? WHERE id = ?", value, session)
    assert_one_line_error(mlsd("report", str(session)), message)
    assert mlsd("history").exit_code == 0
