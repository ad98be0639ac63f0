"""Render a case's blueprint as an explanatory Markdown document or one self-contained HTML page.

The diagram arrives ready-made: `mermaid` is the flowchart source and `svg` the Graphviz
picture, or None when Graphviz is not installed (the HTML page then shows the Mermaid source).
Import it inside the command that exports blueprints, so Jinja2 stays off the start-up path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from mlsd_coach.content.models import TRACKS, CaseStudy, Framework, FrameworkStep, Funnel
from mlsd_coach.render.env import environment

TEMPLATES = {"md": "blueprint.md.j2", "html": "blueprint.html.j2"}
_SVG_ELEMENT = re.compile(r"<svg[\s>]", re.IGNORECASE)
_SVG_WIDTH = re.compile(
    r"""^<svg\b[^>]*?\swidth\s*=\s*["']\s*(\d+(?:\.\d+)?|\.\d+)\s*(px|pt|in|cm|mm)?\s*["']""", re.IGNORECASE
)
_PX_PER_UNIT = {"px": 1.0, "pt": 4 / 3, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
# Shrinking a wide diagram to the page width below this scale makes its labels unreadable;
# past it, the diagram keeps this scale and scrolls sideways instead.
READABLE_SCALE = 0.7


@dataclass(frozen=True)
class Stage:
    """One online stage's slice of the latency budget."""

    name: str
    latency_ms: float
    funnel: Funnel | None
    share: float  # percent of the blueprint's budget


@dataclass(frozen=True)
class LatencyBudget:
    stages: list[Stage]
    total_ms: float
    blueprint_ms: float
    case_ms: float

    @property
    def headroom_ms(self) -> float:
        return self.blueprint_ms - self.total_ms

    @property
    def headroom_share(self) -> float:
        return 100 * self.headroom_ms / self.blueprint_ms


def render_blueprint_doc(
    case: CaseStudy, framework: Framework, fmt: str, mermaid: str, svg: str | None
) -> str:
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown blueprint document format {fmt!r}; use one of: {', '.join(TEMPLATES)}")
    blueprint = case.blueprint
    names = {component.id: component.name for component in blueprint.components}
    picture = None if svg is None else inline_svg(svg)
    template = environment().get_template(TEMPLATES[fmt])
    return template.render(
        case=case,
        blueprint=blueprint,
        framework=framework,
        budget=latency_budget(case),
        tracks={track: blueprint.components_on(track) for track in TRACKS},
        steps={component.id: framework.step_for_seven(component.step) for component in blueprint.components},
        flows=[(names[flow.source], names[flow.target], flow.label) for flow in blueprint.flows],
        mermaid=mermaid.strip(),
        svg=picture,
        svg_width=None if picture is None else svg_width_px(picture),
        readable_scale=READABLE_SCALE,
        ms=format_ms,
        funnel=format_funnel,
        step_name=step_name,
    )


def latency_budget(case: CaseStudy) -> LatencyBudget:
    blueprint = case.blueprint
    stages = [
        Stage(c.name, c.latency_ms or 0, c.funnel, 100 * (c.latency_ms or 0) / blueprint.latency_budget_ms)
        for c in blueprint.online_stages()
    ]
    return LatencyBudget(
        stages=stages,
        total_ms=blueprint.critical_path_ms(),
        blueprint_ms=blueprint.latency_budget_ms,
        case_ms=case.latency_budget_ms,
    )


def inline_svg(document: str) -> Markup:
    """The `<svg>` element of an SVG document, ready to inline in HTML.

    Everything before it (the `<?xml ...?>` prolog, the DOCTYPE, Graphviz's comments) is
    dropped. The result is marked safe, so it must be a picture and nothing else: an SVG with
    a script in it is refused rather than inlined.
    """
    start = _SVG_ELEMENT.search(document)
    if start is None:
        raise ValueError("not an SVG document: it has no <svg> element")
    element = document[start.start() :].strip()
    if "<script" in element.lower():
        raise ValueError("refusing to inline an SVG that contains a <script>")
    return Markup(element)


def svg_width_px(element: str) -> float | None:
    """The natural width, in CSS pixels, of an `<svg>` element (Graphviz gives it in points)."""
    found = _SVG_WIDTH.match(element)
    if found is None:
        return None
    return float(found.group(1)) * _PX_PER_UNIT[(found.group(2) or "px").lower()]


def format_ms(value: float) -> str:
    """35.0 -> "35", 2.5 -> "2.5"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def format_funnel(funnel: Funnel | None) -> str:
    if funnel is None:
        return "–"
    return f"{funnel.input:,} → {funnel.output:,}"


def step_name(step: FrameworkStep) -> str:
    """`4. Model development`."""
    return f"{step.number}. {step.title}"
