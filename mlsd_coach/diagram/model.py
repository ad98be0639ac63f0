"""What a Mermaid flowchart says, as read by `diagram.parse`: nodes, edges and subgraphs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

EdgeStyle = Literal["solid", "dotted", "thick", "invisible"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Node(_Frozen):
    id: str
    label: str  # line breaks (`<br/>`, a markdown string's newlines) as "\n"
    shape: str = "rectangle"
    subgraphs: tuple[str, ...] = ()  # titles of the subgraphs it sits in, outermost first
    subgraph_ids: tuple[str, ...] = ()  # and their ids
    line: int  # where it first appears

    @property
    def lines(self) -> list[str]:
        return self.label.split("\n")


class Edge(_Frozen):
    source: str  # a node id, or a subgraph id (an edge to the whole box)
    target: str
    label: str = ""
    style: EdgeStyle = "solid"
    directed: bool = True  # an arrow, a cross or a circle at `target`
    both_ways: bool = False  # heads at both ends: `<-->`, `o--o`, `x--x`
    line: int


class Subgraph(_Frozen):
    id: str
    title: str
    parents: tuple[str, ...] = ()  # ids of the subgraphs around it, outermost first
    line: int


class Unsupported(_Frozen):
    """A part of the diagram that was not read, and why."""

    line: int
    what: str


class Diagram(_Frozen):
    direction: str = "TB"
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    subgraphs: tuple[Subgraph, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()
    first_line: int = 1  # the line of the answer the diagram's text starts on

    def node(self, node_id: str) -> Node:
        return next(node for node in self.nodes if node.id == node_id)
