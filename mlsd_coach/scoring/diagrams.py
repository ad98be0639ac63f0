"""Diagrams in an answer, read into its verdict whichever judge gave it.

Every ```mermaid flowchart in the answer's steps is checked against the case's blueprint
(`diagram.check`). The best sketch's credit (`diagram.credit`) counts for the items a drawn
architecture shows, wherever it was drawn, like a point made in another step; its structural
errors are mistakes of the step it was drawn in. The step's score moves by what that changes
in a verdict computed from its items, so a bound a judge applied (the LLM judge's ceiling)
still holds around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.registry import load_glossary
from mlsd_coach.content.rubric import step_items
from mlsd_coach.diagram.extract import fenced_diagrams
from mlsd_coach.diagram.findings import DiagramCheck
from mlsd_coach.scoring.aggregate import step_result
from mlsd_coach.scoring.scorecard import StepResult

if TYPE_CHECKING:
    from mlsd_coach.scoring.matcher import ConceptCompiler

# the last answer read: a session or `mlsd score` asks once per step for the same texts
_last: tuple[tuple[object, ...], CaseStudy, tuple[DiagramCheck, ...]] | None = None


@cache
def _compiler() -> ConceptCompiler:
    from mlsd_coach.scoring.matcher import ConceptCompiler

    return ConceptCompiler(load_glossary())


def answer_diagrams(
    case: CaseStudy, framework: Framework, texts: Mapping[str, str]
) -> tuple[DiagramCheck, ...]:
    """Every flowchart drawn in the answer's steps, checked, in the framework's step order."""
    global _last
    key = (id(case), case.id, framework.id, tuple(sorted(texts.items())))
    if _last is not None and _last[0] == key and _last[1] is case:
        return _last[2]
    blocks = [
        (step.id, block) for step in framework.steps for block in fenced_diagrams(texts.get(step.id, ""))
    ]
    if not blocks:
        return ()
    # the parser and the checker are imported only for an answer that draws
    from mlsd_coach.diagram.check import check_diagram
    from mlsd_coach.diagram.parse import NotAFlowchart, parse_mermaid

    checks = []
    for step_id, block in blocks:
        try:
            diagram = parse_mermaid(block.text, block.line)
        except NotAFlowchart:
            continue  # a sequence diagram, or no diagram at all: nothing to check
        check = check_diagram(case, diagram, _compiler())
        checks.append(check.model_copy(update={"step": step_id}))
    _last = (key, case, tuple(checks))
    return _last[2]


def with_diagrams(
    case: CaseStudy, framework: Framework, result: StepResult, checks: tuple[DiagramCheck, ...]
) -> StepResult:
    """`result` with what the answer's diagrams show: the best sketch's credit for the items a
    diagram shows, and the mistakes of the diagrams drawn in this step."""
    if not checks or not result.answered:
        return result
    from mlsd_coach.diagram.credit import diagram_mistakes, sketch_credit, summary

    step = framework.step(result.id)
    shown_by_diagram = {item.id for item in step_items(framework, case, step) if item.diagram}
    best = max(checks, key=lambda check: sketch_credit(check, case.blueprint))
    credit = sketch_credit(best, case.blueprint)
    titles = {s.id: s.title for s in framework.steps}
    items = [
        item.model_copy(
            update={
                "score": credit,
                "evidence": (summary(best, case.blueprint, titles[best.step]), *item.evidence),
                "evidence_from": (best.step, *item.evidence_from),
            }
        )
        if item.id in shown_by_diagram and credit > item.score
        else item
        for item in result.items
    ]
    known = {mistake.id for mistake in result.mistakes}
    added = {m.id: m for c in checks if c.step == step.id for m in diagram_mistakes(c) if m.id not in known}
    if items == list(result.items) and not added:
        return result
    mistakes = [*result.mistakes, *added.values()]
    before = step_result(framework, step, result.items, result.mistakes, judge=result.judge).score
    after = step_result(framework, step, items, mistakes, judge=result.judge).score
    score = round(max(0.0, min(100.0, result.score + after - before)), 1)
    return result.model_copy(
        update={
            "items": tuple(items),
            "mistakes": tuple(mistakes),
            "score": score,
            "level": framework.level_for(score),
        }
    )
