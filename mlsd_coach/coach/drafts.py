"""Drafts: text the user typed that is not (yet) safely in the history.

Whatever stops an answer from being submitted (Ctrl-C or Ctrl-D while typing, a full disk, a
history file that cannot be written, an editor that failed), the text is kept here, one file
per session and step, and `mlsd practice CASE --resume` offers it back. A draft is removed once
its answer is committed to the history.
"""

from __future__ import annotations

import re
from pathlib import Path

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_UNSAFE_KEY = re.compile(r"[^a-z0-9_-]+")


class Drafts:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / f"{_UNSAFE_KEY.sub('-', key.lower())}.md"

    def save(self, key: str, text: str, header: str = "") -> Path | None:
        """Write `text` to the draft for `key`; the path, or None if even that failed."""
        path = self.path(key)
        body = f"<!-- {header} -->\n\n{text}" if header else text
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(body, encoding="utf-8")
            temporary.replace(path)
        except OSError:
            return None
        return path

    def load(self, key: str) -> str:
        """The draft's text without its comment header, or "" when there is none."""
        try:
            raw = self.path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""
        return strip_comments(raw)

    def discard(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError:
            pass  # a draft that cannot be removed is harmless: it is offered back once more


def strip_comments(text: str) -> str:
    return _COMMENT.sub("", text).strip()
