"""Every export format from one place."""

from __future__ import annotations

import shutil

from mlsd_coach.blueprint.dot import render_svg, to_dot
from mlsd_coach.blueprint.mermaid import to_mermaid
from mlsd_coach.content.models import CaseStudy, Framework


def export_blueprint(case: CaseStudy, framework: Framework, fmt: str) -> str:
    if fmt == "mermaid":
        return to_mermaid(case.blueprint)
    if fmt == "dot":
        return to_dot(case.blueprint)
    if fmt == "svg":
        return render_svg(to_dot(case.blueprint))
    from mlsd_coach.render.blueprint_doc import render_blueprint_doc

    svg = render_svg(to_dot(case.blueprint)) if fmt == "html" and shutil.which("dot") else None
    return render_blueprint_doc(case, framework, fmt, to_mermaid(case.blueprint), svg)
