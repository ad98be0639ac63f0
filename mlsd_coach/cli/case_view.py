"""The terminal view of one case study (`mlsd cases show`).

Every string from the case file is untrusted: it is printed as text (`safe`, `as_text`),
never parsed as Rich markup, and its control characters never reach the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from mlsd_coach.cli.output import as_text, plain, safe
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep
from mlsd_coach.content.rubric import step_items, step_model_answer


def render_case(out: Console, case: CaseStudy, framework: Framework, *, with_answers: bool) -> None:
    out.print(
        f"[bold]{safe(case.title)}[/bold]  "
        f"[dim]{safe(case.id)} · {safe(case.difficulty)} · {safe(', '.join(case.tags))}[/dim]"
    )
    out.print(
        Panel(
            as_text(case.prompt.strip()),
            title="The interviewer says",
            title_align="left",
            border_style="cyan",
        )
    )
    out.print(_scale(case))
    out.print(f"\n[bold]{safe(framework.title)}[/bold] ({framework.total_minutes:g} minutes)")
    for step in framework.steps:
        out.print(
            f"\n[bold cyan]{step.number}. {safe(step.title)}[/bold cyan]  [dim]{step.minutes:g} min[/dim]"
        )
        out.print(f"  {safe(step.goal)}")
        for item in step_items(framework, case, step):
            out.print(f"  • {safe(item.title)}")
        if with_answers:
            out.print(_model_answer(case, step))
    if not with_answers:
        out.print(
            "\n[dim]Add --answers to see a model answer for each step "
            f"(try first: mlsd practice {safe(case.id)}).[/dim]"
        )
    out.print("\n[bold]References[/bold]")
    for ref in case.references:
        year = f" ({ref.year})" if ref.year else ""
        out.print(f"  • {safe(ref.author)}, [italic]{safe(ref.title)}[/italic]{year}")


def _scale(case: CaseStudy) -> Table:
    scale = Table(title="Scale", title_justify="left", show_header=False)
    scale.add_column(style="bold")
    scale.add_column()
    for number in case.scale:
        scale.add_row(as_text(number.name), as_text(number.value))
    return scale


def _model_answer(case: CaseStudy, step: FrameworkStep) -> Panel:
    # Markdown is not Rich markup, so brackets print as typed; links are shown, not made live.
    text = plain(step_model_answer(case, step))
    return Panel(
        Markdown(text, hyperlinks=False), title="Model answer", title_align="left", border_style="green"
    )
