"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

FrameworkOption = Annotated[
    str,
    typer.Option(
        "--framework",
        "-f",
        help="Interview framework: 7 (7-step, default) or 4 (4-step).",
        metavar="7|4",
    ),
]

ScorerOption = Annotated[
    str,
    typer.Option(
        "--scorer",
        help="offline (rubric matching, no network), llm (a configured model) or auto (llm if configured).",
        metavar="offline|llm|auto",
    ),
]
