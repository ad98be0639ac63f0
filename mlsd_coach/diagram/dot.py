"""The candidate's diagram as Graphviz DOT, drawn as it was checked: each box with the
blueprint component it was matched to (green) or none (grey), boxes the check found on the
request path although they are offline work in red, the drawn subgraphs as clusters."""

from __future__ import annotations

from mlsd_coach.blueprint.dot import HEADER, quote, quote_lines
from mlsd_coach.diagram.findings import DiagramCheck, NodeMatch

_MATCHED = ("#e8f6ee", "#1e7b4a")
_UNMATCHED = ("#f2f2f2", "#8a8a8a")
_WRONG = ("#fdecea", "#b42318")


def drawing_dot(check: DiagramCheck) -> str:
    ids = {node.id: f"d{index}" for index, node in enumerate(check.nodes)}
    wrong = {problem.node for problem in check.confusion}
    lines = ["digraph drawing {", "  rankdir=TB;", *HEADER]
    clusters: dict[tuple[str, ...], list[str]] = {}
    for node in check.nodes:
        clusters.setdefault(node.subgraphs, []).append(_node(node, ids[node.id], node.id in wrong))
    lines.extend(_clusters(clusters))
    for edge in check.edges:
        if edge.source not in ids or edge.target not in ids:
            continue  # an edge to a whole subgraph: drawn by its boxes
        attributes = [f"label={quote(edge.label)}"] if edge.label else []
        if edge.style == "dotted":
            attributes.append("style=dashed")
        if edge.style == "thick":
            attributes.append("penwidth=2.2")
        if edge.both_ways:
            attributes.append("dir=both")
        elif not edge.directed:
            attributes.append("dir=none")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(node: NodeMatch, dot_id: str, wrong: bool) -> str:
    fill, line = _WRONG if wrong else (_MATCHED if node.component else _UNMATCHED)
    shown = [part for part in node.label.split("\n") if part.strip()] or [node.id]
    shown.append(f"= {node.component_name}" if node.component_name else "(not matched)")
    return f'{dot_id} [label={quote_lines(shown)}, shape=box, fillcolor="{fill}", color="{line}"];'


def _clusters(members: dict[tuple[str, ...], list[str]]) -> list[str]:
    """The boxes nested in the subgraphs they were drawn in (by title path)."""
    lines: list[str] = [f"  {box}" for box in members.get((), [])]
    paths = sorted(path for path in members if path)
    opened: list[str] = []
    for number, path in enumerate(paths):
        while opened and tuple(opened) != path[: len(opened)]:
            opened.pop()
            lines.append("  " * (len(opened) + 1) + "}")
        for title in path[len(opened) :]:
            indent = "  " * (len(opened) + 1)
            lines.append(f"{indent}subgraph cluster_{number}_{len(opened)} {{")
            lines.append(f'{indent}  label={quote(title)}; style="rounded,dashed"; color="#9aa5b1";')
            opened.append(title)
        lines.extend("  " * (len(opened) + 1) + box for box in members[path])
    while opened:
        opened.pop()
        lines.append("  " * (len(opened) + 1) + "}")
    return lines
