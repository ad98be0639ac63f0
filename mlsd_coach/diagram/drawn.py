"""The arrows of a diagram as a directed graph between its nodes.

An arrow to or from a subgraph reaches every node drawn inside it. `<-->` points both ways;
a link without an arrow (`---`) gives no direction and an invisible one (`~~~`) is layout, so
neither is an arrow here.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_coach.diagram.model import Diagram


@dataclass(frozen=True)
class DrawnGraph:
    arrows: dict[str, list[str]]  # node id -> the node ids it points at, in drawing order
    labels: dict[tuple[str, str], list[str]]  # the labels of the arrows from one node to another
    undirected: int  # links drawn without an arrow


def drawn_graph(diagram: Diagram) -> DrawnGraph:
    node_ids = {node.id for node in diagram.nodes}
    inside: dict[str, list[str]] = {}
    for node in diagram.nodes:
        for subgraph_id in node.subgraph_ids:
            inside.setdefault(subgraph_id, []).append(node.id)

    def ends(end: str) -> list[str]:
        return [end] if end in node_ids else inside.get(end, [])

    arrows: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], list[str]] = {}
    undirected = 0
    for edge in diagram.edges:
        if edge.style == "invisible":
            continue
        if not edge.directed:
            undirected += 1
            continue
        pairs = [(s, t) for s in ends(edge.source) for t in ends(edge.target) if s != t]
        if edge.both_ways:
            pairs += [(t, s) for s, t in pairs]
        for source, target in pairs:
            targets = arrows.setdefault(source, [])
            if target not in targets:
                targets.append(target)
            if edge.label:
                labels.setdefault((source, target), []).append(edge.label)
    return DrawnGraph(arrows, labels, undirected)
