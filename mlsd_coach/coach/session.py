"""An interview session (a practice run or a mock round): its state and rules, with no
terminal in sight.

Every answer, question, hint and probe is written to the history store the moment it is
entered, before it is scored, so a crash or `kill -9` loses nothing submitted; a resumed
session is rebuilt from those events and the step scores recorded with them. Each step is
scored by the session's judge when it is answered, and the scorecard at the end folds those
verdicts: nothing is judged twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mlsd_coach import paths
from mlsd_coach.coach.drafts import Drafts
from mlsd_coach.coach.probes import hint_for, select_probes
from mlsd_coach.coach.twists import judge_twist
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe, Twist
from mlsd_coach.scoring.aggregate import DEFAULT_TARGET, OFFLINE, build_scorecard
from mlsd_coach.scoring.copies import copy_note
from mlsd_coach.scoring.diagrams import answer_diagrams, with_diagrams
from mlsd_coach.scoring.interviewer import Reply, answer_question
from mlsd_coach.scoring.judge import Interviewer, Judge, JudgeContext, NoticeBuffer
from mlsd_coach.scoring.scorecard import Rating, Scorecard, StepResult, TwistResult
from mlsd_coach.store.history import Event, HistoryStore
from mlsd_coach.store.kinds import ANSWER_KINDS, EventKind, MockSettings, Mode


@dataclass
class StepState:
    answer: str = ""
    revised: bool = False
    probe_replies: list[str] = field(default_factory=list)
    result: StepResult | None = None  # the latest verdict on `text`

    @property
    def text(self) -> str:
        """What is scored: the latest answer plus every reply to a follow-up."""
        return "\n\n".join([self.answer, *self.probe_replies]).strip()


@dataclass
class InterviewSession:
    store: HistoryStore
    session_id: int
    case: CaseStudy
    framework: Framework
    judge: Judge
    notices: NoticeBuffer
    mode: Mode = Mode.PRACTICE
    steps: dict[str, StepState] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)
    clarified: bool = False
    target: str = DEFAULT_TARGET  # the level whose depth items are expected
    only_step: str | None = None  # a step session practises this step alone
    deep_dive: str = ""  # the 7-step area the interviewer chose to go deep on (4-step mock)
    twists: list[TwistResult] = field(default_factory=list)  # a mock's twists, as they were judged

    @classmethod
    def start(
        cls,
        store: HistoryStore,
        case: CaseStudy,
        framework: Framework,
        judge: Judge,
        notices: NoticeBuffer,
        mode: Mode = Mode.PRACTICE,
        settings: MockSettings | None = None,
    ) -> InterviewSession:
        session_id = store.start_session(case.id, framework.id, mode, judge.name, settings)
        target = settings.target if settings else DEFAULT_TARGET
        only_step = settings.step if settings else None
        return cls(
            store, session_id, case, framework, judge, notices, mode, target=target, only_step=only_step
        )

    @classmethod
    def resume(
        cls,
        store: HistoryStore,
        session_id: int,
        case: CaseStudy,
        framework: Framework,
        judge: Judge,
        notices: NoticeBuffer,
    ) -> InterviewSession:
        row = store.session(session_id)
        mode = Mode(row.mode) if row else Mode.PRACTICE
        target = row.settings.target if row else DEFAULT_TARGET
        only_step = row.settings.step if row else None
        session = cls(
            store, session_id, case, framework, judge, notices, mode, target=target, only_step=only_step
        )
        events = store.events(session_id)
        for event in events:
            if event.kind == EventKind.CLARIFIED:
                session.clarified = True
            elif event.kind == EventKind.QUESTION:
                session.questions.append(event.text)
        session.steps = steps_from_events(events)
        entered = Counter(e.step_id for e in events if e.step_id is not None and e.kind in ANSWER_KINDS)
        scored: Counter[str] = Counter()  # verdicts recorded per step
        for score in store.step_scores(session_id):  # in order: the last one is the latest
            scored[score.result.id] += 1
            if score.result.id in session.steps:
                session.steps[score.result.id].result = score.result
        for step_id, state in session.steps.items():
            if scored[step_id] < entered[step_id]:  # the last text was saved but never scored
                state.result = None
        session.clarified = session.clarified or bool(session.steps)
        return session

    @cached_property
    def interviewer(self) -> Interviewer:
        return self.judge.interviewer()

    # drafts: what was typed but is not (yet) in the history
    @cached_property
    def drafts(self) -> Drafts:
        return Drafts(paths.drafts_dir() / f"session-{self.session_id}")

    def keep(self, key: str, text: str, header: str = "") -> Path | None:
        """Keep `text` as the draft for `key` (a step id, or `question`); its path, or None."""
        return self.drafts.save(key, text, header) if text.strip() else None

    def rescue(self, err: BaseException, key: str, text: str, what: str) -> None:
        """`text` could not be submitted because of `err`: keep it, and say where on `err`."""
        if not text.strip():
            return
        kept_in = self.keep(key, text)
        if kept_in is None:
            err.add_note(f"{what} could not be saved anywhere; here it is, copy it:\n{text}")
            return
        again = (
            f"; `mlsd practice {self.case.id} --resume` offers it back" if self.mode == Mode.PRACTICE else ""
        )
        err.add_note(f"{what} is kept in {kept_in}{again}")

    # clarifying questions
    def ask(self, question: str) -> Reply:
        try:
            self.store.add_event(self.session_id, EventKind.QUESTION, question)
        except BaseException as err:
            self.rescue(err, "question", question, "your question")
            raise
        self.questions.append(question)
        reply = self.interviewer.answer(self.case, question)
        self.store.add_event(self.session_id, EventKind.FACT_ANSWER, reply.text)
        return reply

    def done_clarifying(self) -> None:
        self.clarified = True
        self.store.add_event(self.session_id, EventKind.CLARIFIED, "")

    # steps
    def practised_steps(self) -> list[FrameworkStep]:
        """The steps this session covers: all of them, or the one a step session retries."""
        return [step for step in self.framework.steps if self.only_step in (None, step.id)]

    def pending_steps(self) -> list[FrameworkStep]:
        return [step for step in self.practised_steps() if not self.answered(step.id)]

    def answered(self, step_id: str) -> bool:
        state = self.steps.get(step_id)
        return bool(state and state.answer.strip())

    def hint(self, step: FrameworkStep) -> str:
        text = hint_for(self.case, step)
        self.store.add_event(self.session_id, EventKind.HINT, text, step.id)
        return text

    def submit(self, step: FrameworkStep, text: str, seconds: float | None = None) -> StepResult:
        state = self.steps.setdefault(step.id, StepState())
        kind = EventKind.REVISION if state.answer.strip() else EventKind.ANSWER
        self._record(kind, step, text, seconds)
        state.answer, state.revised = text, state.revised or kind == "revision"
        return self.score_step(step)

    def reply_to_probe(self, step: FrameworkStep, text: str, seconds: float | None = None) -> StepResult:
        self._record(EventKind.PROBE_REPLY, step, text, seconds)
        self.steps.setdefault(step.id, StepState()).probe_replies.append(text)
        return self.score_step(step)

    def _record(self, kind: EventKind, step: FrameworkStep, text: str, seconds: float | None) -> None:
        """Commit what the user typed; if that fails, keep it as a draft and say where."""
        key = step.id if kind == EventKind.ANSWER else f"{step.id}-{kind}"
        try:
            self.store.add_event(self.session_id, kind, text, step.id, seconds)
        except BaseException as err:
            self.rescue(err, key, text, f"your {kind.replace('_', ' ')} for '{step.title}'")
            raise
        self.drafts.discard(key)

    def note(
        self, kind: EventKind, text: str, step: FrameworkStep | None = None, seconds: float | None = None
    ) -> None:
        self.store.add_event(self.session_id, kind, text, step.id if step else None, seconds)

    def score_step(self, step: FrameworkStep) -> StepResult:
        """Judge this step's text (answer and probe replies) and record the verdict."""
        state = self.steps.setdefault(step.id, StepState())
        state.result = self._judge(step.id, state.text)
        self.store.add_step_score(self.session_id, state.result)
        return state.result

    def probes(self, step: FrameworkStep, result: StepResult, count: int = 1) -> list[Probe]:
        chosen = [
            self.interviewer.phrase(probe, result) for probe in select_probes(self.case, step, result, count)
        ]
        for probe in chosen:
            self.store.add_event(self.session_id, EventKind.PROBE, probe.question, step.id)
        return chosen

    # twists: a constraint changed mid-round (mock)
    def say_twist(self, twist: Twist, step: FrameworkStep) -> None:
        self.store.add_event(self.session_id, EventKind.TWIST, twist.say.strip(), step.id)

    def reply_to_twist(
        self, twist: Twist, step: FrameworkStep, text: str, seconds: float | None = None
    ) -> TwistResult:
        """Commit the reply (kept as a draft if that fails), then judge it against the twist's
        items. An empty reply is judged too: the twist was said and not adapted to."""
        if text.strip():
            key = f"twist-{twist.id}"
            try:
                self.store.add_event(self.session_id, EventKind.TWIST_REPLY, text, step.id, seconds)
            except BaseException as err:
                self.rescue(err, key, text, "your reply to the interviewer's change")
                raise
            self.drafts.discard(key)
        result = judge_twist(self.judge, self.case, self.framework, twist, step, text)
        self.twists.append(result)
        return result

    def drain_notices(self) -> list[str]:
        """Notices the judge or interviewer raised since the last call, recorded in history."""
        notices = self.notices.drain()
        for notice in notices:
            self.store.add_event(self.session_id, EventKind.NOTICE, notice)
        return notices

    def finish(self) -> Scorecard:
        """The scorecard from each step's latest verdict; unanswered steps score 0. A step the
        offline judge scored is judged again with the whole answer, since a point made in a
        later step counts for it too (a model judge's verdict stands: it read the step)."""
        results = []
        for step in self.practised_steps():
            state = self.steps.get(step.id)
            if state is not None and state.text and (state.result is None or state.result.judge == OFFLINE):
                state.result = self._judge(step.id, state.text)  # never scored (a crash), or offline
            results.append(state.result if state and state.result else self._judge(step.id, ""))
        copied = copy_note(self.case, self.said())
        card = build_scorecard(
            self.case,
            self.framework,
            self.judge.name,
            results,
            copied=copied,
            target=self.target,
            short_steps=self.short_steps(),
            diagrams=answer_diagrams(self.case, self.framework, self.said()),
        )
        if self.only_step is not None:
            card = _one_step_verdict(card)
        if self.twists:
            card = card.model_copy(update={"twists": tuple(self.twists)})
        self.store.finish_session(self.session_id, card)
        return card

    def choose_deep_dive(self, step: FrameworkStep) -> str:
        """The interviewer's pick for a deep-dive step: of the 7-step areas it spans, the one
        where the case's core items weigh most (what this problem is about), recorded."""
        weight = {
            area: sum(i.weight for i in self.case.rubric if i.step == area and i.tier == "core")
            for area in step.covers
        }
        self.deep_dive = max(step.covers, key=lambda area: weight[area])
        self.store.add_event(self.session_id, EventKind.NOTICE, f"deep dive: {self.deep_dive}", step.id)
        return self.deep_dive

    def short_steps(self) -> list[str]:
        """The steps after a chosen deep dive: kept short, their generic items only add."""
        if not self.deep_dive:
            return []
        ids = [step.id for step in self.framework.steps]
        dive = next(index for index, step in enumerate(self.framework.steps) if step.deep_dive)
        return ids[dive + 1 :]

    def said(self) -> dict[str, str]:
        """The text of every step answered so far, by step id."""
        return {step_id: state.text for step_id, state in self.steps.items() if state.text}

    def _judge(self, step_id: str, text: str) -> StepResult:
        asked = tuple(with_topics(self.case, question) for question in self.questions)
        said = self.said()
        context = JudgeContext(questions=asked, answer=said)
        verdict = self.judge.score_step(self.case, self.framework, step_id, text, context)
        return with_diagrams(
            self.case, self.framework, verdict, answer_diagrams(self.case, self.framework, said)
        )


