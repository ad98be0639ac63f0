"""Each drawn node read against the blueprint: the component its label names, its track, and
the roles (training, logged events) the checks need.

A label is matched to the blueprint's components as a rubric concept is matched to a
sentence (`Component.concept()`: its name and aliases, widened by the glossary). When several
components match one label, the one matched by the longest term wins, then a distinctive
term over a common word, then the one listed first. A label that says it trains names the
training job (`_training_job`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_coach.content.models import Blueprint, Component, Track
from mlsd_coach.diagram.model import Diagram, Node
from mlsd_coach.diagram.roles import Roles
from mlsd_coach.diagram.terms import label_sentence, strongest_term
from mlsd_coach.scoring.matcher import ConceptCompiler, SentenceIndex

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class NodeReading:
    node: Node
    component: Component | None
    track: Track | None  # the component's; for a node that names none, its subgraphs'
    drawn_in: Track | None  # the track named by the innermost of its subgraphs' titles that names one
    drawn_in_title: str | None  # that title
    training: bool  # it trains a model
    events: bool  # it holds logged events or monitoring

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def name(self) -> str:
        """How messages call it: its label on one line."""
        return " ".join(self.node.lines)

    @property
    def online_stage(self) -> bool:
        return (
            self.component is not None and self.component.kind == "stage" and self.component.track == "online"
        )

    @property
    def offline_job(self) -> bool:
        """Work that runs off the request path: training, or an offline job of the blueprint."""
        component = self.component
        return self.training or (
            component is not None and component.kind == "job" and component.track == "offline"
        )

    @property
    def client(self) -> bool:
        return self.component is not None and self.component.kind == "client"

    @property
    def data_at_rest(self) -> bool:
        """A store or a log: requests read and write it, they do not flow through it."""
        return self.events or (self.component is not None and self.component.kind in ("store", "log"))


def read_nodes(blueprint: Blueprint, diagram: Diagram, compiler: ConceptCompiler) -> list[NodeReading]:
    roles = Roles(compiler)
    texts = [node_text(node) for node in diagram.nodes]
    components = _name_components(blueprint.components, diagram.nodes, texts, roles, compiler)
    training = roles.training(texts)
    trainers = [c for c in blueprint.components if any(roles.training(c.concept().phrases()))]
    events = roles.events(texts)
    tracks = {subgraph.id: (roles.track(subgraph.title), subgraph.title) for subgraph in diagram.subgraphs}
    readings = []
    for at, node in enumerate(diagram.nodes):
        drawn_in, title = next(
            (tracks[s] for s in reversed(node.subgraph_ids) if tracks[s][0] is not None), (None, None)
        )
        component = components[at]
        if training[at] and not _is_one_of(component, trainers):
            component = _training_job(texts[at], trainers, compiler)
        is_training = training[at] if component is None else _is_one_of(component, trainers)
        fallback: Track | None = "offline" if is_training else None
        track = component.track if component else drawn_in or fallback
        readings.append(NodeReading(node, component, track, drawn_in, title, is_training, events[at]))
    return readings


def node_text(node: Node) -> str:
    """The words of a node's label; a bare id such as `featureStore` or `feature_store` as words."""
    if node.label == node.id:
        return _CAMEL.sub(" ", node.id).replace("_", " ")
    return " ".join(node.lines)


def _name_components(
    components: Sequence[Component],
    nodes: Sequence[Node],
    texts: Sequence[str],
    roles: Roles,
    compiler: ConceptCompiler,
) -> list[Component | None]:
    """For each node, the component its label names: the one its first line (a title, when
    lines below it give details) names, else the one its whole label names, else the part a
    terse label names (`Roles.parts`) when one component plays it."""
    titles = [node.lines[0] if len(node.lines) > 1 else text for node, text in zip(nodes, texts, strict=True)]
    players = roles.part_players(components)

    def parts(labels: Sequence[str]) -> list[Component | None]:
        return [None if part is None else players[part] for part in roles.parts(labels)]

    readings = zip(
        match_components(components, titles, compiler),
        match_components(components, texts, compiler),
        parts(titles),
        parts(texts),
        strict=True,
    )
    return [next((c for c in reading if c is not None), None) for reading in readings]


def match_components(
    components: Sequence[Component], texts: Sequence[str], compiler: ConceptCompiler
) -> list[Component | None]:
    """For each text, the component it names best, or None."""
    index = SentenceIndex([label_sentence(at, text) for at, text in enumerate(texts)])
    best: dict[int, tuple[tuple[int, bool, bool, int], Component]] = {}
    for order, component in enumerate(components):
        compiled = compiler.compile(component.concept())
        for hit in index.hits(compiled):
            key = (*strongest_term(compiled, hit.sentence), -order)
            at = hit.sentence.index
            if at not in best or key > best[at][0]:
                best[at] = (key, component)
    return [best[at][1] if at in best else None for at in range(len(texts))]


def _training_job(text: str, trainers: list[Component], compiler: ConceptCompiler) -> Component | None:
    """The training job a box that says it trains draws ("Train the heavy ranker", "LTR
    trainer"), whatever model it names: the one its label names, or the blueprint's only one."""
    named = match_components(trainers, [text], compiler)[0]
    return named or (trainers[0] if len(trainers) == 1 else None)


def _is_one_of(component: Component | None, components: list[Component]) -> bool:
    return component is not None and any(c.id == component.id for c in components)
