"""The ANN index over item embeddings: FAISS IVF, flat or product-quantised, with its probes
tuned against exact search.

Blueprint: `ann-index`, built and validated by `index-build` (framework step: serving). FAISS on
one machine stands in for ScaNN, FAISS IVF-PQ or HNSW sharded over ~50M vectors.

IVF clusters the vectors into `nlist` cells with k-means; a query scans only the `nprobe` cells
nearest to it. More probes: higher recall, more latency. Up to PQ_FROM_ITEMS items each cell
holds the vectors themselves (IVF-Flat). Past it the cells hold product-quantised codes
(IVF-PQ: 2 bytes per 4 dimensions, a sixteenth of the floats), whose distances are
approximate; the index then returns `refine` times the candidates asked for and re-ranks that
shortlist by the exact dot product with the stored vectors, the way production indexes
re-score a PQ shortlist. `tune` picks the smallest nprobe (and, for PQ, shortlist factor) whose
recall@100 against exact search clears a target on sample queries, which is the release check
an index build should run before publishing (an index that fails it must not ship).
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

TRAIN_POINTS_PER_CELL = 64
MIN_POINTS_PER_CELL = 39  # FAISS warns below this many training points per k-means centroid
RELEASE_RECALL = 0.95  # recall@100 against exact search that an index must reach to ship
TUNING_RECALL = 0.97  # what `tune` aims for: a margin over the release gate
PQ_FROM_ITEMS = 2_000_000  # from here on the index is IVF-PQ with an exact re-rank
PQ_MAX_CELLS = 8192  # k-means cost grows with cells squared: past this, cells grow instead
PQ_DIMS_PER_CODE = 2  # dimensions per 8-bit sub-quantiser code: 16 bytes for 32 dimensions
REFINE_FACTORS = (4, 8)  # shortlist sizes tried, in multiples of k, before nprobe grows


@dataclass
class AnnIndex:
    index: faiss.IndexIVF
    vectors: np.ndarray  # float32, unit length; kept for exact search, the re-rank and the recall check
    nlist: int
    refine: int = 1  # a PQ index returns refine * k by its codes and re-ranks them exactly

    @classmethod
    def build(cls, vectors: np.ndarray, seed: int = 0) -> AnnIndex:
        n, dim = vectors.shape
        quantizer = faiss.IndexFlatIP(dim)
        if n >= PQ_FROM_ITEMS and dim % PQ_DIMS_PER_CODE == 0:
            nlist = int(min(4 * np.sqrt(n), PQ_MAX_CELLS))
            index: faiss.IndexIVF = faiss.IndexIVFPQ(
                quantizer, dim, nlist, dim // PQ_DIMS_PER_CODE, 8, faiss.METRIC_INNER_PRODUCT
            )
            per_cell, refine = MIN_POINTS_PER_CELL + 1, REFINE_FACTORS[0]
        else:
            nlist = int(max(1, min(4 * np.sqrt(n), n // MIN_POINTS_PER_CELL)))
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            per_cell, refine = TRAIN_POINTS_PER_CELL, 1
        index.cp.seed = seed
        sample = np.random.default_rng(seed).permutation(n)[: nlist * per_cell]
        index.train(vectors[sample])
        index.add(vectors)
        return cls(index, vectors, nlist, refine)

    @property
    def kind(self) -> str:
        if self.quantised:
            codes = self.vectors.shape[1] // PQ_DIMS_PER_CODE
            return f"FAISS IVF-PQ ({codes} x 8-bit codes), exact re-rank of {self.refine} x k"
        return "FAISS IVF-Flat"

    @property
    def quantised(self) -> bool:
        return isinstance(self.index, faiss.IndexIVFPQ)

    @property
    def nprobe(self) -> int:
        return int(self.index.nprobe)

    def search(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Item ids of the approximate top k per query (-1 pads a short result)."""
        queries = np.atleast_2d(queries).astype(np.float32)
        # faiss has no type hints: the annotation says what it returns (scores, ids)
        found: tuple[np.ndarray, np.ndarray] = self.index.search(queries, k * self.refine)
        if not self.quantised:
            return found[1]
        return np.stack([self._rerank(query, ids, k) for query, ids in zip(queries, found[1], strict=True)])

    def _rerank(self, query: np.ndarray, shortlist: np.ndarray, k: int) -> np.ndarray:
        """The shortlist's top k by the exact dot product, -1 padded."""
        shortlist = shortlist[shortlist >= 0]
        exact = self.vectors[shortlist] @ query
        top = np.argpartition(-exact, k - 1)[:k] if len(exact) > k else np.arange(len(exact))
        best = shortlist[top[np.argsort(-exact[top], kind="stable")]]
        return np.pad(best, (0, k - len(best)), constant_values=-1)

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
        """Set the smallest power-of-two nprobe with recall@k >= target (for a PQ index, with
        the smallest shortlist factor that reaches it); return that recall."""
        exact = self.exact_search(queries, k)
        achieved = 0.0
        for refine in REFINE_FACTORS if self.quantised else (1,):
            self.refine = refine
            nprobe = 1
            while True:
                self.index.nprobe = nprobe
                achieved = self.recall(queries, k, exact)
                if achieved >= target or nprobe >= self.nlist:
                    break
                nprobe = min(2 * nprobe, self.nlist)
            if achieved >= target:
                return achieved
        return achieved
