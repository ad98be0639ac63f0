"""A drawn architecture checked against the case's blueprint, deterministically.

A request flows along arrows through serving boxes: stores and logs are read and written but
not flowed through, and offline work ends a path. Offline work is on the request path when a
request passes it between the client (or a stage) and a later stage: "Retrieval --> Training
--> Ranker" is wrong, while "Logs --> Training --> Ranker" and "Decision --> Review --> Labels
--> Training --> Model" are the feedback loop.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

from mlsd_coach.content.models import Blueprint, CaseStudy, Component
from mlsd_coach.content.registry import load_glossary
from mlsd_coach.diagram.drawn import DrawnGraph, drawn_graph
from mlsd_coach.diagram.findings import (
    ComponentRef,
    ConfusionProblem,
    DiagramCheck,
    DrawnEdge,
    FeedbackLoop,
    LatencyCheck,
    NodeMatch,
    OrderProblem,
    PresentComponent,
    Where,
)
from mlsd_coach.diagram.graphs import path_to, reach, reverse
from mlsd_coach.diagram.latency import milliseconds, slowest_path
from mlsd_coach.diagram.model import Diagram
from mlsd_coach.diagram.reading import NodeReading, read_nodes
from mlsd_coach.scoring.matcher import ConceptCompiler

# a latency as written in a label ("~45 ms"), dropped from the label where the number stands beside it
_WRITTEN_MS = re.compile(r"[~≈<]?\s*\d+(?:\.\d+)?\s*(?:ms|msec|milliseconds?)\b", re.I)


def check_diagram(case: CaseStudy, diagram: Diagram, compiler: ConceptCompiler | None = None) -> DiagramCheck:
    """What the diagram draws of the case's blueprint, and what it gets wrong. `compiler`
    (with the glossary) is made from the built-in glossary when not given."""
    blueprint = case.blueprint
    drawing = Drawing(
        blueprint,
        read_nodes(blueprint, diagram, compiler or ConceptCompiler(load_glossary())),
        drawn_graph(diagram),
    )
    confusion = offline_in_serving(drawing)
    on_request_path = {problem.node for problem in confusion if problem.where == "request path"}
    return DiagramCheck(
        case=case.id,
        diagram_line=diagram.first_line,
        nodes=tuple(_node_match(reading) for reading in drawing.readings),
        edges=tuple(DrawnEdge(**edge.model_dump()) for edge in diagram.edges),
        present=present_components(drawing),
        missing=missing_components(drawing),
        order=stage_order(drawing),
        confusion=confusion,
        feedback_loop=feedback_loop(drawing, on_request_path),
        latency=drawn_latency(drawing),
        notes=notes(drawing, case.id),
        unsupported=diagram.unsupported,
    )


@dataclass(frozen=True)
class Drawing:
    """The diagram read against one blueprint: what each node is, and the arrows between them."""

    blueprint: Blueprint
    readings: list[NodeReading]
    graph: DrawnGraph

    @cached_property
    def by_id(self) -> dict[str, NodeReading]:
        return {reading.id: reading for reading in self.readings}

    @property
    def arrows(self) -> dict[str, list[str]]:
        return self.graph.arrows

    @cached_property
    def _nodes_by_component(self) -> dict[str, list[str]]:
        drawn: dict[str, list[str]] = {}
        for reading in self.readings:
            if reading.component is not None:
                drawn.setdefault(reading.component.id, []).append(reading.id)
        return drawn

    def nodes_of(self, component: Component) -> list[str]:
        """The nodes that draw `component`, in drawing order."""
        return self._nodes_by_component.get(component.id, [])

    @cached_property
    def drawn_stages(self) -> list[Component]:
        """The blueprint's online stages that are drawn, in the order requests pass them."""
        return [stage for stage in self.blueprint.online_stages() if self.nodes_of(stage)]

    @cached_property
    def entries(self) -> list[str]:
        """Where a request enters: the client, and the first online stage drawn."""
        first_stage = self.nodes_of(self.drawn_stages[0]) if self.drawn_stages else []
        clients = [r.id for r in self.readings if r.client]
        return list(dict.fromkeys([*clients, *first_stage]))

    def serves(self, node_id: str) -> bool:
        """Whether a request flows through the node (not a store or log, not offline work)."""
        reading = self.by_id[node_id]
        return not (reading.data_at_rest or reading.offline_job or reading.track == "offline")

    def waited_for(self, node_id: str) -> bool:
        """Whether a request waits for the node: serving, and the stores it reads (a log is
        written on the side, offline work not at all)."""
        reading = self.by_id[node_id]
        is_store = reading.component is not None and reading.component.kind == "store"
        return self.serves(node_id) or (is_store and not reading.events and reading.track != "offline")

    def in_pipeline(self, node_id: str) -> bool:
        """An online stage, or an unnamed serving box between stages: not the client or a
        service, which a request returns to, so that a path through them closes no cycle."""
        reading = self.by_id[node_id]
        unnamed = reading.component is None and node_id not in self.entries and self.serves(node_id)
        return reading.online_stage or unnamed

    def names(self, node_ids: list[str]) -> str:
        return " → ".join(self.by_id[node_id].name for node_id in node_ids)


