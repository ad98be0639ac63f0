"""`mlsd mock`: a timed mock interview with probes and a hiring-committee scorecard."""

from __future__ import annotations

import random
from typing import Annotated

import typer

from mlsd_coach.cli.options import FrameworkOption, ScorerOption, TargetOption, check_target
from mlsd_coach.cli.output import console, print_notes, safe
from mlsd_coach.cli.practice import require_terminal
from mlsd_coach.cli.state import state
from mlsd_coach.errors import ExitCode


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
    target: TargetOption = "senior",
    twists: Annotated[
        int,
        typer.Option(
            "--twists",
            help="How many times the interviewer changes a constraint mid-round: 0, 1 or 2.",
            metavar="0|1|2",
        ),
    ] = 1,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Replay the choice of case (with --case random) and of twists; each round records its seed.",
            metavar="N",
        ),
    ] = None,
) -> None:
    """Run a mock interview: no hints, follow-up probes where you are thin, a changed constraint
    mid-round, and a verdict."""
    from mlsd_coach.coach.timing import check_minutes
    from mlsd_coach.coach.twists import check_twist_count

    check_minutes(minutes)
    check_twist_count(twists)
    level = check_target(target)
    require_terminal("mock")
    from mlsd_coach.cli.mock_ui import MockTerminalUI
    from mlsd_coach.coach.clock import interview_clock
    from mlsd_coach.coach.mock import least_practised_case, run_mock
    from mlsd_coach.coach.session import InterviewSession
    from mlsd_coach.coach.timing import step_budgets
    from mlsd_coach.coach.twists import choose_twists, new_seed
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.scoring.registry import make_judge
    from mlsd_coach.store.history import HistoryStore
    from mlsd_coach.store.kinds import MockSettings, Mode

    app_state = state(ctx)
    chosen_framework = app_state.framework(framework)
    notices = NoticeBuffer()
    judge = make_judge(scorer, notices)
    clock = interview_clock()
    out = console()
    with HistoryStore() as store:
        known = [summary.id for summary in app_state.catalog().cases]
        seed = new_seed() if seed is None else seed
        if not case_id or case_id == "random":
            rng = random.Random(seed)
            case_id = rng.choice(known) if case_id == "random" else least_practised_case(store, known, rng)
        case = app_state.case(case_id)
        chosen = choose_twists(case, twists, seed)
        if twists and not case.twists:
            out.print(f"[dim]note: case '{case.id}' defines no twists; this round has none[/dim]")
        settings = MockSettings(
            minutes=minutes, timed=timed, target=level, seed=seed, twists=tuple(t.id for t in chosen)
        )
        session = InterviewSession.start(store, case, chosen_framework, judge, notices, Mode.MOCK, settings)
        for notice in session.drain_notices():
            out.print(f"[dim]{safe(notice)}[/dim]")
        try:
            run_mock(
                session,
                MockTerminalUI(out),
                clock,
                step_budgets(chosen_framework, minutes),
                minutes,
                timed,
                chosen,
            )
        except KeyboardInterrupt as stop:
            print_notes(stop)
            out.print(
                f"\n[yellow]Mock interview stopped; everything you answered is saved as session {session.session_id}.[/yellow]"
            )
            raise typer.Exit(ExitCode.INTERRUPTED) from None
    out.print(
        f"\nSaved as session {session.session_id} (seed {seed}): "
        f"[bold]mlsd report {session.session_id}[/bold] renders it."
    )
