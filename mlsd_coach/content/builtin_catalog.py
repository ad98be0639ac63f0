"""The summaries of the built-in cases, validated when the package was built and shipped in it,
so that `mlsd cases list` need not parse and validate the built-in YAML on a fresh home.

`builtin_catalog.json` (beside this module) holds the summaries and a digest of everything
that decided them: the built-in case files (names and bytes), the frameworks they are checked
against and the source of the modules that validate and summarise them. At run time the digest
is recomputed by hashing those files, which is cheap; the shipped summaries are used only when
it matches, and a shipped file that is missing, corrupt or stale is ignored (the cases are then
validated as usual). `python scripts/build_builtin_catalog.py` regenerates the file, and a test
fails while it is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mlsd_coach import paths
from mlsd_coach.content.case_cache import validity_fingerprint

SHIPPED_CATALOG = Path(__file__).resolve().with_name("builtin_catalog.json")
REGENERATE = "python scripts/build_builtin_catalog.py"
FRAMEWORK_FILES = ("seven-step.yaml", "four-step.yaml")
# Besides the validity sources: what picks the built-in files and makes their summaries.
_SUMMARY_SOURCES = ("registry.py", "catalog.py", "builtin_catalog.py")
CASE_SUFFIXES = (".yaml", ".yml")


def content_digest() -> str | None:
    """A digest of the built-in cases, the frameworks and the code that validates and
    summarises them; None when one of them cannot be read."""
    digest = hashlib.sha256(validity_fingerprint().encode())
    here = Path(__file__).resolve().parent
    try:
        files = [here / name for name in _SUMMARY_SOURCES]
        files += [paths.rubrics_dir() / name for name in FRAMEWORK_FILES]
        cases_dir = paths.builtin_cases_dir()
        files += sorted(p for p in cases_dir.iterdir() if p.suffix in CASE_SUFFIXES)
        for file in files:
            content = file.read_bytes()
            digest.update(f"{file.name}\0{len(content)}\0".encode())
            digest.update(content)
    except OSError:
        return None
    return digest.hexdigest()


def shipped_summaries() -> list[dict[str, Any]] | None:
    """The shipped summaries of the built-in cases (the fields of `catalog.CaseSummary`),
    or None unless the shipped file is readable, well formed and matches the content now."""
    try:
        data = json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        return None
    digest = content_digest()
    if digest is None or data.get("digest") != digest:
        return None
    summaries = []
    cases_dir = paths.builtin_cases_dir()
    for entry in data["cases"]:
        if not _well_formed(entry):
            return None
        summary = {key: value for key, value in entry.items() if key != "file"}
        summaries.append({**summary, "builtin": True, "path": str(cases_dir / entry["file"])})
    return summaries


def _well_formed(entry: object) -> bool:
    if not isinstance(entry, dict) or set(entry) != {"id", "title", "difficulty", "tags", "file"}:
        return False
    strings = all(isinstance(entry[key], str) for key in ("id", "title", "difficulty", "file"))
    tags = entry["tags"]
    return strings and isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)


def build_shipped(summaries: list[dict[str, Any]]) -> str:
    """The text of the shipped catalog for `summaries` of the built-in cases, as validated."""
    digest = content_digest()
    if digest is None:
        raise OSError("the built-in content cannot be read")
    cases = [
        {
            "id": s["id"],
            "title": s["title"],
            "difficulty": s["difficulty"],
            "tags": s["tags"],
            "file": Path(s["path"]).name,
        }
        for s in summaries
    ]
    return json.dumps({"digest": digest, "cases": cases}, indent=2, ensure_ascii=False) + "\n"
