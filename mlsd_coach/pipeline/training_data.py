"""Training data: logged impressions joined with point-in-time features, negatives downsampled.

Blueprint: `training-data-job` (framework step: data); a Spark or Flink job in production. Each
impression on day d is joined with snapshot d of the feature store, which counts only events
before day d: the row's own outcome, and everything after it, stay out of its features. Large
logs are downsampled, negatives first, with weights that undo the sampling.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mlsd_coach.pipeline.data import Catalogue, ImpressionLog
from mlsd_coach.pipeline.features import FEATURES, Snapshots, ranking_features


@dataclass(frozen=True)
class TrainingRows:
    features: np.ndarray  # float32 (n, len(FEATURES))
    label: np.ndarray  # bool: engaged
    weight: np.ndarray  # float32: 1 / the rate the row's class was kept at
    log: ImpressionLog  # the impressions the rows come from, in the same order

    def __len__(self) -> int:
        return len(self.label)

    def only(self, columns: tuple[str, ...]) -> TrainingRows:
        """The same rows with only `columns` of the features (a pre-ranker's cheap ones)."""
        return replace(self, features=self.features[:, [FEATURES.index(name) for name in columns]])


def training_rows(
    log: ImpressionLog,
    snap: Snapshots,
    catalogue: Catalogue,
    first_day: int,
    last_day: int,
    *,
    max_rows: int | None = None,
    seed: int = 0,
) -> TrainingRows:
    """Rows for impressions on days first_day..last_day, at most about `max_rows` of them.

    Over the limit, negatives are downsampled first (positives may fill up to half the rows) and
    every kept row is weighted by 1 / its class's keep rate, so predicted rates stay calibrated."""
    rows = log.on_days(first_day, last_day)
    weight = np.ones(len(rows), dtype=np.float32)
    if max_rows is not None and len(rows) > max_rows:
        n_positive = int(rows.engaged.sum())
        keep_positive = min(1.0, max_rows / 2 / max(n_positive, 1))
        keep_negative = min(1.0, (max_rows - keep_positive * n_positive) / max(len(rows) - n_positive, 1))
        keep_rate = np.where(rows.engaged, keep_positive, keep_negative)
        keep = np.random.default_rng(seed).random(len(rows)) < keep_rate
        rows, weight = rows.select(keep), (1.0 / keep_rate[keep]).astype(np.float32)
    features = ranking_features(snap, catalogue, rows.day, rows.user, rows.item, rows.time, rows.position)
    return TrainingRows(features, rows.engaged, weight, rows)
