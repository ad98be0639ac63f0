"""`mlsd history`: past sessions, per-step trends, the most-missed items, what to practise next."""

from __future__ import annotations

from typing import Annotated

import typer

from mlsd_coach.cli.output import console, print_json
from mlsd_coach.cli.state import state

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
            }
        )
        return
    out = console()
    if not report.sessions:
        out.print("No sessions yet. Start one with [bold]mlsd practice feed-ranking[/bold].")
        return
    from rich.table import Table

    table = Table(title="Sessions", title_justify="left")
    for column in ("id", "date", "case", "framework", "mode", "score", "level"):
        table.add_column(column, justify="right" if column in ("id", "score") else "left", no_wrap=True)
    for s in report.sessions:
        score = "—" if s.overall_score is None else f"{s.overall_score:.1f}"
        level = s.level or "[yellow]unfinished[/yellow]"
        table.add_row(
            str(s.id),
            s.started_at[:16].replace("T", " "),
            s.case_id,
            short_names.get(s.framework, s.framework),
            s.mode,
            score,
            level,
        )
    out.print(table)
    if report.trends:
        out.print("\n[bold]Step trends[/bold] (oldest → newest finished session)")
        for step_id, scores in report.trends.items():
            bars = "".join(
                _BARS[min(len(_BARS) - 1, int(score / 100 * len(_BARS)))] for score in scores[-20:]
            )
            change = f"{scores[0]:.0f} → {scores[-1]:.0f}" if len(scores) > 1 else f"{scores[-1]:.0f}"
            out.print(f"  {report.step_titles[step_id]:<40} [cyan]{bars:<20}[/cyan] {change}")
    if report.most_missed:
        out.print("\n[bold]Missed most often[/bold]")
        for item in report.most_missed:
            out.print(f"  {item.times}× {item.title}")
    if report.suggestion:
        next_up = report.suggestion
        out.print(
            f"\n[bold]Practise next:[/bold] {next_up.case_id}, step “{next_up.step_title}” — {next_up.reason}. "
            f"[dim](mlsd practice {next_up.case_id})[/dim]"
        )
