"""A practice session's state and rules, with no terminal in sight.

Every answer, question, hint and probe is written to the history store the moment it is
entered, before it is scored, so a crash or `kill -9` loses nothing submitted; a resumed
session is rebuilt from those events alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mlsd_coach import paths
from mlsd_coach.answers import ParsedAnswer
from mlsd_coach.coach.drafts import Drafts
from mlsd_coach.coach.interviewer import Reply, answer_question
from mlsd_coach.coach.probes import hint_for, select_probes
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe
from mlsd_coach.scoring.base import Scorecard, Scorer, StepResult
from mlsd_coach.store.history import HistoryStore

ANSWER_KINDS = ("answer", "revision", "probe_reply")


@dataclass
class StepState:
    answer: str = ""
    revised: bool = False
    probe_replies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """What is scored: the latest answer plus every reply to a follow-up."""
        return "\n\n".join([self.answer, *self.probe_replies]).strip()


@dataclass
class PracticeSession:
    store: HistoryStore
    session_id: int
    case: CaseStudy
    framework: Framework
    scorer: Scorer
    mode: str = "practice"
    steps: dict[str, StepState] = field(default_factory=dict)
    clarified: bool = False
    interviewer: Callable[[CaseStudy, str], Reply] = answer_question
    phrase_probe: Callable[[Probe, StepResult], Probe] | None = None

    @classmethod
    def start(
        cls,
        store: HistoryStore,
        case: CaseStudy,
        framework: Framework,
        scorer: Scorer,
        mode: str = "practice",
        **settings: object,
    ) -> PracticeSession:
        session_id = store.start_session(case.id, framework.id, mode, scorer.name, settings)
        return cls(store, session_id, case, framework, scorer, mode)

    @classmethod
    def resume(
        cls, store: HistoryStore, session_id: int, case: CaseStudy, framework: Framework, scorer: Scorer
    ) -> PracticeSession:
        row = store.session(session_id)
        session = cls(store, session_id, case, framework, scorer, row.mode if row else "practice")
        for event in store.events(session_id):
            if event.kind == "clarified":
                session.clarified = True
            if event.step_id is None or event.kind not in ANSWER_KINDS:
                continue
            state = session.steps.setdefault(event.step_id, StepState())
            if event.kind == "answer":
                state.answer = event.text
            elif event.kind == "revision":
                state.answer, state.revised = event.text, True
            else:
                state.probe_replies.append(event.text)
        session.clarified = session.clarified or bool(session.steps)
        return session

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
        again = f"; `mlsd practice {self.case.id} --resume` offers it back" if self.mode == "practice" else ""
        err.add_note(f"{what} is kept in {kept_in}{again}")

    # clarifying questions
    def ask(self, question: str) -> Reply:
        try:
            self.store.add_event(self.session_id, "question", question)
        except BaseException as err:
            self.rescue(err, "question", question, "your question")
            raise
        reply = self.interviewer(self.case, question)
        self.store.add_event(self.session_id, "fact_answer", reply.text)
        return reply

    def done_clarifying(self) -> None:
        self.clarified = True
        self.store.add_event(self.session_id, "clarified", "")

    # steps
    def pending_steps(self) -> list[FrameworkStep]:
        return [step for step in self.framework.steps if not self.answered(step.id)]

    def answered(self, step_id: str) -> bool:
        state = self.steps.get(step_id)
        return bool(state and state.answer.strip())

    def hint(self, step: FrameworkStep) -> str:
        text = hint_for(self.case, step)
        self.store.add_event(self.session_id, "hint", text, step.id)
        return text

    def submit(self, step: FrameworkStep, text: str, seconds: float | None = None) -> StepResult:
        state = self.steps.setdefault(step.id, StepState())
        kind = "revision" if state.answer.strip() else "answer"
        self._record(kind, step, text, seconds)
        state.answer, state.revised = text, state.revised or kind == "revision"
        return self.score_step(step)

    def reply_to_probe(self, step: FrameworkStep, text: str, seconds: float | None = None) -> StepResult:
        self._record("probe_reply", step, text, seconds)
        self.steps.setdefault(step.id, StepState()).probe_replies.append(text)
        return self.score_step(step)

    def _record(self, kind: str, step: FrameworkStep, text: str, seconds: float | None) -> None:
        """Commit what the user typed; if that fails, keep it as a draft and say where."""
        key = step.id if kind == "answer" else f"{step.id}-{kind}"
        try:
            self.store.add_event(self.session_id, kind, text, step.id, seconds)
        except BaseException as err:
            self.rescue(err, key, text, f"your {kind.replace('_', ' ')} for '{step.title}'")
            raise
        self.drafts.discard(key)

    def note(
        self, kind: str, text: str, step: FrameworkStep | None = None, seconds: float | None = None
    ) -> None:
        self.store.add_event(self.session_id, kind, text, step.id if step else None, seconds)

    def score_step(self, step: FrameworkStep) -> StepResult:
        card = self.scorer.score(self.case, self.framework, self._answer({step.id}))
        result = card.step(step.id)
        self.store.add_step_score(self.session_id, step.id, result.score, result.level, result.to_json())
        return result

    def probes(self, step: FrameworkStep, result: StepResult, count: int = 1) -> list[Probe]:
        chosen = select_probes(self.case, step, result, count)
        if self.phrase_probe is not None:
            chosen = [self.phrase_probe(probe, result) for probe in chosen]
        for probe in chosen:
            self.store.add_event(self.session_id, "probe", probe.question, step.id)
        return chosen

    def drain_notices(self) -> list[str]:
        """Notices the scorer or interviewer raised since the last call, recorded in history."""
        notices = list(dict.fromkeys(self.scorer.notices))
        self.scorer.notices.clear()
        for notice in notices:
            self.store.add_event(self.session_id, "notice", notice)
        return notices

    def finish(self) -> Scorecard:
        card = self.scorer.score(self.case, self.framework, self._answer(set(self.steps)))
        self.store.finish_session(self.session_id, card.score, card.level, card.to_json())
        return card

    def _answer(self, step_ids: set[str]) -> ParsedAnswer:
        answer = ParsedAnswer(self.framework.id)
        for step_id in step_ids:
            state = self.steps.get(step_id)
            if state and state.text:
                answer.steps[step_id] = state.text
        return answer
