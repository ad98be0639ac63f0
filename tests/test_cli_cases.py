"""`mlsd --version`, `cases list`, `cases show` and the error boundary."""

from __future__ import annotations

import json

import pytest

from mlsd_coach import __version__

BUILTIN = [
    "ad-click-prediction",
    "eta-prediction",
    "feed-ranking",
    "fraud-detection",
    "harmful-content",
    "notification-ranking",
    "people-you-may-know",
    "rag-assistant",
    "search-ranking",
    "visual-search",
]


def test_version(mlsd):
    result = mlsd("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mlsd {__version__}"


def test_help_lists_the_commands(mlsd):
    result = mlsd("--help")
    assert result.exit_code == 0
    assert "cases" in result.stdout and "--cases-dir" in result.stdout


def test_cases_list_table(mlsd):
    result = mlsd("cases", "list")
    assert result.exit_code == 0, result.stderr
    for case_id in BUILTIN:
        assert case_id in result.stdout


def test_cases_list_json(mlsd):
    result = mlsd("cases", "list", "--json")
    assert result.exit_code == 0
    cases = json.loads(result.stdout)
    assert [c["id"] for c in cases] == BUILTIN
    for case in cases:
        assert case["title"] and case["difficulty"] in {"easy", "medium", "hard"} and case["tags"]
        assert case["builtin"] is True


def test_cases_show_hides_model_answers_by_default(mlsd):
    from mlsd_coach.content.registry import load_library

    case = load_library().case("feed-ranking")
    result = mlsd("cases", "show", "feed-ranking")
    assert result.exit_code == 0, result.stderr
    assert case.title in result.stdout
    assert "Clarify requirements" in result.stdout and "Monitoring" in result.stdout
    assert case.scale[0].name in result.stdout
    assert "Model answer" not in result.stdout
    shown = mlsd("cases", "show", "feed-ranking", "--answers")
    assert "Model answer" in shown.stdout


def test_cases_show_in_the_four_step_framework(mlsd):
    result = mlsd("cases", "show", "fraud-detection", "--framework", "4")
    assert result.exit_code == 0, result.stderr
    assert "ML deep dive" in result.stdout


def test_unknown_case_suggests_the_closest_ids(mlsd):
    result = mlsd("cases", "show", "feed-rankin")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: unknown case 'feed-rankin'; did you mean feed-ranking, search-ranking or notification-ranking? "
        "(`mlsd cases list` shows them all)"
    )


def test_unknown_case_far_from_any_lists_them_all(mlsd):
    result = mlsd("cases", "show", "zzz")
    assert result.exit_code == 2
    assert "known cases: " + ", ".join(BUILTIN) in result.stderr


def test_unknown_framework_is_bad_input(mlsd):
    result = mlsd("cases", "show", "feed-ranking", "--framework", "5")
    assert result.exit_code == 2
    assert "unknown framework '5'; use 7 (the default) or 4" in result.stderr


def test_usage_errors_exit_2(mlsd):
    assert mlsd("cases", "show").exit_code == 2
    assert mlsd("no-such-command").exit_code == 2


def test_unexpected_failure_is_one_line_exit_1(mlsd, monkeypatch):
    import mlsd_coach.content.catalog as catalog

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog, "load_catalog", explode)
    result = mlsd("cases", "list")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: unexpected RuntimeError: disk on fire (run again with MLSD_DEBUG=1 to see the traceback)"
    )


def test_debug_variable_shows_the_traceback(mlsd, monkeypatch):
    import mlsd_coach.content.catalog as catalog

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog, "load_catalog", explode)
    monkeypatch.setenv("MLSD_DEBUG", "1")
    with pytest.raises(RuntimeError, match="disk on fire"):
        mlsd("cases", "list")


def test_cases_list_reads_its_cache_until_a_content_file_changes(mlsd, tmp_path, private_home):
    """Observed from outside: an edit that keeps the file's size and modification time is not
    seen (the catalog answered: the per-file cache is emptied first), any real change is."""
    import os
    import shutil

    from conftest import DATA
    from mlsd_coach.content import case_cache

    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    case_file = user_dir / "tiny-case.yaml"
    shutil.copy(DATA / "cases" / "tiny-case.yaml", case_file)
    first = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert {"id": "tiny-case", "difficulty": "easy"}.items() <= _case(first, "tiny-case").items()

    stamp = case_file.stat()
    case_file.write_text(case_file.read_text().replace("difficulty: easy", "difficulty: hard"))
    os.utime(case_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same size, same mtime
    shutil.rmtree(private_home / "cache" / "content")
    case_cache.forget_in_memory()
    again = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert again.exit_code == 0 and again.stdout == first.stdout

    os.utime(case_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    touched = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert _case(touched, "tiny-case")["difficulty"] == "hard"

    case_file.write_text(case_file.read_text().replace("difficulty: hard", "difficulty: trivial"))
    changed = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert changed.exit_code == 0
    assert "tiny-case" not in changed.stdout
    assert f"warning: skipped {case_file}:" in changed.stderr


def _case(result, case_id: str) -> dict:
    assert result.exit_code == 0, result.stderr
    return next(case for case in json.loads(result.stdout) if case["id"] == case_id)


def test_a_case_is_served_from_the_content_cache_until_it_changes(mlsd, tmp_path):
    """`cases show` validates one file and keeps the result: a same-size, same-mtime edit is not
    seen, a touched file is re-read (the on-disk cache, with this process's memory dropped)."""
    import os
    import shutil

    from conftest import DATA
    from mlsd_coach.content import case_cache

    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    case_file = user_dir / "tiny-case.yaml"
    shutil.copy(DATA / "cases" / "tiny-case.yaml", case_file)
    text = case_file.read_text()
    assert "title: Tiny news recommender" in text
    first = mlsd("--cases-dir", str(user_dir), "cases", "show", "tiny-case")
    assert first.exit_code == 0 and "Tiny news recommender" in first.stdout, first.stderr

    stamp = case_file.stat()
    case_file.write_text(text.replace("title: Tiny news", "title: Tall news"))
    os.utime(case_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    case_cache.forget_in_memory()
    cached = mlsd("--cases-dir", str(user_dir), "cases", "show", "tiny-case")
    assert "Tiny news recommender" in cached.stdout and "Tall news" not in cached.stdout

    os.utime(case_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    case_cache.forget_in_memory()
    fresh = mlsd("--cases-dir", str(user_dir), "cases", "show", "tiny-case")
    assert "Tall news recommender" in fresh.stdout


def test_a_corrupt_content_cache_is_ignored(mlsd, private_home):
    first = mlsd("cases", "show", "feed-ranking")
    assert first.exit_code == 0, first.stderr
    entries = list((private_home / "cache" / "content").glob("*.json"))
    assert entries  # the frameworks and the case were cached
    for entry in entries:
        entry.write_text('{"key": ["not json')
    from mlsd_coach.content import case_cache

    case_cache.forget_in_memory()
    again = mlsd("cases", "show", "feed-ranking")
    assert again.exit_code == 0 and again.stdout == first.stdout and again.stderr == ""


def test_an_unusable_home_is_bad_input(mlsd, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MLSD_HOME", str(blocker / "home"))
    result = mlsd("history")
    assert result.exit_code == 2
    assert "set MLSD_HOME to a writable directory" in result.stderr and "unexpected" not in result.stderr
