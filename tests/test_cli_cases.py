"""`mlsd --version`, `cases list`, `cases show` and the error boundary."""

from __future__ import annotations

import json

import pytest

from mlsd_coach import __version__

BUILTIN = ["ad-click-prediction", "feed-ranking", "fraud-detection", "search-ranking"]


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
        "error: unknown case 'feed-rankin'; did you mean feed-ranking or search-ranking? "
        "(`mlsd cases list` shows them all)"
    )


def test_unknown_case_far_from_any_lists_them_all(mlsd):
    result = mlsd("cases", "show", "zzz")
    assert result.exit_code == 2
    assert "known cases: ad-click-prediction, feed-ranking, fraud-detection, search-ranking" in result.stderr


def test_unknown_framework_is_bad_input(mlsd):
    result = mlsd("cases", "show", "feed-ranking", "--framework", "5")
    assert result.exit_code == 2
    assert "unknown framework '5'; use 7 (the default) or 4" in result.stderr


def test_usage_errors_exit_2(mlsd):
    assert mlsd("cases", "show").exit_code == 2
    assert mlsd("no-such-command").exit_code == 2


def test_unexpected_failure_is_one_line_exit_1(mlsd, monkeypatch):
    import mlsd_coach.content.registry as registry

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registry, "load_library", explode)
    result = mlsd("cases", "list")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: unexpected RuntimeError: disk on fire (run again with MLSD_DEBUG=1 to see the traceback)"
    )


def test_debug_variable_shows_the_traceback(mlsd, monkeypatch):
    import mlsd_coach.content.registry as registry

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registry, "load_library", explode)
    monkeypatch.setenv("MLSD_DEBUG", "1")
    with pytest.raises(RuntimeError, match="disk on fire"):
        mlsd("cases", "list")


def test_cases_list_reads_its_cache_until_a_content_file_changes(mlsd, monkeypatch, tmp_path):
    import shutil

    import mlsd_coach.content.registry as registry
    from conftest import DATA

    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    shutil.copy(DATA / "cases" / "tiny-case.yaml", user_dir / "tiny-case.yaml")
    first = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert "tiny-case" in first.stdout

    def must_not_load(*args, **kwargs):
        raise AssertionError("the cached catalog should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(registry, "load_library", must_not_load)
        again = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert again.exit_code == 0 and again.stdout == first.stdout

    broken = user_dir / "tiny-case.yaml"
    broken.write_text(broken.read_text().replace("difficulty: easy", "difficulty: trivial"))
    changed = mlsd("--cases-dir", str(user_dir), "cases", "list", "--json")
    assert changed.exit_code == 0
    assert "tiny-case" not in changed.stdout
    assert f"warning: skipped {broken}:" in changed.stderr


def test_an_unusable_home_is_bad_input(mlsd, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MLSD_HOME", str(blocker / "home"))
    result = mlsd("history")
    assert result.exit_code == 2
    assert "set MLSD_HOME to a writable directory" in result.stderr and "unexpected" not in result.stderr
