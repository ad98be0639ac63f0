"""When a card comes back: the FSRS algorithm, through the maintained `fsrs` package.

A drill's score becomes FSRS's four ratings by fixed thresholds (`rating_for`). Reviews are
counted in whole days: the learning steps FSRS offers for minutes-apart flash cards are off,
so every rating schedules the card a day or more ahead, and a card is due on a local calendar
day (the user's time zone), whatever the hour it was last seen. Fuzzing is off so that the
same history always gives the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum

from fsrs import Card, Rating, Scheduler

DESIRED_RETENTION = 0.9
SCHEDULER = Scheduler(
    desired_retention=DESIRED_RETENTION, learning_steps=(), relearning_steps=(), enable_fuzzing=False
)
# score thresholds (0-1) for FSRS's ratings: below HARD_FROM is "again" (forgotten)
HARD_FROM = 0.4
GOOD_FROM = 0.6  # the score at which a rubric item counts as met
EASY_FROM = 0.85


class Grade(IntEnum):
    """FSRS's rating, by the names the drill prints."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.lower()


def grade_for(score: float) -> Grade:
    if score >= EASY_FROM:
        return Grade.EASY
    if score >= GOOD_FROM:
        return Grade.GOOD
    if score >= HARD_FROM:
        return Grade.HARD
    return Grade.AGAIN


@dataclass(frozen=True)
class Reviewed:
    state: str  # the card's FSRS state as JSON, to store
    log: str  # FSRS's review log as JSON
    due: datetime  # aware, UTC


def review(previous: str | None, grade: Grade, when: datetime, number: int) -> Reviewed:
    """The card after a review graded `grade` at `when` (aware); `previous` is its stored
    state (None for a new card), `number` the card's row number, FSRS's card id."""
    card = _card(previous) if previous else None
    card = card or Card(card_id=number)  # a state that cannot be read starts the card afresh
    card, log = SCHEDULER.review_card(card, Rating(int(grade)), review_datetime=when)
    return Reviewed(card.to_json(), log.to_json(), card.due)


def retrievability(state: str, when: datetime) -> float | None:
    """FSRS's estimate of the chance the card is recalled at `when`; None if the stored state
    cannot be read."""
    card = _card(state)
    return None if card is None else float(SCHEDULER.get_card_retrievability(card, when))


def _card(state: str) -> Card | None:
    try:
        return Card.from_json(state)
    except (ValueError, KeyError, TypeError):
        return None


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` where the user is (the system's time zone)."""
    return moment.astimezone().date()
