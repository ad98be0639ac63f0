"""The drill's review state in the history file: one row per card that has been reviewed
(its FSRS state and when it is due) and one row per review (score, rating, FSRS's log, and
the answer as typed, as an event of the drill session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mlsd_coach.store.history import HistoryStore, now


@dataclass(frozen=True)
class CardState:
    card_id: str
    case_id: str
    kind: str
    fsrs: str  # FSRS's card as JSON
    due: datetime  # aware
    reviews: int
    number: int  # the row's number, FSRS's card id


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    score: float
    rating: int
    seen_before: bool  # the card had been reviewed before: this review tests recall
    reviewed_at: datetime


@dataclass(frozen=True)
class NewReview:
    card_id: str
    case_id: str
    kind: str
    score: float
    rating: int
    fsrs: str
    log: str
    due: datetime
    reviewed_at: datetime
    session_id: int
    event_id: int | None


class DrillStore:
    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def cards(self) -> dict[str, CardState]:
        rows = self.store.query(
            "SELECT rowid, card_id, case_id, kind, fsrs_json, due_at, reviews FROM drill_cards ORDER BY due_at"
        )
        cards = {}
        for row in rows:
            due = _moment(row["due_at"])
            if due is not None:  # a row edited by hand into nonsense is left out, not fatal
                cards[row["card_id"]] = CardState(
                    row["card_id"],
                    row["case_id"],
                    row["kind"],
                    row["fsrs_json"],
                    due,
                    row["reviews"],
                    row["rowid"],
                )
        return cards

    def next_number(self) -> int:
        [(number,)] = self.store.query("SELECT COALESCE(MAX(rowid), 0) + 1 FROM drill_cards")
        return int(number)

    def record(self, review: NewReview) -> None:
        """The review and the card's new state, together."""
        seen = self.store.query("SELECT reviews FROM drill_cards WHERE card_id = ?", (review.card_id,))
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO drill_reviews (card_id, session_id, event_id, score, rating, seen_before, "
                "reviewed_at, log_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.card_id,
                    review.session_id,
                    review.event_id,
                    review.score,
                    review.rating,
                    int(bool(seen)),
                    review.reviewed_at.isoformat(),
                    review.log,
                ),
            )
            self.store.execute(
                "INSERT INTO drill_cards (card_id, case_id, kind, fsrs_json, due_at, reviews, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(card_id) DO UPDATE SET fsrs_json = excluded.fsrs_json, "
                "due_at = excluded.due_at, reviews = reviews + 1, updated_at = excluded.updated_at",
                (review.card_id, review.case_id, review.kind, review.fsrs, review.due.isoformat(), now()),
            )

    def reviews(self) -> list[ReviewRow]:
        rows = self.store.query(
            "SELECT card_id, score, rating, seen_before, reviewed_at FROM drill_reviews ORDER BY id"
        )
        reviews = []
        for row in rows:
            when = _moment(row["reviewed_at"])
            if when is not None:
                reviews.append(
                    ReviewRow(row["card_id"], row["score"], row["rating"], bool(row["seen_before"]), when)
                )
        return reviews


def _moment(text: object) -> datetime | None:
    """A stored aware timestamp, or None if the row does not hold one."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
