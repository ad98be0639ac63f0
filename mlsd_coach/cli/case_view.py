"""The terminal view of one case study (`mlsd cases show`)."""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.rubric import step_items, step_model_answer


def render_case(out: Console, case: CaseStudy, framework: Framework, *, with_answers: bool) -> None:
    out.print(f"[bold]{case.title}[/bold]  [dim]{case.id} · {case.difficulty} · {', '.join(case.tags)}[/dim]")
    out.print(
        Panel(case.prompt.strip(), title="The interviewer says", title_align="left", border_style="cyan")
    )

    scale = Table(title="Scale", title_justify="left", show_header=False)
    scale.add_column(style="bold")
    scale.add_column()
    for number in case.scale:
        scale.add_row(number.name, number.value)
    out.print(scale)

    out.print(f"\n[bold]{framework.title}[/bold] ({framework.total_minutes:g} minutes)")
    for step in framework.steps:
        out.print(f"\n[bold cyan]{step.number}. {step.title}[/bold cyan]  [dim]{step.minutes:g} min[/dim]")
        out.print(f"  {step.goal}")
        for item in step_items(framework, case, step):
            out.print(f"  • {item.title}")
        if with_answers:
            out.print(
                Panel(
                    Markdown(step_model_answer(case, step)),
                    title="Model answer",
                    title_align="left",
                    border_style="green",
                )
            )
    if not with_answers:
        out.print(
            f"\n[dim]Add --answers to see a model answer for each step (try first: mlsd practice {case.id}).[/dim]"
        )
    out.print("\n[bold]References[/bold]")
    for ref in case.references:
        year = f" ({ref.year})" if ref.year else ""
        out.print(f"  • {ref.author}, [italic]{ref.title}[/italic]{year}")
