"""The text of a Mermaid label as a reader sees it: line breaks, entity codes and markup resolved."""

from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
# Mermaid writes an entity without its ampersand: `#quot;`, `#35;`, `#x23;`
_ENTITY = re.compile(r"#([a-zA-Z][a-zA-Z0-9]{1,30}|\d{1,7});")
_EMPHASIS = re.compile(r"\*\*|__")


def label_text(raw: str, quoted: bool = False) -> str:
    """The label's lines joined by "\\n". A quoted label in backticks is a markdown string,
    whose own newlines are line breaks too."""
    if quoted and len(raw) >= 2 and raw.startswith("`") and raw.endswith("`"):
        raw = _EMPHASIS.sub("", raw[1:-1])
    else:
        raw = raw.replace("\n", " ")
    text = _TAG.sub("", _BREAK.sub("\n", raw))
    text = _ENTITY.sub(_entity, text)
    return "\n".join(line for line in (" ".join(part.split()) for part in text.split("\n")) if line)


def _entity(match: re.Match[str]) -> str:
    code = match.group(1)
    numeric = code.isdigit() or re.fullmatch(r"x[0-9a-fA-F]+", code) is not None
    reference = f"&#{code};" if numeric else f"&{code};"
    decoded = html.unescape(reference)
    return match.group() if decoded == reference else decoded
