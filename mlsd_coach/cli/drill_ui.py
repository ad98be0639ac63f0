"""The drill in a terminal: each card's question, the answer typed, then its verdict, what
a strong answer shows and when the card comes back."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.panel import Panel

from mlsd_coach.cli.output import as_text, reflow, safe
from mlsd_coach.cli.text_input import read_text
from mlsd_coach.coach.ui import InputInterrupted
from mlsd_coach.drill.estimates import NoFigure, read_figure
from mlsd_coach.drill.grading import Verdict
from mlsd_coach.drill.plan import Planned
from mlsd_coach.drill.schedule import Grade, local_day
from mlsd_coach.drill.session import DrillSession
from mlsd_coach.scoring.judge import NoticeBuffer

SKIP_COMMANDS = frozenset({"s", "skip"})
GRADE_STYLE = {Grade.AGAIN: "red", Grade.HARD: "yellow", Grade.GOOD: "green", Grade.EASY: "bold green"}


class DrillUI:
    def __init__(self, console: Console, session: DrillSession, notices: NoticeBuffer) -> None:
        self.out = console
        self.session = session
        self.notices = notices

    def run(self, planned: list[Planned]) -> None:
        due = sum(1 for card in planned if not card.new)
        self.out.print(
            f"[bold]Drill:[/bold] {len(planned)} card(s), {due} due for review and {len(planned) - due} new. "
            "[dim]Type `skip` to pass a card; Ctrl-C stops (what you typed is kept).[/dim]"
        )
        for number, card in enumerate(planned, start=1):
            self._card(number, len(planned), card)
        reviewed = len(self.session.scores)
        if reviewed:
            mean = 100 * sum(self.session.scores) / reviewed
            self.out.print(
                f"\n[bold]Done:[/bold] {reviewed} card(s) reviewed, mean {mean:.0f}%. "
                "[dim]`mlsd drill --list` shows what is due; `mlsd history` the retention trend.[/dim]"
            )

    def _card(self, number: int, total: int, planned: Planned) -> None:
        card = planned.card
        seen = "new" if planned.new else f"review {planned.state.reviews + 1 if planned.state else 1}"
        self.out.rule(
            f"[bold]Card {number} of {total}[/bold] · {card.kind.value} · {safe(card.case_id)} · {seen}"
        )
        self.out.print(
            Panel(
                as_text(reflow(card.question)), title="Interviewer", title_align="left", border_style="cyan"
            )
        )
        text = self._answer(planned)
        if text.strip().lower() in SKIP_COMMANDS:
            self.out.print("[dim]Skipped: its schedule is unchanged.[/dim]")
            return
        outcome = self.session.answer(planned, text)
        for notice in self.notices.drain():
            self.out.print(f"[yellow]note: {safe(notice)}[/yellow]")
        self._verdict(outcome.verdict, outcome.due)

    def _answer(self, planned: Planned) -> str:
        estimate = planned.card.estimate
        draft = self.session.draft(planned)
        if draft:
            self.out.print("[green]Your unsubmitted text for this card is back.[/green]")
        default = draft
        while True:
            try:
                if estimate is not None:
                    text, _ = read_text(
                        "Your estimate:",
                        note=f"(a figure in {estimate.unit}, e.g. 35k)",
                        default=default,
                        require_text=True,
                    )
                else:
                    text, _ = read_text(
                        "Your answer:",
                        note="(two or three sentences; Esc then Enter submits)",
                        default=default,
                        multiline=True,
                        require_text=True,
                    )
            except InputInterrupted as stop:
                self.session.rescue(stop, planned, stop.typed)
                raise
            if estimate is None or text.strip().lower() in SKIP_COMMANDS:
                return text
            try:
                read_figure(text, estimate.unit)
            except NoFigure as err:
                self.out.print(f"[yellow]{safe(err)}[/yellow]")
                default = text
                continue
            return text

    def _verdict(self, verdict: Verdict, due: datetime) -> None:
        style = GRADE_STYLE[verdict.grade]
        day = local_day(due)
        days = (day - local_day(self.session.now())).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        lines = [
            f"[{style}]{verdict.score:.0%} · {verdict.grade.label}[/{style}] — back {when} ({day:%a %d %b})"
        ]
        lines += [f'[green]Credited:[/green] "{safe(quote)}"' for quote in verdict.found]
        lines += [f"[yellow]Add:[/yellow] {safe(reflow(text))}" for text in verdict.missing]
        lines += [f"[magenta]Note:[/magenta] {safe(note)}" for note in verdict.notes]
        if verdict.worked:
            lines.append("[bold]Worked:[/bold]")
            lines += [f"  {safe(line)}" for line in verdict.worked]
        if verdict.strong_answer:
            lines.append(f"[bold]A strong answer:[/bold] {safe(reflow(verdict.strong_answer))}")
        lines += [f'[bold]From the model answer:[/bold] "{safe(quote)}"' for quote in verdict.passage]
        self.out.print(
            Panel("\n".join(lines), title="Verdict", title_align="left", border_style=style.split()[-1])
        )
