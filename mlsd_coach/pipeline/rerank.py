"""Stage 3, re-ranking: policy filters, a per-creator cap, MMR diversity and exploration slots.

Blueprint: `re-ranking` (framework step: model); an in-process rules engine with Redis Bloom filters
for the seen set in production. The ranker scores items one at a time; this stage decides the
page as a whole:

1. filter: drop items the user already watched and explicit (policy-restricted) items;
2. creator cap: keep only each creator's best `max_per_creator` candidates, so no page can show
   more of one creator whatever is picked below;
3. MMR (Carbonell and Goldstein, 1998): fill the page greedily with the candidate that maximises
   (1 - diversity) * relevance - diversity * (its highest similarity to what is already on it);
4. exploration: a few fixed slots go to random candidates the greedy pass did not pick, so new and
   uncertain items earn the feedback the models need (and the logs get some unbiased traffic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RerankPolicy:
    page_size: int = 20
    max_per_creator: int = 2
    diversity: float = 0.3
    exploration_slots: tuple[int, ...] = (4, 12)
    mmr_pool: int = 100  # only the best-scored candidates enter the greedy loop


@dataclass(frozen=True)
class Page:
    items: np.ndarray  # int64, in display order
    explored: np.ndarray  # bool: the item fills an exploration slot


def rerank(
    items: np.ndarray,
    scores: np.ndarray,
    *,
    seen: np.ndarray,
    explicit: np.ndarray,
    creator: np.ndarray,
    vectors: np.ndarray,
    rng: np.random.Generator,
    policy: RerankPolicy = RerankPolicy(),
) -> Page:
    """`explicit`, `creator` and `vectors` are catalogue-wide arrays indexed by item id."""
    allowed = ~explicit[items] & ~np.isin(items, seen)
    items, scores = items[allowed], scores[allowed]
    order = np.argsort(-scores, kind="stable")
    items, scores = items[order], scores[order]
    within_cap = _rank_within_creator(creator[items]) < policy.max_per_creator
    items, scores = items[within_cap], scores[within_cap]

    slots = [s for s in policy.exploration_slots if s < policy.page_size]
    n_greedy = min(policy.page_size - len(slots), len(items))
    chosen = _mmr(scores[: policy.mmr_pool], vectors[items[: policy.mmr_pool]], n_greedy, policy.diversity)
    rest = np.setdiff1d(np.arange(len(items)), chosen)
    explored = rng.permutation(rest)[: len(slots)]

    page, is_explored = [int(items[i]) for i in chosen], [False] * len(chosen)
    for slot, pick in zip(slots, explored, strict=False):
        position = min(slot, len(page))
        page.insert(position, int(items[pick]))
        is_explored.insert(position, True)
    return Page(np.array(page, dtype=np.int64), np.array(is_explored, dtype=bool))


def _rank_within_creator(creators: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions have the same creator (0 for the first)."""
    order = np.argsort(creators, kind="stable")
    ordered = creators[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(ordered)) + 1]
    group_size = np.diff(np.r_[group_start, len(ordered)])
    rank = np.empty(len(creators), dtype=np.int64)
    rank[order] = np.arange(len(ordered)) - np.repeat(group_start, group_size)
    return rank


def _mmr(scores: np.ndarray, vectors: np.ndarray, n_picks: int, diversity: float = 0.3) -> list[int]:
    """Greedy maximal marginal relevance; returns positions into `scores`, best first."""
    if len(scores) == 0:
        return []
    relevance = (scores - scores.min()) / (np.ptp(scores) + 1e-9)
    closest = np.zeros(len(scores))
    taken = np.zeros(len(scores), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(n_picks, len(scores))):
        value = np.where(taken, -np.inf, (1 - diversity) * relevance - diversity * closest)
        pick = int(np.argmax(value))
        chosen.append(pick)
        taken[pick] = True
        closest = np.maximum(closest, vectors @ vectors[pick])
    return chosen
