"""The offline metrics, in NumPy: AUC, NDCG, recall@K, PSI, diversity and coverage.

Blueprint: the formulas behind `offline-eval` and `monitoring` (framework steps: evaluation and
monitoring). Spark jobs, MLflow and Evidently compute these in production.
"""

from __future__ import annotations

import numpy as np


def auc(label: np.ndarray, score: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    label = label.astype(bool)
    n_pos, n_neg = int(label.sum()), int((~label).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    mid_rank = upper - (counts - 1) / 2.0  # average 1-based rank within each group of ties
    rank_sum = mid_rank[inverse][label].sum()
    return float((rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def ndcg_at_k(gain: np.ndarray, score: np.ndarray, k: int = 10) -> float:
    """NDCG@k of ranking items by `score` when their true gains are `gain`."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ranked = gain[np.argsort(-score, kind="stable")[:k]]
    ideal = np.sort(gain)[::-1][:k]
    best = float(ideal @ discount[: len(ideal)])
    return float(ranked @ discount[: len(ranked)]) / best if best > 0 else float("nan")


def recall_at_k(retrieved: np.ndarray, relevant: np.ndarray) -> float:
    """Share of `relevant` found in `retrieved`."""
    return len(np.intersect1d(retrieved, relevant)) / max(len(relevant), 1)


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Population stability index of `current` against `reference`, on the reference's deciles.
    Rule of thumb: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1)
    actual = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1)
    expected = np.maximum(expected / len(reference), 1e-4)
    actual = np.maximum(actual / len(current), 1e-4)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise (1 - cosine) between the items of one page."""
    n = len(vectors)
    if n < 2:
        return 0.0
    similarity = vectors @ vectors.T
    return float(1.0 - (similarity.sum() - np.trace(similarity)) / (n * (n - 1)))


def coverage(pages: list[np.ndarray], labels: np.ndarray) -> float:
    """Share of distinct `labels` (items, creators) that appear on at least one page."""
    shown = np.unique(labels[np.concatenate(pages)]) if pages else np.empty(0)
    return len(shown) / len(np.unique(labels))
