"""The guided practice run: prompt, clarifying questions, each step with feedback, a probe
and one revision, then the scorecard."""

from __future__ import annotations

from collections.abc import Iterator

from mlsd_coach.coach.clock import Clock, SystemClock
from mlsd_coach.coach.practice import PracticeSession
from mlsd_coach.coach.ui import HINT_COMMANDS, InputInterrupted, PracticeUI
from mlsd_coach.content.models import FrameworkStep
from mlsd_coach.content.rubric import step_model_answer
from mlsd_coach.scoring.base import ItemResult, Scorecard, StepResult


def run_practice(session: PracticeSession, ui: PracticeUI, clock: Clock | None = None) -> Scorecard:
    clock = clock or SystemClock()
    ui.show_prompt(session.case, resumed_steps=len(session.framework.steps) - len(session.pending_steps()))
    if not session.clarified:
        while (question := _ask_clarifying(session, ui)) is not None:
            ui.show_reply(session.ask(question))
            _notices(session, ui)
        session.done_clarifying()

    for step in session.pending_steps():
        ui.show_step(step, session.framework)
        started = clock.now()
        while (text := _answer(session, ui, step)).strip().lower() in HINT_COMMANDS:
            ui.show_hint(session.hint(step))
        result = session.submit(step, text, seconds=clock.now() - started)
        _notices(session, ui)
        ui.show_step_result(result)
        for probe in session.probes(step, result):
            ui.show_probe(probe)
        if ui.confirm_revise():
            started = clock.now()
            revised = _answer(session, ui, step, previous=text)
            if revised.strip().lower() not in HINT_COMMANDS:
                ui.show_step_result(session.submit(step, revised, seconds=clock.now() - started))

    card = session.finish()
    weakest = min(card.steps, key=lambda step: step.score)
    model_answer = step_model_answer(session.case, session.framework.step(weakest.id))
    ui.show_scorecard(card, study_next(card), weakest, model_answer)
    return card


def _ask_clarifying(session: PracticeSession, ui: PracticeUI) -> str | None:
    try:
        return ui.ask_clarifying()
    except InputInterrupted as stop:
        session.rescue(stop, "question", stop.typed, "your unfinished question")
        raise


def _answer(session: PracticeSession, ui: PracticeUI, step: FrameworkStep, previous: str = "") -> str:
    """The user's answer (or a hint command); a draft kept from before is offered back, and
    whatever is typed when the user stops is kept as the step's draft."""
    key = f"{step.id}-revision" if previous else step.id
    try:
        if previous:
            return ui.get_answer(step, previous=previous)
        draft = session.drafts.load(key)
        if draft:
            ui.show_notice(f"your unsubmitted text for this step is back (from {session.drafts.path(key)})")
            return ui.get_answer(step, draft=draft)
        return ui.get_answer(step)
    except InputInterrupted as stop:
        if stop.typed.strip() != previous.strip():
            session.rescue(stop, key, stop.typed, f"what you typed for '{step.title}'")
        raise


def _notices(session: PracticeSession, ui: PracticeUI) -> None:
    for notice in session.drain_notices():
        ui.show_notice(notice)


def study_next(card: Scorecard, count: int = 3) -> list[ItemResult]:
    """The missed items worth the most overall: item weight times open credit, scaled by
    how much the item's step counts."""
    candidates = [
        (item.weight * (1 - item.score) * share, item)
        for step, share in _step_shares(card)
        for item in step.items
        if not item.met
    ]
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in candidates[:count]]


def _step_shares(card: Scorecard) -> Iterator[tuple[StepResult, float]]:
    for step in card.steps:
        weight = sum(item.weight for item in step.items) or 1.0
        yield step, 1.0 / weight