def steps_from_events(events: Sequence[Event]) -> dict[str, StepState]:
    """What was said for each step, from the history's events in order."""
    steps: dict[str, StepState] = {}
    for event in events:
        if event.step_id is None or event.kind not in ANSWER_KINDS:
            continue
        state = steps.setdefault(event.step_id, StepState())
        if event.kind == EventKind.ANSWER:
            state.answer = event.text
        elif event.kind == EventKind.REVISION:
            state.answer, state.revised = event.text, True
        else:
            state.probe_replies.append(event.text)
    return steps


def _one_step_verdict(card: Scorecard) -> Scorecard:
    """A step session's card: its verdict is the step's own score and level, and it keeps only
    the signals that step's items evidence (the others were not asked for)."""
    (step,) = card.steps
    evidenced = {item.signal for item in step.items}
    return card.model_copy(
        update={
            "overall": Rating(score=step.score, level=card.overall.level if card.copied else step.level),
            "signals": {key: rating for key, rating in card.signals.items() if key in evidenced},
            "warnings": tuple(w for w in card.warnings if not w.startswith("not answered")),
        }
    )


def with_topics(case: CaseStudy, question: str) -> str:
    """A clarifying question with the topics of the facts it was answered from, which count
    as evidence of what was asked: "What's the SLA? (answered: latency budget)". The facts are
    those of the case, found the same way whichever interviewer phrased the reply."""
    facts = answer_question(case, question).facts
    if not facts:
        return question
    return f"{question} (answered: {'; '.join(fact.topic for fact in facts)})"
