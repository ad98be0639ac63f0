"""Latency written on a diagram ("Ranker 40ms", `-->|~15 ms|`, "0.1 s") and the slowest path
through it, where branches that run side by side count once, as the slower."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from mlsd_coach.diagram.graphs import Adjacency, acyclic_order
from mlsd_coach.scoring.text import normalise

# `normalise` writes every duration as "<n> ms" ("0.1 s", "a tenth of a second", "40msec")
_MILLISECONDS = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?) ms\b")


def milliseconds(text: str) -> float | None:
    """The latency a label gives, or None. Of several numbers ("40 ms p50, 80 ms p99", "10-20
    ms") the largest: a budget is for the slow requests."""
    values = [float(value) for value in _MILLISECONDS.findall(normalise(text))]
    return max(values, default=None)


def slowest_path(
    adjacency: Adjacency,
    roots: Sequence[str],
    node_ms: Mapping[str, float],
    edge_ms: Mapping[tuple[str, str], float],
    entries: AbstractSet[str] = frozenset(),
) -> tuple[float, list[str]]:
    """The total and the nodes of the slowest path from `roots`, counting each node's and
    each arrow's milliseconds; of equally slow paths, one from `entries`. An arrow that
    closes a cycle on a walk from the roots in order (a response back to the client) is not
    followed."""
    order, back_edges = acyclic_order(adjacency, roots)
    finish: dict[str, tuple[float, bool]] = {}  # the slowest arrival, and whether from an entry
    via: dict[str, str | None] = {}
    for node in order:  # every node's predecessors come before it
        if node not in finish:
            finish[node], via[node] = (node_ms.get(node, 0.0), node in entries), None
        for following in adjacency.get(node, ()):
            if (node, following) in back_edges:
                continue
            total = finish[node][0] + edge_ms.get((node, following), 0.0) + node_ms.get(following, 0.0)
            arrival = (total, finish[node][1])
            if following not in finish or arrival > finish[following]:
                finish[following], via[following] = arrival, node
    if not finish:
        return 0.0, []
    at: str | None = max(order, key=lambda node: finish[node])
    path: list[str] = []
    while at is not None:
        path.append(at)
        at = via[at]
    return finish[path[0]][0], path[::-1]
