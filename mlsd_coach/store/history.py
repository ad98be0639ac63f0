"""The history store: one SQLite file, written so that nothing entered is ever lost.

Every write commits at once (autocommit), the journal is WAL with a busy timeout so two mlsd
processes can write together, and the schema is brought up to date on open.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlsd_coach import paths
from mlsd_coach.store.migrations import migrate

DB_FILE = "history.sqlite3"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SessionRow:
    id: int
    case_id: str
    framework: str
    mode: str
    scorer: str
    started_at: str
    finished_at: str | None
    overall_score: float | None
    level: str | None
    settings: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True)
class Event:
    id: int
    step_id: str | None
    kind: str
    text: str
    created_at: str
    seconds: float | None


@dataclass(frozen=True)
class StepScore:
    step_id: str
    attempt: int
    score: float
    level: str
    result: dict[str, Any]
    created_at: str


class HistoryStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.home() / DB_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")
        migrate(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # sessions
    def start_session(
        self, case_id: str, framework: str, mode: str, scorer: str, settings: dict[str, Any] | None = None
    ) -> int:
        cursor = self._db.execute(
            "INSERT INTO sessions (case_id, framework, mode, scorer, started_at, settings_json) VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, framework, mode, scorer, now(), json.dumps(settings or {})),
        )
        return int(cursor.lastrowid or 0)

    def finish_session(
        self, session_id: int, overall_score: float, level: str, scorecard: dict[str, Any]
    ) -> None:
        self._db.execute(
            "UPDATE sessions SET finished_at = ?, overall_score = ?, level = ?, scorecard_json = ? WHERE id = ?",
            (now(), overall_score, level, json.dumps(scorecard), session_id),
        )

    def session(self, session_id: int) -> SessionRow | None:
        row = self._db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return _session(row) if row else None

    def sessions(self) -> list[SessionRow]:
        rows = self._db.execute("SELECT * FROM sessions ORDER BY started_at, id").fetchall()
        return [_session(row) for row in rows]

    def latest_unfinished(self, case_id: str, mode: str) -> SessionRow | None:
        row = self._db.execute(
            "SELECT * FROM sessions WHERE case_id = ? AND mode = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1",
            (case_id, mode),
        ).fetchone()
        return _session(row) if row else None

    def scorecard(self, session_id: int) -> dict[str, Any] | None:
        row = self._db.execute("SELECT scorecard_json FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    # events: every answer, question, hint and probe, committed as it happens
    def add_event(
        self, session_id: int, kind: str, text: str, step_id: str | None = None, seconds: float | None = None
    ) -> int:
        cursor = self._db.execute(
            "INSERT INTO events (session_id, step_id, kind, text, created_at, seconds) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, step_id, kind, text, now(), seconds),
        )
        return int(cursor.lastrowid or 0)

    def events(self, session_id: int) -> list[Event]:
        rows = self._db.execute(
            "SELECT id, step_id, kind, text, created_at, seconds FROM events WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [
            Event(r["id"], r["step_id"], r["kind"], r["text"], r["created_at"], r["seconds"]) for r in rows
        ]

    # step scores
    def add_step_score(
        self, session_id: int, step_id: str, score: float, level: str, result: dict[str, Any]
    ) -> int:
        attempt = self._db.execute(
            "SELECT COALESCE(MAX(attempt), 0) + 1 FROM step_scores WHERE session_id = ? AND step_id = ?",
            (session_id, step_id),
        ).fetchone()[0]
        self._db.execute(
            "INSERT INTO step_scores (session_id, step_id, attempt, score, level, result_json, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, step_id, attempt, score, level, json.dumps(result), now()),
        )
        return int(attempt)

    def step_scores(self, session_id: int) -> list[StepScore]:
        rows = self._db.execute(
            "SELECT step_id, attempt, score, level, result_json, created_at FROM step_scores "
            "WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [
            StepScore(
                r["step_id"],
                r["attempt"],
                r["score"],
                r["level"],
                json.loads(r["result_json"]),
                r["created_at"],
            )
            for r in rows
        ]


def _session(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        id=row["id"],
        case_id=row["case_id"],
        framework=row["framework"],
        mode=row["mode"],
        scorer=row["scorer"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        overall_score=row["overall_score"],
        level=row["level"],
        settings=json.loads(row["settings_json"] or "{}"),
    )
