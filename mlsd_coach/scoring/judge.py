"""The judging seam: what a judge is, and how a whole answer is scored by folding its steps.

A judge scores one step of an answer against the case's rubric (`score_step`) and offers the
interviewer that goes with it (`interviewer`). Judges are registered by name
(`scoring.registry`): `offline`, `llm` and `auto` are built in, and any package can add one
through the `mlsd.judges` entry-point group. Notices for the user (a fallback, a model that
failed) go to the sink a judge is created with, never through shared state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from mlsd_coach.answers import ParsedAnswer
from mlsd_coach.content.models import CaseStudy, Framework, Probe
from mlsd_coach.scoring.aggregate import DEFAULT_TARGET, build_scorecard
from mlsd_coach.scoring.copies import copy_note
from mlsd_coach.scoring.diagrams import answer_diagrams, with_diagrams
from mlsd_coach.scoring.interviewer import Reply
from mlsd_coach.scoring.scorecard import Scorecard, StepResult

Notices = Callable[[str], None]  # where a judge says something the user should know


def ignore_notices(notice: str) -> None:
    """A sink for callers that have nowhere to show notices."""


class NoticeBuffer:
    """The sink a judge reports notices to; the session drains it into the history."""

    def __init__(self) -> None:
        self._pending: list[str] = []

    def __call__(self, notice: str) -> None:
        if notice not in self._pending:
            self._pending.append(notice)

    def drain(self) -> list[str]:
        pending, self._pending = self._pending, []
        return pending


@dataclass(frozen=True)
class JudgeContext:
    """What a judge may know about the session beyond the step's text."""

    questions: tuple[str, ...] = ()  # the clarifying questions the candidate asked
    # the text of every step said so far, by step id: a judge may credit a point wherever it
    # was made (the offline judge does)
    answer: Mapping[str, str] = field(default_factory=dict)


class Interviewer(Protocol):
    def answer(self, case: CaseStudy, question: str) -> Reply:
        """The interviewer's answer to a clarifying question, from the case's facts only."""
        ...

    def phrase(self, probe: Probe, result: StepResult) -> Probe:
        """A follow-up question, possibly rephrased for what this answer missed."""
        ...


class Judge(Protocol):
    name: str

    def score_step(
        self, case: CaseStudy, framework: Framework, step_id: str, text: str, context: JudgeContext
    ) -> StepResult:
        """The verdict on one step of an answer, complete (level included)."""
        ...

    def interviewer(self) -> Interviewer: ...


JudgeFactory = Callable[[Notices], Judge]


def score(
    judge: Judge,
    case: CaseStudy,
    framework: Framework,
    answer: ParsedAnswer,
    context: JudgeContext | None = None,
    target: str = DEFAULT_TARGET,
) -> Scorecard:
    """Score a whole answer: every step by `judge` (each seeing the whole answer), then one
    aggregate, expecting the depth of a `target` candidate."""
    context = JudgeContext(questions=context.questions if context else (), answer=dict(answer.steps))
    diagrams = answer_diagrams(case, framework, answer.steps)
    steps = [
        with_diagrams(
            case,
            framework,
            judge.score_step(case, framework, step.id, answer.text(step.id), context),
            diagrams,
        )
        for step in framework.steps
    ]
    copied = copy_note(case, answer.steps)
    return build_scorecard(
        case,
        framework,
        judge.name,
        steps,
        answer.warnings,
        answer.routing,
        copied,
        target=target,
        diagrams=diagrams,
    )
