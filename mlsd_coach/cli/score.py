"""`mlsd score CASE FILE`: score a written answer without a session."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach.cli.options import FrameworkOption, ScorerOption, TargetOption, check_target
from mlsd_coach.cli.output import console, plain, print_json
from mlsd_coach.cli.state import state


def score(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. feed-ranking.")],
    answer_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Your answer, Markdown or plain text, in any layout (headings of any kind, or none).",
        ),
    ],
    framework: FrameworkOption = "7",
    scorer: ScorerOption = "auto",
    target: TargetOption = "senior",
    as_json: Annotated[bool, typer.Option("--json", help="Print the scorecard as JSON.")] = False,
) -> None:
    """Score a written answer against the case's rubric, item by item, with the evidence found."""
    from mlsd_coach.answers import parse_answer, read_answer_file
    from mlsd_coach.scoring.judge import NoticeBuffer, score
    from mlsd_coach.scoring.registry import make_judge

    app_state = state(ctx)
    level = check_target(target)
    text = read_answer_file(answer_file)
    chosen_framework = app_state.framework(framework)
    case = app_state.case(case_id)
    notices = NoticeBuffer()
    judge = make_judge(scorer, notices)
    answer = parse_answer(text, chosen_framework, app_state.frameworks["seven-step"], case=case)
    card = score(judge, case, chosen_framework, answer, target=level)
    for notice in notices.drain():
        typer.echo(plain(f"note: {notice}"), err=True)
    if as_json:
        print_json(card.model_dump(mode="json"))
        return
    from mlsd_coach.cli.score_view import render_scorecard

    render_scorecard(console(), card, case.title)
