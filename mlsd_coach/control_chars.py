"""Control characters never reach a terminal or a report from untrusted text.

C0 and C1 control characters other than tab and newline are removed: an ESC sequence in a
case title, an answer or a model's reply could otherwise retitle the window or clear the screen.
"""

from __future__ import annotations

_CONTROL = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)])


def strip_control(text: str) -> str:
    """`text` without control characters (tab and newline kept)."""
    return text.translate(_CONTROL)
