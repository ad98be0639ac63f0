"""The mock interview in a terminal: a live clock in the bottom toolbar while the user types,
and a prompt that ends itself, keeping the text, when the step's time is up."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from mlsd_coach.cli.output import as_text, reflow, safe
from mlsd_coach.cli.score_view import diagram_lines, verdict_panel
from mlsd_coach.cli.text_input import read_text
from mlsd_coach.coach.mock import Expired, Status
from mlsd_coach.coach.timing import clock_text
from mlsd_coach.coach.verdict import MockVerdict
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Probe, Twist
from mlsd_coach.scoring.interviewer import Reply

INTERVIEWER = "Interviewer"
ACKNOWLEDGEMENT = "Thank you. Let's move on."  # after every answer: no praise, no hint, no score


def timed_input(label: str, status: Status, expired: Expired | None, multiline: bool) -> tuple[str, bool]:
    note = "(Esc then Enter submits)" if multiline else ""
    return read_text(label, note=note, multiline=multiline, status=status, expired=expired)


class MockTerminalUI:
    def __init__(self, console: Console) -> None:
        self.out = console

    def show_intro(self, case: CaseStudy, minutes: int, timed: bool) -> None:
        clock = f"{minutes} minutes, and I'll keep time" if timed else f"about {minutes} minutes (untimed)"
        self.out.print(
            f"\n[bold]{INTERVIEWER}:[/bold] Thanks for joining. We have {clock}. I'll answer clarifying "
            "questions, but I won't give hints. Multi-line answers: Esc then Enter submits.\n"
        )
        self.out.print(
            Panel(as_text(reflow(case.prompt)), title=INTERVIEWER, title_align="left", border_style="cyan")
        )

    def ask_clarifying(self, status: Status, expired: Expired | None) -> str | None:
        text, timed_out = timed_input("Clarifying question (or `done`):", status, expired, multiline=False)
        text = text.strip()
        if timed_out or not text or text.lower() in {"done", "d", "start", "go"}:
            return None
        return text

    def show_notice(self, text: str) -> None:
        self.out.print(f"[yellow]note: {safe(text)}[/yellow]")

    def show_reply(self, reply: Reply) -> None:
        self.out.print(f"[cyan]{INTERVIEWER}:[/cyan] {safe(reflow(reply.text))}\n")

    def show_step(self, step: FrameworkStep, framework: Framework, budget: float) -> None:
        self.out.rule(
            f"[bold]{step.number}/{len(framework.steps)} {safe(step.title)}[/bold] · budget {clock_text(budget)}"
        )

    def get_answer(self, step: FrameworkStep, status: Status, expired: Expired | None) -> tuple[str, bool]:
        return timed_input("Your answer:", status, expired, multiline=True)

    def show_time_up(self, step: FrameworkStep, saved: bool) -> None:
        kept = "I've noted what you had" if saved else "nothing was written down"
        self.out.print(
            f"\n[yellow]{INTERVIEWER}: Time's up for {safe(step.title.lower())}; {kept}. Let's move on.[/yellow]"
        )

    def acknowledge(self) -> None:
        self.out.print(f"[cyan]{INTERVIEWER}:[/cyan] {ACKNOWLEDGEMENT}\n")

    def show_probe(self, probe: Probe) -> None:
        self.out.print(f"\n[magenta]{INTERVIEWER} (follow-up):[/magenta] {safe(reflow(probe.question))}")

    def get_probe_reply(self, probe: Probe, status: Status, expired: Expired | None) -> tuple[str, bool]:
        return timed_input("Your reply:", status, expired, multiline=True)

    def show_twist(self, twist: Twist) -> None:
        self.out.print(
            f"\n[bold magenta]{INTERVIEWER}:[/bold magenta] Before we go on, something has changed. "
            f"{safe(reflow(twist.say.strip()))}"
        )

    def get_twist_reply(self, twist: Twist, status: Status, expired: Expired | None) -> tuple[str, bool]:
        return timed_input("How does your design change?", status, expired, multiline=True)

    def show_verdict(self, verdict: MockVerdict) -> None:
        self.out.rule("[bold]Hiring committee scorecard[/bold]")
        self.out.print(verdict_panel(verdict.card))
        for diagram in diagram_lines(verdict.card):
            self.out.print(diagram)
        self.out.print(f"[bold]Recommendation: {safe(verdict.recommendation)}[/bold]")
        for reason in verdict.reasons:
            self.out.print(f"  {safe(reason)}")
        times = Table(title="Time per step", title_justify="left")
        for column in ("step", "used", "budget", ""):
            times.add_column(column)
        for t in verdict.times:
            flag = "timed out" if t.timed_out else ("over" if t.used > t.budget else "")
            times.add_row(as_text(t.title), clock_text(t.used), clock_text(t.budget), flag)
        self.out.print(times)
        self.out.print("[bold]Strongest moments[/bold]")
        for moment in verdict.strongest:
            self.out.print(
                f"  {safe(moment.step_title)} — {safe(moment.note)}: [italic]“{safe(moment.quote)}”[/italic]"
            )
        self.out.print("[bold]Weakest moments[/bold]")
        for moment in verdict.weakest:
            self.out.print(
                f"  {safe(moment.step_title)} — {safe(moment.note)}: [italic]“{safe(moment.quote)}”[/italic]"
            )
        if verdict.twists:
            self.out.print("[bold]When the constraints changed[/bold]")
        for moment in verdict.twists:
            self.out.print(
                f"  {safe(moment.step_title)} — {safe(moment.note)}: [italic]“{safe(moment.quote)}”[/italic]"
            )
        for twist in verdict.card.twists:
            self.out.print(f"  [dim]A strong adaptation: {safe(reflow(twist.changes))}[/dim]")
        if verdict.study:
            self.out.print("[bold]Study next[/bold]")
            for number, item in enumerate(verdict.study, start=1):
                self.out.print(f"  {number}. {safe(item.title)}: {safe(item.feedback)}")
