"""The content library: both frameworks and every case study, built-in and the user's.

Built-in content that fails validation is an error (a broken install); a broken user file
is reported as a problem and skipped, so the built-ins still load. Files that pass are served
from `case_cache` until they change.
"""

from __future__ import annotations

import difflib
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from mlsd_coach import paths
from mlsd_coach.content import case_cache
from mlsd_coach.content.models import CaseStudy, Framework, Glossary
from mlsd_coach.content.problems import ContentError, ContentProblem
from mlsd_coach.content.textfile import os_error_reason
from mlsd_coach.errors import BadInputError

M = TypeVar("M", bound=BaseModel)

MISSING_CASE_DIR = "case directory does not exist"
FRAMEWORK_FILES = {"seven-step": "seven-step.yaml", "four-step": "four-step.yaml"}
_FRAMEWORK_NAMES = {
    "7": "seven-step",
    "7-step": "seven-step",
    "seven-step": "seven-step",
    "seven": "seven-step",
    "4": "four-step",
    "4-step": "four-step",
    "four-step": "four-step",
    "four": "four-step",
}


def framework_id(name: str) -> str:
    """`7`, `7-step` or `seven-step` -> `seven-step` (likewise for 4)."""
    try:
        return _FRAMEWORK_NAMES[name.strip().lower()]
    except KeyError:
        raise BadInputError(f"unknown framework '{name}'; use 7 (the default) or 4") from None


@dataclass(frozen=True)
class CaseEntry:
    case: CaseStudy
    path: Path
    builtin: bool


@dataclass
class Library:
    frameworks: dict[str, Framework]
    cases: dict[str, CaseEntry] = field(default_factory=dict)
    problems: list[ContentProblem] = field(default_factory=list)

    def case(self, case_id: str) -> CaseStudy:
        entry = self.cases.get(case_id)
        if entry is None:
            raise BadInputError(unknown_case_message(case_id, self.cases))
        return entry.case


def unknown_case_message(case_id: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(case_id, known, n=3, cutoff=0.5)
    options = ", ".join(close[:-1]) + " or " + close[-1] if len(close) > 1 else "".join(close)
    hint = f"did you mean {options}?" if close else f"known cases: {', '.join(known)}"
    return f"unknown case '{case_id}'; {hint} (`mlsd cases list` shows them all)"


def load_frameworks() -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    problems: list[ContentProblem] = []
    for framework_name, path in framework_paths().items():
        try:
            frameworks[framework_name] = case_cache.cached_model(
                path, Framework, partial(read_validated, path, Framework)
            )
        except ContentError as err:
            problems.extend(err.problems)
    if problems:
        raise ContentError(problems)
    return frameworks


def read_validated(path: Path, model: type[M]) -> M:
    """Parse and validate a content file (ContentError if it is invalid). The YAML reader is
    imported here: it brings PyYAML, about 20 ms of the start of a command whose content
    comes from the cache and never needs it."""
    from mlsd_coach.content.loader import load_model

    return load_model(path, model)


def framework_paths() -> dict[str, Path]:
    return {name: paths.rubrics_dir() / filename for name, filename in FRAMEWORK_FILES.items()}


def load_glossary() -> Glossary:
    path = paths.rubrics_dir() / "glossary.yaml"
    return case_cache.cached_model(path, Glossary, partial(read_validated, path, Glossary))


def case_files(directory: Path) -> list[Path]:
    """The `.yaml`/`.yml` regular files in `directory`; ContentError if it cannot be listed."""
    try:
        entries = list(directory.iterdir())
    except OSError as err:
        reason = os_error_reason(err)
        raise ContentError([ContentProblem(directory, None, None, f"cannot list: {reason}")]) from None
    return sorted(p for p in entries if p.suffix in (".yaml", ".yml") and _is_file(p))


def user_dir_problem(directory: Path) -> str | None:
    """Why `directory` cannot be a directory of user cases, or None when it can."""
    try:
        status = directory.stat()
    except FileNotFoundError:
        return MISSING_CASE_DIR
    except OSError as err:
        return os_error_reason(err)
    if not stat.S_ISDIR(status.st_mode):
        return "is a file, expected a directory of case YAML files"
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. permission denied on the directory
        return False


def load_library(user_dirs: Iterable[Path] = ()) -> Library:
    library = Library(frameworks=load_frameworks())
    frameworks = list(library.frameworks.values())
    builtin_problems: list[ContentProblem] = []
    for path in case_files(paths.builtin_cases_dir()):
        builtin_problems.extend(_add_case(library, path, frameworks, builtin=True))
    if builtin_problems:
        raise ContentError(builtin_problems)
    for directory in user_dirs:
        library.problems.extend(_add_user_dir(library, directory, frameworks))
    return library


def _add_user_dir(library: Library, directory: Path, frameworks: list[Framework]) -> list[ContentProblem]:
    """Add every valid case in `directory`; the problems of the others, which are skipped."""
    problem = user_dir_problem(directory)
    if problem is not None:
        return [ContentProblem(directory, None, None, problem)]
    try:
        files = case_files(directory)
    except ContentError as err:
        return err.problems
    problems: list[ContentProblem] = []
    for path in files:
        problems.extend(_add_case(library, path, frameworks, builtin=False))
    return problems


def load_one_case(
    case_id: str, frameworks: dict[str, Framework], user_dirs: Iterable[Path] = ()
) -> CaseStudy:
    """One case by id without validating the others: the file named `<id>.yaml` in the
    built-in or a user directory; the whole library only when no file has that name."""
    user_dirs = list(user_dirs)
    for directory in (paths.builtin_cases_dir(), *user_dirs):
        for suffix in (".yaml", ".yml"):
            path = directory / f"{case_id}{suffix}"
            if _is_file(path):
                case, problems = load_checked_case(path, list(frameworks.values()))
                if problems:
                    raise ContentError(problems)
                if case is not None and case.id == case_id:
                    return case
    return load_library(user_dirs).case(case_id)


def load_checked_case(
    path: Path, frameworks: list[Framework]
) -> tuple[CaseStudy | None, list[ContentProblem]]:
    """A case file's model and every problem in it; the model is None unless it is valid.

    The checks against the frameworks assume they were loaded from `framework_paths()`, which
    is what the cache entry is keyed on."""

    def checked() -> CaseStudy:
        from mlsd_coach.content.crossref import check_case  # see read_validated

        case = read_validated(path, CaseStudy)
        problems = check_case(path, case, frameworks)
        if problems:
            raise ContentError(problems)
        return case

    depends_on = list(framework_paths().values())
    try:
        return case_cache.cached_model(path, CaseStudy, checked, depends_on), []
    except ContentError as err:
        return None, err.problems


def _add_case(
    library: Library, path: Path, frameworks: list[Framework], *, builtin: bool
) -> list[ContentProblem]:
    case, problems = load_checked_case(path, frameworks)
    if case is None:
        return problems
    existing = library.cases.get(case.id)
    if existing is not None:
        return [
            ContentProblem(
                path, None, "id", f"case '{case.id}' is already defined in {existing.path}; skipped"
            )
        ]
    library.cases[case.id] = CaseEntry(case, path, builtin)
    return []
