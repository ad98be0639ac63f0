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


def test_preamble_unknown_and_duplicate_headings_are_routed_and_reported():
    text = (
        "# Title\nWe must keep latency under 150 ms at 60k QPS for 300M daily users.\n"
        "## Requirements\nAsk.\n## What I'd monitor\nDrift alerts on feature distributions and retraining.\n"
        "## requirements\nAgain.\n"
    )
    answer = parse_answer(text, SEVEN)
    routes = {route.source: route for route in answer.routing}
    preamble = routes["before the first heading, paragraph 1"]
    assert preamble.steps and "talks about" in preamble.why
    monitor = routes["heading '## What I'd monitor'"]
    assert monitor.steps == ("monitoring",) and "names no step" in monitor.why
    assert routes["heading '## requirements'"].why == "a second section for this step; joined"
    assert "Again." in answer.text("requirements") and "Drift alerts" in answer.text("monitoring")


def test_missing_steps_are_not_answered():
    answer = parse_answer("## Data\nLogs.\n", SEVEN)
    assert answer.answered("data")
    assert not answer.answered("model")


def test_an_answer_without_headings_is_read_paragraph_by_paragraph():
    text = (
        "First I'd ask about the business objective, the scale and the latency budget.\n\n"
        "For training data I'd log impressions and use watch time as the label, with features from the user history.\n\n"
        "After launch I'd monitor feature drift and retrain weekly."
    )
    answer = parse_answer(text, SEVEN)
    assert [route.source for route in answer.routing] == ["paragraph 1", "paragraph 2", "paragraph 3"]
    assert [route.steps for route in answer.routing] == [("requirements",), ("data",), ("monitoring",)]
    assert all("talks about" in route.why for route in answer.routing)


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

    from mlsd_coach.answers.intake import ATX, _heading

    rng = random.Random(11)
    alphabet = ["#", " ", "\t", "a", "Z", "1", ".", "\u00a0", "\u2003"]
    lines = ["## Data", "### Data", "## C#", "## a # #", "##  #", "## #x", "#", ""]
    lines += ["##" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    for line in lines:
        old = _OLD_H2.match(line)
        found = _heading(line, 0, [line])
        title = found.title if found is not None and found.kind == ATX and found.level == 2 else None
        expected = old.group(1) if old and (len(line) == 2 or line[2:3] in " \t") else None
        assert title == expected, repr(line)


def _old_by_name(name, framework):
    """The step-name matcher as it was before names were indexed: the reference."""
    from mlsd_coach.answers.step_names import _key

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

    from mlsd_coach.answers.step_names import _key, _StepNames

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


def test_routing_decisions_are_capped_with_a_count():
    from mlsd_coach.answers import MAX_ROUTES

    text = "## Data\nLogs.\n" + "## zz\n" * 1_000 + "## Data\nMore.\n" * 50
    answer = parse_answer(text, SEVEN)
    assert len(answer.routing) == MAX_ROUTES
    recorded = 1_000 + 50  # an empty section each, then a repeated section for "data" 50 times
    assert f"{recorded - MAX_ROUTES:,} more routing decisions are not listed" in answer.warnings


def test_a_long_unknown_heading_is_clipped_in_its_route():
    answer = parse_answer("## Data\nLogs.\n## " + "word " * 1_000 + "\nSome text.\n", SEVEN)
    (route,) = [r for r in answer.routing if "names no step" in r.why or "no topic" in r.why]
    assert len(route.source) < 120 and "…'" in route.source


def test_unreadable_answer_paths_name_the_cause(mlsd, tmp_path):
    through_a_file = tmp_path / "file.md"
    through_a_file.write_text("## Data\nx\n")
    result = mlsd("score", "feed-ranking", str(through_a_file / "answer.md"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {through_a_file / 'answer.md'}: a part of the path is a file, not a directory\n"
    )
