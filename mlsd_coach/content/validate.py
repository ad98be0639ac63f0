"""`mlsd cases validate`: check files a user points at, case studies or frameworks."""

from __future__ import annotations

from pathlib import Path

from mlsd_coach.content.crossref import check_case
from mlsd_coach.content.loader import validate_document
from mlsd_coach.content.models import CaseStudy, Framework, Glossary
from mlsd_coach.content.problems import ContentError, ContentProblem
from mlsd_coach.content.registry import case_files
from mlsd_coach.content.yaml_source import read_yaml

Result = tuple[Path, str, list[ContentProblem]]


def validate_paths(targets: list[Path], frameworks: list[Framework]) -> list[Result]:
    results: list[Result] = []
    for target in targets:
        if _is_dir(target):
            try:
                files = case_files(target)
            except ContentError as err:
                results.append((target, "", err.problems))
                continue
            if not files:
                results.append(
                    (target, "", [ContentProblem(target, None, None, "no .yaml files in this directory")])
                )
            results.extend(validate_file(path, frameworks) for path in files)
        else:
            results.append(validate_file(target, frameworks))
    return results


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # the file check that follows names the reason
        return False


def validate_file(path: Path, frameworks: list[Framework]) -> Result:
    try:
        document = read_yaml(path)
        if "levels" in document.data and "steps" in document.data:
            framework = validate_document(document, Framework)
            return path, f"framework '{framework.id}'", []
        if set(document.data) == {"groups"}:
            glossary = validate_document(document, Glossary)
            return path, f"glossary of {len(glossary.groups)} term groups", []
        case = validate_document(document, CaseStudy)
    except ContentError as err:
        return path, "", err.problems
    return path, f"case '{case.id}'", check_case(path, case, frameworks)
