"""What a checked diagram is worth to the rubric.

A sketch earns the items that a drawn architecture shows (`RubricItem.diagram`: "sketches the
end-to-end system") by how much of the system's spine it draws — the online stages and the
stores, logs and jobs on the loop from serving through training back to serving — with full
credit at FULL_AT of it, less a share for each structural error: stages out of order, offline
work on the request path, no feedback loop to training. The errors that would mislead a
reader (order, request path) are also mistakes of the step the diagram was drawn in.
"""

from __future__ import annotations

from mlsd_coach.content.models import Blueprint
from mlsd_coach.diagram.check import main_loop
from mlsd_coach.diagram.findings import DiagramCheck
from mlsd_coach.scoring.scorecard import MistakeResult

FULL_AT = 0.7  # of the spine drawn, for full credit
ORDER_COST = 0.25  # per pair of stages drawn out of order, at most two counted
REQUEST_PATH_COST = 0.25
NO_LOOP_COST = 0.25
ORDER_PENALTY = 0.1  # of the step's score, as a mistake
REQUEST_PATH_PENALTY = 0.15


def spine(blueprint: Blueprint) -> list[str]:
    """The components a sketch of this system must draw, in the order data flows."""
    loop = main_loop(blueprint)
    stages = {stage.id for stage in blueprint.online_stages()}
    return [
        c.id
        for c in blueprint.flow_order()
        if c.id in stages or (c.id in loop and c.kind in ("store", "log", "job"))
    ]


def spine_drawn(check: DiagramCheck, blueprint: Blueprint) -> tuple[int, int]:
    """How many of the spine's components the diagram draws, and how many the spine has."""
    wanted = spine(blueprint)
    drawn = {component.id for component in check.present}
    return sum(component in drawn for component in wanted), len(wanted)


def on_request_path(check: DiagramCheck) -> bool:
    """Whether the diagram draws offline work on the request path."""
    return any(problem.where == "request path" for problem in check.confusion)


def sketch_credit(check: DiagramCheck, blueprint: Blueprint) -> float:
    """0-1: how well the diagram sketches the system."""
    drawn, wanted = spine_drawn(check, blueprint)
    coverage = drawn / wanted if wanted else 0.0
    errors = ORDER_COST * min(2, len(check.order))
    if on_request_path(check):
        errors += REQUEST_PATH_COST
    if check.feedback_loop.status != "present":
        errors += NO_LOOP_COST
    return round(max(0.0, min(1.0, coverage / FULL_AT) - errors), 3)


def summary(check: DiagramCheck, blueprint: Blueprint, where: str) -> str:
    """One line for the evidence of an item the diagram earned; `where` it was drawn."""
    drawn, wanted = spine_drawn(check, blueprint)
    parts = [f"draws {drawn} of the {wanted} parts of the system's spine"]
    parts.append(
        "stages in order" if not check.order else f"{len(check.order)} pair(s) of stages out of order"
    )
    if on_request_path(check):
        parts.append("offline work on the request path")
    parts.append(
        "the feedback loop closed" if check.feedback_loop.status == "present" else "no loop to training"
    )
    return f"Diagram in {where}: " + ", ".join(parts)


def diagram_mistakes(check: DiagramCheck) -> list[MistakeResult]:
    """The structural errors of a diagram, as mistakes of the step it was drawn in."""
    mistakes = []
    if check.order:
        mistakes.append(
            MistakeResult(
                id="diagram-stage-order",
                title="Draws the online stages out of order",
                penalty=ORDER_PENALTY,
                evidence=tuple(problem.message for problem in check.order),
                explanation="A request passes the stages in one order; a diagram that reverses two of "
                "them (ranking before retrieval) describes a system that cannot meet its budget.",
            )
        )
    on_path = [problem for problem in check.confusion if problem.where == "request path"]
    if on_path:
        mistakes.append(
            MistakeResult(
                id="diagram-offline-on-request-path",
                title="Draws offline work (training, index builds) on the request path",
                penalty=REQUEST_PATH_PENALTY,
                evidence=tuple(problem.message for problem in on_path),
                explanation="Training and index builds take minutes to hours; on the request path they "
                "would block every request. They run offline and publish what serving reads.",
            )
        )
    return mistakes
