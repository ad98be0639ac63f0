"""The practice flow in a terminal: questionary for input, rich for output."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import questionary
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from mlsd_coach.cli.score_view import step_panel, verdict_panel
from mlsd_coach.coach.interviewer import Reply
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe
from mlsd_coach.scoring.base import ItemResult, Scorecard, StepResult

EDIT_COMMANDS = frozenset({"e", "edit"})
ANSWER_HELP = "Esc then Enter submits · `e` alone opens $EDITOR · `h` gives a hint · Ctrl-C saves and quits"
_COMMENT = re.compile(r"<!--.*?-->", re.S)


class TerminalUI:
    def __init__(self, console: Console, drafts_dir: Path) -> None:
        self.out = console
        self.drafts_dir = drafts_dir

    def show_prompt(self, case: CaseStudy, resumed_steps: int) -> None:
        self.out.print(f"\n[bold]{case.title}[/bold]  [dim]{case.id} · {case.difficulty}[/dim]")
        self.out.print(
            Panel(case.prompt.strip(), title="Interviewer", title_align="left", border_style="cyan")
        )
        if resumed_steps:
            self.out.print(f"[green]Resuming: {resumed_steps} step(s) already answered are kept.[/green]")

    def ask_clarifying(self) -> str | None:
        question = questionary.text(
            "Clarifying question (or `done` to start designing):", validate=_not_empty
        ).unsafe_ask()
        question = question.strip()
        return None if question.lower() in {"done", "d", "start", "go"} else question

    def show_reply(self, reply: Reply) -> None:
        style = "cyan" if reply.answered else "yellow"
        self.out.print(f"[{style}]Interviewer:[/{style}] {reply.text}\n")

    def show_step(self, step: FrameworkStep, framework: Framework) -> None:
        self.out.rule(
            f"[bold]Step {step.number} of {len(framework.steps)}: {step.title}[/bold]  ({step.minutes:g} min)"
        )
        self.out.print(f"[bold]Goal:[/bold] {' '.join(step.goal.split())}")
        self.out.print("[bold]Interviewers listen for:[/bold]")
        for line in step.guidance:
            self.out.print(f"  • {' '.join(line.split())}")
        self.out.print(f"[dim]{ANSWER_HELP}[/dim]")

    def get_answer(self, step: FrameworkStep, previous: str = "") -> str:
        while True:
            text = questionary.text(
                "Your answer:" if not previous else "Your revised answer:",
                multiline=True,
                default=previous,
                instruction="(Esc+Enter submits)",
                validate=_not_empty,
            ).unsafe_ask()
            if text.strip().lower() in EDIT_COMMANDS:
                edited = self._edit(step, previous)
                if edited:
                    return edited
                continue
            return text

    def show_notice(self, text: str) -> None:
        self.out.print(f"[yellow]note: {text}[/yellow]")

    def show_hint(self, text: str) -> None:
        self.out.print(f"[yellow]Hint:[/yellow] {text}\n")

    def show_step_result(self, result: StepResult) -> None:
        self.out.print(step_panel(result))

    def show_probe(self, probe: Probe) -> None:
        self.out.print(
            Panel(probe.question.strip(), title="Follow-up", title_align="left", border_style="magenta")
        )

    def confirm_revise(self) -> bool:
        return bool(questionary.confirm("Revise this step once?", default=False).unsafe_ask())

    def show_scorecard(
        self, card: Scorecard, study: list[ItemResult], weakest: StepResult, model_answer: str
    ) -> None:
        self.out.rule("[bold]Scorecard[/bold]")
        for step in card.steps:
            self.out.print(f"  {step.title:<34} {step.score:5.1f}  {step.level}")
        self.out.print(verdict_panel(card))
        if study:
            self.out.print("[bold]Study next:[/bold]")
            for number, item in enumerate(study, start=1):
                self.out.print(f"  {number}. [bold]{item.title}[/bold]: {item.feedback}")
        self.out.print(
            Panel(
                Markdown(model_answer),
                title=f"Model answer for your weakest step: {weakest.title}",
                title_align="left",
                border_style="green",
            )
        )

    def _edit(self, step: FrameworkStep, previous: str) -> str:
        """Open $EDITOR on a draft file that stays on disk, so nothing typed there is lost."""
        self.drafts_dir.mkdir(parents=True, exist_ok=True)
        draft = self.drafts_dir / f"{step.id}.md"
        if not draft.exists() or previous:
            draft.write_text(
                f"<!-- {step.title}: {' '.join(step.goal.split())} -->\n\n{previous}", encoding="utf-8"
            )
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            subprocess.run([*shlex.split(editor), str(draft)], check=False)
        except OSError as err:
            self.out.print(
                f"[red]Could not start the editor '{editor}': {err.strerror}. Type your answer here.[/red]"
            )
            return ""
        text = _COMMENT.sub("", draft.read_text(encoding="utf-8")).strip()
        if not text:
            self.out.print("[yellow]The draft was empty; type your answer here or try `e` again.[/yellow]")
        return text


def _not_empty(text: str) -> bool | str:
    return True if text.strip() else "Type something (or Ctrl-C to save and quit)."
