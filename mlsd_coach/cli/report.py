"""`mlsd report SESSION`: a session rendered as Markdown or a self-contained HTML page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd_coach.cli.output import emit
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError

if TYPE_CHECKING:
    from mlsd_coach.content.models import Framework
    from mlsd_coach.store.history import HistoryStore, SessionRow


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
    from mlsd_coach.render.report import render_report
    from mlsd_coach.render.session import build_report
    from mlsd_coach.store.history import HistoryStore

    app_state = state(ctx)
    with HistoryStore() as store:
        row = _find_session(store, session)
        framework = _framework(app_state.frameworks, row)
        case = app_state.case(row.case_id)
        data = build_report(store, row, case, framework)
    text = render_report(data, fmt)
    emit(text, output, f"{fmt} report of session {row.id}")


def _find_session(store: HistoryStore, session: str) -> SessionRow:
    if session == "latest":
        sessions = store.sessions()
        if not sessions:
            raise BadInputError("no sessions yet; start one with `mlsd practice CASE`")
        return sessions[-1]
    # Digits only: int() would also take "-1", " 1", "1_0" and other scripts' digits.
    if not re.fullmatch(r"[0-9]+", session):
        raise BadInputError(f"'{session}' is not a session id; `mlsd history` lists them")
    row = store.session(int(session))
    if row is None:
        raise BadInputError(f"no session {session}; `mlsd history` lists them")
    return row


def _framework(frameworks: dict[str, Framework], row: SessionRow) -> Framework:
    if row.framework not in frameworks:
        raise BadInputError(
            f"session {row.id} was practised with framework '{row.framework}', which this mlsd "
            "does not know; upgrade mlsd to report it"
        )
    return frameworks[row.framework]
