"""What the history says: per-step trends, the items missed most often, and what to
practise next."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from mlsd_coach.scoring.scorecard import Scorecard
from mlsd_coach.store.history import HistoryStore, SessionRow, UnreadableSessionError


@dataclass(frozen=True)
class StepOutcome:
    """What `history` needs of one step of a stored scorecard."""

    id: str
    title: str
    score: float
    missed: list[tuple[str, str]]  # (item id, item title)


@dataclass(frozen=True)
class FinishedSession:
    row: SessionRow
    steps: list[StepOutcome]


@dataclass(frozen=True)
class MissedItem:
    id: str
    title: str
    times: int
    sessions: int


@dataclass(frozen=True)
class Suggestion:
    case_id: str
    step_id: str
    step_title: str
    step_score: float
    gain: float
    reason: str
    command: str  # what to run: the step on its own, or a case not tried yet whole


@dataclass(frozen=True)
class Progress:
    sessions: list[SessionRow]
    trends: dict[str, list[float]]
    step_titles: dict[str, str]
    most_missed: list[MissedItem]
    suggestion: Suggestion | None


MinutesByFramework = dict[str, dict[str, float]]


def progress(store: HistoryStore, minutes: MinutesByFramework, known_cases: list[str]) -> Progress:
    """The history summarised; a session whose scorecard cannot be read is left out, with a warning."""
    sessions, finished = _read(store)
    trends: dict[str, list[float]] = defaultdict(list)
    titles: dict[str, str] = {}
    missed: Counter[str] = Counter()
    missed_titles: dict[str, str] = {}
    for session in finished:
        for step in session.steps:
            trends[step.id].append(step.score)
            titles[step.id] = step.title
            for item_id, item_title in step.missed:
                missed[item_id] += 1
                missed_titles[item_id] = item_title
    most_missed = [
        MissedItem(item_id, missed_titles[item_id], count, len(finished))
        for item_id, count in missed.most_common(5)
    ]
    return Progress(sessions, dict(trends), titles, most_missed, suggest(finished, minutes, known_cases))


def missed_items(store: HistoryStore) -> Counter[tuple[str, str]]:
    """How often each (case, item) was missed in the user's finished sessions."""
    missed: Counter[tuple[str, str]] = Counter()
    for session in _read(store)[1]:
        for step in session.steps:
            missed.update((session.row.case_id, item_id) for item_id, _ in step.missed)
    return missed


def _read(store: HistoryStore) -> tuple[list[SessionRow], list[FinishedSession]]:
    """Every readable session, and those finished with a scorecard that is the user's own."""
    sessions: list[SessionRow] = []
    finished: list[FinishedSession] = []
    for row in store.sessions():
        try:
            card = store.scorecard(row.id) if row.finished else None
            # a copied reference answer says nothing about the user: not in trends or advice
            steps = None if card is None or card.copied else _step_outcomes(card)
        except UnreadableSessionError as err:
            store.skip(err)
            continue
        sessions.append(row)
        if steps is not None:
            finished.append(FinishedSession(row, steps))
    return sessions, finished


def _step_outcomes(card: Scorecard) -> list[StepOutcome]:
    return [
        StepOutcome(step.id, step.title, step.score, [(i.id, i.title) for i in step.items if not i.met])
        for step in card.steps
    ]


def suggest(
    finished: list[FinishedSession], minutes: MinutesByFramework, known_cases: list[str]
) -> Suggestion | None:
    """The (case, step) whose improvement would raise an overall score most: open points on the
    step in the newest session of each case, weighted by the step's share of the interview."""
    latest: dict[str, FinishedSession] = {}
    for session in finished:
        if session.row.mode == "step":  # a one-step retry does not stand for the whole case
            continue
        latest[session.row.case_id] = session
    if not latest:
        return None
    best: Suggestion | None = None
    for case_id, session in latest.items():
        step_minutes = minutes.get(session.row.framework, {})
        total_minutes = sum(step_minutes.values()) or 1.0
        for step in session.steps:
            step_share = step_minutes.get(step.id, 0.0)
            gain = (100 - step.score) * step_share / total_minutes
            if best is None or gain > best.gain:
                best = Suggestion(
                    case_id,
                    step.id,
                    step.title,
                    step.score,
                    gain,
                    f"it scored {step.score:.0f}/100 last time and is worth {step_share:g} of "
                    f"{total_minutes:g} minutes: up to +{gain:.0f} overall",
                    f"mlsd practice {case_id} --step {step.id}",
                )
    untried = [case for case in known_cases if case not in latest]
    if best is not None and untried and best.gain < 10:
        # start the new case where the user's own framework starts (7-step or 4-step)
        newest = finished[-1]
        first = newest.steps[0] if newest.steps else None
        step_id, title = (first.id, first.title) if first else ("", "")
        return Suggestion(
            untried[0], step_id, title, 0.0, 0.0, "you have not tried it yet", f"mlsd practice {untried[0]}"
        )
    return best
