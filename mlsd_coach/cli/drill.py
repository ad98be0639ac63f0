"""`mlsd drill`: ten minutes of cards made from the cases, due cards first, then what you
miss most; `--list` prints what is due without asking anything."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mlsd_coach.cli.options import ScorerOption
from mlsd_coach.cli.output import console, print_json, print_notes
from mlsd_coach.cli.state import AppState, state
from mlsd_coach.errors import BadInputError, ExitCode, MlsdError

if TYPE_CHECKING:
    from datetime import date

    from mlsd_coach.content.models import CaseStudy
    from mlsd_coach.drill.cards import DrillCard
    from mlsd_coach.drill.plan import Planned
    from mlsd_coach.drill.session import DrillSession
    from mlsd_coach.store.drill import CardState
    from mlsd_coach.store.history import HistoryStore

# drill.cards.KIND_NAMES and "all", written out: `mlsd --help` must not import the content models
KINDS = ("concept", "estimate", "tradeoff", "debug", "all")
MAX_MINUTES = 120


def drill(
    ctx: typer.Context,
    case_id: Annotated[
        str, typer.Option("--case", help="Drill one case (default: cards from every case).", metavar="CASE")
    ] = "",
    minutes: Annotated[
        int,
        typer.Option(
            "--minutes", help="About how long the session runs; cards take 2-3 minutes each.", metavar="N"
        ),
    ] = 10,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="Only cards of this kind: concept (one rubric point), estimate (a sizing figure), "
            "tradeoff (a choice to argue), debug (a post-mortem), or all (default).",
            metavar="KIND",
        ),
    ] = "all",
    scorer: ScorerOption = "auto",
    list_only: Annotated[
        bool, typer.Option("--list", help="Print the cards due and the next session's plan; ask nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
) -> None:
    """Short daily practice: cards from the cases, brought back on a spaced-repetition (FSRS)
    schedule from how well you answered them."""
    chosen_kind = kind.strip().lower()
    if chosen_kind not in KINDS:
        raise BadInputError(f"--kind must be one of {', '.join(KINDS)} (got '{kind}')")
    if not 1 <= minutes <= MAX_MINUTES:
        raise BadInputError(f"--minutes must be between 1 and {MAX_MINUTES} (got {minutes})")
    if as_json and not list_only:
        raise BadInputError("--json prints the list of due cards: use it with --list")
    app_state = state(ctx)
    cases = _cases(app_state, case_id)
    if not list_only:
        from mlsd_coach.cli.practice import require_terminal

        require_terminal("drill", "`mlsd drill --list` prints the cards due without asking")
    from mlsd_coach.drill.cards import case_cards
    from mlsd_coach.drill.plan import due, fresh, plan
    from mlsd_coach.drill.schedule import local_day
    from mlsd_coach.drill.session import utc_now
    from mlsd_coach.progress import missed_items
    from mlsd_coach.store.drill import DrillStore
    from mlsd_coach.store.history import HistoryStore

    cards = [card for case in cases.values() for card in case_cards(case)]
    if chosen_kind != "all":
        cards = [card for card in cards if card.kind == chosen_kind]
    if not cards:
        raise BadInputError(f"no {chosen_kind} cards in {_where(case_id)}; try --kind all")
    with HistoryStore() as store:
        states = DrillStore(store).cards()
        missed = missed_items(store)
        today = local_day(utc_now())
        due_now = due(cards, states, today)
        new = fresh(cards, states, missed)
        session_plan = plan(due_now, new, minutes)
        if list_only:
            _print_list(due_now, len(new), session_plan, today, minutes, as_json)
            return
        _run(store, app_state, cases, case_id, minutes, scorer, session_plan)


def _cases(app_state: AppState, case_id: str) -> dict[str, CaseStudy]:
    if case_id.strip():
        case = app_state.case(case_id.strip())
        return {case.id: case}
    return {summary.id: app_state.case(summary.id) for summary in app_state.catalog().cases}


def _where(case_id: str) -> str:
    return f"'{case_id}'" if case_id else "any case"


def _run(
    store: HistoryStore,
    app_state: AppState,
    cases: dict[str, CaseStudy],
    case_id: str,
    minutes: int,
    scorer: str,
    session_plan: list[Planned],
) -> None:
    from mlsd_coach.cli.drill_ui import DrillUI
    from mlsd_coach.drill.grading import CardGrader
    from mlsd_coach.drill.session import DRILL_FRAMEWORK, DrillSession
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.scoring.offline import OfflineJudge
    from mlsd_coach.scoring.offline import make_judge as make_offline_judge
    from mlsd_coach.scoring.registry import make_judge

    notices = NoticeBuffer()
    judge = make_judge(scorer, notices)
    offline = judge if isinstance(judge, OfflineJudge) else make_offline_judge()
    grader = CardGrader(app_state.frameworks[DRILL_FRAMEWORK], judge, offline)
    session = DrillSession(store, cases, grader, next(iter(cases)) if case_id else None, minutes)
    out = console()
    ui = DrillUI(out, session, notices)
    try:
        ui.run(session_plan)
    except KeyboardInterrupt as stop:
        _finish_quietly(session)
        print_notes(stop)
        out.print(f"\n[yellow]Stopped: {len(session.scores)} card(s) reviewed and scheduled.[/yellow]")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BaseException:
        _finish_quietly(session)  # the error that stopped the drill is the one to report
        raise
    session.finish()


def _finish_quietly(session: DrillSession) -> None:
    with contextlib.suppress(MlsdError):
        session.finish()


def _print_list(
    due_now: list[Planned],
    new_count: int,
    session_plan: list[Planned],
    today: date,
    minutes: int,
    as_json: bool,
) -> None:
    if as_json:
        print_json(
            {
                "today": today.isoformat(),
                "due": [_card_json(p.card, p.state) for p in due_now],
                "new_available": new_count,
                "session": {"minutes": minutes, "cards": [_card_json(p.card, p.state) for p in session_plan]},
            }
        )
        return
    from rich.table import Table

    from mlsd_coach.cli.output import as_text
    from mlsd_coach.drill.schedule import local_day
    from mlsd_coach.prose import clip

    out = console()
    if due_now:
        table = Table(title=f"Due today ({today.isoformat()})", title_justify="left")
        for column in ("due", "kind", "case", "card"):
            table.add_column(column, overflow="fold")
        for planned in due_now:
            assert planned.state is not None
            day = local_day(planned.state.due)
            late = (today - day).days
            table.add_row(
                as_text("today" if late == 0 else f"{day.isoformat()} ({late} d late)"),
                as_text(planned.card.kind),
                as_text(planned.card.case_id),
                as_text(clip(planned.card.question, 90)),
            )
        out.print(table)
    else:
        out.print(f"No cards are due today ({today.isoformat()}).")
    reviewing = sum(1 for p in session_plan if not p.new)
    out.print(
        f"{new_count} new card(s) not yet seen. The next session (~{minutes} min) asks {len(session_plan)} "
        f"card(s): {reviewing} due, {len(session_plan) - reviewing} new. Start it with [bold]mlsd drill[/bold]."
    )


def _card_json(card: DrillCard, card_state: CardState | None) -> dict[str, Any]:
    from mlsd_coach.drill.schedule import local_day

    return {
        "id": card.id,
        "kind": card.kind.value,
        "case": card.case_id,
        "step": card.step,
        "title": card.title,
        "question": card.question,
        "new": card_state is None,
        "due": local_day(card_state.due).isoformat() if card_state else None,
        "reviews": card_state.reviews if card_state else 0,
    }
