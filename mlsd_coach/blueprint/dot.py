"""Graphviz DOT source, and SVG rendered from it by the `dot` program when installed."""

from __future__ import annotations

import shutil
import subprocess

from mlsd_coach.blueprint.graph import TRACK_TITLES, node_id, node_lines
from mlsd_coach.content.models import TRACKS, Blueprint, Component, Track
from mlsd_coach.errors import BadInputError, MlsdError
from mlsd_coach.prose import fold

_SHAPES = {
    "stage": "box",
    "service": "box",
    "store": "cylinder",
    "log": "cylinder",
    "model": "hexagon",
    "job": "component",
    "source": "oval",
    "client": "oval",
    "queue": "folder",
}
_COLOURS: dict[Track, tuple[str, str]] = {"online": ("#e8f1fb", "#2f6db5"), "offline": ("#f4efe6", "#9a6b1f")}
INSTALL_GRAPHVIZ = (
    "Graphviz `dot` is not installed; install it (Debian/Ubuntu: sudo apt-get install graphviz; "
    "macOS: brew install graphviz) or export --format dot or mermaid instead"
)


# Sizes that stay legible (>= 11 px) in a page that shrinks a wide diagram to 70 % (see
# render.blueprint_doc.READABLE_SCALE): every diagram drawn with Graphviz starts with these.
HEADER = (
    '  graph [fontname="Helvetica", fontsize=13, nodesep=0.35, ranksep=0.5, newrank=true];',
    '  node [fontname="Helvetica", fontsize=12, style="rounded,filled", penwidth=1.2];',
    '  edge [fontname="Helvetica", fontsize=12, color="#555555"];',
)


def to_dot(blueprint: Blueprint) -> str:
    lines = ["digraph blueprint {", "  rankdir=TB;", *HEADER]
    for track in TRACKS:
        members = blueprint.components_on(track)
        if not members:
            continue
        fill, line = _COLOURS[track]
        title = TRACK_TITLES[track] + (
            f" ({blueprint.latency_budget_ms:g} ms budget)" if track == "online" else ""
        )
        lines.append(f"  subgraph cluster_{track} {{")
        lines.append(f'    label={quote(title)}; color="{line}"; style="rounded,dashed"; fontcolor="{line}";')
        lines.extend(f"    {_node(component, fill, line)}" for component in members)
        lines.append("  }")
    position = {component.id: index for index, component in enumerate(blueprint.flow_order())}
    for flow in blueprint.flows:
        attributes = [f"label={quote(flow.label)}"] if flow.label else []
        if position[flow.target] < position[flow.source]:
            attributes += ["constraint=false", "style=dashed"]  # a feedback loop: do not stretch the layout
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {node_id(flow.source)} -> {node_id(flow.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot_source: str) -> str:
    executable = shutil.which("dot")
    if executable is None:
        raise BadInputError(INSTALL_GRAPHVIZ)
    process = subprocess.run(
        [executable, "-Tsvg"], input=dot_source, capture_output=True, text=True, timeout=60
    )
    if process.returncode != 0:
        raise MlsdError(
            f"Graphviz failed: {process.stderr.strip().splitlines()[0] if process.stderr else 'no output'}"
        )
    return process.stdout


def _node(component: Component, fill: str, line: str) -> str:
    weight = ", penwidth=2" if component.kind == "stage" else ""
    return (
        f"{node_id(component.id)} [label={quote_lines(node_lines(component))}, shape={_SHAPES[component.kind]}, "
        f'fillcolor="{fill}", color="{line}"{weight}];'
    )


def quote(text: str) -> str:
    """`text` as a DOT string."""
    return f'"{_escape(text)}"'


def quote_lines(lines: list[str]) -> str:
    """Lines as one DOT string, a line break between them."""
    return '"' + "\\n".join(_escape(line) for line in lines) + '"'


def _escape(text: str) -> str:
    return fold(text).replace("\\", "\\\\").replace('"', '\\"')
