"""What `mlsd history` says of the drill: how many cards are due today, and how often cards
seen before were recalled, week by week (the retention trend), with FSRS's estimate of
what would be recalled now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mlsd_coach.drill.plan import is_due
from mlsd_coach.drill.schedule import Grade, local_day, retrievability
from mlsd_coach.store.drill import DrillStore

WEEKS_SHOWN = 6


@dataclass(frozen=True)
class WeekRetention:
    week: str  # ISO week of the user's calendar, "2026-W49"
    reviews: int  # reviews of cards seen before
    recalled: int  # of them, rated hard or better

    @property
    def rate(self) -> float:
        return self.recalled / self.reviews if self.reviews else 0.0


@dataclass(frozen=True)
class DrillSummary:
    cards: int  # cards with a schedule
    due_today: int
    reviews: int
    retention: list[WeekRetention]  # oldest first, the last WEEKS_SHOWN weeks with reviews
    estimated_retention: float | None  # FSRS's mean chance of recall now, over scheduled cards


def summarise(drill: DrillStore, now: datetime) -> DrillSummary:
    today = local_day(now)
    states = drill.cards()
    reviews = drill.reviews()
    weeks: dict[str, list[int]] = {}
    for review in reviews:
        if not review.seen_before:
            continue
        year, week, _ = local_day(review.reviewed_at).isocalendar()
        counts = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
        counts[0] += 1
        counts[1] += review.rating >= Grade.HARD
    retention = [WeekRetention(week, total, recalled) for week, (total, recalled) in sorted(weeks.items())]
    chances = [chance for state in states.values() if (chance := retrievability(state.fsrs, now)) is not None]
    return DrillSummary(
        cards=len(states),
        due_today=sum(is_due(state, today) for state in states.values()),
        reviews=len(reviews),
        retention=retention[-WEEKS_SHOWN:],
        estimated_retention=sum(chances) / len(chances) if chances else None,
    )
