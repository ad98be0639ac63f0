from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsd_coach.cli.main import main

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# Tests repeated for every built-in case run on these three in the fast set (a recommender, a
# classifier, a generator) and on all ten in the slow set, which CI runs too.
FAST_CASES = ("feed-ranking", "fraud-detection", "rag-assistant")


def each_case(case_ids, ids=None):
    """Parameters for every case: those outside FAST_CASES marked slow."""
    ids = ids or [str(case_id) for case_id in case_ids]
    return [
        pytest.param(case_id, id=name, marks=() if name in FAST_CASES else pytest.mark.slow)
        for case_id, name in zip(case_ids, ids, strict=True)
    ]


_SESSION_HOME = Path(tempfile.mkdtemp(prefix="mlsd-session-home-"))


def pytest_configure(config: pytest.Config) -> None:
    """Content loaded while test modules are collected is cached here, never in the user's
    real data directory."""
    os.environ["MLSD_HOME"] = str(_SESSION_HOME)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def validated_builtin_content() -> Path:
    """The built-in content validated once from its YAML (an invalid built-in file fails here)
    and the cache that leaves, which every test's home starts with: a subprocess then need not
    validate the built-ins again. Tests of the cache itself empty or corrupt it."""
    from mlsd_coach.content import case_cache, registry

    home = _SESSION_HOME / "validated"
    previous = os.environ["MLSD_HOME"]
    os.environ["MLSD_HOME"] = str(home)
    try:
        case_cache.forget_in_memory()
        registry.load_library()
        registry.load_glossary()
    finally:
        os.environ["MLSD_HOME"] = previous
    return home / "cache" / case_cache.CACHE_SUBDIR


@pytest.fixture(autouse=True)
def private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, validated_builtin_content: Path
) -> Path:
    """Every test gets its own state directory (holding the built-in content's cache) and a
    plain, fixed-width terminal."""
    home = tmp_path_factory.mktemp("mlsd-home")
    shutil.copytree(validated_builtin_content, home / "cache" / validated_builtin_content.name)
    monkeypatch.setenv("MLSD_HOME", str(home))
    monkeypatch.delenv("MLSD_CASES_DIR", raising=False)
    monkeypatch.delenv("MLSD_DEBUG", raising=False)
    for key in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "MLSD_LLM_BASE_URL",
        "MLSD_LLM_MODEL",
        "MLSD_LLM_TIMEOUT",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("MLSD_CLOCK_RATE", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    return home


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def mlsd(capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process through its real entry point (and error boundary)."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run `python -m mlsd_coach` in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "mlsd_coach", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


SECRET_KEY = "sk-test-SECRET-4f9a1c2e8b7d6a5f"


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch):
    """A real OpenAI-compatible server on 127.0.0.1, and the environment pointing at it."""
    from fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
    monkeypatch.setenv("MLSD_LLM_MODEL", "test-model")
    monkeypatch.setenv("MLSD_LLM_TIMEOUT", "5")
    yield server
    # Stopped in the background: shutdown() waits for serve_forever's next 0.5 s poll, which
    # was 25 s of the fast suite. Every test has its own server and port, so none waits on it.
    threading.Thread(target=server.stop, daemon=True).start()
