"""`mlsd`: the top-level app and the one error boundary that maps errors to exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from mlsd_coach import __version__

# pydantic looks for plugins by reading every installed package's metadata the first time a
# model is built (~40 ms of each command that loads content); mlsd uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
from mlsd_coach.cli import (
    blueprint,
    cases,
    config,
    diagram,
    drill,
    history,
    mock,
    pipeline,
    practice,
    report,
    score,
)
from mlsd_coach.cli.state import state
from mlsd_coach.errors import ExitCode, MlsdError
from mlsd_coach.prose import fold

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
app.command("drill")(drill.drill)
app.command("history")(history.history)
app.command("report")(report.report)
app.add_typer(blueprint.app, name="blueprint")
app.add_typer(diagram.app, name="diagram")
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
        list[str] | None,
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
    state(ctx).add_cases_dirs(cases_dir or [])


try:  # Typer 0.28 runs on a Click of its own, vendored as typer._click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # older Typer runs on Click itself
    from click.exceptions import ClickException, UsageError  # type: ignore[no-redef,import-not-found,unused-ignore]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: the one place that turns every outcome into a message and an exit code.

    Typer runs with `standalone_mode=False`, so usage errors, Ctrl-C and Ctrl-D reach this
    boundary instead of being printed and exited by the framework. No Python traceback reaches
    the user unless MLSD_DEBUG=1.
    """
    try:
        code = _run(argv)
    except UsageError as err:
        if not err.format_message():  # no arguments at all: the help was printed instead
            sys.exit(ExitCode.BAD_INPUT)
        _fail(err.format_message(), ExitCode.BAD_INPUT, err, usage=_usage_hint(err))
    except ClickException as err:
        _fail(err.format_message(), err.exit_code, err)
    except (typer.Abort, KeyboardInterrupt, EOFError) as err:
        _fail("interrupted", ExitCode.INTERRUPTED, err)
    except MlsdError as err:
        if os.environ.get("MLSD_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        _fail(str(err), err.exit_code, err)
    except Exception as err:
        if os.environ.get("MLSD_DEBUG") == "1":
            raise
        _fail(
            f"unexpected {type(err).__name__}: {err} (run again with MLSD_DEBUG=1 to see the traceback)",
            ExitCode.FAILURE,
            err,
        )
    if code == ExitCode.INTERRUPTED:
        sys.stderr.write("interrupted\n")
    sys.exit(code)


def _run(argv: list[str] | None) -> int:
    """The command's exit code. Typer turns Ctrl-C into exit code 130 before it gets here."""
    outcome = app(args=argv, prog_name="mlsd", standalone_mode=False)
    return outcome if isinstance(outcome, int) else ExitCode.OK


def _usage_hint(err: Any) -> str:
    context = err.ctx
    if context is None:
        return "see `mlsd --help`"
    usage = fold(context.get_usage())
    usage = usage[len("Usage: ") :] if usage.startswith("Usage: ") else usage
    return f"usage: {usage} (see `{context.command_path} --help`)"


def _fail(message: str, code: int, err: BaseException, usage: str = "") -> None:
    from mlsd_coach.cli.output import print_error, print_notes

    print_error(fold(message) if usage else message)
    if usage:
        sys.stderr.write(f"{usage}\n")
    print_notes(err)
    sys.exit(code)
