"""The mock interview: an interviewer who keeps time, gives no hints, probes where the answer
is thin, and ends with a hiring-committee verdict."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from mlsd_coach.coach.clock import Clock
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.coach.timing import StepTimer, clock_text
from mlsd_coach.coach.twists import due_after, reply_budget
from mlsd_coach.coach.ui import InputInterrupted
from mlsd_coach.coach.verdict import MockVerdict, StepTime, build_verdict
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe, Twist
from mlsd_coach.scoring.interviewer import Reply
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import EventKind

Status = Callable[[], str]
Expired = Callable[[], bool]
# how the interviewer names a 7-step area when choosing it as the deep dive
DEEP_DIVE_NAMES = {
    "requirements": "the requirements",
    "framing": "how you frame the ML problem",
    "data": "the data: labels, features and their pitfalls",
    "model": "the model and how it is trained",
    "evaluation": "evaluation, offline and online",
    "serving": "serving at this scale",
    "monitoring": "monitoring and retraining",
}
PROBE_SHARE = 0.25  # of the step's budget, for each follow-up reply
MIN_PROBE_SECONDS = 30.0


class MockUI(Protocol):
    def show_intro(self, case: CaseStudy, minutes: int, timed: bool) -> None: ...

    def ask_clarifying(self, status: Status, expired: Expired | None) -> str | None: ...

    def show_reply(self, reply: Reply) -> None: ...

    def show_notice(self, text: str) -> None: ...

    def show_step(self, step: FrameworkStep, framework: Framework, budget: float) -> None: ...

    def get_answer(self, step: FrameworkStep, status: Status, expired: Expired | None) -> tuple[str, bool]:
        """What the user typed, and whether the time ran out while typing."""
        ...

    def show_time_up(self, step: FrameworkStep, saved: bool) -> None: ...

    def show_probe(self, probe: Probe) -> None: ...

    def acknowledge(self) -> None:
        """What the interviewer says after every answer, the same for a strong and a weak one."""
        ...

    def get_probe_reply(self, probe: Probe, status: Status, expired: Expired | None) -> tuple[str, bool]: ...

    def show_twist(self, twist: Twist) -> None:
        """The interviewer changes a constraint: says `twist.say`, and nothing about the answer."""
        ...

    def get_twist_reply(self, twist: Twist, status: Status, expired: Expired | None) -> tuple[str, bool]: ...

    def show_verdict(self, verdict: MockVerdict) -> None: ...


def _notices(session: InterviewSession, ui: MockUI) -> None:
    for notice in session.drain_notices():
        ui.show_notice(notice)


T = TypeVar("T")


def _keeping(session: InterviewSession, key: str, what: str, read: Callable[..., T], *args: Any) -> T:
    """`read(*args)` the user's input; what was typed when they stopped is kept as a draft."""
    try:
        return read(*args)
    except InputInterrupted as stop:
        session.rescue(stop, key, stop.typed, what)
        raise


def _deadline(timer: StepTimer) -> Expired:
    return lambda: timer.remaining <= 0


def least_practised_case(store: HistoryStore, case_ids: list[str], rng: random.Random) -> str:
    counts = Counter(session.case_id for session in store.sessions())
    fewest = min(counts.get(case_id, 0) for case_id in case_ids)
    return rng.choice(sorted(c for c in case_ids if counts.get(c, 0) == fewest))


