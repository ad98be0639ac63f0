"""`mlsd mock`: a timed mock interview with probes and a hiring-committee scorecard."""

from __future__ import annotations

import os
import random
from typing import Annotated

import typer

from mlsd_coach.cli.options import FrameworkOption, ScorerOption
from mlsd_coach.cli.output import console, print_notes
from mlsd_coach.cli.practice import require_terminal, use_llm_interviewer
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError, ExitCode


def mock(
    ctx: typer.Context,
    timed: Annotated[
        bool, typer.Option("--timed", help="Cut each step off when its time budget runs out.")
    ] = False,
    minutes: Annotated[
        int, typer.Option("--minutes", help="Length of the round, 10 to 120.", metavar="N")
    ] = 45,
    case_id: Annotated[
        str,
        typer.Option(
            "--case", help="A case id, or `random` (default: one you have practised least).", metavar="CASE"
        ),
    ] = "",
    framework: FrameworkOption = "7",
    scorer: ScorerOption = "auto",
) -> None:
    """Run a mock interview: no hints, follow-up probes where you are thin, and a verdict."""
    from mlsd_coach.coach.timing import check_minutes

    check_minutes(minutes)
    require_terminal("mock")
    from mlsd_coach.cli.mock_ui import MockTerminalUI
    from mlsd_coach.coach.clock import ScaledClock, SystemClock
    from mlsd_coach.coach.mock import least_practised_case, run_mock
    from mlsd_coach.coach.practice import PracticeSession
    from mlsd_coach.coach.timing import step_budgets
    from mlsd_coach.scoring.select import make_scorer
    from mlsd_coach.store.history import HistoryStore

    app_state = state(ctx)
    chosen_framework = app_state.framework(framework)
    judge, notices = make_scorer(scorer)
    clock = _clock(ScaledClock, SystemClock)
    out = console()
    with HistoryStore() as store:
        known = [summary.id for summary in app_state.catalog().cases]
        if not case_id or case_id == "random":
            rng = random.Random()
            case_id = rng.choice(known) if case_id == "random" else least_practised_case(store, known, rng)
        case = app_state.case(case_id)
        session = PracticeSession.start(
            store, case, chosen_framework, judge, mode="mock", minutes=minutes, timed=timed
        )
        use_llm_interviewer(session, judge)
        for notice in notices:
            out.print(f"[dim]{notice}[/dim]")
        try:
            run_mock(
                session, MockTerminalUI(out), clock, step_budgets(chosen_framework, minutes), minutes, timed
            )
        except KeyboardInterrupt as stop:
            print_notes(stop)
            out.print(
                f"\n[yellow]Mock interview stopped; everything you answered is saved as session {session.session_id}.[/yellow]"
            )
            raise typer.Exit(ExitCode.INTERRUPTED) from None
    out.print(
        f"\nSaved as session {session.session_id}: [bold]mlsd report {session.session_id}[/bold] renders it."
    )


def _clock(scaled, system):
    raw = os.environ.get("MLSD_CLOCK_RATE", "").strip()
    if not raw:
        return system()
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 1000:
        raise BadInputError(f"MLSD_CLOCK_RATE must be a number between 0 and 1000 (got '{raw}')")
    return scaled(rate)
