"""Gather one session from the history into the data a report template renders."""

from __future__ import annotations

from typing import Any

from mlsd_coach.coach.practice import ANSWER_KINDS
from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.rubric import step_model_answer
from mlsd_coach.store.history import HistoryStore, SessionRow


def build_report(
    store: HistoryStore, row: SessionRow, case: CaseStudy, framework: Framework, study_next: list[str]
) -> dict[str, Any]:
    titles = {step.id: step.title for step in framework.steps}
    events = store.events(row.id)
    seconds_used: dict[str, float] = {}
    transcript = []
    for event in events:
        if event.kind == "clarified":
            continue
        if event.step_id and event.seconds is not None and event.kind in (*ANSWER_KINDS, "timeout"):
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
    settings = row.settings
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
            "minutes": settings.get("minutes"),
            "timed": bool(settings.get("timed", False)),
        },
        "prompt": case.prompt,
        "transcript": transcript,
        "scorecard": store.scorecard(row.id),
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "minutes": step.minutes,
                "model_answer": step_model_answer(case, step),
                "seconds_used": seconds_used.get(step.id),
            }
            for step in framework.steps
        ],
        "study_next": study_next,
    }
