"""Named, ordered schema migrations, each applied in its own transaction and recorded in
`migrations`, so a database of any older version is brought up to date in place.

A database that records a migration this version does not know was written by a newer mlsd:
it is never written to (`NewerSchemaError`)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from types import TracebackType

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_sessions_and_events",
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            mode TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            step_id TEXT,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_by_session ON events(session_id, id);
        """,
    ),
    (
        "002_scores_and_timing",
        """
        ALTER TABLE sessions ADD COLUMN scorer TEXT NOT NULL DEFAULT 'offline';
        ALTER TABLE sessions ADD COLUMN overall_score REAL;
        ALTER TABLE sessions ADD COLUMN level TEXT;
        ALTER TABLE sessions ADD COLUMN scorecard_json TEXT;
        ALTER TABLE sessions ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE events ADD COLUMN seconds REAL;
        CREATE TABLE step_scores (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            step_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            score REAL NOT NULL,
            level TEXT NOT NULL,
            result_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (session_id, step_id, attempt)
        );
        CREATE INDEX sessions_by_case ON sessions(case_id, started_at);
        """,
    ),
    (
        "003_drill_cards_and_reviews",
        """
        CREATE TABLE drill_cards (
            card_id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            fsrs_json TEXT NOT NULL,
            due_at TEXT NOT NULL,
            reviews INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE drill_reviews (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
            score REAL NOT NULL,
            rating INTEGER NOT NULL,
            seen_before INTEGER NOT NULL,
            reviewed_at TEXT NOT NULL,
            log_json TEXT NOT NULL
        );
        CREATE INDEX drill_reviews_by_time ON drill_reviews(reviewed_at);
        """,
    ),
]


class NewerSchemaError(Exception):
    """The database records migrations this version does not know."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def refuse_newer_schema(connection: sqlite3.Connection) -> None:
    """Raise `NewerSchemaError` if a newer mlsd migrated this database; only reads."""
    if not connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone():
        return
    known = {name for name, _ in MIGRATIONS}
    rows = connection.execute("SELECT name FROM migrations ORDER BY name").fetchall()
    unknown = [str(name) for (name,) in rows if name not in known]
    if unknown:
        raise NewerSchemaError(unknown)


def migrate(connection: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied.

    Raises `NewerSchemaError`, having written nothing, if the database is newer than this code.
    """
    refuse_newer_schema(connection)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied = []
    for name, sql in MIGRATIONS:
        with write_transaction(connection):
            # Checked inside the write lock: another mlsd process may have migrated meanwhile.
            refuse_newer_schema(connection)
            if connection.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                continue
            for statement in (s.strip() for s in sql.split(";")):
                if statement:
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
        applied.append(name)
    return applied


class write_transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (DDL included: SQLite's DDL is transactional)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.connection.execute("COMMIT")
        # SQLite rolls back by itself on some errors (a full disk, for one): a second ROLLBACK
        # would fail and hide the error that matters.
        elif self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
