"""The terminal view of a scorecard: a panel per step, then the verdict.

Rubric text comes from a case file and evidence from the answer (or a model): every such
string is printed as text, never parsed as Rich markup, without control characters. A step's
items are lines of text rather than a table: a Rich table measures every cell twice, which
made printing a scorecard slower than scoring it.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd_coach.cli.output import as_text, plain, safe
from mlsd_coach.prose import clip
from mlsd_coach.scoring.scorecard import ASKED, ItemResult, Scorecard, StepResult

SHORT = 160  # characters of a quote under an item

_MARK = {"met": ("✓", "green"), "partial": ("~", "yellow"), "missed": ("✗", "red")}


SHOWN_ROUTES = 12  # routing lines printed before "… and N more" (--json has them all)


def render_scorecard(out: Console, card: Scorecard, case_title: str) -> None:
    out.print(f"[bold]{safe(case_title)}[/bold] · {safe(card.framework)} · scored {safe(card.scorer)}\n")
    if card.copied:
        out.print(as_text(f"⚠ {card.copied}\n", "bold yellow"))
    if card.routing:
        out.print(routing_lines(card))
    titles = {step.id: step.title for step in card.steps}
    for step in card.steps:
        out.print(step_panel(step, titles))
    for diagram in diagram_lines(card):
        out.print(diagram)
    out.print(verdict_panel(card))


def diagram_lines(card: Scorecard) -> list[Text]:
    """What the check found in each diagram of the answer, under the step it was drawn in."""
    from mlsd_coach.cli.diagram_view import finding_lines

    titles = {step.id: step.title for step in card.steps}
    shown = []
    for check in card.diagrams:
        head = as_text(
            f"Your diagram in {titles.get(check.step, check.step)}, against the blueprint:\n", "bold"
        )
        head.append_text(finding_lines(check))
        head.append(f"`mlsd diagram check {card.case} FILE` draws it beside the reference.\n", style="dim")
        shown.append(head)
    return shown


def routing_lines(card: Scorecard) -> Text:
    """How the answer was split into steps, wherever that was not by an exact step title."""
    titles = {step.id: step.title for step in card.steps}
    lines = Text("How your answer was read into steps:", style="bold")
    for route in card.routing[:SHOWN_ROUTES]:
        steps = ", ".join(titles.get(step_id, step_id) for step_id in route.steps) or "not scored"
        lines.append(plain(f"\n  {route.source} → {steps}: {route.why}"))
    hidden = len(card.routing) - SHOWN_ROUTES
    if hidden > 0:
        lines.append(f"\n  … and {hidden} more (see --json)")
    lines.append("\n")
    return lines


def item_status(item: ItemResult) -> str:
    if item.met:
        return "met"
    return "partial" if item.score > 0 else "missed"


def item_lines(step: StepResult, titles: dict[str, str] | None = None) -> Table:
    """One row per rubric item: its mark and score, then its title with the best evidence
    quoted beneath, wrapped under the title."""
    titles = titles or {}
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(width=6, no_wrap=True)
    grid.add_column()
    for item in step.items:
        mark, colour = _MARK[item_status(item)]
        what = as_text(item.title, "bold" if item.met else "")
        if item.evidence:
            what.append(plain(f"\n“{clip(item.evidence[0], SHORT)}”"), style="italic")
            said = item.evidence_from[0] if item.evidence_from else step.id
            if said not in (step.id, ASKED):
                what.append(plain(f" (said under {titles.get(said, said)})"), style="dim")
        tag = _tier_tag(item)
        if tag:
            what.append(f"  [{tag}]", style="dim")
        grid.add_row(Text.assemble((f"{mark} ", colour), f"{item.score:4.2f}"), what)
    return grid


def _tier_tag(item: ItemResult) -> str:
    """What kind of item it is: the case's core, depth expected from a level, or generic."""
    if item.tier == "depth" and item.level:
        return f"{item.level} depth"
    return item.tier


def step_panel(step: StepResult, titles: dict[str, str] | None = None) -> Panel:
    """A step's items and mistakes; `titles` (step id -> title) names where evidence said
    under another step was found."""
    parts: list[RenderableType] = [item_lines(step, titles)]
    for mistake in step.mistakes:
        parts.append(
            Text.assemble(
                ("\nRed flag: " if mistake.red_flag else "\nMistake: ", "bold red"),
                plain(f"{mistake.title} (−{mistake.penalty:.0%} of the step). "),
                (plain(f"“{clip(' '.join(mistake.evidence), SHORT)}” "), "italic"),
                plain(mistake.explanation.strip()),
            )
        )
    additions = step.open_items()
    if additions:
        parts.append(Text("\nTo add:", style="bold"))
        for number, item in enumerate(additions, start=1):
            advice = Text.assemble((plain(f"{item.title}: "), "bold"), plain(item.feedback.strip()))
            parts.append(Padding(Text.assemble(f"{number}. ", advice), (0, 0, 0, 1)))
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
        as_text(f"Overall {card.score:.1f}/100 — {card.level} (for a {card.target} role)", "bold"),
        Text(""),
        signals,
        as_text(
            "\nThe recommendation follows from the signals: strong hire needs every signal strong or "
            "better, hire and lean hire no very weak one and at most one or two weak; a red flag caps it.",
            "dim",
        ),
    ]
    for warning in card.warnings:
        parts.append(as_text(f"\n⚠ {warning}", "yellow"))
    return Panel(Group(*parts), title="Verdict", title_align="left", border_style="bold")
