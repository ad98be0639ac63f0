"""The request path: feature lookup, retrieval, pre-ranking, ranking and re-ranking, timed
stage by stage.

Blueprint: `feed-service` calling `feature-store`, `candidate-generation` (with the `ann-index`),
`pre-ranker`, `ranking` and `re-ranking` in turn (framework step: serving). In production these are gRPC
services behind Envoy with per-stage timeouts and fallbacks; here one function on one thread, so
the stage timings add up to the end-to-end latency a user would see (plus the network).

Stages as timed:
- features: the user's history vector, user-tower embedding and seen set (a Redis read);
- retrieval: ANN search plus the popular and fresh sources, merged (~1,000 candidates);
- prerank: the cheap columns for every candidate and the light pre-ranker, keeping ~200;
- ranking: all 40 features for those, then the heavy ranker;
- rerank: filters, MMR, creator cap and exploration slots.

Each stage has its slice of the 20 ms budget (`STAGE_BUDGET_MS`), as a production service
gives each call a timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline.data import Catalogue
from mlsd_coach.pipeline.features import OnlineStore
from mlsd_coach.pipeline.ranking import PreRanker, RankingModel
from mlsd_coach.pipeline.rerank import Page, RerankPolicy, rerank
from mlsd_coach.pipeline.retrieval import Candidates, Retriever
from mlsd_coach.pipeline.two_tower import TwoTower

STAGES = ("features", "retrieval", "prerank", "ranking", "rerank")
STAGE_BUDGET_MS = {"features": 1.0, "retrieval": 6.0, "prerank": 2.0, "ranking": 8.0, "rerank": 3.0}


@dataclass(frozen=True)
class Served:
    page: Page
    candidates: Candidates  # what retrieval returned
    ranked: np.ndarray  # the items the heavy ranker scored: the pre-ranker's pick, best first
    scores: np.ndarray  # the heavy ranker's score for each of `ranked`
    stage_ms: dict[str, float]

    @property
    def total_ms(self) -> float:
        return sum(self.stage_ms.values())


class FeedService:
    def __init__(
        self,
        online: OnlineStore,
        two_tower: TwoTower,
        retriever: Retriever,
        ranker: RankingModel,
        catalogue: Catalogue,
        item_vectors: np.ndarray,
        policy: RerankPolicy | None = None,
        seed: int = 0,
        prerank: PreRanker | None = None,
    ) -> None:
        self.online, self.two_tower, self.retriever, self.ranker = online, two_tower, retriever, ranker
        self.prerank = prerank  # None: the heavy ranker scores every candidate
        self.catalogue, self.item_vectors, self.seed = catalogue, item_vectors, seed
        self.policy = policy or RerankPolicy()

    def user_vector(self, user: int) -> np.ndarray | None:
        """The user-tower embedding, or None for a user with no history (cold start)."""
        if not self.online.has_history(user):
            return None
        # numpy's stubs type this as Any: the annotation says what it is
        vector: np.ndarray = self.two_tower.user_vectors(self.online.user_tower_input(user)[None])[0]
        return vector

    def warm_user_vectors(self, users: np.ndarray) -> np.ndarray:
        """User-tower embeddings of many users who all have history (for evaluation)."""
        return self.two_tower.user_vectors(self.online.user_tower_input(users))

    def recommend(self, user: int, time_of_request: float) -> Served:
        clock = [time.perf_counter()]
        user_vector = self.user_vector(user)
        seen = self.online.seen(user)
        clock.append(time.perf_counter())
        candidates = self.retriever.retrieve(user_vector)
        clock.append(time.perf_counter())
        ranked = self.shortlist(user, candidates.items, time_of_request)
        clock.append(time.perf_counter())
        scores = self.ranker.score(self.online.features(user, ranked, time_of_request))
        clock.append(time.perf_counter())
        page = rerank(
            ranked,
            scores,
            seen=seen,
            explicit=self.catalogue.explicit,
            creator=self.catalogue.creator,
            vectors=self.item_vectors,
            rng=np.random.default_rng((self.seed, user)),
            policy=self.policy,
        )
        clock.append(time.perf_counter())
        stage_ms = {stage: (clock[i + 1] - clock[i]) * 1000 for i, stage in enumerate(STAGES)}
        return Served(page, candidates, ranked, scores, stage_ms)

    def shortlist(self, user: int, items: np.ndarray, time_of_request: float) -> np.ndarray:
        """The candidates the heavy ranker will score: the pre-ranker's best, or all of them."""
        if self.prerank is None:
            return items
        cheap = self.online.features(user, items, time_of_request, self.prerank.columns)
        return np.asarray(items[self.prerank.kept(cheap)])
