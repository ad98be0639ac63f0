"""The ANN index over item embeddings: FAISS IVF-Flat, with nprobe tuned against exact search.

Blueprint: `ann-index`, built and validated by `index-build` (framework step: serving). FAISS
IVF-Flat on one machine stands in for ScaNN, FAISS IVF-PQ or HNSW sharded over ~50M vectors.

IVF clusters the vectors into `nlist` cells with k-means; a query scans only the `nprobe` cells
nearest to it. More probes: higher recall, more latency. `tune` picks the smallest nprobe whose
recall@100 against exact search clears a target on sample queries, which is the release check an
index build should run before publishing (an index that fails it must not ship).
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

TRAIN_POINTS_PER_CELL = 64
MIN_POINTS_PER_CELL = 39  # FAISS warns below this many training points per k-means centroid
RELEASE_RECALL = 0.95  # recall@100 against exact search that an index must reach to ship
TUNING_RECALL = 0.97  # what `tune` aims for: a margin over the release gate


@dataclass
class AnnIndex:
    index: faiss.IndexIVFFlat
    vectors: np.ndarray  # float32, unit length; kept for exact search and the recall check
    nlist: int

    @classmethod
    def build(cls, vectors: np.ndarray, seed: int = 0) -> AnnIndex:
        n, dim = vectors.shape
        nlist = int(max(1, min(4 * np.sqrt(n), n // MIN_POINTS_PER_CELL)))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed
        sample = np.random.default_rng(seed).permutation(n)[: nlist * TRAIN_POINTS_PER_CELL]
        index.train(vectors[sample])
        index.add(vectors)
        return cls(index, vectors, nlist)

    @property
    def nprobe(self) -> int:
        return int(self.index.nprobe)

    def search(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Item ids of the approximate top k per query (-1 pads a short result)."""
        # faiss has no type hints: the annotation says what it returns (scores, ids)
        found: tuple[np.ndarray, np.ndarray] = self.index.search(np.atleast_2d(queries).astype(np.float32), k)
        return found[1]

    def exact_search(self, queries: np.ndarray, k: int) -> np.ndarray:
        # faiss has no type hints: the annotation says what it returns (scores, ids)
        found: tuple[np.ndarray, np.ndarray] = faiss.knn(
            np.atleast_2d(queries).astype(np.float32), self.vectors, k, faiss.METRIC_INNER_PRODUCT
        )
        return found[1]

    def recall(self, queries: np.ndarray, k: int = 100, exact: np.ndarray | None = None) -> float:
        """Mean share of the exact top k that the index returns."""
        truth = self.exact_search(queries, k) if exact is None else exact
        found = self.search(queries, k)
        return float(np.mean([len(np.intersect1d(a, b)) / k for a, b in zip(found, truth, strict=True)]))

    def tune(self, queries: np.ndarray, target: float = TUNING_RECALL, k: int = 100) -> float:
        """Set the smallest power-of-two nprobe with recall@k >= target; return that recall."""
        exact = self.exact_search(queries, k)
        nprobe = 1
        while True:
            self.index.nprobe = nprobe
            achieved = self.recall(queries, k, exact)
            if achieved >= target or nprobe >= self.nlist:
                return achieved
            nprobe = min(2 * nprobe, self.nlist)
