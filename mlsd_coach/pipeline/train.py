"""The offline track: from the impression log to a deployable recommender.

Blueprint: `training-data-job` -> `model-training` -> `index-build`, publishing to the
`feature-store`, `ann-index` and `ranking` that `feed-service` calls (framework steps: data, model
and serving). In production Airflow or Kubeflow runs these jobs daily on Spark and GPUs; here they
run in sequence, each timed, in about a minute at a million items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline import phases
from mlsd_coach.pipeline.ann import AnnIndex
from mlsd_coach.pipeline.data import World
from mlsd_coach.pipeline.features import OnlineStore, Snapshots, build_snapshots, user_tower_inputs
from mlsd_coach.pipeline.phases import PhaseTimer
from mlsd_coach.pipeline.ranking import (
    GbdtConfig,
    GradientBoostedRanker,
    LogisticRegression,
    PopularityRanker,
    PreRanker,
    RankingModel,
)
from mlsd_coach.pipeline.retrieval import Retriever, popular_items
from mlsd_coach.pipeline.serve import FeedService
from mlsd_coach.pipeline.threads import one_blas_thread
from mlsd_coach.pipeline.training_data import TrainingRows, training_rows
from mlsd_coach.pipeline.two_tower import TwoTower, train_two_tower

TUNING_QUERIES = 200


@dataclass
class System:
    world: World
    snapshots: Snapshots
    online: OnlineStore
    rows: TrainingRows
    two_tower: TwoTower
    item_vectors: np.ndarray
    index: AnnIndex
    tuned_recall: float
    rankers: dict[str, RankingModel]
    prerank: PreRanker
    service: FeedService

    def warm_users(self, day: int) -> np.ndarray:
        """Users with engagement history before `day`: the ones the two-tower can embed."""
        return np.flatnonzero(self.snapshots.user_engaged[day] > 0)


def build_system(
    world: World,
    timer: PhaseTimer,
    *,
    gbdt: GbdtConfig | None = None,
    max_training_rows: int = 400_000,
    seed: int = 0,
) -> System:
    import faiss

    tl, catalogue = world.timeline, world.catalogue
    with timer.phase(phases.SNAPSHOTS):
        snap = build_snapshots(world.log, catalogue, world.n_users, tl.n_days)
        online = OnlineStore(snap, catalogue, world.log, tl.eval_day)
    with timer.phase(phases.TRAINING_ROWS):
        rows = training_rows(
            world.log,
            snap,
            catalogue,
            tl.first_train_day,
            tl.last_train_day,
            max_rows=max_training_rows,
            seed=seed,
        )
    with timer.phase(phases.TWO_TOWER), one_blas_thread():
        positives = world.log.on_days(tl.first_train_day, tl.last_train_day)
        positives = positives.select(positives.engaged)
        history = user_tower_inputs(snap, positives.day, positives.user)
        has_history = history.any(axis=1)
        two_tower = train_two_tower(history[has_history], positives.item[has_history], catalogue, seed=seed)
        item_vectors = two_tower.item_vectors(catalogue)
    with timer.phase(phases.ANN_INDEX):
        faiss.omp_set_num_threads(2)
        index = AnnIndex.build(item_vectors, seed=seed)
        warm = np.flatnonzero(snap.user_engaged[tl.eval_day] > 0)
        sample = np.random.default_rng(seed).choice(warm, min(TUNING_QUERIES, len(warm)), replace=False)
        tuned_recall = index.tune(two_tower.user_vectors(user_tower_inputs(snap, tl.eval_day, sample)))
        faiss.omp_set_num_threads(1)  # serving: one thread per request
    with timer.phase(phases.RANKERS):
        with one_blas_thread():
            logistic = LogisticRegression.fit(rows)
            prerank = PreRanker.fit(rows)
        rankers: dict[str, RankingModel] = {
            "popularity": PopularityRanker(),
            "logistic": logistic,
            "gbdt": GradientBoostedRanker.fit(rows, gbdt or GbdtConfig(), seed=seed),
        }
    retriever = Retriever(
        index, popular_items(snap.item_engaged, tl.eval_day), catalogue.upload_time, world.serve_time
    )
    service = FeedService(
        online, two_tower, retriever, rankers["gbdt"], catalogue, item_vectors, seed=seed, prerank=prerank
    )
    return System(
        world, snap, online, rows, two_tower, item_vectors, index, tuned_recall, rankers, prerank, service
    )
