"""`mlsd diagram check` in the terminal: the candidate's diagram beside the case's blueprint,
then one line per finding. Every string from the diagram or the case is printed as text,
never parsed as Rich markup."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd_coach.blueprint.terminal import tracks_table
from mlsd_coach.cli.output import as_text, plain
from mlsd_coach.content.models import CaseStudy
from mlsd_coach.diagram.findings import DiagramCheck, DrawnEdge

MAX_EDGES_SHOWN = 40
_TRACK_TITLES = {"online": "online", "offline": "offline", None: "track not drawn"}
_ARROWS = {"solid": "→", "dotted": "⇢", "thick": "⇒", "invisible": "~"}


def render_diagram_check(out: Console, check: DiagramCheck, case: CaseStudy) -> None:
    out.print(
        as_text(f"{case.title}: your diagram (line {check.diagram_line}) against the blueprint", "bold")
    )
    sides = Table.grid(expand=True, padding=(0, 1))
    sides.add_column(ratio=1)
    sides.add_column(ratio=1)
    sides.add_row(
        Panel(_your_diagram(check), title="Your diagram", title_align="left"),
        Panel(_reference(case), title="The reference", title_align="left"),
    )
    out.print(sides)
    out.print(finding_lines(check))


def _your_diagram(check: DiagramCheck) -> RenderableType:
    table = Table(expand=True, show_edge=False, pad_edge=False)
    table.add_column("node", ratio=1)
    table.add_column("blueprint component", ratio=1)
    for track in ("online", "offline", None):
        nodes = [node for node in check.nodes if node.track == track]
        if not nodes:
            continue
        table.add_row(Text(_TRACK_TITLES[track], style="bold"), "")
        for node in nodes:
            matched = (
                as_text(node.component_name) if node.component_name else Text("(not matched)", style="dim")
            )
            table.add_row(as_text(" ".join(node.label.split("\n"))), matched)
    return Group(table, _edges(check))


def _edges(check: DiagramCheck) -> Text:
    labels = {node.id: " ".join(node.label.split("\n")) for node in check.nodes}
    shown = check.edges[:MAX_EDGES_SHOWN]
    text = Text("\narrows\n", style="bold")
    for edge in shown:
        text.append(plain(_edge_line(edge, labels)) + "\n")
    if len(check.edges) > len(shown):
        text.append(f"… and {len(check.edges) - len(shown)} more\n", style="dim")
    if not check.edges:
        text.append("(none drawn)\n", style="dim")
    return text


def _edge_line(edge: DrawnEdge, labels: dict[str, str]) -> str:
    arrow = _ARROWS[edge.style]
    if edge.both_ways:
        arrow = "↔"
    elif not edge.directed:
        arrow = "—"
    label = f" ({edge.label})" if edge.label else ""
    return f"{labels.get(edge.source, edge.source)} {arrow} {labels.get(edge.target, edge.target)}{label}"


def _reference(case: CaseStudy) -> RenderableType:
    blueprint = case.blueprint
    stages = " → ".join(stage.name for stage in blueprint.online_stages())
    critical = f"{blueprint.critical_path_ms():g} ms of the {blueprint.latency_budget_ms:g} ms budget"
    return Group(tracks_table(case), as_text(f"\nonline stages: {stages}\ncritical path: {critical}"))


def finding_lines(check: DiagramCheck) -> Text:
    """✓ what is drawn, ✗ what is missing, ⚠ what is drawn wrong, then latency and notes."""
    lines = Text()

    def add(mark: str, style: str, message: str) -> None:
        lines.append(f"{mark} ", style=style)
        lines.append(plain(message) + "\n")

    for component in check.present:
        add("✓", "green", f"{component.name} ({component.kind}, {component.track})")
    for absent in check.missing:
        add("✗", "red", f"missing: {absent.name} ({absent.kind}, {absent.track})")
    for problem in check.order:
        add("⚠", "yellow", problem.message)
    for confusion in check.confusion:
        add("⚠", "yellow", confusion.message)
    loop = check.feedback_loop
    add(
        "✓" if loop.status == "present" else "⚠",
        "green" if loop.status == "present" else "yellow",
        loop.message,
    )
    latency = check.latency
    marks = {"within": ("✓", "green"), "over": ("⚠", "yellow"), "no numbers": ("·", "dim")}
    add(*marks[latency.status], latency.message)
    for note in check.notes:
        add("·", "dim", f"note: {note}")
    for unread in check.unsupported:
        add("·", "dim", f"line {unread.line} not read: {unread.what}")
    return lines
