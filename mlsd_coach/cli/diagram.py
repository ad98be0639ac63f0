"""`mlsd diagram check CASE FILE`: a Mermaid flowchart of your design against the case's blueprint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlsd_coach.cli.output import console, plain, print_json
from mlsd_coach.cli.state import state
from mlsd_coach.errors import BadInputError

if TYPE_CHECKING:
    from mlsd_coach.diagram.extract import MermaidBlock
    from mlsd_coach.diagram.model import Diagram

app = typer.Typer(
    help="Check a Mermaid diagram of your design against a case's blueprint.", no_args_is_help=True
)
WHOLE_FILE_SUFFIXES = (".mmd", ".mermaid")
NO_DIAGRAM = "no Mermaid diagram found; put your flowchart in a ```mermaid fenced block, or pass a .mmd file"


@app.command("check")
def check(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. feed-ranking.")],
    diagram_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Your answer in Markdown with a ```mermaid block, or a .mmd file holding only the flowchart.",
        ),
    ],
    block: Annotated[
        int | None,
        typer.Option(
            "--block",
            min=1,
            metavar="N",
            help="Check the Nth Mermaid block of FILE. By default the first flowchart is checked "
            "and a note names the other blocks.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check a Mermaid flowchart of your design against the case's blueprint.

    It says which components you drew and which are missing, stages drawn out of order,
    offline work (training, index builds) on the request path, whether the feedback loop
    from logging to training is closed, and the latency written on the online path against
    the budget. A Markdown FILE may hold several Mermaid blocks: the first flowchart is
    checked unless --block picks another.
    """
    from mlsd_coach.answers import read_answer_file
    from mlsd_coach.diagram.check import check_diagram
    from mlsd_coach.diagram.extract import find_diagrams

    text = read_answer_file(diagram_file)
    case = state(ctx).case(case_id)
    blocks = find_diagrams(text, whole_file=diagram_file.suffix.lower() in WHOLE_FILE_SUFFIXES)
    if not blocks:
        raise BadInputError(f"{diagram_file}: {NO_DIAGRAM}")
    diagram = _chosen_diagram(diagram_file, blocks, block)
    result = check_diagram(case, diagram)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    from mlsd_coach.cli.diagram_view import render_diagram_check

    render_diagram_check(console(), result, case)


def _chosen_diagram(path: Path, blocks: list[MermaidBlock], number: int | None) -> Diagram:
    """The `number`th block, or the first that is a flowchart, with a note on the others."""
    from mlsd_coach.diagram.parse import NotAFlowchart, parse_mermaid

    if number is not None:
        if number > len(blocks):
            raise BadInputError(f"{path}: --block {number}, but the file has {len(blocks)} Mermaid block(s)")
        chosen = blocks[number - 1]
        try:
            return parse_mermaid(chosen.text, chosen.line)
        except NotAFlowchart as err:
            raise BadInputError(f"{path}:{chosen.line}: {err}") from None
    first_problem: str | None = None
    for position, candidate in enumerate(blocks):
        try:
            diagram = parse_mermaid(candidate.text, candidate.line)
        except NotAFlowchart as err:
            first_problem = first_problem or f"{path}:{candidate.line}: {err}"
            continue
        others = [b.line for b in blocks if b is not candidate]
        if others:
            lines = ", ".join(str(line) for line in others)
            typer.echo(
                plain(
                    f"note: checking the Mermaid block at line {candidate.line} (block {position + 1}); "
                    f"the others start at line {lines}: pick one with --block N"
                ),
                err=True,
            )
        return diagram
    assert first_problem is not None
    raise BadInputError(first_problem)
