"""The fast commands must not pay for the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import DATA

HEAVY = ["openai", "questionary", "numpy", "jinja2", "prompt_toolkit", "faiss", "lightgbm"]

PROBE = """
import atexit, json, sys
atexit.register(lambda: sys.stderr.write("MODULES=" + json.dumps(sorted(m for m in {heavy} if m in sys.modules))))
sys.argv = ["mlsd", *{args}]
from mlsd_coach.cli.main import main
main()
"""


SCORE_OFFLINE = [
    "score",
    "feed-ranking",
    str(DATA / "answers" / "feed-ranking" / "mid.md"),
    "--scorer",
    "offline",
]


@pytest.mark.parametrize(
    "args", [["--help"], ["cases", "list"], ["cases", "list", "--json"], ["--version"], SCORE_OFFLINE]
)
def test_fast_commands_import_no_heavy_module(args):
    code = PROBE.format(heavy=HEAVY, args=args)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    marker = proc.stderr.rsplit("MODULES=", 1)[-1]
    assert json.loads(marker) == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["score", "--help"], ["practice", "--help"]])
def test_help_and_version_do_not_even_import_pydantic(args):
    code = PROBE.format(heavy=["pydantic", *HEAVY], args=args)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stderr.rsplit("MODULES=", 1)[-1]) == []
