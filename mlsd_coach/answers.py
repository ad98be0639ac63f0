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
from mlsd_coach.errors import BadInputError

MAX_ANSWER_BYTES = 1_000_000
_H2 = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
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
        size = path.stat().st_size
        if path.is_dir():
            raise BadInputError(f"{path}: is a directory; give the Markdown file of your answer")
        if size > MAX_ANSWER_BYTES:
            raise BadInputError(f"{path}: {size:,} bytes is over the 1 MB limit for an answer; trim it")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such file") from None
    except PermissionError:
        raise BadInputError(f"{path}: permission denied") from None
    if b"\x00" in raw:
        raise BadInputError(f"{path}: looks like a binary file; an answer is Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise BadInputError(f"{path}:{line}: not UTF-8 text; save the answer as UTF-8") from None
    if not text.strip():
        raise BadInputError(f"{path}: the file is empty; write one `## ` section per step")
    return text


def parse_answer(text: str, framework: Framework, seven_step: Framework | None = None) -> ParsedAnswer:
    """Split `text` into steps of `framework`; `seven_step` lets a 4-step run accept 7-step headings."""
    answer = ParsedAnswer(framework.id)
    current: str | None = None
    before_first: list[str] = []
    chunks: dict[str, list[str]] = {}
    for line in text.splitlines():
        heading = _H2.match(line)
        if heading is None:
            if current is None:
                if line.strip() and not line.lstrip().startswith("# "):
                    before_first.append(line)
            else:
                chunks[current].append(line)
            continue
        title = heading.group(1)
        step = resolve_heading(title, framework, seven_step)
        if step is None:
            where = f"; its text is counted with '{current}'" if current else "; its text is ignored"
            answer.warnings.append(
                f"heading '## {title}' names no step of the {framework.short_name} framework{where}"
            )
            continue
        if step.id in chunks:
            answer.warnings.append(f"step '{step.id}' appears more than once; its sections are joined")
        current = step.id
        chunks.setdefault(step.id, [])
    if before_first:
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
    number: int | None = None
    match = _NUMBER_PREFIX.match(title.strip())
    rest = title
    if match:
        number = int(match.group(1))
        rest = title.strip()[match.end() :]
    name = _key(rest)
    if name:
        step = _by_name(name, framework)
        if step is None and seven_step is not None and seven_step.id != framework.id:
            seven = _by_name(name, seven_step)
            step = framework.step_for_seven(seven.id) if seven else None
        if step is not None:
            return step
    if number is not None and 1 <= number <= len(framework.steps) and not name:
        return framework.steps[number - 1]
    if number is not None and 1 <= number <= len(framework.steps):
        return framework.steps[number - 1]
    return None


def _by_name(name: str, framework: Framework) -> FrameworkStep | None:
    """Exact match on id, title or alias; else the step whose longest name occurs in the heading."""
    best: tuple[int, FrameworkStep] | None = None
    for step in framework.steps:
        for candidate in (step.id, step.title, *step.aliases):
            key = _key(candidate)
            if key == name:
                return step
            if key and f" {key} " in f" {name} " and (best is None or len(key) > best[0]):
                best = (len(key), step)
    return best[1] if best else None


def _key(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("modelling", "modeling")
    text = re.sub(r"optimis", "optimiz", text)
    return _NON_WORD.sub(" ", text).strip()
