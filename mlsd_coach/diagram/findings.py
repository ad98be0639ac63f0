"""What `mlsd diagram check` found: one typed, JSON-serialisable shape.

`DiagramCheck` is printed by `--json` as `model_dump(mode="json")` and drawn by the terminal
view; `schema_version` says which version of this shape a document is and only grows when
keys are added.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from mlsd_coach.content.models import Track
from mlsd_coach.diagram.model import EdgeStyle, Unsupported

SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class NodeMatch(_Frozen):
    """A drawn node and the blueprint component its label names (None: none does)."""

    id: str
    label: str
    line: int
    component: str | None = None
    component_name: str | None = None
    track: Track | None = None  # the component's; otherwise what its subgraph titles say
    subgraphs: tuple[str, ...] = ()


class DrawnEdge(_Frozen):
    source: str
    target: str
    label: str = ""
    style: EdgeStyle = "solid"
    directed: bool = True
    both_ways: bool = False
    line: int


class ComponentRef(_Frozen):
    id: str
    name: str
    kind: str
    track: Track


class PresentComponent(ComponentRef):
    nodes: tuple[str, ...]  # ids of the nodes that draw it


class OrderProblem(_Frozen):
    """Two online stages drawn the wrong way round."""

    earlier: str  # the component that comes first in the blueprint
    later: str
    message: str


Where = Literal["request path", "online subgraph"]


class ConfusionProblem(_Frozen):
    """Offline work drawn as part of serving."""

    node: str
    component: str | None
    where: Where
    path: tuple[str, ...] = ()  # node ids from the request's entry, through the node, to a stage
    message: str


class FeedbackLoop(_Frozen):
    status: Literal["present", "missing", "no training"]
    path: tuple[str, ...] = ()  # node ids from logged events (or serving) to training
    message: str


class LatencyCheck(_Frozen):
    status: Literal["within", "over", "no numbers"]
    budget_ms: float
    drawn_ms: float | None = None  # the slowest drawn path, parallel branches counted once
    path: tuple[str, ...] = ()  # node ids of that path
    message: str


class DiagramCheck(_Frozen):
    schema_version: int = SCHEMA_VERSION
    case: str
    diagram_line: int  # the line of the answer the diagram starts on
    step: str = ""  # the step of the answer it was drawn in, when it was read from an answer
    nodes: tuple[NodeMatch, ...]
    edges: tuple[DrawnEdge, ...]
    present: tuple[PresentComponent, ...]  # in the blueprint's order
    missing: tuple[ComponentRef, ...]  # most important first
    order: tuple[OrderProblem, ...]
    confusion: tuple[ConfusionProblem, ...]
    feedback_loop: FeedbackLoop
    latency: LatencyCheck
    notes: tuple[str, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented use on a property
    @property
    def clean(self) -> bool:
        """Every component drawn, in order, offline work off the request path, the loop
        closed and the drawn latency within budget."""
        return (
            not self.missing
            and not self.order
            and not self.confusion
            and self.feedback_loop.status == "present"
            and self.latency.status != "over"
        )
