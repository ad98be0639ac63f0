"""Render a session report dict as Markdown or as one self-contained HTML page.

Imported only by the commands that write reports, so Jinja2 stays off the start-up path.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mlsd_coach.control_chars import strip_control
from mlsd_coach.paths import templates_dir

TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\|)")


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


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_timestamp(value: str | None) -> str:
    moment = _parse_time(value)
    if moment is None:
        return value or "–"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def blockquote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def unwrap(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph or list item, so a browser can wrap them."""
    if "```" in text:
        return text.strip()
    lines: list[str] = []
    for line in text.strip().splitlines():
        if lines and lines[-1].strip() and line.strip() and not _BLOCK_START.match(line):
            lines[-1] = f"{lines[-1]} {line.strip()}"
        else:
            lines.append(line.rstrip())
    return "\n".join(lines)


@cache
def environment() -> Environment:
    """The one Jinja2 environment of every renderer in `render/`: templates from `templates/`,
    HTML templates autoescaped, Markdown ones not."""
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        # "html.j2" and not "j2": the Markdown template must not be HTML-escaped.
        autoescape=select_autoescape(["html", "htm", "html.j2"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["duration"] = format_duration
    env.filters["timestamp"] = format_timestamp
    env.filters["blockquote"] = blockquote
    env.filters["unwrap"] = unwrap
    return env


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _elapsed(session: dict[str, Any], steps: list[dict[str, Any]]) -> float | None:
    started = _parse_time(session.get("started_at"))
    finished = _parse_time(session.get("finished_at"))
    if started and finished:
        return (finished - started).total_seconds()
    used = [step["seconds_used"] for step in steps if step.get("seconds_used") is not None]
    return sum(used) if used else None
