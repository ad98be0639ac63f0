"""Render a session report dict as Markdown or as one self-contained HTML page.

Imported only by the commands that write reports, so Jinja2 stays off the start-up path.
"""

from __future__ import annotations

from typing import Any

from mlsd_coach.control_chars import strip_control
from mlsd_coach.render.env import environment, parse_time

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}


def render_report(report: dict[str, Any], fmt: str) -> str:
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown report format {fmt!r}; use one of: {', '.join(TEMPLATES)}")
    scorecard = report["scorecard"]
    cards = {step.id: step for step in scorecard.steps} if scorecard else {}
    template = environment().get_template(TEMPLATES[fmt])
    # No control character from an answer or a case reaches the file: an ESC sequence would
    # act on the terminal of whoever runs `cat` on it.
    return strip_control(
        template.render(**report, cards=cards, elapsed=_elapsed(report["session"], report["steps"]))
    )


def _elapsed(session: dict[str, Any], steps: list[dict[str, Any]]) -> float | None:
    started = parse_time(session.get("started_at"))
    finished = parse_time(session.get("finished_at"))
    if started and finished:
        return (finished - started).total_seconds()
    used = [step["seconds_used"] for step in steps if step.get("seconds_used") is not None]
    return sum(used) if used else None
