"""Compiled concepts kept between runs: used while fresh, ignored when stale or corrupt."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from conftest import DATA
from mlsd_coach import paths
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring import concept_cache, matcher
from mlsd_coach.scoring.judge import score
from mlsd_coach.scoring.offline import make_judge
from mlsd_coach.scoring.scorecard import Scorecard

LIBRARY = load_library()
ANSWER = (DATA / "answers" / "feed-ranking" / "mid.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def nothing_compiled_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that compiled nothing yet, as a fresh `mlsd score` is."""
    monkeypatch.setattr(matcher, "_compiled_by_glossary", {})


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, ...]]]:
    """Every concept compiled (rather than found in a table)."""
    compiled: list[tuple[str, ...]] = []
    real = matcher.ConceptCompiler._terms

    def counting(self: matcher.ConceptCompiler, phrases: tuple[str, ...]) -> tuple[matcher.Pattern, ...]:
        compiled.append(phrases)
        return real(self, phrases)

    monkeypatch.setattr(matcher.ConceptCompiler, "_terms", counting)
    yield compiled


def scorecard() -> Scorecard:
    frameworks = LIBRARY.frameworks
    answer = parse_answer(ANSWER, frameworks["seven-step"], frameworks["seven-step"])
    return score(make_judge(), LIBRARY.case("feed-ranking"), frameworks["seven-step"], answer)


def test_a_fresh_cache_is_used_and_scores_alike(compiles, monkeypatch):
    first = scorecard()
    assert compiles and concept_cache.cache_file().is_file()
    compiles.clear()
    monkeypatch.setattr(matcher, "_compiled_by_glossary", {})  # a new process
    assert scorecard() == first
    assert compiles == []


def test_a_stale_cache_is_ignored(compiles, monkeypatch):
    first = scorecard()
    entry = concept_cache.cache_file()
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["key"][1] = "the fingerprint of another matcher"
    data["table"] = [[phrases, [["nonsense"]]] for phrases, _ in data["table"]]
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert concept_cache.load(load_glossary()) == {}
    compiles.clear()
    monkeypatch.setattr(matcher, "_compiled_by_glossary", {})
    assert scorecard() == first
    assert compiles
    assert "nonsense" not in entry.read_text(encoding="utf-8")  # replaced by a fresh table


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "[1, 2]",
        lambda text: json.dumps({**json.loads(text), "table": {"a": 1}}),
        lambda text: json.dumps({**json.loads(text), "table": [[["a"], [[1, 2]]]]}),
        lambda text: json.dumps({**json.loads(text), "table": [["a"]]}),
    ],
    ids=["truncated", "not an object", "table not a list", "pattern not strings", "row too short"],
)
def test_a_corrupt_cache_is_ignored(compiles, monkeypatch, corrupt):
    first = scorecard()
    entry = concept_cache.cache_file()
    entry.write_text(corrupt(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert concept_cache.load(load_glossary()) == {}
    compiles.clear()
    monkeypatch.setattr(matcher, "_compiled_by_glossary", {})
    assert scorecard() == first
    assert compiles


def test_an_unwritable_cache_only_makes_scoring_slower(compiles, monkeypatch):
    first = scorecard()
    entry = concept_cache.cache_file()
    entry.unlink()
    entry.mkdir()  # a directory where the file should be: it can be neither read nor replaced
    monkeypatch.setattr(matcher, "_compiled_by_glossary", {})
    assert scorecard() == first
    assert entry.is_dir() and paths.cache_dir().is_dir()
