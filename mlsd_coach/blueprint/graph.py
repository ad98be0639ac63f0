"""The blueprint as a graph: which stages come in which order, and labels every renderer
shares."""

from __future__ import annotations

import re

from mlsd_coach.content.models import Blueprint, Component

TRACK_TITLES = {"online": "Online serving", "offline": "Offline training and data"}


def node_id(component_id: str) -> str:
    """An identifier valid in Mermaid and DOT (`end` and friends are Mermaid keywords)."""
    return "n_" + re.sub(r"[^a-zA-Z0-9]", "_", component_id)


def flow_order(blueprint: Blueprint) -> list[Component]:
    """Components in the order data flows through them: a topological order of the flows,
    taking the earliest-listed component whenever a cycle (the training loop) must be broken."""
    by_id = {c.id: c for c in blueprint.components}
    incoming = {c.id: 0 for c in blueprint.components}
    for flow in blueprint.flows:
        incoming[flow.target] += 1
    order: list[Component] = []
    remaining = [c.id for c in blueprint.components]
    while remaining:
        ready = [c for c in remaining if incoming[c] == 0] or remaining[:1]
        current = ready[0]
        remaining.remove(current)
        order.append(by_id[current])
        for flow in blueprint.flows:
            if flow.source == current and flow.target in remaining:
                incoming[flow.target] -= 1
    return order


def online_stages(blueprint: Blueprint) -> list[Component]:
    stages = {c.id for c in blueprint.online_stages()}
    return [c for c in flow_order(blueprint) if c.id in stages]


def funnel_text(component: Component) -> str:
    if component.funnel is None:
        return ""
    return f"{compact(component.funnel.input)} → {compact(component.funnel.output)}"


def compact(number: int) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if number >= size:
            value = number / size
            return f"{value:.0f}{suffix}" if value >= 10 or value == int(value) else f"{value:.1f}{suffix}"
    return str(number)


def node_lines(component: Component) -> list[str]:
    """The lines of a component's box: its name, the funnel and the latency budget."""
    lines = [component.name]
    details = [
        part
        for part in (funnel_text(component), component.latency_ms and f"{component.latency_ms:g} ms")
        if part
    ]
    if details:
        lines.append(" · ".join(details))
    return lines
