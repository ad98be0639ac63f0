"""What a practice or mock flow needs from a user interface; the terminal implements it,
and tests implement it with a script."""

from __future__ import annotations

from typing import Protocol

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe
from mlsd_coach.scoring.interviewer import Reply
from mlsd_coach.scoring.scorecard import ItemResult, Scorecard, StepResult

HINT_COMMANDS = frozenset({"h", "hint", "?"})


class InputInterrupted(KeyboardInterrupt):
    """Ctrl-C or Ctrl-D at a prompt, carrying what had been typed so that it can be kept."""

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed


class PracticeUI(Protocol):
    def show_prompt(self, case: CaseStudy, resumed_steps: int) -> None: ...

    def ask_clarifying(self) -> str | None:
        """The next clarifying question, or None when the user is done."""
        ...

    def show_reply(self, reply: Reply) -> None: ...

    def show_step(self, step: FrameworkStep, framework: Framework) -> None: ...

    def get_answer(self, step: FrameworkStep, previous: str = "", draft: str = "") -> str:
        """A non-empty answer, or a hint command (see HINT_COMMANDS). `previous` is the answer
        being revised; `draft` is unsubmitted text from before, offered back. Raises
        InputInterrupted (with the text typed so far) on Ctrl-C or Ctrl-D."""
        ...

    def show_hint(self, text: str) -> None: ...

    def show_notice(self, text: str) -> None: ...

    def show_step_result(self, result: StepResult) -> None: ...

    def show_probe(self, probe: Probe) -> None: ...

    def get_probe_reply(self, probe: Probe) -> str:
        """The user's reply to a follow-up question; empty to go on without one."""
        ...

    def confirm_revise(self) -> bool: ...

    def show_scorecard(
        self, card: Scorecard, study: list[ItemResult], weakest: StepResult, model_answer: str
    ) -> None: ...
