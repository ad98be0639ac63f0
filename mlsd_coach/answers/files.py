"""Answer files: Markdown or plain text, UTF-8, regular files up to MAX_ANSWER_BYTES."""

from __future__ import annotations

from pathlib import Path

from mlsd_coach.content.textfile import TextRules, UnreadableFile, read_text_file
from mlsd_coach.errors import BadInputError

MAX_ANSWER_BYTES = 1_000_000
_RULES = TextRules(
    limit=MAX_ANSWER_BYTES,
    directory="is a directory; give the Markdown file of your answer",
    too_large="{size} bytes is over the 1 MB limit for an answer; trim it",
    not_utf8="not UTF-8 text; save the answer as UTF-8",
    binary="looks like a binary file; an answer is Markdown text",
)


def read_answer_file(path: Path) -> str:
    """The text of an answer file, or a one-line BadInputError saying why it cannot be used."""
    try:
        text = read_text_file(path, _RULES)
    except UnreadableFile as err:
        where = f"{path}:{err.line}" if err.line else str(path)
        raise BadInputError(f"{where}: {err.reason}") from None
    if not text.strip():
        raise BadInputError(f"{path}: the file is empty; write your answer in it")
    return text