def _node_match(reading: NodeReading) -> NodeMatch:
    node, component = reading.node, reading.component
    return NodeMatch(
        id=node.id,
        label=node.label,
        line=node.line,
        component=component.id if component else None,
        component_name=component.name if component else None,
        track=reading.track,
        subgraphs=node.subgraphs,
    )


def _reference(component: Component) -> ComponentRef:
    return ComponentRef(id=component.id, name=component.name, kind=component.kind, track=component.track)


def present_components(drawing: Drawing) -> tuple[PresentComponent, ...]:
    """The blueprint's components drawn, in the blueprint's order, with the nodes that draw them."""
    return tuple(
        PresentComponent(**_reference(component).model_dump(), nodes=tuple(nodes))
        for component in drawing.blueprint.components
        if (nodes := drawing.nodes_of(component))
    )


def missing_components(drawing: Drawing) -> tuple[ComponentRef, ...]:
    """The components not drawn: the online stages first, in request order, then the stores,
    logs and jobs of the main loop, then the rest, each in the order data flows."""
    blueprint = drawing.blueprint
    stage_rank = {stage.id: rank for rank, stage in enumerate(blueprint.online_stages())}
    loop = main_loop(blueprint)

    def importance(rank: int, component: Component) -> tuple[int, int]:
        if component.id in stage_rank:
            return 0, stage_rank[component.id]
        on_loop = component.kind in ("store", "log", "job") and component.id in loop
        return (1 if on_loop else 2), rank

    missing = [(rank, c) for rank, c in enumerate(blueprint.flow_order()) if not drawing.nodes_of(c)]
    return tuple(_reference(c) for _, c in sorted(missing, key=lambda pair: importance(*pair)))


def main_loop(blueprint: Blueprint) -> set[str]:
    """The components on a cycle through the online stages: serving, its logs, training and back."""
    flows: dict[str, list[str]] = {}
    for flow in blueprint.flows:
        flows.setdefault(flow.source, []).append(flow.target)
    stages = [stage.id for stage in blueprint.online_stages()]
    return set(reach(flows, stages)) & set(reach(reverse(flows), stages))


def stage_order(drawing: Drawing) -> tuple[OrderProblem, ...]:
    """Pairs of online stages drawn with a path from the later (in the blueprint) to the
    earlier and none the other way. Paths run through stages and unnamed boxes only, not
    through the client or a service a request returns to."""
    stages = drawing.drawn_stages
    reached = {s.id: set(reach(drawing.arrows, drawing.nodes_of(s), drawing.in_pipeline)) for s in stages}
    downstream = _blueprint_downstream(drawing.blueprint)
    problems = []
    for position, earlier in enumerate(stages):
        for later in stages[position + 1 :]:
            if later.id not in downstream[earlier.id]:
                continue  # side by side in the blueprint (rules next to the model): either order is fine
            backwards = any(node in reached[later.id] for node in drawing.nodes_of(earlier))
            forwards = any(node in reached[earlier.id] for node in drawing.nodes_of(later))
            if backwards and not forwards:
                message = (
                    f"{later.name} is drawn before {earlier.name}: a request reaches {earlier.name} first"
                )
                problems.append(OrderProblem(earlier=earlier.id, later=later.id, message=message))
    return tuple(problems)


