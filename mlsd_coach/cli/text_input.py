"""Reading what the user types, in one place for practice and mock.

The prompt's label sits on its own line so that the whole width of the terminal is left to
type in; Ctrl-C and Ctrl-D raise `InputInterrupted` carrying what was typed, so the caller
can keep it; an optional deadline ends the prompt by itself, keeping the text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.application.current import get_app
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.validation import Validator

from mlsd_coach.coach.ui import InputInterrupted

POLL_SECONDS = 0.2
NOT_EMPTY = "Type something (or Ctrl-C to save and quit)."


def read_text(
    label: str,
    *,
    note: str = "",
    default: str = "",
    multiline: bool = False,
    require_text: bool = False,
    status: Callable[[], str] | None = None,
    expired: Callable[[], bool] | None = None,
) -> tuple[str, bool]:
    """What the user typed, and whether `expired` ended the prompt first."""
    timed_out = False

    async def watch(app: Application[str]) -> None:
        nonlocal timed_out
        while app.is_running:
            await asyncio.sleep(POLL_SECONDS)
            if expired is not None and expired() and app.is_running:
                timed_out = True
                app.exit(result=app.current_buffer.text)
                return

    def start_watching() -> None:
        if expired is not None:
            app = get_app()
            app.create_background_task(watch(app))

    message = FormattedText(
        [("bold", label), ("", f" {note}" if note else ""), ("", "\n" if multiline else " ")]
    )
    session: PromptSession[str] = PromptSession(
        message,
        multiline=multiline,
        prompt_continuation="",
        bottom_toolbar=(lambda: f" {status()} ") if status is not None else None,
        refresh_interval=0.5 if status is not None else 0,
        validator=Validator.from_callable(lambda text: bool(text.strip()), error_message=NOT_EMPTY)
        if require_text
        else None,
        validate_while_typing=False,
    )
    try:
        text = session.prompt(default=default, pre_run=start_watching)
    except (KeyboardInterrupt, EOFError):
        raise InputInterrupted(session.default_buffer.text) from None
    return text, timed_out
