"""`mlsd practice CASE`: a guided practice run with feedback after every step."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from mlsd_coach.content.models import Framework

from mlsd_coach.cli.options import FrameworkOption, ScorerOption, TargetOption, check_target
from mlsd_coach.cli.output import console, print_notes, safe
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError, ExitCode


def require_terminal(
    command: str, instead: str = "to score a written answer non-interactively use `mlsd score CASE FILE`"
) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise BadInputError(f"`mlsd {command}` is interactive and needs a terminal; {instead}")


def _step_of(framework: Framework, step_id: str) -> str:
    ids = [step.id for step in framework.steps]
    choice = step_id.strip().lower()
    if choice not in ids:
        raise BadInputError(
            f"--step must be a step of the {framework.short_name} framework: {', '.join(ids)} (got '{step_id}')"
        )
    return choice


def practice(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. feed-ranking.")],
    framework: FrameworkOption = "7",
    scorer: ScorerOption = "auto",
    target: TargetOption = "senior",
    step_id: Annotated[
        str,
        typer.Option(
            "--step",
            help="Practise this one step alone (a step id such as data or model; see `mlsd cases show CASE`).",
            metavar="STEP",
        ),
    ] = "",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue your newest unfinished practice session of this case.")
    ] = False,
) -> None:
    """Practise a case step by step: clarify, answer, get scored feedback, revise once."""
    level = check_target(target)
    app_state = state(ctx)
    chosen_framework = app_state.framework(framework)
    only_step = _step_of(chosen_framework, step_id) if step_id else None
    require_terminal("practice")
    from mlsd_coach.cli.practice_ui import TerminalUI
    from mlsd_coach.coach.flow import run_practice
    from mlsd_coach.coach.session import InterviewSession
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.scoring.registry import make_judge
    from mlsd_coach.store.history import HistoryStore
    from mlsd_coach.store.kinds import MockSettings, Mode

    case = app_state.case(case_id)
    mode = Mode.STEP if only_step else Mode.PRACTICE
    notices = NoticeBuffer()
    judge = make_judge(scorer, notices)
    store = HistoryStore()
    if resume:
        row = store.latest_unfinished(case.id, mode)
        if row is None:
            again = f"mlsd practice {case.id}" + (f" --step {only_step}" if only_step else "")
            what = f"'{only_step}' step session" if only_step else "practice session"
            raise BadInputError(f"no unfinished {what} of '{case.id}' to resume; start one with `{again}`")
        chosen = app_state.frameworks[row.framework]
        session = InterviewSession.resume(store, row.id, case, chosen, judge, notices)
    else:
        session = InterviewSession.start(
            store, case, chosen_framework, judge, notices, mode, MockSettings(target=level, step=only_step)
        )
    out = console()
    for notice in session.drain_notices():
        out.print(f"[dim]{safe(notice)}[/dim]")
    ui = TerminalUI(out, session.drafts)
    try:
        run_practice(session, ui)
    except KeyboardInterrupt as stop:
        answered = len(session.framework.steps) - len(session.pending_steps())
        print_notes(stop)
        out.print(
            f"\n[yellow]Saved session {session.session_id} ({answered} step(s) answered).[/yellow] "
            f"Resume with: [bold]mlsd practice {case.id} --resume[/bold]"
        )
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    finally:
        store.close()
    out.print(
        f"\nSession {session.session_id} is in your history: [bold]mlsd history[/bold], "
        f"[bold]mlsd report {session.session_id}[/bold]."
    )
