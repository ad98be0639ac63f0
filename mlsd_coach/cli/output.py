"""The terminal: one rich console for stdout, plain lines for errors."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from rich.console import Console


@cache
def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def print_error(message: str) -> None:
    for line in message.splitlines() or [""]:
        sys.stderr.write(f"error: {line}\n")


def emit(text: str, output: Path | None, description: str) -> None:
    """Print `text`, or write it to `output` and say where on stderr."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from mlsd_coach.errors import BadInputError

    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise BadInputError(f"{output}: cannot write: {err.strerror}") from None
    sys.stderr.write(f"wrote {output} ({description})\n")
