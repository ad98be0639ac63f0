"""`mlsd blueprint`: a case's architecture in the terminal, or exported as a diagram or document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach.cli.options import FrameworkOption
from mlsd_coach.cli.output import console, emit
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError

app = typer.Typer(
    help="Show or export a case's blueprint (the three-stage recommender by default).", no_args_is_help=True
)
FORMATS = ("md", "mermaid", "dot", "svg", "html")
DEFAULT_CASE = "feed-ranking"
CaseArgument = Annotated[str, typer.Argument(metavar="[CASE]", help=f"Case id (default: {DEFAULT_CASE}).")]


@app.command("show")
def show(ctx: typer.Context, case_id: CaseArgument = DEFAULT_CASE, framework: FrameworkOption = "7") -> None:
    """Draw the blueprint in the terminal: funnel, latency budget, online/offline split, trade-offs."""
    from mlsd_coach.blueprint.terminal import render_blueprint

    app_state = state(ctx)
    render_blueprint(console(), app_state.case(case_id), app_state.framework(framework))


@app.command("export")
def export(
    ctx: typer.Context,
    case_id: CaseArgument = DEFAULT_CASE,
    fmt: Annotated[
        str, typer.Option("--format", help="md, mermaid, dot, svg or html.", metavar="FORMAT")
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file instead of stdout.", metavar="FILE"),
    ] = None,
    framework: FrameworkOption = "7",
) -> None:
    """Export the blueprint as Mermaid, Graphviz DOT or SVG, a Markdown document, or one HTML page."""
    if fmt not in FORMATS:
        raise BadInputError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    from mlsd_coach.blueprint.export import export_blueprint

    app_state = state(ctx)
    text = export_blueprint(app_state.case(case_id), app_state.framework(framework), fmt)
    emit(text, output, fmt)
