"""The guided practice run: prompt, clarifying questions, each step with feedback, a probe
and one revision, then the scorecard."""

from __future__ import annotations

from mlsd_coach.coach.clock import Clock, SystemClock
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.coach.study import study_next
from mlsd_coach.coach.ui import HINT_COMMANDS, InputInterrupted, PracticeUI
from mlsd_coach.content.models import FrameworkStep, Probe
from mlsd_coach.content.rubric import step_model_answer
from mlsd_coach.scoring.scorecard import Scorecard


def run_practice(session: InterviewSession, ui: PracticeUI, clock: Clock | None = None) -> Scorecard:
    clock = clock or SystemClock()
    ui.show_prompt(session.case, resumed_steps=len(session.framework.steps) - len(session.pending_steps()))
    if not session.clarified and session.only_step is None:  # a one-step retry starts at the step
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
            reply = _probe_reply(session, ui, step, probe)
            if reply.strip():  # answered like in the room: the reply can earn the missed credit
                ui.show_step_result(session.reply_to_probe(step, reply, seconds=None))
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


def _ask_clarifying(session: InterviewSession, ui: PracticeUI) -> str | None:
    try:
        return ui.ask_clarifying()
    except InputInterrupted as stop:
        session.rescue(stop, "question", stop.typed, "your unfinished question")
        raise


def _answer(session: InterviewSession, ui: PracticeUI, step: FrameworkStep, previous: str = "") -> str:
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


def _probe_reply(session: InterviewSession, ui: PracticeUI, step: FrameworkStep, probe: Probe) -> str:
    """The user's reply to a follow-up; whatever is typed when the user stops is kept."""
    try:
        return ui.get_probe_reply(probe)
    except InputInterrupted as stop:
        session.rescue(
            stop, f"{step.id}-probe_reply", stop.typed, f"your reply to the follow-up on '{step.title}'"
        )
        raise


def _notices(session: InterviewSession, ui: PracticeUI) -> None:
    for notice in session.drain_notices():
        ui.show_notice(notice)