def run_mock(
    session: InterviewSession,
    ui: MockUI,
    clock: Clock,
    budgets: dict[str, float],
    minutes: int,
    timed: bool,
    twists: list[Twist] | None = None,
) -> MockVerdict:
    framework = session.framework
    unsaid = list(twists or [])
    round_started = clock.now()
    steps = framework.steps
    timer = StepTimer.start(clock, budgets[steps[0].id])
    current = {"step": steps[0]}

    def status() -> str:
        step = current["step"]
        total = f"total {clock_text(clock.now() - round_started)} of {minutes}:00"
        warning = timer.warning()
        if timed:
            head = f"Step {step.number}/{len(steps)} {step.title} · {clock_text(timer.remaining)} left"
        else:
            head = f"Step {step.number}/{len(steps)} {step.title} · {clock_text(timer.elapsed)} of {clock_text(timer.budget)}"
        return " · ".join(part for part in (head, total, warning and f"⚠ {warning}") if part)

    def step_expired() -> bool:
        return timer.remaining <= 0

    ui.show_intro(session.case, minutes, timed)
    while not (timed and step_expired()) and (
        question := _keeping(
            session,
            "question",
            "your unfinished question",
            ui.ask_clarifying,
            status,
            step_expired if timed else None,
        )
    ):
        ui.show_reply(session.ask(question))
        _notices(session, ui)
    session.done_clarifying()

    times: list[StepTime] = []
    for index, step in enumerate(steps):
        current["step"] = step
        if index:
            timer = StepTimer.start(clock, budgets[step.id])
        ui.show_step(step, framework, budgets[step.id])
        if step.deep_dive:
            area = session.choose_deep_dive(step)
            ui.show_notice(
                f"Interviewer: for the deep dive, go deep on {DEEP_DIVE_NAMES.get(area, area)} for this "
                "problem; keep the rest brief. The next step can be short."
            )
        text, timed_out = _keeping(
            session,
            step.id,
            f"what you typed for '{step.title}'",
            ui.get_answer,
            step,
            status,
            step_expired if timed else None,
        )
        if timed_out:
            session.note(
                EventKind.TIMEOUT, "Time was up for this step; what was typed is saved.", step, timer.elapsed
            )
            ui.show_time_up(step, saved=bool(text.strip()))
        if text.strip():
            result = session.submit(step, text, seconds=timer.elapsed)
            _notices(session, ui)
            if not timed_out:
                count = 2 if result.score < 50 else 1
                for probe in session.probes(step, result, count):
                    ui.show_probe(probe)
                    probe_timer = StepTimer.start(
                        clock, max(MIN_PROBE_SECONDS, PROBE_SHARE * budgets[step.id])
                    )
                    deadline = _deadline(probe_timer) if timed else None
                    reply, _ = _keeping(
                        session,
                        f"{step.id}-probe_reply",
                        f"your reply to the follow-up on '{step.title}'",
                        ui.get_probe_reply,
                        probe,
                        status,
                        deadline,
                    )
                    if reply.strip():
                        session.reply_to_probe(step, reply, seconds=probe_timer.elapsed)
                ui.acknowledge()  # the same words whatever the answer: feedback waits for the end
        times.append(StepTime(step.id, step.title, timer.elapsed, budgets[step.id], timed_out))
        elapsed = (clock.now() - round_started) / 60
        # a twist whose minute has not come by the last step is said after it
        due = unsaid if index == len(steps) - 1 else due_after(unsaid, framework, step, elapsed)
        for twist in due:
            _play_twist(session, ui, clock, twist, step, budgets[step.id], status, timed)
        unsaid = [twist for twist in unsaid if twist not in due]

    card = session.finish()
    _notices(session, ui)
    answers = {step_id: state.text for step_id, state in session.steps.items()}
    verdict = build_verdict(card, times, answers)
    ui.show_verdict(verdict)
    return verdict


def _play_twist(
    session: InterviewSession,
    ui: MockUI,
    clock: Clock,
    twist: Twist,
    step: FrameworkStep,
    step_budget: float,
    status: Status,
    timed: bool,
) -> None:
    """Say the changed constraint, take the reply (its own time budget) and judge it."""
    session.say_twist(twist, step)
    ui.show_twist(twist)
    timer = StepTimer.start(clock, reply_budget(step_budget))
    reply, _ = _keeping(
        session,
        f"twist-{twist.id}",
        "your reply to the interviewer's change",
        ui.get_twist_reply,
        twist,
        status,
        _deadline(timer) if timed else None,
    )
    session.reply_to_twist(twist, step, reply, seconds=timer.elapsed)
    _notices(session, ui)
    ui.acknowledge()
