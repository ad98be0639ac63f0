"""Every class of content error, from a real bad file, reads `path:line: field: problem`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA

TINY = DATA / "cases" / "tiny-case.yaml"


def bad_copy(tmp_path: Path, old: str, new: str, name: str = "bad.yaml") -> Path:
    text = TINY.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    """The last line that contains `fragment`."""
    numbers = [
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if fragment in line
    ]
    assert numbers, f"{fragment!r} not in {path}"
    return numbers[-1]


def test_the_tiny_fixture_is_valid(mlsd):
    result = mlsd("cases", "validate", str(TINY))
    assert result.exit_code == 0, result.stderr
    assert "ok:" in result.stdout and "tiny-case" in result.stdout


# (what to replace, replacement, expected field, expected message, fragment on the reported line)
BAD_FILES = [
    (
        "    weight: 2\n",
        "    wieght: 2\n",
        "rubric[0].wieght",
        "unknown key; did you mean 'weight'?",
        "wieght",
    ),
    (
        "difficulty: easy",
        "difficulty: trivial",
        "difficulty",
        "Input should be 'easy', 'medium' or 'hard'",
        "trivial",
    ),
    ("    weight: 2\n", "    weight: -1\n", "rubric[0].weight", "greater than 0", "weight: -1"),
    ("summary: Recommend", "summery: Recommend", "summery", "did you mean 'summary'?", "summery"),
    ("targets: [ndcg]", "targets: [ndgc]", "probes[1].targets[0]", "unknown rubric item 'ndgc'", "ndgc"),
    ("  - id: drift\n", "  - id: cache\n", "rubric[6].id", "duplicate rubric item id 'cache'", "- id: cache"),
    (
        "latency_ms: 60",
        "latency_ms: 160",
        "blueprint.latency_budget_ms",
        "over the 150 ms budget",
        "latency_budget_ms: 150",
    ),
    (
        "{from: retrieval, to: ranking}",
        "{from: retrieval, to: rankng}",
        "blueprint.flows[1].to",
        "unknown component",
        "rankng",
    ),
    (
        "    step: monitoring\n    title: Watches",
        "    step: alerting\n    title: Watches",
        "rubric[6].step",
        "Input should be",
        "step: alerting",
    ),
    ("summary: Recommend", "title: Again\nsummary: Recommend", "title", "key appears twice", "title: Again"),
    (
        "difficulty: easy",
        "difficulty: !!python/object/apply:os.system [echo hi]",
        None,
        "!!python/object/apply:os.system is not allowed",
        "python/object",
    ),
    (
        "  - id: why-return\n    step: requirements",
        "  - id: why-return\n    step: data",
        "probes[0].targets",
        "an item of step 'requirements'",
        "targets: [return-rate]",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "fragment"), BAD_FILES, ids=[b[2] or b[3] for b in BAD_FILES]
)
def test_bad_file_is_reported_with_its_line(mlsd, tmp_path, old, new, field, message, fragment):
    path = bad_copy(tmp_path, old, new)
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    expected_line = line_of(path, fragment)
    prefix = f"{path}:{expected_line}: " + (f"{field}: " if field else "")
    lines = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting {prefix!r} in:\n{result.stderr}"
    assert any(message in line for line in lines), result.stderr


def test_a_yaml_syntax_error_names_where_it_was_noticed_and_where_it_starts(mlsd, tmp_path):
    path = bad_copy(tmp_path, "title: Tiny news recommender", "title: [unclosed")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert (
        f"{path}:4: YAML syntax: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 3)" in result.stderr
    )


def test_a_missing_required_key_is_named(mlsd, tmp_path):
    path = bad_copy(tmp_path, "latency_budget_ms: 200\n", "")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: latency_budget_ms: required key is missing" in result.stderr


def test_every_invalid_file_is_reported_at_once(mlsd, tmp_path):
    first = bad_copy(tmp_path, "difficulty: easy", "difficulty: trivial", "one.yaml")
    second = bad_copy(tmp_path, "summary: Recommend", "summery: Recommend", "two.yaml")
    shutil.copy(TINY, tmp_path / "three.yaml")
    result = mlsd("cases", "validate", str(tmp_path))
    assert result.exit_code == 2
    assert str(first) in result.stderr and str(second) in result.stderr
    assert "ok: " in result.stdout and "three.yaml" in result.stdout
    assert "2 of 3 file(s) invalid" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00binary", "not UTF-8 text"),
        (b"- just\n- a list\n", "expected a mapping of keys at the top level"),
        (b"id: x\n" + b"# padding\n" * 110_000, "capped at 1 MB"),
    ],
    ids=["empty", "binary", "not-a-mapping", "too-large"],
)
def test_unreadable_files_are_rejected(mlsd, tmp_path, content, message):
    path = tmp_path / "case.yaml"
    path.write_bytes(content)
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert re.search(rf"^{re.escape(str(path))}(:\d+)?: .*{re.escape(message)}", result.stderr, re.M), (
        result.stderr
    )


def test_a_missing_file_is_one_clear_line(mlsd, tmp_path):
    result = mlsd("cases", "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope.yaml'}: no such file" in result.stderr


def test_a_framework_file_is_validated_as_a_framework(mlsd):
    from mlsd_coach import paths

    result = mlsd("cases", "validate", str(paths.rubrics_dir() / "four-step.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "framework 'four-step'" in result.stdout


def test_broken_user_case_is_skipped_and_builtins_still_load(mlsd, tmp_path):
    user_dir = tmp_path / "my-cases"
    user_dir.mkdir()
    shutil.copy(TINY, user_dir / "tiny-case.yaml")
    broken = bad_copy(user_dir, "difficulty: easy", "difficulty: trivial", "broken.yaml")
    result = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert result.exit_code == 0
    assert f"warning: skipped {broken}:" in result.stderr
    import json

    ids = {case["id"] for case in json.loads(result.stdout)}
    assert {"tiny-case", "feed-ranking", "fraud-detection", "search-ranking", "ad-click-prediction"} <= ids


def test_cases_dir_from_the_environment(mlsd, tmp_path, monkeypatch):
    shutil.copy(TINY, tmp_path / "tiny-case.yaml")
    monkeypatch.setenv("MLSD_CASES_DIR", str(tmp_path))
    result = mlsd("cases", "show", "tiny-case")
    assert result.exit_code == 0, result.stderr
    assert "Tiny news recommender" in result.stdout


def test_a_user_case_may_not_shadow_a_builtin_id(mlsd, tmp_path):
    clash = bad_copy(tmp_path, "id: tiny-case", "id: feed-ranking", "clash.yaml")
    result = mlsd("--cases-dir", str(tmp_path), "cases", "list")
    assert result.exit_code == 0
    assert f"warning: skipped {clash}: id: case 'feed-ranking' is already defined" in result.stderr


def test_an_alias_is_refused_at_its_line(mlsd, tmp_path):
    path = bad_copy(tmp_path, "difficulty: easy", "difficulty: &level easy")
    path.write_text(path.read_text().replace("    value: 50k", "    value: *level"), encoding="utf-8")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert (
        f"{path}:{line_of(path, '*level')}: aliases (*level) are not allowed in content files; write the value out"
        in result.stderr
    )


def test_a_merge_key_is_an_alias_too(mlsd, tmp_path):
    path = bad_copy(tmp_path, "    value: 50k\n", "    value: 50k\n    <<: *base\n")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert "aliases (*base) are not allowed" in result.stderr


def test_an_anchor_without_an_alias_is_harmless(mlsd, tmp_path):
    path = bad_copy(tmp_path, "difficulty: easy", "difficulty: &level easy")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 0, result.stderr


def test_a_self_referencing_alias_in_a_user_dir_skips_only_that_file(mlsd, tmp_path):
    shutil.copy(TINY, tmp_path / "tiny-case.yaml")
    (tmp_path / "loop.yaml").write_text("id: x\nv: &a0 [*a0]\n", encoding="utf-8")
    result = mlsd("--cases-dir", str(tmp_path), "cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert f"warning: skipped {tmp_path / 'loop.yaml'}:2: aliases (*a0) are not allowed" in result.stderr
    import json

    assert {"tiny-case", "feed-ranking"} <= {case["id"] for case in json.loads(result.stdout)}


def test_nesting_deeper_than_a_content_file_needs_is_refused(mlsd, tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("id: deep\nv: " + "[" * 60 + "]" * 60 + "\n", encoding="utf-8")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: nested more than 50 levels deep; content files are shallower" in result.stderr


def test_a_control_character_is_one_line_with_its_line(mlsd, tmp_path):
    path = bad_copy(tmp_path, "title: Tiny news recommender", "title: Tiny \x1b[2J recommender")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}:3: character U+001B is not allowed in YAML; remove it"
    assert "\x1b" not in result.stderr


def test_a_flood_of_problems_is_capped_with_a_count(mlsd, tmp_path):
    from mlsd_coach.content.problems import MAX_PROBLEMS_PER_FILE

    extra = "".join(f"unknown_{i}: 1\n" for i in range(500))
    path = bad_copy(tmp_path, "latency_budget_ms: 200\n", "latency_budget_ms: 200\n" + extra)
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    assert (
        problems[-1]
        == f"{path}: and {500 - MAX_PROBLEMS_PER_FILE} more problems; fix these and validate again"
    )


def test_repeated_keys_are_capped_too(mlsd, tmp_path):
    from mlsd_coach.content.problems import MAX_PROBLEMS_PER_FILE

    path = bad_copy(tmp_path, "latency_budget_ms: 200\n", "latency_budget_ms: 200\n" * 300)
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert sum("key appears twice" in line for line in result.stderr.splitlines()) == MAX_PROBLEMS_PER_FILE
    assert f"{path}: and {299 - MAX_PROBLEMS_PER_FILE} more problems" in result.stderr


def test_a_utf16_content_file_says_how_to_convert_it(mlsd, tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(TINY.read_text(encoding="utf-8").encode("utf-16"))
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert (
        f"{path}: is UTF-16 text; mlsd reads UTF-8: convert it with "
        f"`iconv -f UTF-16 -t UTF-8 {path} > {tmp_path / 'case-utf8.yaml'}`" in result.stderr
    )


def test_a_step_with_more_rubric_items_than_a_case_may_have_is_refused(mlsd, tmp_path):
    from mlsd_coach.content.models import MAX_ITEMS_PER_STEP

    extra = "".join(
        f"  - id: extra-{n}\n    step: data\n    title: Extra\n    weight: 1\n    signal: ml-depth\n"
        f"    strong_answer: s\n    concepts: [{{name: logs}}]\n    why: w\n    feedback: f\n"
        for n in range(MAX_ITEMS_PER_STEP)
    )
    path = bad_copy(tmp_path, "rubric:\n", "rubric:\n" + extra)
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert f"more than {MAX_ITEMS_PER_STEP} rubric items for step 'data'; merge some" in result.stderr


def test_a_concept_with_too_many_aliases_is_refused(mlsd, tmp_path):
    from mlsd_coach.content.models import MAX_ALIASES

    aliases = ", ".join(f"alias {n}" for n in range(MAX_ALIASES + 1))
    path = bad_copy(tmp_path, "aliases: [return rate, retention]", f"aliases: [{aliases}]")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2
    assert f"rubric[0].concepts[0].aliases: List should have at most {MAX_ALIASES} items" in result.stderr


FRAUD_CONTRADICTION = """checks:
- says: fraud the rules decline is part of all fraud
  left: 1.5% * 12%
  relation: at_most
  right: 0.1%
  within: 0.05
