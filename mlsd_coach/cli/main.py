"""`mlsd`: the top-level app and the one error boundary that maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach import __version__
from mlsd_coach.cli import blueprint, cases, config, history, mock, pipeline, practice, report, score
from mlsd_coach.cli.state import state
from mlsd_coach.errors import ExitCode, MlsdError

app = typer.Typer(
    name="mlsd",
    help="Practise machine-learning system design interviews in your terminal, with honest, "
    "explainable feedback on your own answers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(cases.app, name="cases")
app.command("practice")(practice.practice)
app.command("mock")(mock.mock)
app.command("score")(score.score)
app.command("history")(history.history)
app.command("report")(report.report)
app.add_typer(blueprint.app, name="blueprint")
app.add_typer(config.app, name="config")
app.add_typer(pipeline.app, name="pipeline")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mlsd {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    cases_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--cases-dir",
            help="Add a directory of your own case studies (repeatable; MLSD_CASES_DIR adds more).",
            metavar="DIR",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    state(ctx).cases_dirs = list(cases_dir or [])


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; no Python traceback reaches the user unless MLSD_DEBUG=1."""
    try:
        app(args=argv, prog_name="mlsd")
    except MlsdError as err:
        if os.environ.get("MLSD_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        _fail(str(err), err.exit_code, err)
    except KeyboardInterrupt as err:
        _fail("interrupted", ExitCode.INTERRUPTED, err)
    except Exception as err:
        if os.environ.get("MLSD_DEBUG") == "1":
            raise
        _fail(
            f"unexpected {type(err).__name__}: {err} (run again with MLSD_DEBUG=1 to see the traceback)",
            ExitCode.FAILURE,
            err,
        )


def _fail(message: str, code: int, err: BaseException) -> None:
    from mlsd_coach.cli.output import print_error, print_notes

    print_error(message)
    print_notes(err)
    sys.exit(code)
