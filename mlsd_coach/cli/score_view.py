"""The terminal view of a scorecard: a table per step, then the verdict.

Rubric text comes from a case file and evidence from the answer (or a model): every such
string is printed as text, never parsed as Rich markup, without control characters.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd_coach.cli.output import as_text, plain, safe
from mlsd_coach.prose import clip
from mlsd_coach.scoring.scorecard import ItemResult, Scorecard, StepResult

SHORT = 160  # characters of a quote in a table cell

_MARK = {"met": ("✓", "green"), "partial": ("~", "yellow"), "missed": ("✗", "red")}


def render_scorecard(out: Console, card: Scorecard, case_title: str) -> None:
    out.print(f"[bold]{safe(case_title)}[/bold] · {safe(card.framework)} · scored {safe(card.scorer)}\n")
    for step in card.steps:
        out.print(step_panel(step))
    out.print(verdict_panel(card))


def item_status(item: ItemResult) -> str:
    if item.met:
        return "met"
    return "partial" if item.score > 0 else "missed"


def step_panel(step: StepResult) -> Panel:
    table = Table(show_header=True, header_style="bold", expand=True, box=None, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("rubric item", ratio=2)
    table.add_column("score", justify="right", width=5)
    table.add_column("evidence from your answer", ratio=3)
    for item in step.items:
        mark, colour = _MARK[item_status(item)]
        evidence = plain(f"“{clip(item.evidence[0], SHORT)}”") if item.evidence else "—"
        table.add_row(
            Text(mark, style=colour), as_text(item.title), f"{item.score:.2f}", as_text(evidence, "italic")
        )
    parts: list[RenderableType] = [table]
    for mistake in step.mistakes:
        parts.append(
            Text.assemble(
                ("\nMistake: ", "bold red"),
                plain(f"{mistake.title} (−{mistake.penalty:.0%} of the step). "),
                (plain(f"“{clip(' '.join(mistake.evidence), SHORT)}” "), "italic"),
                plain(mistake.explanation.strip()),
            )
        )
    additions = step.open_items()
    if additions:
        lines = Text("\nTo add:", style="bold")
        for number, item in enumerate(additions, start=1):
            lines.append(plain(f"\n {number}. {item.title}: "), style="bold")
            lines.append(plain(item.feedback.strip()))
        parts.append(lines)
    met = sum(1 for i in step.items if i.met)
    subtitle = f"{met}/{len(step.items)} items met"
    title = f"[bold]{safe(step.title)}[/bold]  {step.score:.0f}/100 · {safe(step.level)}"
    if not step.answered:
        title += " · [red]not answered[/red]"
    return Panel(Group(*parts), title=title, title_align="left", subtitle=subtitle, subtitle_align="right")


def verdict_panel(card: Scorecard) -> Panel:
    signals = Table(show_header=False, box=None)
    signals.add_column(style="bold")
    signals.add_column(justify="right")
    signals.add_column()
    for signal in card.signals.values():
        signals.add_row(as_text(signal.title), f"{signal.score:.0f}", as_text(signal.level))
    parts: list[RenderableType] = [
        as_text(f"Overall {card.score:.1f}/100 — {card.level}", "bold"),
        Text(""),
        signals,
    ]
    for warning in card.warnings:
        parts.append(as_text(f"\n⚠ {warning}", "yellow"))
    return Panel(Group(*parts), title="Verdict", title_align="left", border_style="bold")
