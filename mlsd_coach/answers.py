"""Answer files: Markdown with one `## ` heading per step.

A heading names a step by id, title, alias or number, case-insensitively, with or without a
number prefix (`## 1. Clarifying requirements`, `## data`, `## Step 6: Deployment`). With the
4-step framework, a 7-step heading is accepted too and counted in the step that covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mlsd_coach.content.models import Framework, FrameworkStep
from mlsd_coach.content.textfile import TextRules, UnreadableFile, read_text_file
from mlsd_coach.errors import BadInputError

MAX_ANSWER_BYTES = 1_000_000
MAX_UNKNOWN_HEADING_WARNINGS = 10
_SHOWN_TITLE_CHARS = 80
_RULES = TextRules(
    limit=MAX_ANSWER_BYTES,
    directory="is a directory; give the Markdown file of your answer",
    too_large="{size} bytes is over the 1 MB limit for an answer; trim it",
    not_utf8="not UTF-8 text; save the answer as UTF-8",
    binary="looks like a binary file; an answer is Markdown text",
)
_NUMBER_PREFIX = re.compile(r"^(?:step\s*)?(\d{1,2})\s*(?:[.):\-\u2013\u2014]\s*|\s+|$)", re.I)
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass
class ParsedAnswer:
    framework_id: str
    steps: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def text(self, step_id: str) -> str:
        return self.steps.get(step_id, "")

    def answered(self, step_id: str) -> bool:
        return bool(self.text(step_id).strip())


def read_answer_file(path: Path) -> str:
    """The text of an answer file, or a one-line BadInputError saying why it cannot be used."""
    try:
        text = read_text_file(path, _RULES)
    except UnreadableFile as err:
        where = f"{path}:{err.line}" if err.line else str(path)
        raise BadInputError(f"{where}: {err.reason}") from None
    if not text.strip():
        raise BadInputError(f"{path}: the file is empty; write one `## ` section per step")
    return text


def heading_title(line: str) -> str | None:
    """The title of a `## ` heading line (closing `#`s dropped), or None for any other line.

    Done by hand rather than with a regular expression, which backtracked cubically on long
    runs of mixed whitespace."""
    if not line.startswith("##") or line.startswith("###"):
        return None
    return line[2:].strip().rstrip("#").rstrip()


class _Warnings:
    """The parser's warnings, each kind said once or a bounded number of times."""

    def __init__(self, framework: Framework) -> None:
        self._framework = framework
        self.lines: list[str] = []
        self._unknown = 0
        self._repeated: set[str] = set()

    def unknown_heading(self, title: str, current: str | None) -> None:
        self._unknown += 1
        if self._unknown > MAX_UNKNOWN_HEADING_WARNINGS:
            return
        where = f"; its text is counted with '{current}'" if current else "; its text is ignored"
        self.lines.append(
            f"heading '## {_clip(title)}' names no step of the {self._framework.short_name} framework{where}"
        )

    def repeated_step(self, step_id: str) -> None:
        if step_id not in self._repeated:
            self._repeated.add(step_id)
            self.lines.append(f"step '{step_id}' appears more than once; its sections are joined")

    def finish(self) -> list[str]:
        hidden = self._unknown - MAX_UNKNOWN_HEADING_WARNINGS
        if hidden > 0:
            self.lines.append(
                f"{hidden:,} more headings name no step of the {self._framework.short_name} framework"
            )
        return self.lines


def parse_answer(text: str, framework: Framework, seven_step: Framework | None = None) -> ParsedAnswer:
    """Split `text` into steps of `framework`; `seven_step` lets a 4-step run accept 7-step headings."""
    answer = ParsedAnswer(framework.id)
    resolver = HeadingResolver(framework, seven_step)
    warnings = _Warnings(framework)
    current: str | None = None
    text_before_first = False
    chunks: dict[str, list[str]] = {}
    for line in text.splitlines():
        title = heading_title(line)
        if title is None:
            if current is not None:
                chunks[current].append(line)
            elif line.strip() and not line.lstrip().startswith("# "):
                text_before_first = True
            continue
        step = resolver.resolve(title)
        if step is None:
            warnings.unknown_heading(title, current)
            continue
        if step.id in chunks:
            warnings.repeated_step(step.id)
        current = step.id
        chunks.setdefault(step.id, [])
    answer.warnings = warnings.finish()
    if text_before_first:
        answer.warnings.append("text before the first `## ` heading is ignored")
    for step in framework.steps:
        body = "\n".join(chunks.get(step.id, [])).strip()
        if body:
            answer.steps[step.id] = body
    if not chunks:
        answer.warnings.append(
            "no `## ` step headings found; start each step with one, e.g. `## 1. Clarify requirements`"
        )
    return answer


def resolve_heading(
    title: str, framework: Framework, seven_step: Framework | None = None
) -> FrameworkStep | None:
    return HeadingResolver(framework, seven_step).resolve(title)


class HeadingResolver:
    """Resolves heading titles to steps of a framework; the names of the steps are
    normalised once, so each heading costs a few dictionary look-ups."""

    def __init__(self, framework: Framework, seven_step: Framework | None = None) -> None:
        self._framework = framework
        self._names = _StepNames(framework)
        other = seven_step is not None and seven_step.id != framework.id
        self._seven = _StepNames(seven_step) if seven_step is not None and other else None

    def resolve(self, title: str) -> FrameworkStep | None:
        number: int | None = None
        match = _NUMBER_PREFIX.match(title.strip())
        rest = title
        if match:
            number = int(match.group(1))
            rest = title.strip()[match.end() :]
        name = _key(rest)
        if name:
            step = self._names.find(name)
            if step is None and self._seven is not None:
                seven = self._seven.find(name)
                step = self._framework.step_for_seven(seven.id) if seven else None
            if step is not None:
                return step
        if number is not None and 1 <= number <= len(self._framework.steps):
            return self._framework.steps[number - 1]
        return None


class _StepNames:
    """Every normalised name (id, title, alias) of a framework's steps."""

    def __init__(self, framework: Framework) -> None:
        # name -> (rank, step): the first step to claim a name keeps it, as in reading order.
        self._steps: dict[str, tuple[int, FrameworkStep]] = {}
        for step in framework.steps:
            for candidate in (step.id, step.title, *step.aliases):
                key = _key(candidate)
                if key:
                    self._steps.setdefault(key, (len(self._steps), step))
        self._longest = max((len(key.split()) for key in self._steps), default=0)

    def find(self, name: str) -> FrameworkStep | None:
        """Exact match on a name; else the step whose longest name occurs, as whole words,
        in `name` (the earliest such name on a tie)."""
        exact = self._steps.get(name)
        if exact is not None:
            return exact[1]
        best: tuple[int, int, FrameworkStep] | None = None  # (-length, rank, step)
        words = name.split()
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self._longest) + 1):
                found = self._steps.get(" ".join(words[start:end]))
                if found is None:
                    continue
                key = (-len(" ".join(words[start:end])), found[0])
                if best is None or key < best[:2]:
                    best = (*key, found[1])
        return best[2] if best else None


_SPELLING = re.compile(r"optimis")


def _key(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("modelling", "modeling")
    text = _SPELLING.sub("optimiz", text)
    return _NON_WORD.sub(" ", text).strip()


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN_TITLE_CHARS else text[: _SHOWN_TITLE_CHARS - 1].rstrip() + "…"
