"""The Mermaid diagrams in an answer: fenced ```mermaid (or ~~~mermaid) blocks, or a whole
file that is one diagram (a `.mmd` file, or text whose first line is `flowchart`/`graph`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# up to three spaces of indentation, as CommonMark allows; more when the block sits in a list
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
# "graph TD" starts a diagram; "Graph neural networks rank …" starts prose
_FLOWCHART_START = re.compile(r"^(flowchart|graph)(\s+(TB|TD|BT|LR|RL))?\s*(;|$)")


@dataclass(frozen=True)
class MermaidBlock:
    text: str
    line: int  # the line of the answer the diagram's first line is on


def find_diagrams(text: str, whole_file: bool = False) -> list[MermaidBlock]:
    """Every Mermaid block of `text`, in order. With `whole_file`, or when the first line
    that is not blank or a `%%` comment starts a flowchart, `text` is the one diagram."""
    if whole_file or _starts_a_flowchart(text):
        return [MermaidBlock(text, 1)]
    return fenced_diagrams(text)


def _starts_a_flowchart(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("%%"):
            return _FLOWCHART_START.match(stripped) is not None
    return False


def fenced_diagrams(text: str) -> list[MermaidBlock]:
    """The ```mermaid blocks of a text: for an answer's step, whose prose may start with the
    word "graph", only these are diagrams."""
    blocks: list[MermaidBlock] = []
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        opening = _FENCE.match(lines[number])
        number += 1
        if opening is None:
            continue
        fence = opening.group("fence")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t\r]*$")
        start = number
        while number < len(lines) and not closing.match(lines[number]):
            number += 1
        if _names_mermaid(opening.group("info")):
            blocks.append(MermaidBlock("\n".join(lines[start:number]), start + 1))
        number += 1  # past the closing fence (an unclosed fence runs to the end, as in CommonMark)
    return blocks


def _names_mermaid(info: str) -> bool:
    """```mermaid, ``` mermaid, ```{mermaid} or ```{.mermaid}: the language is the first word."""
    words = info.strip().lstrip("{").lstrip(".").split()
    return bool(words) and words[0].rstrip("}").lower() == "mermaid"
