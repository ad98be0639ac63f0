"""The catalog of the built-in cases shipped in the package: used only while it matches."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from mlsd_coach.content import builtin_catalog, catalog


def test_the_shipped_catalog_is_what_validating_the_built_in_cases_gives():
    shipped = builtin_catalog.shipped_summaries()
    assert shipped is not None, f"builtin_catalog.json is stale or missing: run {builtin_catalog.REGENERATE}"
    assert shipped == [asdict(summary) for summary in catalog.build([]).cases], (
        f"builtin_catalog.json does not match the built-in cases: run {builtin_catalog.REGENERATE}"
    )


@pytest.fixture
def no_validation(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Records each time the catalog had to validate the content files (and still does it)."""
    calls: list[list[Path]] = []
    real_build = catalog.build

    def build(user_dirs: list[Path]) -> catalog.Catalog:
        calls.append(user_dirs)
        return real_build(user_dirs)

    monkeypatch.setattr(catalog, "build", build)
    return calls


def _shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit) -> None:
    copy = tmp_path / "builtin_catalog.json"
    text = builtin_catalog.SHIPPED_CATALOG.read_text(encoding="utf-8")
    copy.write_text(edit(text), encoding="utf-8")
    monkeypatch.setattr(builtin_catalog, "SHIPPED_CATALOG", copy)


def test_a_fresh_home_lists_the_built_ins_from_the_shipped_catalog(no_validation, mlsd):
    result = mlsd("cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert no_validation == []
    assert [case["id"] for case in json.loads(result.stdout)] == [case.id for case in catalog.build([]).cases]


def test_a_stale_shipped_catalog_is_ignored(no_validation, mlsd, tmp_path, monkeypatch):
    def stale(text: str) -> str:
        data = json.loads(text)
        data["digest"] = "0" * 64
        data["cases"][0]["title"] = "A title the case file does not have"
        return json.dumps(data)

    _shipped_copy(tmp_path, monkeypatch, stale)
    result = mlsd("cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert no_validation == [[]]
    assert "A title the case file does not have" not in result.stdout


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "[]",
        lambda text: text.replace('"tags": [', '"tags": "not a list", "x": [', 1),
        lambda text: text.replace('"file"', '"path"', 1),
    ],
    ids=["truncated", "not an object", "wrong field type", "missing field"],
)
def test_a_corrupt_shipped_catalog_is_ignored(no_validation, mlsd, tmp_path, monkeypatch, corrupt):
    _shipped_copy(tmp_path, monkeypatch, corrupt)
    result = mlsd("cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert no_validation == [[]]
    assert {case["id"] for case in json.loads(result.stdout)} >= {"feed-ranking"}


def test_an_edited_built_in_file_changes_the_digest(tmp_path, monkeypatch):
    from mlsd_coach import paths

    content = tmp_path / "content"
    for folder in ("case_studies", "rubrics"):
        (content / folder).mkdir(parents=True)
        for file in (paths.content_root() / folder).glob("*.yaml"):
            (content / folder / file.name).write_bytes(file.read_bytes())
    before = builtin_catalog.content_digest()
    monkeypatch.setattr(paths, "content_root", lambda: content)
    assert builtin_catalog.content_digest() == before
    case_file = content / "case_studies" / "feed-ranking.yaml"
    case_file.write_text(case_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert builtin_catalog.content_digest() != before
    assert builtin_catalog.shipped_summaries() is None
