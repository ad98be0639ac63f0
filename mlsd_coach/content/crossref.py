"""Checks that need a case study and the frameworks together."""

from __future__ import annotations

from pathlib import Path

from mlsd_coach.content.models import SEVEN_STEP_IDS, CaseStudy, Framework
from mlsd_coach.content.problems import ContentProblem, field_path
from mlsd_coach.content.yaml_source import read_yaml


def check_case(path: Path, case: CaseStudy, frameworks: list[Framework]) -> list[ContentProblem]:
    found: list[tuple[tuple[str | int, ...], str]] = []
    generic_ids = {item.id for fw in frameworks for step in fw.steps for item in step.rubric}
    items = {item.id: item for item in case.rubric}
    for index, item in enumerate(case.rubric):
        if item.id in generic_ids or item.id.startswith("generic-"):
            found.append((("rubric", index, "id"), f"'{item.id}' clashes with a framework's generic item id"))
    steps_with_items = {item.step for item in case.rubric}
    for step in SEVEN_STEP_IDS:
        if step not in steps_with_items:
            found.append((("rubric",), f"no rubric item for step '{step}'; every step needs at least one"))
    for index, probe in enumerate(case.probes):
        for target in probe.targets:
            if target in items and items[target].step != probe.step:
                found.append(
                    (
                        ("probes", index, "targets"),
                        f"probe of step '{probe.step}' targets '{target}', an item of step '{items[target].step}'",
                    )
                )
    if not found:
        return []
    document = read_yaml(path)
    return [ContentProblem(path, document.line_of(loc), field_path(loc), message) for loc, message in found]
