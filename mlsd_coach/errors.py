"""Domain errors that carry a message for the user and the exit code that goes with it.

`cli.main.main` is the one place that turns them into a one-line message and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class MlsdError(Exception):
    """An error the user can act on; `str(error)` is the whole message."""

    exit_code: ExitCode = ExitCode.FAILURE


class BadInputError(MlsdError):
    """Bad input or usage: a file, an id or an option the user can correct."""

    exit_code = ExitCode.BAD_INPUT


class HistoryError(MlsdError):
    """The history database cannot be used as it is: corrupt, unwritable, full, or newer.

    The message names the file and what to do; it is user-fixable, so it is bad input (exit 2).
    """

    exit_code = ExitCode.BAD_INPUT
