"""Data: the catalogue, the impression log and the world they come from.

Blueprint stages: `impression-log` and the time split used by `training-data-job` (framework
step: data). In production the log is a Kafka topic landed in Hive or Delta tables by Flink or
Spark; here it is a set of NumPy columns. A world comes from one of two places:
`synthetic.synthetic_world` (a simulated platform whose true preferences are known, so models
can be judged against an oracle) or `movielens.load_movielens` (real ratings, no oracle).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mlsd_coach.pipeline.synthetic import Oracle


@dataclass(frozen=True)
class Catalogue:
    """Everything the platform knows about its items (videos)."""

    topic: np.ndarray  # int32
    creator: np.ndarray  # int32
    content: np.ndarray  # float32 (n_items, content_dim): a frozen content encoder's output
    duration_s: np.ndarray  # float32
    upload_time: np.ndarray  # float64, in days; negative means before the logged window
    explicit: np.ndarray  # bool: policy-restricted, never served
    n_topics: int
    n_creators: int

    @property
    def n_items(self) -> int:
        return len(self.topic)


@dataclass(frozen=True)
class ImpressionLog:
    """One row per item shown in a feed request, with what the user did with it."""

    request: np.ndarray  # int64: the feed request that served the item
    user: np.ndarray  # int32
    item: np.ndarray  # int32
    time: np.ndarray  # float64, in days
    position: np.ndarray  # int16, 0 = top of the page
    click: np.ndarray  # bool
    watch_fraction: np.ndarray  # float32, 0 when not clicked
    engaged: np.ndarray  # bool: the label every model predicts (a click watched at least half way)

    def __len__(self) -> int:
        return len(self.item)

    @property
    def day(self) -> np.ndarray:
        # numpy's stubs type this as Any: the annotation says what it is
        day: np.ndarray = np.floor(self.time).astype(np.int32)
        return day

    def select(self, mask: np.ndarray) -> ImpressionLog:
        return ImpressionLog(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})

    def on_days(self, first: int, last: int) -> ImpressionLog:
        """Rows whose day is in [first, last]."""
        day = self.day
        return self.select((day >= first) & (day <= last))


@dataclass(frozen=True)
class Timeline:
    """Day 0 warms up the features; days 1..last_train_day train the models; the evaluation day is
    held out; the drift day comes after it with a shifted distribution."""

    last_train_day: int

    @property
    def first_train_day(self) -> int:
        return 1

    @property
    def eval_day(self) -> int:
        return self.last_train_day + 1

    @property
    def drift_day(self) -> int:
        return self.last_train_day + 2

    @property
    def n_days(self) -> int:
        return self.drift_day + 1


@dataclass(frozen=True)
class World:
    name: str
    catalogue: Catalogue
    n_users: int
    log: ImpressionLog
    timeline: Timeline
    oracle: Oracle | None  # the true preferences; None for real logs

    @property
    def serve_time(self) -> float:
        """Online requests are served at the start of the evaluation day."""
        return float(self.timeline.eval_day)
