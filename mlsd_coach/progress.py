"""What the history says: per-step trends, the items missed most often, and what to
practise next."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from mlsd_coach.store.history import HistoryStore, SessionRow


@dataclass(frozen=True)
class FinishedSession:
    row: SessionRow
    scorecard: dict[str, Any]


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


@dataclass(frozen=True)
class Progress:
    sessions: list[SessionRow]
    trends: dict[str, list[float]]
    step_titles: dict[str, str]
    most_missed: list[MissedItem]
    suggestion: Suggestion | None


MinutesByFramework = dict[str, dict[str, float]]


def progress(store: HistoryStore, minutes: MinutesByFramework, known_cases: list[str]) -> Progress:
    sessions = store.sessions()
    finished = [
        FinishedSession(row, card)
        for row in sessions
        if row.finished and (card := store.scorecard(row.id)) is not None
    ]
    trends: dict[str, list[float]] = defaultdict(list)
    titles: dict[str, str] = {}
    missed: Counter[str] = Counter()
    missed_titles: dict[str, str] = {}
    for session in finished:
        for step in session.scorecard["steps"]:
            trends[step["id"]].append(float(step["score"]))
            titles[step["id"]] = step["title"]
            for item in step["items"]:
                if not item["met"]:
                    missed[item["id"]] += 1
                    missed_titles[item["id"]] = item.get("title", item["id"])
    most_missed = [
        MissedItem(item_id, missed_titles[item_id], count, len(finished))
        for item_id, count in missed.most_common(5)
    ]
    return Progress(sessions, dict(trends), titles, most_missed, suggest(finished, minutes, known_cases))


def suggest(
    finished: list[FinishedSession], minutes: MinutesByFramework, known_cases: list[str]
) -> Suggestion | None:
    """The (case, step) whose improvement would raise an overall score most: open points on the
    step in the newest session of each case, weighted by the step's share of the interview."""
    latest: dict[str, FinishedSession] = {}
    for session in finished:
        latest[session.row.case_id] = session
    if not latest:
        return None
    best: Suggestion | None = None
    for case_id, session in latest.items():
        step_minutes = minutes.get(session.row.framework, {})
        total_minutes = sum(step_minutes.values()) or 1.0
        for step in session.scorecard["steps"]:
            step_share = step_minutes.get(step["id"], 0.0)
            gain = (100 - float(step["score"])) * step_share / total_minutes
            if best is None or gain > best.gain:
                best = Suggestion(
                    case_id,
                    step["id"],
                    step["title"],
                    float(step["score"]),
                    gain,
                    f"it scored {float(step['score']):.0f}/100 last time and is worth {step_share:g} of "
                    f"{total_minutes:g} minutes: up to +{gain:.0f} overall",
                )
    untried = [case for case in known_cases if case not in latest]
    if best is not None and untried and best.gain < 10:
        return Suggestion(
            untried[0], "requirements", "Clarify requirements", 0.0, 0.0, "you have not tried it yet"
        )
    return best
