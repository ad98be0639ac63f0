"""The terminal: one rich console for stdout, plain lines for errors."""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from mlsd_coach.control_chars import strip_control


@cache
def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


_LIST_ITEM = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s")


def reflow(text: str) -> str:
    """Prose from a YAML file without its hard line breaks, so the terminal can wrap it to its
    own width; blank lines and list items still start new lines."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def plain(text: str) -> str:
    """`text` without control characters (tab and newline kept)."""
    return strip_control(text)


def safe(text: object) -> str:
    """Untrusted text (from content, an answer or a model) to interpolate into Rich markup:
    control characters removed, markup brackets escaped so they print as typed."""
    return escape(plain(str(text)))


def as_text(text: object, style: str = "") -> Text:
    """Untrusted text as a Rich `Text` (never parsed as markup), for panels and table cells."""
    return Text(plain(str(text)), style=style)


_C1_CONTROL = re.compile("[\x7f-\x9f]")


def print_json(value: Any) -> None:
    """JSON as UTF-8 text; C1 control characters (which json leaves raw) escaped as \\uXXXX."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    sys.stdout.write(_C1_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_error(message: str) -> None:
    for line in plain(message).splitlines() or [""]:
        sys.stderr.write(f"error: {line}\n")


def print_notes(err: BaseException) -> None:
    """The notes attached to `err` on its way up (e.g. where a rescued answer was kept)."""
    for note in getattr(err, "__notes__", ()):
        lines = plain(str(note)).splitlines() or [""]
        sys.stderr.write(f"note: {lines[0]}\n")
        for line in lines[1:]:
            sys.stderr.write(f"{line}\n")


def emit(text: str, output: Path | None, description: str) -> None:
    """Print `text`, or write it to `output` and say where on stderr."""
    if output is None:
        text = plain(text)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from mlsd_coach.errors import BadInputError

    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise BadInputError(f"{output}: cannot write: {err.strerror}") from None
    sys.stderr.write(f"wrote {output} ({description})\n")