def _blueprint_downstream(blueprint: Blueprint) -> dict[str, set[str]]:
    """For each online stage, the stages after it in the blueprint's flows."""
    stages = {stage.id for stage in blueprint.online_stages()}
    feeds: dict[str, list[str]] = {}
    for flow in blueprint.flows:
        if flow.source in stages and flow.target in stages:
            feeds.setdefault(flow.source, []).append(flow.target)
    return {stage: set(reach(feeds, [stage])) - {stage} for stage in stages}


def offline_in_serving(drawing: Drawing) -> tuple[ConfusionProblem, ...]:
    """Offline work (training, an index build) drawn on the request path, or in a subgraph
    titled as serving."""
    problems = []
    for reading in drawing.readings:
        if not reading.offline_job:
            continue
        path = _request_path_through(drawing, reading.id)
        work = "training" if reading.training else "offline work"
        if path:
            message = (
                f"{reading.name} is drawn on the request path ({drawing.names(path)}): {work} runs "
                "offline, and serving only loads what it produces"
            )
            problems.append(_confusion(reading, "request path", path, message))
        elif reading.drawn_in == "online":
            message = (
                f"{reading.name} is drawn inside '{reading.drawn_in_title}', with serving: {work} runs "
                "offline, on a schedule or a stream, not per request"
            )
            problems.append(_confusion(reading, "online subgraph", [], message))
    return tuple(problems)


def _request_path_through(drawing: Drawing, node_id: str) -> list[str]:
    """A path on which a request passes `node_id` between the client, or an online stage,
    and a later online stage; [] when there is none. Reached only from the stage it leads
    to (ranker → trainer → ranker) or a later one (re-ranking → labels → trainer → ranker),
    the node is a feedback loop drawn back into serving, not part of the request path."""
    by_id = drawing.by_id
    rank = {stage.id: position for position, stage in enumerate(drawing.blueprint.online_stages())}

    def position(node: str) -> int:
        component = by_id[node].component
        return -1 if by_id[node].client or component is None else rank[component.id]

    def between_stages(node: str) -> bool:
        return drawing.serves(node) and not by_id[node].online_stage

    back = reach(reverse(drawing.arrows), [node_id], between_stages)
    ahead = reach(drawing.arrows, [node_id], between_stages)
    before = [n for n in back if n != node_id and (by_id[n].online_stage or by_id[n].client)]
    after = [n for n in ahead if n != node_id and by_id[n].online_stage]
    for start in before:
        for end in after:
            if position(start) < position(end):
                return path_to(back, start)[::-1] + path_to(ahead, end)[1:]
    return []


def _confusion(reading: NodeReading, where: Where, path: list[str], message: str) -> ConfusionProblem:
    component = reading.component.id if reading.component else None
    return ConfusionProblem(
        node=reading.id, component=component, where=where, path=tuple(path), message=message
    )


def feedback_loop(drawing: Drawing, on_request_path: AbstractSet[str] = frozenset()) -> FeedbackLoop:
    """Whether arrows lead from logged events, monitoring or serving to a training job. For a
    job drawn on the request path, the arrows from serving into it carry the request, not
    what serving learned: only its other arrows (from logs, labels, history) can close a loop."""
    training = {r.id for r in drawing.readings if r.training}
    if not training:
        return FeedbackLoop(
            status="no training",
            message="no training drawn: add the job that trains the model, and the arrows from the logs to it",
        )
    sources = [r.id for r in drawing.readings if not r.training and _feeds_training(r)]
    arrows = {
        node: [t for t in targets if not (t in on_request_path and drawing.serves(node))]
        for node, targets in drawing.arrows.items()
    }
    reached = reach(arrows, sources)
    found = next((node for node in reached if node in training), None)
    if found is None:
        name = drawing.by_id[sorted(training, key=list(drawing.by_id).index)[0]].name
        return FeedbackLoop(
            status="missing",
            message=f"missing feedback loop from logging to training: draw how served events and "
            f"their labels reach {name}",
        )
    path = path_to(reached, found)
    return FeedbackLoop(status="present", path=tuple(path), message=f"feedback loop: {drawing.names(path)}")


def _feeds_training(reading: NodeReading) -> bool:
    """Logged events, monitoring, or a serving box: where the loop to training starts. A store
    that training reads (features) is not the loop."""
    is_store = reading.component is not None and reading.component.kind == "store"
    return reading.events or (reading.track == "online" and not is_store)


