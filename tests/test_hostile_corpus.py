"""Every hostile file in `tests/data/bad/` through the real command, in a subprocess with a
time limit and a 1 GB address-space limit, so that a regression fails instead of hanging CI
or exhausting the machine.

The limits are generous (each input takes well under a few seconds); they are not timing
assertions, only a bound on how long a broken build may take to fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA

BAD = DATA / "bad"
TIMEOUT_SECONDS = 30
MEMORY_LIMIT_BYTES = 1024**3
BUILTIN = {"ad-click-prediction", "feed-ranking", "fraud-detection", "search-ranking"}
MAX_STDERR_LINES = 60  # 50 problems, a summary line and the verdict
MAX_PROBLEM_LINES = 51  # of one file: 50 problems and how many more there are


@dataclass(frozen=True)
class Expect:
    exit_code: int
    message: str = ""  # must be in stderr, on a line that names the file


CORPUS: dict[str, Expect] = {
    # content files (`cases validate`)
    "billion-laughs.yaml": Expect(
        2, ":3: aliases (*a) are not allowed in content files; write the value out"
    ),
    "self-alias.yaml": Expect(2, ":2: aliases (*a0) are not allowed in content files"),
    "deep-flow-nesting.yaml": Expect(2, ":2: YAML syntax: exceeded maximum nesting depth"),
    "deep-block-nesting.yaml": Expect(2, ":3: nested more than 50 levels deep"),
    "deep-mapping-nesting.yaml": Expect(2, ":2: nested more than 50 levels deep"),
    "nesting-990.yaml": Expect(2, ":2: nested more than 50 levels deep"),
    "control-character.yaml": Expect(2, ":2: character U+001B is not allowed in YAML; remove it"),
    "many-unknown-keys.yaml": Expect(2, " more problems; fix these and validate again"),
    "utf16-case.yaml": Expect(
        2, ": is UTF-16 text; mlsd reads UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 "
    ),
    "markup-case.yaml": Expect(0),
    "max-rubric-case.yaml": Expect(0),
    # answer files (`score feed-ranking FILE --json`)
    "long-heading.md": Expect(0),
    "many-unknown-headings.md": Expect(0),
    "depth-check-quadratic.md": Expect(0),
    "markup-answer.md": Expect(0),
    "giant-sentence.md": Expect(0),
    "utf16-answer.md": Expect(
        2, ": is UTF-16 text; mlsd reads UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 "
    ),
    "utf16-no-bom-answer.md": Expect(
        2, ": is UTF-16 text; mlsd reads UTF-8: convert it with `iconv -f UTF-16LE "
    ),
}


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_limited(*args: str, pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`python -m mlsd_coach ARGS` with a time and a memory limit; a hang fails the test."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "mlsd_coach", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            preexec_fn=_limit_memory,
            pass_fds=pass_fds,
            env={**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`mlsd {' '.join(args)}` still running after {TIMEOUT_SECONDS} s")


def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> None:
    assert "unexpected" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert len(proc.stderr.splitlines()) <= MAX_STDERR_LINES, proc.stderr[-2000:]


def score_command(path: Path) -> list[str]:
    return ["score", "feed-ranking", str(path), "--json", "--scorer", "offline"]


def test_every_corpus_file_has_an_expectation():
    assert {p.name for p in BAD.iterdir() if p.is_file()} == set(CORPUS)


CONTENT_FILES = sorted(name for name in CORPUS if name.endswith(".yaml"))
# The worst-case answers: the time bound each is under is checked in full by the slow set.
WORST_CASE_ANSWERS = {"depth-check-quadratic.md", "giant-sentence.md", "many-unknown-headings.md"}
ANSWER_FILES = [
    pytest.param(name, marks=pytest.mark.slow) if name in WORST_CASE_ANSWERS else name
    for name in sorted(CORPUS)
    if name.endswith(".md")
]


def test_hostile_content_files_are_each_rejected_in_one_line_or_accepted():
    """Every content file in one `cases validate` run (one process, not eleven): each invalid
    file is named with its problem, each valid one is `ok`, and nothing else goes wrong."""
    paths = [BAD / name for name in CONTENT_FILES]
    proc = run_limited("cases", "validate", *map(str, paths))
    invalid = [name for name in CONTENT_FILES if CORPUS[name].exit_code]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "unexpected" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stderr.splitlines()[-1].endswith(
        f"{len(invalid)} of {len(paths)} file(s) invalid; fix the lines above and validate again"
    )
    for path in paths:
        expected = CORPUS[path.name]
        named = [line for line in proc.stderr.splitlines() if line.startswith(f"{path}:")]
        assert len(named) <= MAX_PROBLEM_LINES, (path.name, named[-3:])
        if expected.exit_code:
            assert any(expected.message in line for line in named), (path.name, proc.stderr[-2000:])
        else:
            assert f"ok: {path} (" in proc.stdout and not named, (path.name, proc.stderr[-2000:])


@pytest.mark.parametrize("name", ANSWER_FILES)
def test_hostile_answer_file_is_rejected_in_one_line_or_scored(name):
    path = BAD / name
    expected = CORPUS[name]
    proc = run_limited(*score_command(path))
    assert proc.returncode == expected.exit_code, proc.stderr[-2000:]
    assert_clean_failure(proc)
    if expected.message:
        assert any(
            line.find(str(path)) >= 0 and expected.message in line for line in proc.stderr.splitlines()
        ), proc.stderr[-2000:]
    if expected.exit_code == 0:
        card = json.loads(proc.stdout)
        assert len(card["warnings"]) <= 15, card["warnings"][:20]
        assert "\x1b" not in proc.stdout


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_hostile_case_files_in_a_cases_dir_skip_only_themselves(tmp_path):
    """All the hostile content files in one `--cases-dir`, beside a valid case: listing and
    looking up a case still work, and each bad file is skipped with a warning."""
    for name in CORPUS:
        if name.endswith(".yaml"):
            shutil.copy(BAD / name, tmp_path / name)
    shutil.copy(DATA / "cases" / "tiny-case.yaml", tmp_path / "tiny-case.yaml")
    listing = run_limited("--cases-dir", str(tmp_path), "cases", "list", "--json")
    assert listing.returncode == 0, listing.stderr[-2000:]
    assert_clean_failure(listing)
    ids = {case["id"] for case in json.loads(listing.stdout)}
    assert BUILTIN | {"tiny-case", "markup-case", "max-rubric-case"} <= ids
    for name, expected in CORPUS.items():
        if name.endswith(".yaml") and expected.exit_code:
            assert f"warning: skipped {tmp_path / name}" in listing.stderr, name
    unknown = run_limited("--cases-dir", str(tmp_path), "score", "no-such-case", str(BAD / "long-heading.md"))
    assert unknown.returncode == 2
    assert_clean_failure(unknown)
    assert "unknown case 'no-such-case'" in unknown.stderr


@pytest.mark.slow  # the worst-case time bound, measured in full (3 s each)
@pytest.mark.parametrize("framework", ["7", "4"])
def test_the_largest_rubric_against_a_giant_sentence_is_scored(tmp_path, framework):
    """The biggest rubric a case may have, every phrase absent from a 1 MB sentence made of
    all its words: before the caps and the near-pair check this took minutes."""
    shutil.copy(BAD / "max-rubric-case.yaml", tmp_path / "max-rubric-case.yaml")
    proc = run_limited(
        "--cases-dir",
        str(tmp_path),
        "score",
        "max-rubric-case",
        str(BAD / "giant-sentence.md"),
        "--framework",
        framework,
        "--json",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert_clean_failure(proc)
    card = json.loads(proc.stdout)
    assert any("only the first 200 are scored" in w for w in card["warnings"])
