"""The practice flow in a terminal: prompt_toolkit for input, rich for output."""

from __future__ import annotations

import os
import shlex
import subprocess

import questionary
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from mlsd_coach.cli.output import as_text, plain, reflow, safe
from mlsd_coach.cli.score_view import diagram_lines, step_panel, verdict_panel
from mlsd_coach.cli.text_input import read_text
from mlsd_coach.coach.drafts import Drafts, strip_comments
from mlsd_coach.coach.ui import InputInterrupted
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe
from mlsd_coach.scoring.interviewer import Reply
from mlsd_coach.scoring.scorecard import ItemResult, Scorecard, StepResult

EDIT_COMMANDS = frozenset({"e", "edit"})
DONE_COMMANDS = frozenset({"done", "d", "start", "go"})
ANSWER_HELP = "Esc then Enter submits · `e` alone opens $EDITOR · `h` gives a hint · Ctrl-C saves and quits"


class TerminalUI:
    def __init__(self, console: Console, drafts: Drafts) -> None:
        self.out = console
        self.drafts = drafts
        self._titles: dict[str, str] = {}  # step id -> title, for "said under …"

    def show_prompt(self, case: CaseStudy, resumed_steps: int) -> None:
        self.out.print(f"\n[bold]{safe(case.title)}[/bold]  [dim]{safe(case.id)} · {case.difficulty}[/dim]")
        self.out.print(
            Panel(as_text(reflow(case.prompt)), title="Interviewer", title_align="left", border_style="cyan")
        )
        if resumed_steps:
            self.out.print(f"[green]Resuming: {resumed_steps} step(s) already answered are kept.[/green]")

    def ask_clarifying(self) -> str | None:
        question, _ = read_text(
            "Clarifying question", note="(or `done` to start designing):", require_text=True
        )
        question = question.strip()
        return None if question.lower() in DONE_COMMANDS else question

    def show_reply(self, reply: Reply) -> None:
        style = "cyan" if reply.answered else "yellow"
        self.out.print(f"[{style}]Interviewer:[/{style}] {safe(reflow(reply.text))}\n")

    def show_step(self, step: FrameworkStep, framework: Framework) -> None:
        self._titles = {each.id: each.title for each in framework.steps}
        self.out.rule(
            f"[bold]Step {step.number} of {len(framework.steps)}: {safe(step.title)}[/bold]  ({step.minutes:g} min)"
        )
        self.out.print(f"[bold]Goal:[/bold] {safe(reflow(step.goal))}")
        self.out.print("[bold]Interviewers listen for:[/bold]")
        for line in step.guidance:
            self.out.print(f"  • {safe(reflow(line))}")
        self.out.print(f"[dim]{ANSWER_HELP}[/dim]")

    def get_answer(self, step: FrameworkStep, previous: str = "", draft: str = "") -> str:
        label = "Your revised answer:" if previous else "Your answer:"
        default = previous or draft
        while True:
            text, _ = read_text(
                label, note="(Esc then Enter submits)", default=default, multiline=True, require_text=True
            )
            if text.strip().lower() not in EDIT_COMMANDS:
                return text
            edited = self._edit(step, previous or draft)
            if edited:
                return edited

    def show_notice(self, text: str) -> None:
        self.out.print(f"[yellow]note: {safe(text)}[/yellow]")

    def show_hint(self, text: str) -> None:
        self.out.print(f"[yellow]Hint:[/yellow] {safe(reflow(text))}\n")

    def show_step_result(self, result: StepResult) -> None:
        self.out.print(step_panel(result, self._titles))

    def show_probe(self, probe: Probe) -> None:
        self.out.print(
            Panel(
                as_text(reflow(probe.question)), title="Follow-up", title_align="left", border_style="magenta"
            )
        )

    def get_probe_reply(self, probe: Probe) -> str:
        text, _ = read_text(
            "Your reply:", note="(Esc then Enter submits; leave it empty to go on)", multiline=True
        )
        return text

    def confirm_revise(self) -> bool:
        try:
            return bool(questionary.confirm("Revise this step once?", default=False).unsafe_ask())
        except (KeyboardInterrupt, EOFError):
            raise InputInterrupted() from None

    def show_scorecard(
        self, card: Scorecard, study: list[ItemResult], weakest: StepResult, model_answer: str
    ) -> None:
        self.out.rule("[bold]Scorecard[/bold]")
        for step in card.steps:
            self.out.print(f"  {safe(step.title):<34} {step.score:5.1f}  {safe(step.level)}")
        for diagram in diagram_lines(card):
            self.out.print(diagram)
        self.out.print(verdict_panel(card))
        if study:
            self.out.print("[bold]Study next:[/bold]")
            for number, item in enumerate(study, start=1):
                self.out.print(f"  {number}. [bold]{safe(item.title)}[/bold]: {safe(item.feedback)}")
        self.out.print(
            Panel(
                Markdown(plain(model_answer)),
                title=as_text(f"Model answer for your weakest step: {weakest.title}"),
                title_align="left",
                border_style="green",
            )
        )

    def _edit(self, step: FrameworkStep, previous: str) -> str:
        """Open $EDITOR on the step's draft file, which stays on disk, so nothing typed there
        is lost; an editor that fails or exits non-zero submits nothing."""
        draft = self.drafts.path(step.id)
        if not draft.exists() or previous:
            header = f"{step.title}: {' '.join(step.goal.split())}"
            if self.drafts.save(step.id, previous, header) is None:
                self.out.print(f"[red]Cannot write the draft {safe(draft)}; type your answer here.[/red]")
                return ""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            finished = subprocess.run([*shlex.split(editor), str(draft)], check=False)
        except (OSError, ValueError) as err:
            reason = err.strerror if isinstance(err, OSError) else str(err)
            self.out.print(
                f"[red]Could not start the editor '{safe(editor)}': {safe(reason)}.[/red] Type your answer here."
            )
            return ""
        if finished.returncode != 0:
            self.out.print(
                f"[yellow]The editor '{safe(editor)}' exited with status {finished.returncode}, so nothing was "
                f"submitted; your draft is kept in {safe(draft)} (`e` opens it again).[/yellow]"
            )
            return ""
        try:
            text = strip_comments(draft.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            self.out.print(f"[red]Cannot read the draft {safe(draft)}: {safe(err)}.[/red]")
            return ""
        if not text:
            self.out.print("[yellow]The draft was empty; type your answer here or try `e` again.[/yellow]")
        return text
