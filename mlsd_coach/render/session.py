"""Gather one session from the history into the data a report template renders: the
session, the transcript, the scorecard (as the model), each step's attempts, time against its
budget and model answer, what to study next and, for a mock, the hiring-committee verdict as
the round ended with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlsd_coach.blueprint.dot import to_dot
from mlsd_coach.blueprint.mermaid import to_mermaid
from mlsd_coach.coach.session import steps_from_events
from mlsd_coach.coach.study import study_next
from mlsd_coach.coach.timing import step_budgets
from mlsd_coach.coach.verdict import MockVerdict, StepTime, build_verdict
from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.rubric import step_model_answer
from mlsd_coach.scoring.scorecard import Scorecard
from mlsd_coach.store.history import Event, HistoryStore, SessionRow
from mlsd_coach.store.kinds import ANSWER_KINDS, EventKind, Mode


def build_report(
    store: HistoryStore, row: SessionRow, case: CaseStudy, framework: Framework
) -> dict[str, Any]:
    titles = {step.id: step.title for step in framework.steps}
    events = store.events(row.id)
    transcript = [
        {
            "kind": event.kind,
            "step_id": event.step_id,
            "step_title": titles.get(event.step_id or ""),
            "text": event.text,
            "created_at": event.created_at,
            "seconds": event.seconds,
        }
        for event in events
        if event.kind != EventKind.CLARIFIED
    ]
    scorecard = store.scorecard(row.id)
    attempts: dict[str, list[float]] = {}
    for scored in store.step_scores(row.id):
        attempts.setdefault(scored.result.id, []).append(scored.result.score)
    times = step_times(events, framework, row.settings.minutes)
    return {
        "session": {
            "id": row.id,
            "case_id": row.case_id,
            "case_title": case.title,
            "framework": framework.short_name,
            "mode": row.mode,
            "scorer": row.scorer,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
            "overall_score": row.overall_score,
            "level": row.level,
            "minutes": row.settings.minutes,
            "timed": row.settings.timed,
            "seed": row.settings.seed,
        },
        "prompt": case.prompt,
        "transcript": transcript,
        "scorecard": scorecard,
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "budget": times[step.id].budget,  # seconds, scaled to the round's length
                "model_answer": step_model_answer(case, step),
                "seconds_used": times[step.id].used if times[step.id].used else None,
                "timed_out": times[step.id].timed_out,
                "attempts": attempts.get(step.id, []),  # every scoring of the step, in order
            }
            for step in framework.steps
        ],
        "study_next": [f"{item.title}: {item.feedback}" for item in study_next(scorecard)]
        if scorecard
        else [],
        "verdict": mock_verdict(row, scorecard, events, times) if scorecard else None,
        # the blueprint the answer's diagrams were checked against, drawn beside them
        "reference_mermaid": to_mermaid(case.blueprint) if scorecard and scorecard.diagrams else "",
        "reference_dot": to_dot(case.blueprint) if scorecard and scorecard.diagrams else "",
    }


def step_times(events: Sequence[Event], framework: Framework, minutes: int | None) -> dict[str, StepTime]:
    """Each step's time: what its answers, revisions and follow-up replies took (or, for a step
    whose time ran out before anything was written, the time it ran), against its budget for
    a round of `minutes` (the framework's own minutes for a session without a length)."""
    budgets = (
        step_budgets(framework, minutes) if minutes else {s.id: s.minutes * 60.0 for s in framework.steps}
    )
    times = {}
    for step in framework.steps:
        mine = [event for event in events if event.step_id == step.id and event.seconds is not None]
        answering = sum(e.seconds or 0.0 for e in mine if e.kind in ANSWER_KINDS)
        timeouts = [e.seconds or 0.0 for e in mine if e.kind == EventKind.TIMEOUT]
        used = answering or max(timeouts, default=0.0)
        times[step.id] = StepTime(step.id, step.title, used, budgets[step.id], bool(timeouts))
    return times


def mock_verdict(
    row: SessionRow, card: Scorecard, events: Sequence[Event], times: dict[str, StepTime]
) -> MockVerdict | None:
    """The hiring-committee verdict of a finished mock, rebuilt from what the history holds."""
    if row.mode != Mode.MOCK:
        return None
    answers = {step_id: state.text for step_id, state in steps_from_events(events).items()}
    return build_verdict(card, [times[step.id] for step in card.steps if step.id in times], answers)
