"""Answer files: headings by id, title, alias or number; warnings; rejected files."""

from __future__ import annotations

import pytest

from mlsd_coach.answers import parse_answer, resolve_heading
from mlsd_coach.content.registry import load_frameworks

FRAMEWORKS = load_frameworks()
SEVEN, FOUR = FRAMEWORKS["seven-step"], FRAMEWORKS["four-step"]


@pytest.mark.parametrize(
    ("heading", "step"),
    [
        ("1. Clarifying requirements", "requirements"),
        ("Requirements", "requirements"),
        ("data", "data"),
        ("6. Deployment and serving", "serving"),
        ("Deployment & Serving", "serving"),
        ("Step 4: Model selection and training", "model"),
        ("MODELLING", "model"),
        ("5", "evaluation"),
        ("7) Monitoring", "monitoring"),
        ("2 - Frame the problem as an ML task", "framing"),
    ],
)
def test_seven_step_headings(heading, step):
    resolved = resolve_heading(heading, SEVEN)
    assert resolved is not None and resolved.id == step


@pytest.mark.parametrize(
    ("heading", "step"),
    [("1. Scope", "scope"), ("ML deep dive", "modeling"), ("Scaling, monitoring & optimisation", "scaling")],
)
def test_four_step_headings(heading, step):
    resolved = resolve_heading(heading, FOUR, SEVEN)
    assert resolved is not None and resolved.id == step


def test_seven_step_headings_fold_into_the_four_step_framework():
    text = "## Requirements\nA.\n## Framing\nB.\n## Data\nC.\n## Evaluation\nD.\n## Monitoring\nE.\n"
    answer = parse_answer(text, FOUR, SEVEN)
    assert answer.text("scope") == "A.\n\nB." or answer.text("scope").split() == ["A.", "B."]
    assert answer.text("architecture") == "C."
    assert answer.text("modeling") == "D."
    assert answer.text("scaling") == "E."


def test_warnings_for_preamble_unknown_and_duplicate_headings():
    text = "# Title\nSome preamble.\n## Requirements\nAsk.\n## Trade-offs\nMore.\n## requirements\nAgain.\n"
    answer = parse_answer(text, SEVEN)
    assert "text before the first `## ` heading is ignored" in answer.warnings
    assert any(
        "'## Trade-offs' names no step" in w and "counted with 'requirements'" in w for w in answer.warnings
    )
    assert any("'requirements' appears more than once" in w for w in answer.warnings)
    assert answer.text("requirements").split() == ["Ask.", "More.", "Again."]


def test_missing_steps_are_not_answered():
    answer = parse_answer("## Data\nLogs.\n", SEVEN)
    assert answer.answered("data")
    assert not answer.answered("model")


def test_no_headings_at_all_is_a_warning():
    answer = parse_answer("Just prose without headings.", SEVEN)
    assert not answer.steps
    assert any("no `## ` step headings" in w for w in answer.warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"## Data\n\x00\x01binary", "looks like a binary file"),
        (b"## Data\ncaf\xe9\n", ":2: not UTF-8 text"),
        (b"## Data\n" + b"word " * 210_000, "over the 1 MB limit"),
    ],
    ids=["empty", "blank", "binary", "latin-1", "oversized"],
)
def test_unusable_answer_files_exit_2_with_one_line(mlsd, tmp_path, content, message):
    path = tmp_path / "answer.md"
    path.write_bytes(content)
    result = mlsd("score", "feed-ranking", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"error: {path}") and message in result.stderr


def test_missing_answer_file(mlsd, tmp_path):
    result = mlsd("score", "feed-ranking", str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.md'}: no such file"
