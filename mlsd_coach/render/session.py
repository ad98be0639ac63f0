"""Gather one session from the history into the data a report template renders: the
session, the transcript, the scorecard (as the model), each step's attempts and model answer,
and what to study next."""

from __future__ import annotations

from typing import Any

from mlsd_coach.coach.study import study_next
from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.rubric import step_model_answer
from mlsd_coach.store.history import HistoryStore, SessionRow
from mlsd_coach.store.kinds import ANSWER_KINDS, EventKind


def build_report(
    store: HistoryStore, row: SessionRow, case: CaseStudy, framework: Framework
) -> dict[str, Any]:
    titles = {step.id: step.title for step in framework.steps}
    events = store.events(row.id)
    seconds_used: dict[str, float] = {}
    transcript = []
    for event in events:
        if event.kind == EventKind.CLARIFIED:
            continue
        if event.step_id and event.seconds is not None and event.kind in (*ANSWER_KINDS, EventKind.TIMEOUT):
            seconds_used[event.step_id] = seconds_used.get(event.step_id, 0.0) + event.seconds
        transcript.append(
            {
                "kind": event.kind,
                "step_id": event.step_id,
                "step_title": titles.get(event.step_id or ""),
                "text": event.text,
                "created_at": event.created_at,
                "seconds": event.seconds,
            }
        )
    scorecard = store.scorecard(row.id)
    attempts: dict[str, list[float]] = {}
    for scored in store.step_scores(row.id):
        attempts.setdefault(scored.result.id, []).append(scored.result.score)
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
        },
        "prompt": case.prompt,
        "transcript": transcript,
        "scorecard": scorecard,
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "minutes": step.minutes,
                "model_answer": step_model_answer(case, step),
                "seconds_used": seconds_used.get(step.id),
                "attempts": attempts.get(step.id, []),  # every scoring of the step, in order
            }
            for step in framework.steps
        ],
        "study_next": [f"{item.title}: {item.feedback}" for item in study_next(scorecard)]
        if scorecard
        else [],
    }
