"""Monitoring: feature drift between two days, and a shadow comparison of two ranker versions.

Blueprint: `monitoring` (framework step: monitoring); Prometheus, Grafana and Evidently in
production, fed by the served-impression logs.

- Drift: the population stability index (PSI) of key features and of the model's score, on the
  impressions of the evaluation day against those of the next day, a holiday when activity rises,
  new users sign up and a few topics trend.
- Shadow: a challenger ranker scores the same candidates as the production ranker on the same
  requests, without serving anything. Agreement, true quality and latency decide whether it is
  worth an A/B test.
"""

from __future__ import annotations

import time

import numpy as np

from mlsd_coach.pipeline import metrics
from mlsd_coach.pipeline.evaluate import held_out_day
from mlsd_coach.pipeline.features import FEATURES, ranking_features
from mlsd_coach.pipeline.ranking import RankingModel
from mlsd_coach.pipeline.train import System

DRIFT_FEATURES = (
    "user_log_impressions",
    "user_topic_share",
    "item_log_impressions",
    "item_age_days",
    "item_log_duration",
    "content_affinity",
)
DRIFT_ROWS = 50_000


def drift(system: System, seed: int = 0) -> dict[str, float]:
    """PSI per key feature and for the production ranker's score, evaluation day -> drift day."""
    world = system.world
    tl = world.timeline
    rng = np.random.default_rng(seed)
    by_day = {}
    for day in (tl.eval_day, tl.drift_day):
        rows = world.log.on_days(day, day)
        rows = rows.select(rng.permutation(len(rows))[:DRIFT_ROWS])
        by_day[day] = ranking_features(
            system.snapshots, world.catalogue, day, rows.user, rows.item, rows.time, rows.position
        )
    before, after = by_day[tl.eval_day], by_day[tl.drift_day]
    report = {
        name: metrics.psi(before[:, FEATURES.index(name)], after[:, FEATURES.index(name)])
        for name in DRIFT_FEATURES
    }
    ranker = system.service.ranker
    report["model_score"] = metrics.psi(ranker.score(before), ranker.score(after))
    return report


def shadow(system: System, challenger: RankingModel, users: np.ndarray) -> dict[str, dict[str, float]]:
    """The production ranker and a challenger on identical requests and candidates, plus both on
    the held-out day's logged impressions."""
    world, online, service = system.world, system.online, system.service
    rankers = (service.ranker, challenger)
    latency: dict[str, list[float]] = {ranker.name: [] for ranker in rankers}
    ndcg: dict[str, list[float]] = {ranker.name: [] for ranker in rankers}
    overlap = []
    for user in users:
        retrieved = service.retriever.retrieve(service.user_vector(int(user))).items
        items = service.shortlist(int(user), retrieved, world.serve_time)  # what production ranks
        features = online.features(int(user), items, world.serve_time)
        gain = None
        if world.oracle is not None:
            gain = world.oracle.engagement_prob(np.full(len(items), user), items, world.serve_time)
        tops = []
        for ranker in rankers:
            start = time.perf_counter()
            score = ranker.score(features)
            latency[ranker.name].append((time.perf_counter() - start) * 1000)
            tops.append(items[np.argsort(-score)[:10]])
            if gain is not None:
                ndcg[ranker.name].append(metrics.ndcg_at_k(gain, score, 10))
        overlap.append(len(np.intersect1d(tops[0], tops[1])) / 10)

    held_out, held_features = held_out_day(system)
    report: dict[str, dict[str, float]] = {}
    for ranker in rankers:
        row = {
            "ranking_ms": float(np.median(latency[ranker.name])),
            "auc_held_out": metrics.auc(held_out.engaged, ranker.score(held_features)),
        }
        if ndcg[ranker.name]:
            row["ndcg_at_10_oracle"] = float(np.mean(ndcg[ranker.name]))
        report[ranker.name] = row
    report["agreement"] = {"top_10_overlap": float(np.mean(overlap))}
    return report
