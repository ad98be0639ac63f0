"""Which cards a drill asks, in what order: the cards due today (most overdue first), then
new ones, one of each kind in turn (concept, estimate, trade-off, debug), in each turn those
testing what the history says the user misses most first, then core items before depth,
until the session's minutes are planned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from mlsd_coach.drill.cards import KIND_NAMES, DrillCard
from mlsd_coach.drill.schedule import local_day
from mlsd_coach.store.drill import CardState

Missed = Mapping[tuple[str, str], int]  # (case id, item id) -> times missed in finished sessions


@dataclass(frozen=True)
class Planned:
    card: DrillCard
    state: CardState | None  # None: never reviewed

    @property
    def new(self) -> bool:
        return self.state is None


def is_due(state: CardState, today: date) -> bool:
    return local_day(state.due) <= today


def due(cards: Iterable[DrillCard], states: Mapping[str, CardState], today: date) -> list[Planned]:
    """The reviewed cards due on or before `today`, most overdue first."""
    found = [
        Planned(card, states[card.id])
        for card in cards
        if card.id in states and is_due(states[card.id], today)
    ]
    return sorted(found, key=lambda planned: (states[planned.card.id].due, planned.card.id))


def fresh(cards: list[DrillCard], states: Mapping[str, CardState], missed: Missed) -> list[DrillCard]:
    """The never-reviewed cards, in the order they are worth asking."""
    case_order = {case: position for position, case in enumerate(dict.fromkeys(c.case_id for c in cards))}
    rank: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    candidates = [card for card in cards if card.id not in states]

    def misses(card: DrillCard) -> int:
        return sum(missed.get((card.case_id, item), 0) for item in card.items)

    # within a case and kind: missed most first, then core, then the case's own order
    for card in sorted(candidates, key=lambda c: (-misses(c), not c.core)):
        key = (card.case_id, card.kind)
        rank[card.id] = seen.get(key, 0)
        seen[key] = rank[card.id] + 1
    # one of each kind in turn, so that a session mixes them; in each turn what is missed first
    return sorted(
        candidates,
        key=lambda c: (rank[c.id], -misses(c), case_order[c.case_id], KIND_NAMES.index(c.kind)),
    )


def plan(due_now: list[Planned], new: list[DrillCard], minutes: float) -> list[Planned]:
    """A session of about `minutes`: the due cards first, then new ones (in the orders `due`
    and `fresh` give); never empty while any card exists."""
    chosen: list[Planned] = []
    planned_minutes = 0.0
    for planned in [*due_now, *(Planned(card, None) for card in new)]:
        if chosen and planned_minutes + planned.card.minutes > minutes:
            continue
        chosen.append(planned)
        planned_minutes += planned.card.minutes
    return chosen
