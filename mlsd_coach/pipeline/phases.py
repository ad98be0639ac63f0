"""Timing and progress for the long phases of a run, with no terminal code in the core.

The CLI passes a `PhaseProgress` that draws bars; tests and library callers get `Silent`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

WORLD = "world: catalogue, users and impression log"
SNAPSHOTS = "feature store: daily snapshots"
TRAINING_ROWS = "training data: point-in-time rows"
TWO_TOWER = "two-tower: training"
ANN_INDEX = "ANN index: build and tune nprobe"
RANKERS = "rankers: logistic regression, the pre-ranker and LightGBM"
SERVING = "serving: one request per user"
EVALUATION = "offline evaluation: retrieval, ranking, pages"
MONITORING = "monitoring: drift and shadow ranker"


class PhaseProgress(Protocol):
    def start(self, phase: str, total: int | None = None) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class Silent:
    def start(self, phase: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class PhaseTimer:
    """Records how long each named phase took and reports it to a `PhaseProgress`."""

    def __init__(self, progress: PhaseProgress | None = None) -> None:
        self.progress: PhaseProgress = progress or Silent()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        self.progress.start(name, total)
        start = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start
