"""Drive `mlsd` in a real pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

SUBMIT = "\x1b\r"  # Esc then Enter submits a multi-line answer
# prompt_toolkit shows the cursor once its prompt is drawn, after switching the terminal to raw
# mode; keys sent before that are discarded by the switch (TCSAFLUSH), so a test that types
# as soon as the label appears loses them on a busy machine.
PROMPT_READY = "\x1b[?25h"


def spawn(
    home: Path,
    *args: str,
    timeout: float = 30,
    env: dict[str, str] | None = None,
    dimensions: tuple[int, int] = (40, 120),
) -> pexpect.spawn:
    rows, columns = dimensions
    child_env = dict(
        os.environ,
        MLSD_HOME=str(home),
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
        NO_COLOR="1",
        COLUMNS=str(columns),
        LINES=str(rows),
    )
    child_env.update(env or {})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsd_coach", *args],
        env=child_env,
        encoding="utf-8",
        timeout=timeout,
        dimensions=dimensions,
    )
    child.logfile_read = open(home / f"pty-{os.getpid()}-{id(child)}.log", "w", encoding="utf-8")  # noqa: SIM115
    return child


def expect_prompt(child: pexpect.spawn, label: str = "Your answer") -> None:
    """Wait until the multi-line prompt `label` is drawn and reading keys."""
    child.expect(label)
    child.expect_exact(PROMPT_READY)


def answer(child: pexpect.spawn, text: str) -> None:
    expect_prompt(child)
    child.send(" ".join(text.split()))
    child.send(SUBMIT)


def answer_step_without_revising(child: pexpect.spawn, text: str) -> None:
    """Answer a step, go on past any follow-up without replying, and do not revise."""
    answer(child, text)
    child.expect("items met")
    if child.expect(["Your reply", "Revise this step once"]) == 0:  # practice asks one follow-up
        child.expect_exact(PROMPT_READY)
        child.send(SUBMIT)  # an empty reply goes on
        child.expect("Revise this step once")
    child.send("n")


def expect_in_order(child: pexpect.spawn, *texts: str) -> None:
    for text in texts:
        child.expect(text)


def exit_status(child: pexpect.spawn) -> int | None:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus
