"""`mlsd cases`: list, show and validate case studies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach.cli.options import FrameworkOption
from mlsd_coach.cli.output import as_text, console, plain, print_json
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError

app = typer.Typer(help="List, show and validate case studies.", no_args_is_help=True)


@app.command("list")
def list_cases(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every case study: built-in ones and those in your case directories."""
    summaries = state(ctx).catalog().cases
    if as_json:
        from dataclasses import asdict

        print_json([asdict(summary) for summary in summaries])
        return
    from rich.table import Table

    table = Table(title="Case studies", title_justify="left")
    table.add_column("id", style="bold cyan", no_wrap=True)
    table.add_column("title")
    table.add_column("difficulty")
    table.add_column("tags")
    for case in summaries:
        title = as_text(case.title)
        if not case.builtin:
            title.append(" (yours)", style="dim")
        table.add_row(as_text(case.id), title, as_text(case.difficulty), as_text(", ".join(case.tags)))
    console().print(table)
    console().print(
        "Practise one with [bold]mlsd practice CASE[/bold]; read it with [bold]mlsd cases show CASE[/bold]."
    )


@app.command("show")
def show_case(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. feed-ranking.")],
    framework: FrameworkOption = "7",
    answers: Annotated[
        bool, typer.Option("--answers", help="Also show the model answer for each step.")
    ] = False,
) -> None:
    """Show a case: the prompt, its scale, and what each step is expected to cover."""
    from mlsd_coach.cli.case_view import render_case

    app_state = state(ctx)
    render_case(console(), app_state.case(case_id), app_state.framework(framework), with_answers=answers)


@app.command("validate")
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Case study or framework YAML files, or directories of them."),
    ],
) -> None:
    """Check case-study files (yours or built-in) and report every problem as path:line."""
    from mlsd_coach.content.validate import validate_paths

    results = validate_paths(paths, list(state(ctx).frameworks.values()))
    bad = 0
    for path, label, problems in results:
        if problems:
            bad += 1
            for problem in problems:
                typer.echo(plain(str(problem)), err=True)
        else:
            typer.echo(plain(f"ok: {path} ({label})"))
    if bad:
        raise BadInputError(
            f"{bad} of {len(results)} file(s) invalid; fix the lines above and validate again"
        )
