"""The history store: one SQLite file, written so that nothing entered is ever lost.

Every write commits at once (autocommit), the journal is WAL with a busy timeout so two mlsd
processes can write together, and the schema is brought up to date on open.

Every SQLite error, on open or on any read or write, leaves as a `HistoryError` that names the
file and what to do (`history_errors`). A session whose stored JSON cannot be read is skipped,
with one warning, wherever sessions are listed; asked for by id, it is an error.
"""

from __future__ import annotations

import json
import shlex
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlsd_coach import paths
from mlsd_coach.errors import HistoryError
from mlsd_coach.scoring.scorecard import Scorecard, StepResult
from mlsd_coach.store.kinds import EventKind, MockSettings, Mode
from mlsd_coach.store.migrations import NewerSchemaError, migrate, refuse_newer_schema, write_transaction

M = TypeVar("M", bound=BaseModel)

_MAX_ROWID = 2**63 - 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def shown(path: Path) -> str:
    """`path` as the user would type it: under their home directory, with `~`."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)


def _move_aside(path: Path) -> str:
    quoted = shlex.quote(str(path))
    return f"move it aside (mv {quoted} {quoted}.bak) and mlsd starts a new history"


def explain(path: Path, err: sqlite3.Error | NewerSchemaError) -> str:
    """One line for the user: what is wrong with the history file and what to do about it."""
    name = shown(path)
    if isinstance(err, NewerSchemaError):
        return (
            f"{name}: was written by a newer mlsd (migration '{err.names[0]}'); "
            "upgrade mlsd, or set MLSD_HOME to use another history"
        )
    reason = str(err)
    primary = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF
    if primary == sqlite3.SQLITE_CANTOPEN and path.is_dir():
        return f"{name}: is a directory, not a history database; {_move_aside(path)}"
    if primary == sqlite3.SQLITE_CANTOPEN:
        return (
            f"{name}: cannot be opened ({reason}); check that it and its folder are readable and "
            "writable, or set MLSD_HOME to another directory"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return (
            f"{name}: is read-only ({reason}); make it and its folder writable, "
            "or set MLSD_HOME to a writable directory"
        )
    if primary == sqlite3.SQLITE_FULL:
        return f"{name}: the disk is full ({reason}); free some space and try again"
    if primary == sqlite3.SQLITE_IOERR:
        return (
            f"{name}: cannot be read or written ({reason}); check that its disk has free space "
            "and that it is writable, or set MLSD_HOME to another directory"
        )
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return f"{name}: not a usable SQLite database ({reason}); {_move_aside(path)}"
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"{name}: another mlsd is writing to it ({reason}); try again when it has finished"
    return f"{name}: cannot be used ({reason}); if this persists, {_move_aside(path)}"


@contextmanager
def history_errors(path: Path) -> Iterator[None]:
    """The one place where SQLite's errors become a `HistoryError` naming `path`."""
    try:
        yield
    except (sqlite3.Error, NewerSchemaError) as err:
        raise HistoryError(explain(path, err)) from err


class UnreadableSessionError(HistoryError):
    """One session's stored JSON cannot be read; the rest of the history can."""

    def __init__(self, path: Path, session_id: int, part: str) -> None:
        super().__init__(
            f"{shown(path)}: session {session_id} is damaged (its {part} cannot be read) "
            "and cannot be shown; the other sessions are unaffected"
        )
        self.path = path
        self.session_id = session_id
        self.part = part

    def warning(self) -> str:
        return f"{shown(self.path)}: session {self.session_id} is damaged (its {self.part} cannot be read); skipping it"


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
    settings: MockSettings

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
    attempt: int
    result: StepResult
    created_at: str


class HistoryStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.db_path()
        self._warned: set[int] = set()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise HistoryError(
                f"{shown(self.path)}: cannot create its folder ({err.strerror}); "
                "set MLSD_HOME to a writable directory"
            ) from None
        with history_errors(self.path):
            # Look before writing anything: opening in WAL mode and migrating are writes.
            self._refuse_newer_schema()
            self._db = self._open()

    def _refuse_newer_schema(self) -> None:
        if not self.path.is_file():
            return
        probe = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            refuse_newer_schema(probe)
        finally:
            probe.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with history_errors(self.path):
            return self._db.execute(sql, params).fetchall()

    def execute(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement (committed at once, unless inside `transaction`); returns the new
        row's id."""
        with history_errors(self.path):
            return int(self._db.execute(sql, params).lastrowid or 0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The statements run inside are committed together, or not at all."""
        with history_errors(self.path), write_transaction(self._db):
            yield

    def skip(self, error: UnreadableSessionError) -> None:
        """Warn, once per session, that an unreadable session is left out."""
        if error.session_id not in self._warned:
            self._warned.add(error.session_id)
            sys.stderr.write(f"warning: {error.warning()}\n")

    # sessions
    def start_session(
        self, case_id: str, framework: str, mode: Mode, scorer: str, settings: MockSettings | None = None
    ) -> int:
        return self.execute(
            "INSERT INTO sessions (case_id, framework, mode, scorer, started_at, settings_json) VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, framework, mode, scorer, now(), (settings or MockSettings()).model_dump_json()),
        )

    def finish_session(self, session_id: int, card: Scorecard) -> None:
        self.execute(
            "UPDATE sessions SET finished_at = ?, overall_score = ?, level = ?, scorecard_json = ? WHERE id = ?",
            (now(), card.score, card.level, card.model_dump_json(), session_id),
        )

    def finish_drill(self, session_id: int, score: float | None) -> None:
        """A drill ends without a scorecard: its cards' mean score (0-100), if any was rated."""
        self.execute(
            "UPDATE sessions SET finished_at = ?, overall_score = ? WHERE id = ?",
            (now(), score, session_id),
        )

    def session(self, session_id: int) -> SessionRow | None:
        """The session with this id, or None; `UnreadableSessionError` if it is damaged."""
        if not 0 < session_id <= _MAX_ROWID:
            return None
        rows = self.query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return self._session(rows[0]) if rows else None

    def sessions(self) -> list[SessionRow]:
        """Every readable session, oldest first (damaged ones skipped with a warning)."""
        return self._readable(self.query("SELECT * FROM sessions ORDER BY started_at, id"))

    def latest_unfinished(self, case_id: str, mode: str) -> SessionRow | None:
        """The newest readable unfinished session of this case and mode, or None."""
        rows = self.query(
            "SELECT * FROM sessions WHERE case_id = ? AND mode = ? AND finished_at IS NULL ORDER BY id DESC",
            (case_id, mode),
        )
        for row in rows:
            try:
                return self._session(row)
            except UnreadableSessionError as err:
                self.skip(err)
        return None

    def scorecard(self, session_id: int) -> Scorecard | None:
        """The session's scorecard, None if unfinished; `UnreadableSessionError` if damaged."""
        rows = self.query("SELECT scorecard_json FROM sessions WHERE id = ?", (session_id,))
        if not rows or not rows[0][0]:
            return None
        return self._model(Scorecard, rows[0][0], session_id, "scorecard")

    # events: every answer, question, hint and probe, committed as it happens
    def add_event(
        self,
        session_id: int,
        kind: EventKind,
        text: str,
        step_id: str | None = None,
        seconds: float | None = None,
    ) -> int:
        return self.execute(
            "INSERT INTO events (session_id, step_id, kind, text, created_at, seconds) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, step_id, kind, text, now(), seconds),
        )

    def events(self, session_id: int) -> list[Event]:
        rows = self.query(
            "SELECT id, step_id, kind, text, created_at, seconds FROM events WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [
            Event(r["id"], r["step_id"], r["kind"], r["text"], r["created_at"], r["seconds"]) for r in rows
        ]

    # step scores
    def add_step_score(self, session_id: int, result: StepResult) -> int:
        """Record one scoring of a step (its first answer, a revision, a probe reply); the
        attempt number."""
        [(attempt,)] = self.query(
            "SELECT COALESCE(MAX(attempt), 0) + 1 FROM step_scores WHERE session_id = ? AND step_id = ?",
            (session_id, result.id),
        )
        self.execute(
            "INSERT INTO step_scores (session_id, step_id, attempt, score, level, result_json, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, result.id, attempt, result.score, result.level, result.model_dump_json(), now()),
        )
        return int(attempt)

    def step_scores(self, session_id: int) -> list[StepScore]:
        """The session's step scores in order; a damaged one is skipped with a warning."""
        rows = self.query(
            "SELECT step_id, attempt, result_json, created_at FROM step_scores "
            "WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        scores = []
        for r in rows:
            try:
                part = f"score of step '{r['step_id']}'"
                result = self._model(StepResult, r["result_json"], session_id, part)
            except UnreadableSessionError as err:
                self.skip(err)
                continue
            scores.append(StepScore(r["attempt"], result, r["created_at"]))
        return scores

    def _readable(self, rows: list[sqlite3.Row]) -> list[SessionRow]:
        sessions = []
        for row in rows:
            try:
                sessions.append(self._session(row))
            except UnreadableSessionError as err:
                self.skip(err)
        return sessions

    def _session(self, row: sqlite3.Row) -> SessionRow:
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
            settings=self._model(MockSettings, row["settings_json"] or "{}", row["id"], "settings"),
        )

    def _model(self, model: type[M], raw: str | bytes, session_id: int, part: str) -> M:
        """A stored JSON object read back as its model; `UnreadableSessionError` if it is not one."""
        try:
            return model.model_validate(self._json_object(raw, session_id, part))
        except ValidationError:
            raise UnreadableSessionError(self.path, session_id, part) from None

    def _json_object(self, raw: str | bytes, session_id: int, part: str) -> dict[str, Any]:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise UnreadableSessionError(self.path, session_id, part)
        return value
