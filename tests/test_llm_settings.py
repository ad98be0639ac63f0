"""A bad LLM setting is one line of bad input when settings load, under every command and
scorer; any other failure of the LLM under `--scorer auto` falls back offline (issue 11, item 10)."""

from __future__ import annotations

import json

import pytest

from conftest import DATA

MID = DATA / "answers" / "feed-ranking" / "mid.md"
SCORE_AUTO = ("score", "feed-ranking", str(MID), "--scorer", "auto", "--json")
BAD_URLS = [
    "http://[::1",
    "not-a-url",
    "localhost:8080/v1",
    "ftp://127.0.0.1/v1",
    "http:///v1",
    "http://127.0.0.1:99999/v1",
    "http://127.0.0.1:port/v1",
    "http://exa mple.com/v1",
]
BAD_TIMEOUTS = ["nan", "inf", "-inf", "-1", "0", "soon", "1e9"]


def one_line_of_bad_input(result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "unexpected" not in result.stderr.lower()
    return result.stderr


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_base_url_is_bad_input_even_under_auto(fake_openai, mlsd, monkeypatch, url):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    for args in (SCORE_AUTO, ("config", "test"), ("config", "show")):
        stderr = one_line_of_bad_input(mlsd(*args))
        assert f"OPENAI_BASE_URL {url!r} (from the environment) is not an http(s) URL; e.g. http://" in stderr
    assert fake_openai.requests == []


def test_the_setting_in_use_and_its_source_are_named(fake_openai, mlsd, monkeypatch, private_home):
    monkeypatch.delenv("OPENAI_BASE_URL")
    (private_home / "config.toml").write_text('MLSD_LLM_BASE_URL = "http://[::1"\n')
    stderr = one_line_of_bad_input(mlsd(*SCORE_AUTO))
    assert "MLSD_LLM_BASE_URL 'http://[::1' (from the config file) is not an http(s) URL" in stderr


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS)
def test_a_timeout_that_is_not_a_finite_positive_number_is_bad_input(fake_openai, mlsd, monkeypatch, timeout):
    monkeypatch.setenv("MLSD_LLM_TIMEOUT", timeout)
    stderr = one_line_of_bad_input(mlsd(*SCORE_AUTO))
    assert (
        f"MLSD_LLM_TIMEOUT {timeout!r} (from the environment) must be a number of seconds above 0" in stderr
    )
    assert fake_openai.requests == []


@pytest.mark.parametrize(
    "url", ["http://[::1]:8080/v1", "https://api.example.com/v1", "  http://127.0.0.1:11434/v1  "]
)
def test_good_base_urls_load(mlsd, monkeypatch, url):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    shown = mlsd("config", "show")
    assert shown.exit_code == 0, shown.stderr
    assert url.strip() in shown.stdout


def test_a_password_in_the_base_url_is_not_shown(mlsd, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://me:hunter2@127.0.0.1:8080/v1")
    shown = mlsd("config", "show")
    assert (
        shown.exit_code == 0
        and "hunter2" not in shown.stdout
        and "http://****@127.0.0.1:8080/v1" in shown.stdout
    )


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_an_unreachable_server_under_auto_falls_back_offline(mlsd, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MLSD_LLM_TIMEOUT", "1")
    result = mlsd(*SCORE_AUTO)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["scorer"] == "offline"
    assert (
        "note: LLM judge unavailable (cannot connect to http://127.0.0.1:9/v1, 3 attempts)" in result.stderr
    )
