"""`mlsd history`: past sessions, per-step trends, the most-missed items, what to practise next."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mlsd_coach.cli.output import as_text, console, print_json, safe
from mlsd_coach.cli.state import state

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from mlsd_coach.drill.summary import DrillSummary
    from mlsd_coach.store.history import HistoryStore, SessionRow

_BARS = "▁▂▃▄▅▆▇█"


def history(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Your sessions, how each step is trending, what you miss most, and what to practise next."""
    from mlsd_coach.progress import progress
    from mlsd_coach.store.history import HistoryStore

    app_state = state(ctx)
    minutes = {
        str(fw.id): {step.id: step.minutes for step in fw.steps} for fw in app_state.frameworks.values()
    }
    short_names: dict[str, str] = {fw.id: fw.short_name for fw in app_state.frameworks.values()}
    with HistoryStore() as store:
        report = progress(store, minutes, [case.id for case in app_state.catalog().cases])
        drilled = drill_summary(store)
    if as_json:
        print_json(
            {
                "sessions": [
                    {
                        "id": s.id,
                        "started_at": s.started_at,
                        "case": s.case_id,
                        "framework": short_names.get(s.framework, s.framework),
                        "mode": s.mode,
                        "finished": s.finished,
                        "score": None if s.overall_score is None else round(s.overall_score, 1),
                        "level": s.level,
                    }
                    for s in report.sessions
                ],
                "trends": report.trends,
                "most_missed": [vars(m) for m in report.most_missed],
                "practise_next": vars(report.suggestion) if report.suggestion else None,
                "drill": _drill_json(drilled),
            }
        )
        return
    out = console()
    if not report.sessions:
        out.print("No sessions yet. Start one with [bold]mlsd practice feed-ranking[/bold].")
        return
    out.print(_sessions_table(report.sessions, short_names))
    if report.trends:
        out.print("\n[bold]Step trends[/bold] (oldest → newest finished session)")
        for step_id, scores in report.trends.items():
            bars = "".join(
                _BARS[min(len(_BARS) - 1, int(score / 100 * len(_BARS)))] for score in scores[-20:]
            )
            change = f"{scores[0]:.0f} → {scores[-1]:.0f}" if len(scores) > 1 else f"{scores[-1]:.0f}"
            title = safe(f"{report.step_titles[step_id]:<40}")
            out.print(f"  {title} [cyan]{bars:<20}[/cyan] {change}")
    if report.most_missed:
        out.print("\n[bold]Missed most often[/bold]")
        for item in report.most_missed:
            out.print(f"  {item.times}× {safe(item.title)}")
    _print_drill(drilled)
    if report.suggestion:
        next_up = report.suggestion
        out.print(
            f"\n[bold]Practise next:[/bold] {safe(next_up.case_id)}, step “{safe(next_up.step_title)}” — "
            f"{safe(next_up.reason)}. [dim]({safe(next_up.command)})[/dim]"
        )


def _sessions_table(sessions: list[SessionRow], short_names: dict[str, str]) -> Table:
    """One row per session. The id and the score never shrink, wrap or truncate, whatever the
    width (`mlsd report ID` needs the id as printed); the other columns fold instead."""
    from rich.table import Table

    table = Table(title="Sessions", title_justify="left")
    ids = [str(s.id) for s in sessions]
    scores = ["—" if s.overall_score is None else f"{s.overall_score:.1f}" for s in sessions]
    table.add_column("id", justify="right", no_wrap=True, min_width=max(map(len, ids)))
    for name in ("date", "case", "framework", "mode"):
        table.add_column(name, overflow="fold")
    table.add_column("score", justify="right", no_wrap=True, min_width=max(map(len, scores)))
    table.add_column("level", overflow="fold")
    for s, id_text, score in zip(sessions, ids, scores, strict=True):
        table.add_row(
            id_text,
            as_text(s.started_at[:16].replace("T", " ")),
            as_text(s.case_id),
            as_text(short_names.get(s.framework, s.framework)),
            as_text(s.mode),
            score,
            _level(s),
        )
    return table


def _level(session: SessionRow) -> Text:
    if session.level:
        return as_text(session.level)
    if session.finished:  # a drill has no hire level
        return as_text("—")
    return as_text("unfinished", style="yellow")


def drill_summary(store: HistoryStore) -> DrillSummary:
    from mlsd_coach.drill.session import utc_now
    from mlsd_coach.drill.summary import summarise
    from mlsd_coach.store.drill import DrillStore

    return summarise(DrillStore(store), utc_now())


def _drill_json(drilled: DrillSummary) -> dict[str, object]:
    return {
        "cards": drilled.cards,
        "due_today": drilled.due_today,
        "reviews": drilled.reviews,
        "retention": [
            {"week": w.week, "reviews": w.reviews, "recalled": w.recalled, "rate": round(w.rate, 3)}
            for w in drilled.retention
        ],
        "estimated_retention": None
        if drilled.estimated_retention is None
        else round(drilled.estimated_retention, 3),
    }


def _print_drill(drilled: DrillSummary) -> None:
    if not drilled.cards:
        return
    out = console()
    trend = " → ".join(f"{w.rate:.0%}" for w in drilled.retention)
    recalled = (
        f"; cards seen before were recalled {trend} (week by week, last {len(drilled.retention)})"
        if drilled.retention
        else ""
    )
    estimate = (
        f"; FSRS expects {drilled.estimated_retention:.0%} recalled today"
        if drilled.estimated_retention is not None
        else ""
    )
    out.print(
        f"\n[bold]Drill:[/bold] {drilled.due_today} of {drilled.cards} card(s) due today{recalled}{estimate}. "
        "[dim](mlsd drill)[/dim]"
    )
