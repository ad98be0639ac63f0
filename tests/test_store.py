"""The history database: migrations, durability, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from mlsd_coach.scoring.scorecard import StepResult
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import MockSettings
from mlsd_coach.store.migrations import MIGRATIONS, NewerSchemaError, migrate


def tables(path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_blank_database_is_migrated_to_the_latest_schema(tmp_path):
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    assert {"sessions", "events", "step_scores", "migrations"} <= tables(path)
    with sqlite3.connect(path) as db:
        applied = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
        assert applied == [name for name, _ in MIGRATIONS]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_upgraded_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    name, sql = MIGRATIONS[0]
    for statement in filter(str.strip, sql.split(";")):
        db.execute(statement)
    db.execute("INSERT INTO migrations VALUES (?, '2026-01-01')", (name,))
    db.execute(
        "INSERT INTO sessions (case_id, framework, mode, started_at) VALUES ('feed-ranking', 'seven-step', 'practice', '2026-01-01')"
    )
    db.execute(
        "INSERT INTO events (session_id, step_id, kind, text, created_at) VALUES (1, 'data', 'answer', 'kept', '2026-01-01')"
    )
    db.close()

    with HistoryStore(path) as store:
        [session] = store.sessions()
        assert (
            session.case_id == "feed-ranking"
            and session.scorer == "offline"
            and session.settings == MockSettings()
        )
        assert [e.text for e in store.events(session.id)] == ["kept"]
        store.add_step_score(
            session.id, StepResult(id="data", title="Data", score=50.0, level="lean no hire", answered=True)
        )
        assert store.step_scores(session.id)[0].attempt == 1


def test_migrating_twice_applies_nothing(tmp_path):
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db) == []
    db.close()


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    import mlsd_coach.store.migrations as migrations

    broken = [*MIGRATIONS, ("999_broken", "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1)")]
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(db)
    assert "half" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert "999_broken" not in {r[0] for r in db.execute("SELECT name FROM migrations")}
    db.close()


WRITER = """
import sys
from pathlib import Path
from mlsd_coach.store.history import HistoryStore
store = HistoryStore(Path(sys.argv[1]))
session = store.start_session("feed-ranking", "seven-step", "practice", "offline")
for i in range(200):
    store.add_event(session, "answer", f"{sys.argv[2]}-{i}", "data")
print(session)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], stdout=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    sessions = [int(w.communicate(timeout=60)[0]) for w in writers]
    assert all(w.returncode == 0 for w in writers)
    with HistoryStore(path) as store:
        for session, name in zip(sessions, ("a", "b"), strict=True):
            assert [e.text for e in store.events(session)] == [f"{name}-{i}" for i in range(200)]
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_migrate_refuses_a_newer_database_without_writing(tmp_path):
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    db.execute("INSERT INTO migrations VALUES ('999_from_the_future', '2030-01-01')")
    with pytest.raises(NewerSchemaError) as raised:
        migrate(db)
    assert raised.value.names == ["999_from_the_future"]
    assert tables(path) == {"migrations"}
    assert [r[0] for r in db.execute("SELECT name FROM migrations")] == ["999_from_the_future"]
    db.close()
