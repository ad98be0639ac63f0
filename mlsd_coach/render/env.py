"""The one Jinja2 environment of every renderer in `render/`, and the filters its templates use.

Imported only by the commands that render, so Jinja2 stays off the start-up path.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mlsd_coach.paths import templates_dir

_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\|)")


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
    moment = parse_time(value)
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
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return env


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
