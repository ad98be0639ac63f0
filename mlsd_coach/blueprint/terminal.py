"""The blueprint in a terminal: the online funnel left to right with sizes and budgets, the
latency budget as a bar, the online/offline split with the training loop, and per
component the framework step that discusses it and the trade-off an interviewer probes.

Every string from the case file is printed as text, never parsed as Rich markup."""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd_coach.blueprint.graph import funnel_text
from mlsd_coach.cli.output import as_text, plain, safe
from mlsd_coach.content.models import TRACKS, CaseStudy, Component, Framework
from mlsd_coach.prose import fold

_STAGE_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red")
BAR_WIDTH = 60


def render_blueprint(out: Console, case: CaseStudy, framework: Framework) -> None:
    blueprint = case.blueprint
    out.print(f"[bold]{safe(blueprint.title)}[/bold]  [dim]{safe(case.id)}[/dim]")
    out.print(as_text(fold(blueprint.summary) + "\n"))
    stages = blueprint.online_stages()
    out.print(_funnel(stages))
    out.print(_budget(blueprint.critical_path(), blueprint.latency_budget_ms, case.latency_budget_ms, stages))
    out.print(tracks_table(case))
    out.print(_components(case, framework))


def _funnel(stages: list[Component]) -> Panel:
    row = Table.grid(padding=(0, 1))
    cells: list[RenderableType] = []
    for index, stage in enumerate(stages):
        colour = _STAGE_COLOURS[index % len(_STAGE_COLOURS)]
        body = as_text(stage.name, f"bold {colour}")
        if stage.funnel:
            body.append(f"\n{funnel_text(stage)} items")
        body.append(f"\n{stage.latency_ms:g} ms")
        if stage.model:
            body.append(plain(f"\n{_clip_words(stage.model, 60)}"), style="dim")
        cells.append(Panel(body, border_style=colour, expand=True))
        if index < len(stages) - 1:
            cells.append(Text("\n→", style="bold"))
    for cell in cells:
        row.add_column(ratio=1 if isinstance(cell, Panel) else None)
    row.add_row(*cells)
    return Panel(row, title="Online request path", title_align="left")


def _budget(stages: list[Component], budget: float, case_budget: float, online: list[Component]) -> Text:
    """The latency bar of the critical path (`stages`); stages beside it are named after."""
    used = sum(stage.latency_ms or 0 for stage in stages)
    bar = Text("Latency: ")
    for index, stage in enumerate(stages):
        width = max(1, round(BAR_WIDTH * (stage.latency_ms or 0) / budget))
        bar.append("█" * width, style=_STAGE_COLOURS[index % len(_STAGE_COLOURS)])
    bar.append("░" * max(0, BAR_WIDTH - round(BAR_WIDTH * used / budget)), style="dim")
    parts = " + ".join(f"{stage.latency_ms:g}" for stage in stages)
    case_note = f"; the case allows {case_budget:g} ms end to end" if case_budget != budget else ""
    bar.append(
        f"\n         {parts} = {used:g} ms of the {budget:g} ms budget on the critical path "
        f"({budget - used:g} ms left for network, feature fetch and fan-out{case_note})\n"
    )
    beside = [stage for stage in online if stage not in stages]
    if beside:
        names = ", ".join(f"{stage.name} ({stage.latency_ms:g} ms)" for stage in beside)
        bar.append(plain(f"         in parallel, off the critical path: {names}\n"), style="dim")
    return bar


def _clip_words(text: str, limit: int) -> str:
    words = fold(text)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0] + "…"


def tracks_table(case: CaseStudy) -> Table:
    """The components of each track side by side, and the flows that loop between them."""
    table = Table(title="Online and offline", title_justify="left", expand=True)
    table.add_column("online: serves every request", ratio=1)
    table.add_column("offline: learns from what was served", ratio=1)
    online, offline = (case.blueprint.components_on(track) for track in TRACKS)
    for index in range(max(len(online), len(offline))):
        table.add_row(*(_entry(side[index]) if index < len(side) else "" for side in (online, offline)))
    tracks = {c.id: c.track for c in case.blueprint.components}
    names = {c.id: c.name for c in case.blueprint.components}
    loop = [
        f"{names[f.source]} → {names[f.target]}" + (f" ({f.label})" if f.label else "")
        for f in case.blueprint.flows
        if tracks[f.source] != tracks[f.target]
    ]
    table.caption = as_text("Loop between them: " + "; ".join(loop)) if loop else None
    table.caption_justify = "left"
    return table


def _entry(component: Component) -> Text:
    entry = as_text(component.name)
    entry.append(plain(f" ({component.kind})"), style="dim")
    return entry


def _components(case: CaseStudy, framework: Framework) -> Table:
    table = Table(
        title="What each part is for in the interview", title_justify="left", expand=True, show_lines=True
    )
    table.add_column("component", ratio=2, style="bold")
    table.add_column("step", ratio=1)
    table.add_column("the trade-off you will be asked about", ratio=5)
    for component in case.blueprint.flow_order():
        step = framework.step_for_seven(component.step)
        trade_off = as_text(fold(component.trade_off))
        if component.implementation:
            trade_off.append(plain(f"\nrunnable example: {component.implementation}"), style="dim")
        table.add_row(as_text(component.name), as_text(f"{step.number}. {step.title}"), trade_off)
    return table
