"""Problems found in content files, each rendered as `path:line: field: problem`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mlsd_coach.errors import BadInputError


def field_path(location: Iterable[str | int]) -> str:
    """`("rubric", 3, "weight")` -> `rubric[3].weight`."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class ContentProblem:
    path: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(BadInputError):
    """One or more content files are invalid; every problem is reported, one per line."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


MAX_PROBLEMS_PER_FILE = 50


def capped(path: Path, problems: list[ContentProblem], total: int | None = None) -> list[ContentProblem]:
    """At most MAX_PROBLEMS_PER_FILE problems of one file, then one line saying how many more:
    a file with 100,000 bad keys gets a readable report, quickly."""
    total = len(problems) if total is None else total
    if total <= MAX_PROBLEMS_PER_FILE:
        return problems
    more = total - MAX_PROBLEMS_PER_FILE
    return [
        *problems[:MAX_PROBLEMS_PER_FILE],
        ContentProblem(path, None, None, f"and {more:,} more problems; fix these and validate again"),
    ]
