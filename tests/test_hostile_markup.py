"""Text from a user's case file or answer is printed as typed: Rich markup in it is shown
literally (it used to crash with MarkupError) and terminal escapes never reach stdout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA

BAD = DATA / "bad"
MARKUP = "Oops [/bold] x"


@pytest.fixture
def cases_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "mine"
    directory.mkdir()
    shutil.copy(BAD / "markup-case.yaml", directory / "markup-case.yaml")
    return directory


def assert_printed_as_typed(result, *fragments: str) -> None:
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    for fragment in fragments:
        assert fragment in result.stdout, fragment


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["cases", "list"], [MARKUP, "(yours)", "feed-ranking"]),
        (["cases", "show", "markup-case"], [MARKUP, "[/bold] news site [red]"]),
        (["cases", "show", "markup-case", "--answers"], [MARKUP, "Model answer"]),
        (["blueprint", "show", "markup-case"], [MARKUP]),
    ],
    ids=["list", "show", "show-answers", "blueprint"],
)
def test_case_text_is_printed_as_text(mlsd, cases_dir, args, fragments):
    result = mlsd("--cases-dir", str(cases_dir), *args)
    assert_printed_as_typed(result, *fragments)


def test_case_list_json_keeps_the_title_as_data(mlsd, cases_dir):
    result = mlsd("--cases-dir", str(cases_dir), "cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    titles = {case["id"]: case["title"] for case in json.loads(result.stdout)}
    assert titles["markup-case"].startswith(MARKUP)
    assert "\x1b" not in result.stdout  # JSON escapes it as \u001b


def test_score_prints_answer_and_rubric_text_as_typed(mlsd, cases_dir):
    result = mlsd("--cases-dir", str(cases_dir), "score", "markup-case", str(BAD / "markup-answer.md"))
    assert_printed_as_typed(result, MARKUP, "[/features/v2]", "'## [/bold] Not a step")


def test_score_of_a_builtin_case_with_a_markup_answer(mlsd):
    result = mlsd("score", "feed-ranking", str(BAD / "markup-answer.md"), "--scorer", "offline")
    assert_printed_as_typed(result, "[/bold] Not a step")


def test_validate_output_carries_no_escape(mlsd, tmp_path):
    path = tmp_path / "evil\x1b[2J.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "evil[2J.yaml" in result.stderr
