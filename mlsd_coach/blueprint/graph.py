"""What every blueprint renderer shares: node ids, track titles and the text of a box.

The order of the components (`Blueprint.flow_order`, `Blueprint.online_stages`) and the split
into tracks (`Blueprint.components_on`) belong to the model in `content/models.py`, so the
terminal, Mermaid, DOT and the Markdown/HTML document all draw the same blueprint the same way."""

from __future__ import annotations

import re

from mlsd_coach.content.models import Component, Track

TRACK_TITLES: dict[Track, str] = {"online": "Online serving", "offline": "Offline training and data"}


def node_id(component_id: str) -> str:
    """An identifier valid in Mermaid and DOT (`end` and friends are Mermaid keywords)."""
    return "n_" + re.sub(r"[^a-zA-Z0-9]", "_", component_id)


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
