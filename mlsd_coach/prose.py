"""Prose for display: white space folded, long text clipped. One owner for both, so every
view, message and prompt cuts text the same way."""

from __future__ import annotations

__all__ = ["clip", "fold"]


def fold(text: str) -> str:
    """`text` with every run of white space folded to one space."""
    return " ".join(text.split())


def clip(text: str, limit: int = 240) -> str:
    """`text` folded and cut at `limit` characters, with an ellipsis when cut."""
    text = fold(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
