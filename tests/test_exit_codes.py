"""Every exit code comes from our own error boundary, through the real entry point: usage errors
are one `error:` line plus the command's usage (2), Ctrl-C prints `interrupted` (130)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize(
    ("args", "error", "usage"),
    [
        (["score"], "error: Missing argument 'CASE'.", "usage: mlsd score [OPTIONS]"),
        (["nosuch"], "error: No such command 'nosuch'.", "usage: mlsd [OPTIONS] COMMAND"),
        (["cases", "list", "--bogus"], "error: No such option: --bogus", "usage: mlsd cases list"),
        (["mock", "--minutes", "abc"], "error: Invalid value for '--minutes'", "usage: mlsd mock"),
    ],
)
def test_a_usage_error_is_one_line_and_the_usage_exit_2(mlsd, args, error, usage):
    result = mlsd(*args)
    assert result.exit_code == 2
    first, second, *rest = result.stderr.splitlines()
    assert first.startswith(error) and second.startswith(usage) and "--help`)" in second
    assert rest == [] and "╭" not in result.stderr and "Traceback" not in result.stderr


def test_no_arguments_prints_the_help_and_exits_2(mlsd):
    result = mlsd()
    assert result.exit_code == 2
    assert "Usage: mlsd" in result.stdout and "error" not in result.stderr


def test_help_and_version_exit_0(mlsd):
    assert mlsd("--help").exit_code == 0
    version = mlsd("--version")
    assert version.exit_code == 0 and version.stdout.startswith("mlsd ")


@pytest.mark.slow  # runs a long command until it is interrupted (3 s)
def test_ctrl_c_in_a_long_command_prints_interrupted_and_exits_130(private_home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlsd_coach", "pipeline", "run", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, MLSD_HOME=str(private_home)),
    )
    time.sleep(3)  # well inside the build of the synthetic world
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr
