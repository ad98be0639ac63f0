"""Stage 1, candidate generation: two-tower ANN merged with popular and fresh sources.

Blueprint: `candidate-generation` (framework step: model), which queries the `ann-index`. In
production each source is its own service (embedding ANN on ScaNN or FAISS, a trending pool, a
fresh-upload pool, graph walks), called in parallel and merged with per-source quotas. Here the
sources are:

- ann: nearest items to the user-tower vector in the IVF index (personal, the bulk of recall);
- popular: the most engaged items of the last day (cheap, robust, same for everyone);
- fresh: the newest uploads, ordered by the user vector (new items have no engagement yet, but the
  two-tower embeds them from content, topic and creator: item cold start).

A user with no history has no user vector (user cold start): they get popular and fresh only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline.ann import AnnIndex

SOURCES = ("ann", "popular", "fresh")


@dataclass(frozen=True)
class Quotas:
    ann: int = 800
    popular: int = 100
    fresh: int = 100
    cold_popular: int = 600
    cold_fresh: int = 400
    fresh_pool: int = 2000


@dataclass(frozen=True)
class Candidates:
    items: np.ndarray  # int64, deduplicated, in source order
    source: np.ndarray  # int8 index into SOURCES: where each item came from first

    def __len__(self) -> int:
        return len(self.items)


class Retriever:
    def __init__(
        self,
        index: AnnIndex,
        popular: np.ndarray,
        upload_time: np.ndarray,
        now: float,
        quotas: Quotas = Quotas(),
    ) -> None:
        self.index, self.quotas = index, quotas
        self.popular = popular[: max(quotas.popular, quotas.cold_popular)]
        newest_first = np.argsort(-np.where(upload_time < now, upload_time, -np.inf))
        self.fresh_pool = newest_first[: min(quotas.fresh_pool, int((upload_time < now).sum()))]
        self.fresh_vectors = index.vectors[self.fresh_pool]

    def retrieve(self, user_vector: np.ndarray | None) -> Candidates:
        q = self.quotas
        if user_vector is None:
            return _merge(
                [np.empty(0, np.int64), self.popular[: q.cold_popular], self.fresh_pool[: q.cold_fresh]]
            )
        ann = self.index.search(user_vector, q.ann)[0]
        fresh_score = self.fresh_vectors @ user_vector
        n_fresh = min(q.fresh, len(self.fresh_pool) - 1)
        fresh = self.fresh_pool[np.argpartition(-fresh_score, n_fresh)[:n_fresh]]
        return _merge([ann[ann >= 0], self.popular[: q.popular], fresh])


def _merge(by_source: list[np.ndarray]) -> Candidates:
    items = np.concatenate(by_source).astype(np.int64)
    source = np.repeat(np.arange(len(by_source), dtype=np.int8), [len(s) for s in by_source])
    _, first = np.unique(items, return_index=True)
    keep = np.sort(first)
    return Candidates(items[keep], source[keep])


def popular_items(item_engaged: np.ndarray, day: int, window_days: int = 1) -> np.ndarray:
    """Items by engagements over the last `window_days` before `day`, most engaged first."""
    recent = item_engaged[day] - item_engaged[max(day - window_days, 0)]
    top = min(1000, len(recent) - 1)
    best = np.argpartition(-recent, top)[:top]
    return best[np.argsort(-recent[best], kind="stable")]
