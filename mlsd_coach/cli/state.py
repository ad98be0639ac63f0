"""What the top-level options decide, shared by every command."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mlsd_coach import paths
from mlsd_coach.errors import BadInputError

if TYPE_CHECKING:
    from mlsd_coach.content.catalog import Catalog
    from mlsd_coach.content.models import CaseStudy, Framework


@dataclass
class AppState:
    cases_dirs: list[Path] = field(default_factory=list)

    def add_cases_dirs(self, typed: list[str]) -> None:
        """`--cases-dir` values as typed (an empty one would silently be the current folder)."""
        if any(not value.strip() for value in typed):
            raise BadInputError("--cases-dir needs a directory")
        self.cases_dirs = [Path(value).expanduser() for value in typed]

    @property
    def user_dirs(self) -> list[Path]:
        """The user's case directories; BadInputError for an empty `--cases-dir` or one that
        is not a directory (a missing one is a warning when the library is loaded)."""
        directories = [*paths.user_cases_dirs_from_env(), *self.cases_dirs]
        for directory in directories:
            _require_directory(directory)
        return directories

    @cached_property
    def frameworks(self) -> dict[str, Framework]:
        from mlsd_coach.content.registry import load_frameworks

        return load_frameworks()

    def framework(self, name: str) -> Framework:
        from mlsd_coach.content.registry import framework_id

        return self.frameworks[framework_id(name)]

    def case(self, case_id: str) -> CaseStudy:
        """One case by id, validating only that file when it is named after its id."""
        from mlsd_coach.content.registry import load_one_case

        return load_one_case(case_id, self.frameworks, self.user_dirs)

    def catalog(self) -> Catalog:
        """Summaries of every valid case; fast, from a cache while no content file changes."""
        from mlsd_coach.content.catalog import load_catalog

        catalog = load_catalog(self.user_dirs)
        _warn_skipped(catalog.problems)
        return catalog


def _require_directory(directory: Path) -> None:
    from mlsd_coach.content.registry import MISSING_CASE_DIR, user_dir_problem

    problem = user_dir_problem(directory)
    if problem is not None and problem != MISSING_CASE_DIR:
        raise BadInputError(f"{directory}: {problem}")


def _warn_skipped(problems: list[str]) -> None:
    from mlsd_coach.cli.output import plain

    for problem in problems:
        typer.echo(plain(f"warning: skipped {problem}"), err=True)


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
