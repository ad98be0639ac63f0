"""Options shared by several commands."""

from __future__ import annotations

import sys
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


def _scorer_help() -> str:
    builtin = "offline (rubric matching, no network), llm (a configured model) or auto (llm if configured)"
    # Finding plugins reads every installed package's metadata (~70 ms): only for --help.
    if not {"-h", "--help"} & set(sys.argv[1:]):
        return f"{builtin}, or a judge a plugin registers (`mlsd.judges`)."
    from mlsd_coach.scoring.registry import BUILT_IN, judge_names

    plugins = [name for name in judge_names() if name not in BUILT_IN]
    installed = (
        f"; installed plugins: {', '.join(plugins)}" if plugins else "; no plugin judges are installed"
    )
    return f"{builtin}, or a judge a plugin registers (`mlsd.judges`){installed}."


TargetOption = Annotated[
    str,
    typer.Option(
        "--target",
        help="Level you interview for: mid, senior (default) or staff; sets which depth is expected.",
        metavar="LEVEL",
    ),
]


def check_target(target: str) -> str:
    from mlsd_coach.errors import BadInputError

    choice = target.strip().lower()
    if choice not in ("mid", "senior", "staff"):
        raise BadInputError(f"--target must be mid, senior or staff (got '{target}')")
    return choice


ScorerOption = Annotated[
    str,
    typer.Option("--scorer", help=_scorer_help(), metavar="NAME"),
]