"""


def test_a_fact_sheet_that_contradicts_its_own_arithmetic_is_refused_at_its_line(mlsd, tmp_path):
    # the fraud fact sheet once declined 1.5% of traffic at 12% precision with 0.1% fraud overall
    path = bad_copy(tmp_path, "references:", FRAUD_CONTRADICTION + "references:")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "contradicts itself" in line]
    assert line.startswith(f"{path}:{line_of(path, '- says: fraud the rules')}: ")
    assert "fraud the rules decline is part of all fraud (1.5% * 12% = 0.0018, at most 0.1% = 0.001)" in line


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('true')", "may hold only numbers"),
        ("10 / 0", "divides by zero"),
        ("2 ** 99", "exponents above 20"),
        ("12 apples", "is not arithmetic on numbers"),
    ],
)
def test_a_check_evaluates_nothing_but_arithmetic(mlsd, tmp_path, expression, message):
    check = f'checks:\n- says: a relation\n  left: "{expression}"\n  right: 1\n'
    path = bad_copy(tmp_path, "references:", check + "references:")
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_a_phrase_that_can_never_match_is_refused_at_its_line(mlsd, tmp_path):
    path = bad_copy(
        tmp_path, "aliases: [time spent reading]", 'aliases: ["time, spent reading", "1,000 reads"]'
    )
    result = mlsd("cases", "validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "can never match" in line]
    assert line.startswith(f"{path}:{line_of(path, 'time, spent reading')}: ")
    assert "'time, spent reading' can never match: a comma or semicolon ends a clause" in line
    assert "1,000 reads" not in line  # a thousands separator is not a clause break
