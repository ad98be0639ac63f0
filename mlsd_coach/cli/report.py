"""`mlsd report SESSION`: a session rendered as Markdown or a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach.cli.output import emit
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError


def report(
    ctx: typer.Context,
    session: Annotated[
        str, typer.Argument(metavar="SESSION", help="Session id from `mlsd history`, or `latest`.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="md or html.", metavar="md|html")] = "md",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file instead of stdout.", metavar="FILE"),
    ] = None,
) -> None:
    """Render a session: transcript, scores, evidence, feedback and model answers."""
    if fmt not in ("md", "html"):
        raise BadInputError(f"unknown format '{fmt}'; use md or html")
    from mlsd_coach.coach.flow import study_next
    from mlsd_coach.render.report import render_report
    from mlsd_coach.scoring.base import Scorecard
    from mlsd_coach.session_report import build_report
    from mlsd_coach.store.history import HistoryStore

    app_state = state(ctx)
    with HistoryStore() as store:
        row = _find_session(store, session)
        card = store.scorecard(row.id)
        study = [f"{i.title}: {i.feedback}" for i in study_next(Scorecard.from_json(card))] if card else []
        data = build_report(
            store, row, app_state.case(row.case_id), app_state.frameworks[row.framework], study
        )
    text = render_report(data, fmt)
    emit(text, output, f"{fmt} report of session {row.id}")


def _find_session(store, session: str):
    sessions = store.sessions()
    if not sessions:
        raise BadInputError("no sessions yet; start one with `mlsd practice CASE`")
    if session == "latest":
        return sessions[-1]
    try:
        row = store.session(int(session))
    except ValueError:
        raise BadInputError(f"'{session}' is not a session id; `mlsd history` lists them") from None
    if row is None:
        raise BadInputError(f"no session {session}; `mlsd history` lists them")
    return row
