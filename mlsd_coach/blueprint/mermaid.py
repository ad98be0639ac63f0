"""Mermaid flowchart source: renders on GitHub and in the Mermaid live editor."""

from __future__ import annotations

from mlsd_coach.blueprint.graph import TRACK_TITLES, node_id, node_lines
from mlsd_coach.content.models import TRACKS, Blueprint, Component
from mlsd_coach.prose import fold

_SHAPES = {
    "stage": ('["', '"]'),
    "service": ('("', '")'),
    "store": ('[("', '")]'),
    "log": ('[("', '")]'),
    "model": ('{{"', '"}}'),
    "job": ('[["', '"]]'),
    "source": ('(["', '"])'),
    "client": ('(["', '"])'),
    "queue": ('[/"', '"/]'),
}


def to_mermaid(blueprint: Blueprint) -> str:
    lines = ["flowchart TB"]
    for track in TRACKS:
        members = blueprint.components_on(track)
        if not members:
            continue
        title = TRACK_TITLES[track]
        if track == "online":
            title += f" · {blueprint.latency_budget_ms:g} ms budget"
        lines.append(f'  subgraph {track}["{_text(title)}"]')
        lines.extend(f"    {_node(component)}" for component in members)
        lines.append("  end")
    for flow in blueprint.flows:
        arrow = f"-->|{_text(flow.label)}|" if flow.label else "-->"
        lines.append(f"  {node_id(flow.source)} {arrow} {node_id(flow.target)}")
    return "\n".join(lines) + "\n"


def _node(component: Component) -> str:
    opening, closing = _SHAPES[component.kind]
    label = "<br/>".join(_text(line) for line in node_lines(component))
    return f"{node_id(component.id)}{opening}{label}{closing}"


def _text(text: str) -> str:
    """Text safe inside a quoted Mermaid label or an edge label."""
    return (
        fold(text)
        .replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("|", "#124;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )
