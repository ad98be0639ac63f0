"""Paths that are not a readable regular file, for an answer, a content file or a case
directory: each is exit 2 with one line that says why, never a hang, a crash or "unexpected".

Devices, pipes and FIFOs run in a subprocess with time and memory limits (the code before
this fix read /dev/zero until MemoryError and blocked forever on a FIFO).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_hostile_corpus import assert_clean_failure, run_limited

from conftest import DATA

STRONG = DATA / "answers" / "feed-ranking" / "strong.md"
TINY = DATA / "cases" / "tiny-case.yaml"
NOT_REGULAR = "not a regular file; save the text to a file and pass that"


def score_args(path: Path | str) -> list[str]:
    return ["score", "feed-ranking", str(path), "--scorer", "offline"]


def validate_args(path: Path | str) -> list[str]:
    return ["cases", "validate", str(path)]


@pytest.mark.parametrize("command", [score_args, validate_args], ids=["score", "validate"])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_reading_it(command, device):
    proc = run_limited(*command(device))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert_clean_failure(proc)
    assert f"{device}: is a device, {NOT_REGULAR}" in proc.stderr


@pytest.mark.parametrize("command", [score_args, validate_args], ids=["score", "validate"])
def test_an_endless_pipe_is_refused(command):
    """`mlsd score CASE <(yes)`: the shell passes /dev/fd/N, the read end of a pipe."""
    read_end, write_end = os.pipe()
    writer = subprocess.Popen(["yes"], stdout=write_end)
    os.close(write_end)
    try:
        proc = run_limited(*command(f"/dev/fd/{read_end}"), pass_fds=(read_end,))
    finally:
        writer.kill()
        writer.wait()
        os.close(read_end)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert_clean_failure(proc)
    assert f"/dev/fd/{read_end}: is a pipe or FIFO, {NOT_REGULAR}" in proc.stderr


@pytest.mark.parametrize("command", [score_args, validate_args], ids=["score", "validate"])
def test_a_fifo_is_refused_instead_of_blocking(tmp_path, command):
    fifo = tmp_path / "answer.md"
    os.mkfifo(fifo)
    proc = run_limited(*command(fifo))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"{fifo}: is a pipe or FIFO, {NOT_REGULAR}" in proc.stderr


def bad_path(tmp_path: Path, kind: str, suffix: str) -> tuple[Path, str]:
    """A path of the given kind and the reason mlsd must give for it."""
    if kind == "symlink-loop":
        loop = tmp_path / f"loop{suffix}"
        loop.symlink_to(loop)
        return loop, "too many levels of symbolic links (a symlink loop?)"
    if kind == "name-too-long":
        return tmp_path / ("a" * 300 + suffix), "file name too long"
    if kind == "through-a-file":
        blocker = tmp_path / "hostname"
        blocker.write_text("a file\n")
        return blocker / f"x{suffix}", "a part of the path is a file, not a directory"
    raise AssertionError(kind)


PATH_KINDS = ["symlink-loop", "name-too-long", "through-a-file"]


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_a_bad_answer_path_is_one_line_exit_2(mlsd, tmp_path, kind):
    path, reason = bad_path(tmp_path, kind, ".md")
    result = mlsd(*score_args(path))
    assert result.exit_code == 2, result.stderr
    assert result.stderr == f"error: {path}: {reason}\n"


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_a_bad_content_path_is_one_line_exit_2(mlsd, tmp_path, kind):
    path, reason = bad_path(tmp_path, kind, ".yaml")
    result = mlsd(*validate_args(path))
    assert result.exit_code == 2, result.stderr
    assert f"{path}: {reason}\n" in result.stderr
    assert "unexpected" not in result.stderr


def test_a_directory_as_the_answer_says_so(mlsd, tmp_path):
    result = mlsd(*score_args(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path}: is a directory; give the Markdown file of your answer\n"


def test_a_utf16_answer_is_named_with_how_to_convert_it(mlsd, tmp_path):
    path = tmp_path / "answer.md"
    path.write_bytes(STRONG.read_text(encoding="utf-8").encode("utf-16"))
    result = mlsd(*score_args(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}: is UTF-16 text; mlsd reads UTF-8: convert it with "
        f"`iconv -f UTF-16 -t UTF-8 {path} > {tmp_path / 'answer-utf8.md'}`\n"
    )


def test_utf32_answer_is_named_too(mlsd, tmp_path):
    path = tmp_path / "answer.md"
    path.write_bytes("## Data\nWe log impressions.\n".encode("utf-32"))
    result = mlsd(*score_args(path))
    assert result.exit_code == 2 and "is UTF-32 text" in result.stderr and "iconv -f UTF-32" in result.stderr


def test_an_empty_cases_dir_is_bad_input(mlsd):
    result = mlsd("--cases-dir", "", "cases", "list")
    assert result.exit_code == 2
    assert result.stderr == "error: --cases-dir needs a directory\n"


@pytest.mark.parametrize(
    "args",
    [["cases", "list"], ["cases", "show", "feed-ranking"], score_args(STRONG)],
    ids=["list", "show", "score"],
)
def test_a_cases_dir_that_is_a_file_is_bad_input(mlsd, tmp_path, args):
    shutil.copy(TINY, tmp_path / "tiny-case.yaml")
    result = mlsd("--cases-dir", str(tmp_path / "tiny-case.yaml"), *args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'tiny-case.yaml'}: is a file, expected a directory of case YAML files\n"
    )


def test_a_cases_dir_entry_in_the_environment_that_is_a_file_is_bad_input(mlsd, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MLSD_CASES_DIR", str(blocker))
    result = mlsd("cases", "list", "--json")
    assert result.exit_code == 2
    assert "is a file, expected a directory of case YAML files" in result.stderr


def test_a_cases_dir_symlink_loop_is_bad_input(mlsd, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = mlsd("--cases-dir", str(loop), "cases", "list")
    assert result.exit_code == 2
    assert result.stderr == f"error: {loop}: too many levels of symbolic links (a symlink loop?)\n"


def test_a_missing_cases_dir_is_still_a_warning(mlsd, tmp_path):
    result = mlsd("--cases-dir", str(tmp_path / "nope"), "cases", "list", "--json")
    assert result.exit_code == 0
    assert result.stderr == f"warning: skipped {tmp_path / 'nope'}: case directory does not exist\n"
    assert {"feed-ranking", "fraud-detection"} <= {c["id"] for c in json.loads(result.stdout)}


def test_special_files_in_a_cases_dir_are_skipped(mlsd, tmp_path):
    shutil.copy(TINY, tmp_path / "tiny-case.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    result = mlsd("--cases-dir", str(tmp_path), "cases", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert "tiny-case" in {c["id"] for c in json.loads(result.stdout)}
