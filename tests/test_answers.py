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


# The heading regex this parser used until it was found to backtrack cubically; kept here as
# the reference the hand-written replacement must agree with on short lines.
_OLD_H2 = __import__("re").compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")


def test_heading_titles_match_the_old_regex_on_short_lines():
    import random

    from mlsd_coach.answers import heading_title

    rng = random.Random(11)
    alphabet = ["#", " ", "\t", "a", "Z", "1", ".", "\u00a0", "\u2003"]
    lines = ["## Data", "##Data", "### Data", "## C#", "## a # #", "##  #", "## #x", "##", "#", ""]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    lines += ["##" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    for line in lines:
        old = _OLD_H2.match(line)
        assert heading_title(line) == (old.group(1) if old else None), repr(line)


def _old_by_name(name, framework):
    """The step-name matcher as it was before names were indexed: the reference."""
    from mlsd_coach.answers import _key

    best = None
    for step in framework.steps:
        for candidate in (step.id, step.title, *step.aliases):
            key = _key(candidate)
            if key == name:
                return step
            if key and f" {key} " in f" {name} " and (best is None or len(key) > best[0]):
                best = (len(key), step)
    return best[1] if best else None


def test_indexed_step_names_agree_with_the_linear_scan():
    import random

    from mlsd_coach.answers import _key, _StepNames

    for framework in (SEVEN, FOUR):
        words = sorted(
            {w for s in framework.steps for c in (s.id, s.title, *s.aliases) for w in _key(c).split()}
        )
        words += ["zz", "the", "and"]
        names = _StepNames(framework)
        rng = random.Random(7)
        for _ in range(5_000):
            name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
            assert names.find(name) == _old_by_name(name, framework), name


def test_unknown_heading_warnings_are_capped_with_a_count():
    from mlsd_coach.answers import MAX_UNKNOWN_HEADING_WARNINGS

    text = "## Data\nLogs.\n" + "## zz\n" * 1_000 + "## Data\nMore.\n" * 50
    answer = parse_answer(text, SEVEN)
    unknown = [w for w in answer.warnings if "'## zz' names no step" in w]
    assert len(unknown) == MAX_UNKNOWN_HEADING_WARNINGS
    assert f"{1_000 - MAX_UNKNOWN_HEADING_WARNINGS:,} more headings name no step of the 7-step framework" in (
        answer.warnings
    )
    assert sum("'data' appears more than once" in w for w in answer.warnings) == 1


def test_a_long_unknown_heading_is_clipped_in_its_warning():
    answer = parse_answer("## Data\nLogs.\n## " + "word " * 1_000 + "\n", SEVEN)
    (warning,) = [w for w in answer.warnings if "names no step" in w]
    assert len(warning) < 200 and "…'" in warning


def test_unreadable_answer_paths_name_the_cause(mlsd, tmp_path):
    through_a_file = tmp_path / "file.md"
    through_a_file.write_text("## Data\nx\n")
    result = mlsd("score", "feed-ranking", str(through_a_file / "answer.md"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {through_a_file / 'answer.md'}: a part of the path is a file, not a directory\n"
    )
