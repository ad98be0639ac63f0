"""Which step a heading names: by id, title or alias, case-insensitively, with or without a
number prefix (`1. Clarifying requirements`, `data`, `Step 6: Deployment`), or by its number
alone. With the 4-step framework, a 7-step name is accepted too and counted in the step that
covers it. The words of a heading always outrank its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlsd_coach.content.models import Framework, FrameworkStep

_NUMBER_PREFIX = re.compile(r"^(?:step\s*)?(\d{1,2})\s*(?:[.):\-\u2013\u2014]\s*|\s+|$)", re.I)
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Naming:
    """What a heading names: its steps (in order), and how they were found."""

    steps: tuple[FrameworkStep, ...]
    exact: bool  # the heading (its number aside) is a step's id, title or alias
    names: tuple[str, ...]  # the step names found inside it, as normalised words
    number: int | None  # the author's own number, if the heading has one


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
        self._namings: dict[str, Naming] = {}  # an answer repeats headings; each is read once

    def resolve(self, title: str) -> FrameworkStep | None:
        """The one step a heading names by its words, else by its number; None if neither."""
        naming = self.naming(title)
        if naming.steps:
            return naming.steps[0]
        return self.by_number(naming.number)

    def naming(self, title: str) -> Naming:
        """Every step the words of `title` name (the exact name first), and its number."""
        known = self._namings.get(title)
        if known is None:
            known = self._namings[title] = self._naming(title)
        return known

    def _naming(self, title: str) -> Naming:
        number: int | None = None
        match = _NUMBER_PREFIX.match(title.strip())
        rest = title
        if match:
            number = int(match.group(1))
            rest = title.strip()[match.end() :]
        name = _key(rest)
        if not name:
            return Naming((), False, (), number)
        exact = self._names.exact(name) or self._seven_exact(name)
        if exact is not None:
            return Naming((exact,), True, (name,), number)
        found = self._names.all_in(name)
        if not found and self._seven is not None:
            found = [
                (self._framework.step_for_seven(step.id), words) for step, words in self._seven.all_in(name)
            ]
        steps: list[FrameworkStep] = []
        names: list[str] = []
        for step, words in found:
            if step not in steps:
                steps.append(step)
                names.append(words)
        return Naming(tuple(steps), False, tuple(names), number)

    def by_number(self, number: int | None) -> FrameworkStep | None:
        if number is not None and 1 <= number <= len(self._framework.steps):
            return self._framework.steps[number - 1]
        return None

    def _seven_exact(self, name: str) -> FrameworkStep | None:
        if self._seven is None:
            return None
        seven = self._seven.exact(name)
        return self._framework.step_for_seven(seven.id) if seven else None


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

    def exact(self, name: str) -> FrameworkStep | None:
        found = self._steps.get(name)
        return found[1] if found else None

    def all_in(self, name: str) -> list[tuple[FrameworkStep, str]]:
        """The steps whose names occur, as whole words and not overlapping, in `name`, in
        the order they occur; the longest name wins where two overlap."""
        words = name.split()
        spans: list[tuple[int, int, FrameworkStep]] = []
        for start in range(len(words)):
            for end in range(min(len(words), start + self._longest), start, -1):
                found = self._steps.get(" ".join(words[start:end]))
                if found is not None:
                    spans.append((start, end, found[1]))
                    break
        spans.sort(key=lambda span: (-(span[1] - span[0]), span[0]))
        taken: list[tuple[int, int, FrameworkStep]] = []
        for span in spans:
            if all(span[1] <= other[0] or span[0] >= other[1] for other in taken):
                taken.append(span)
        taken.sort(key=lambda span: span[0])
        return [(step, " ".join(words[start:end])) for start, end, step in taken]

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
