"""The cascade's parts on their own: the pre-ranker's pick, and the cheap columns it reads
being exactly those of the heavy ranker's feature matrix."""

from __future__ import annotations

import numpy as np
import pytest

from mlsd_coach.pipeline.features import (
    CHEAP_FEATURES,
    FEATURES,
    OnlineStore,
    build_snapshots,
    ranking_features,
)
from mlsd_coach.pipeline.ranking import LogisticRegression, PreRanker
from mlsd_coach.pipeline.serve import STAGE_BUDGET_MS, STAGES
from mlsd_coach.pipeline.synthetic import WorldConfig, synthetic_world


@pytest.fixture(scope="module")
def world():
    return synthetic_world(WorldConfig(n_users=2_000, n_items=5_000, seed=3))


def test_forty_features_and_the_cheap_ones_are_among_them():
    assert len(FEATURES) == 40 and len(set(FEATURES)) == 40
    assert set(CHEAP_FEATURES) < set(FEATURES)
    assert tuple(STAGE_BUDGET_MS) == STAGES and sum(STAGE_BUDGET_MS.values()) == 20.0


def test_the_cheap_columns_equal_those_of_the_full_matrix(world):
    tl = world.timeline
    snap = build_snapshots(world.log, world.catalogue, world.n_users, tl.n_days)
    store = OnlineStore(snap, world.catalogue, world.log, tl.eval_day)
    items = np.arange(300)
    full = store.features(7, items, world.serve_time)
    cheap = store.features(7, items, world.serve_time, CHEAP_FEATURES)
    np.testing.assert_array_equal(cheap, full[:, [FEATURES.index(name) for name in CHEAP_FEATURES]])
    assert np.isfinite(full).all()
    rows = world.log.on_days(tl.first_train_day, tl.last_train_day)
    rows = rows.select(np.arange(len(rows)) < 500)
    per_row = ranking_features(
        snap, world.catalogue, rows.day, rows.user, rows.item, rows.time, rows.position
    )
    assert per_row.shape == (500, 40) and np.isfinite(per_row).all()


def test_the_pre_ranker_keeps_its_best_candidates_best_first():
    model = LogisticRegression(
        mean=np.zeros(len(CHEAP_FEATURES)),
        scale=np.ones(len(CHEAP_FEATURES)),
        coef=np.r_[np.ones(len(CHEAP_FEATURES)), 0.0],
    )
    prerank = PreRanker(model, keep=5)
    cheap = np.random.default_rng(0).normal(size=(40, len(CHEAP_FEATURES)))
    kept = prerank.kept(cheap)
    score = cheap.sum(axis=1)
    assert list(kept) == list(np.argsort(-score)[:5])
    assert list(prerank.kept(cheap[:3])) == list(np.argsort(-score[:3]))  # fewer than `keep`: all, in order


@pytest.mark.slow  # two index builds and a tuning, about 10 s
def test_past_the_threshold_the_index_is_product_quantised_and_re_ranks_exactly(monkeypatch):
    import mlsd_coach.pipeline.ann as ann

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(50, 32))
    vectors = centres[rng.integers(0, 50, 20_000)] + 0.3 * rng.normal(size=(20_000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    monkeypatch.setattr(ann, "PQ_FROM_ITEMS", 10_000)
    index = ann.AnnIndex.build(vectors, seed=0)
    assert index.quantised and index.kind.startswith("FAISS IVF-PQ (16 x 8-bit codes)")
    queries = vectors[:100] + 0.1 * rng.normal(size=(100, 32)).astype(np.float32)
    assert index.tune(queries) >= ann.TUNING_RECALL and index.refine in ann.REFINE_FACTORS
    found = index.search(queries[0], 100)[0]
    exact = vectors[found] @ queries[0].astype(np.float32)
    assert len(found) == 100 and (np.diff(exact) <= 1e-6).all()  # re-ranked by the exact dot product
    monkeypatch.setattr(ann, "PQ_FROM_ITEMS", 1_000_000)
    assert not ann.AnnIndex.build(vectors, seed=0).quantised