def drawn_latency(drawing: Drawing) -> LatencyCheck:
    """The slowest drawn path through the online side, from the milliseconds written on its
    nodes and arrows, against the blueprint's budget."""
    budget = drawing.blueprint.latency_budget_ms
    roots = drawing.entries or _unfed_serving_nodes(drawing)
    serving = _waited_for_nodes(drawing, roots)
    allowed = set(serving)
    node_ms = {n: ms for n in serving if (ms := milliseconds(drawing.by_id[n].name)) is not None}
    edge_ms = _edge_milliseconds(drawing.graph, allowed)
    if not node_ms and not edge_ms:
        return LatencyCheck(
            status="no numbers",
            budget_ms=budget,
            message=f"no latency drawn on the online path: write the milliseconds on boxes or arrows "
            f"(`Ranker 40 ms`, `-->|20 ms|`) to check them against the {budget:g} ms budget",
        )
    adjacency = {n: [t for t in drawing.arrows.get(n, []) if t in allowed] for n in serving}
    # the entries first, so that arrows back to the client close cycles; then what feeds in from the side
    starts = [root for root in roots if root in allowed]
    total, path = slowest_path(adjacency, [*starts, *serving], node_ms, edge_ms, set(starts))
    parts = _latency_parts(drawing, path, node_ms, edge_ms)
    over = total > budget
    verdict = (
        f"over the {budget:g} ms budget by {total - budget:g} ms: cut a stage's budget or run stages side by side"
        if over
        else f"within the {budget:g} ms budget"
    )
    return LatencyCheck(
        status="over" if over else "within",
        budget_ms=budget,
        drawn_ms=total,
        path=tuple(path),
        message=f"the slowest drawn path takes {total:g} ms ({parts}), {verdict}",
    )


def _waited_for_nodes(drawing: Drawing, roots: list[str]) -> list[str]:
    """What a request waits for: the nodes reached from `roots` through serving boxes and the
    stores they read, and those that feed into them ("Features 5 ms --> Scorer")."""
    forward = reach(drawing.arrows, roots, drawing.waited_for)
    reached = [node for node in forward if drawing.waited_for(node)]
    feeding = reach(reverse(drawing.arrows), reached, drawing.waited_for)
    return list(dict.fromkeys([*reached, *(node for node in feeding if drawing.waited_for(node))]))


def _unfed_serving_nodes(drawing: Drawing) -> list[str]:
    """Where arrows start, when no client or stage is recognised."""
    fed = {target for targets in drawing.arrows.values() for target in targets}
    return [r.id for r in drawing.readings if r.id not in fed and drawing.serves(r.id)]


def _edge_milliseconds(graph: DrawnGraph, allowed: set[str]) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for (source, target), labels in graph.labels.items():
        if source in allowed and target in allowed:
            values = [ms for label in labels if (ms := milliseconds(label)) is not None]
            if values:
                found[(source, target)] = max(values)
    return found


def _latency_parts(
    drawing: Drawing, path: list[str], node_ms: dict[str, float], edge_ms: dict[tuple[str, str], float]
) -> str:
    """ "Retrieval 20 + arrow 5 + Ranker 40": what the slowest path's total is made of."""
    parts: list[str] = []
    for position, node in enumerate(path):
        if position and (step := (path[position - 1], node)) in edge_ms:
            parts.append(f"arrow {edge_ms[step]:g}")
        if node in node_ms:
            reading = drawing.by_id[node]
            name = reading.component.name if reading.component else _WRITTEN_MS.sub("", reading.name)
            parts.append(f"{_short(' '.join(name.split()))} {node_ms[node]:g}")
    return " + ".join(parts)


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:39] + "…"


def notes(drawing: Drawing, case_id: str) -> tuple[str, ...]:
    found = []
    if drawing.graph.undirected:
        links = "1 link has" if drawing.graph.undirected == 1 else f"{drawing.graph.undirected} links have"
        found.append(f"{links} no arrow (`---`): the checks follow arrows, so draw `-->` where data flows")
    if drawing.readings and all(r.component is None for r in drawing.readings):
        found.append(
            "no box's label names a component of this case: label them with the names "
            f"`mlsd blueprint show {case_id}` uses"
        )
    return tuple(found)
