"""Render a session report dict as Markdown or as one self-contained HTML page.

Imported only by the commands that write reports, so Jinja2 stays off the start-up path.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from mlsd_coach.blueprint.dot import render_svg
from mlsd_coach.control_chars import strip_control
from mlsd_coach.diagram.dot import drawing_dot
from mlsd_coach.diagram.findings import DiagramCheck
from mlsd_coach.errors import MlsdError
from mlsd_coach.render.blueprint_doc import READABLE_SCALE, inline_svg, svg_width_px
from mlsd_coach.render.env import environment, parse_time
from mlsd_coach.scoring.scorecard import Scorecard

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}


def render_report(report: dict[str, Any], fmt: str) -> str:
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown report format {fmt!r}; use one of: {', '.join(TEMPLATES)}")
    scorecard = report["scorecard"]
    cards = {step.id: step for step in scorecard.steps} if scorecard else {}
    template = environment().get_template(TEMPLATES[fmt])
    figures = _figures(scorecard, report.get("reference_dot", "")) if fmt == "html" and scorecard else []
    # No control character from an answer or a case reaches the file: an ESC sequence would
    # act on the terminal of whoever runs `cat` on it.
    return strip_control(
        template.render(
            **report,
            cards=cards,
            elapsed=_elapsed(report["session"], report["steps"]),
            figures=figures,
            readable_scale=READABLE_SCALE,
        )
    )


@dataclass(frozen=True)
class Figure:
    """A checked diagram drawn beside the reference, as inline SVG (None without Graphviz)."""

    check: DiagramCheck
    yours: Markup | None
    yours_width: float | None
    reference: Markup | None
    reference_width: float | None


def _figures(scorecard: Scorecard, reference_dot: str) -> list[Figure]:
    if not scorecard.diagrams:
        return []
    undrawn = [Figure(check, None, None, None, None) for check in scorecard.diagrams]
    if shutil.which("dot") is None:
        return undrawn
    try:
        reference = inline_svg(render_svg(reference_dot))
        drawn = [inline_svg(render_svg(drawing_dot(check))) for check in scorecard.diagrams]
    except MlsdError:  # Graphviz failed on this machine: the report lists the findings instead
        return undrawn
    return [
        Figure(check, yours, svg_width_px(yours), reference, svg_width_px(reference))
        for check, yours in zip(scorecard.diagrams, drawn, strict=True)
    ]


def _elapsed(session: dict[str, Any], steps: list[dict[str, Any]]) -> float | None:
    started = parse_time(session.get("started_at"))
    finished = parse_time(session.get("finished_at"))
    if started and finished:
        return (finished - started).total_seconds()
    used = [step["seconds_used"] for step in steps if step.get("seconds_used") is not None]
    return sum(used) if used else None
