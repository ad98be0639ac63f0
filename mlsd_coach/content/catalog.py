"""A cached summary of the case library, so `mlsd cases list` need not parse and validate
every YAML file on every run.

The cache is keyed on the path, size and modification time of every content file (built-in
and user), on the mlsd version and on the source of the validating modules: any change to any
of them re-validates everything. It
lives in `paths.cache_dir()`; if that cannot be written, the catalog is simply built each time.
Without user directories a missed cache is filled from the summaries shipped with the package
(`builtin_catalog`) while they match the built-in content, else by validating every file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from mlsd_coach import __version__, paths
from mlsd_coach.cache_files import write_json_atomically
from mlsd_coach.content.builtin_catalog import shipped_summaries
from mlsd_coach.content.case_cache import validity_fingerprint

CATALOG_FILE = "catalog.json"


@dataclass(frozen=True)
class CaseSummary:
    id: str
    title: str
    difficulty: str
    tags: list[str]
    builtin: bool
    path: str


@dataclass(frozen=True)
class Catalog:
    cases: list[CaseSummary]
    problems: list[str]


def load_catalog(user_dirs: Iterable[Path]) -> Catalog:
    user_dirs = list(user_dirs)
    key = _fingerprint(user_dirs)
    cache_path = paths.cache_dir() / CATALOG_FILE
    cached = _read(cache_path, key)
    if cached is not None:
        return cached
    catalog = _shipped() if not user_dirs else None
    if catalog is None:
        catalog = build(user_dirs)
    _write(cache_path, key, catalog)
    return catalog


def _shipped() -> Catalog | None:
    """The built-in cases' catalog as shipped, when it matches the built-in content."""
    summaries = shipped_summaries()
    if summaries is None:
        return None
    return Catalog([CaseSummary(**summary) for summary in summaries], [])


def build(user_dirs: list[Path]) -> Catalog:
    """The catalog made by loading and validating every content file."""
    # Imported here: the registry brings pydantic and PyYAML, which a warm catalog never needs.
    from mlsd_coach.content import registry

    library = registry.load_library(user_dirs)
    cases = [
        CaseSummary(e.case.id, e.case.title, e.case.difficulty, list(e.case.tags), e.builtin, str(e.path))
        for e in sorted(library.cases.values(), key=lambda e: e.case.id)
    ]
    return Catalog(cases, [str(p) for p in library.problems])


def _fingerprint(user_dirs: list[Path]) -> list[object]:
    files: list[Path] = [paths.rubrics_dir() / name for name in ("seven-step.yaml", "four-step.yaml")]
    directories = [paths.builtin_cases_dir(), *user_dirs]
    entries: list[object] = [__version__, validity_fingerprint(), [str(d) for d in directories]]
    for directory in directories:
        try:
            files.extend(sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")))
        except OSError:
            entries.append([str(directory), "missing"])
    for file in files:
        try:
            stat = file.stat()
            entries.append([str(file), stat.st_size, stat.st_mtime_ns])
        except OSError:
            entries.append([str(file), "missing"])
    return entries


def _read(cache_path: Path, key: list[object]) -> Catalog | None:
    try:
        data = json.loads(cache_path.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        return Catalog([CaseSummary(**c) for c in data["cases"]], list(data["problems"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(cache_path: Path, key: list[object], catalog: Catalog) -> None:
    payload = {"key": key, "cases": [asdict(c) for c in catalog.cases], "problems": catalog.problems}
    write_json_atomically(cache_path, payload)
