"""Offline evaluation: retrieval recall, ranking NDCG and AUC, and what re-ranking does to a page.

Blueprint: `offline-eval` (framework step: evaluation); Spark jobs reporting to MLflow and gating
releases in production. Two kinds of truth are used, because they disagree:

- the oracle (synthetic worlds only): the true engagement probability of every (user, item), so
  retrieval is scored against the true top 100 and rankers by NDCG@10 on true gains;
- the held-out logs of the evaluation day: what a real team has, biased by the logging policy and
  by position, scored with AUC and per-request NDCG@10.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlsd_coach.pipeline import metrics
from mlsd_coach.pipeline.data import ImpressionLog
from mlsd_coach.pipeline.features import ranking_features
from mlsd_coach.pipeline.retrieval import SOURCES
from mlsd_coach.pipeline.serve import Served
from mlsd_coach.pipeline.train import System

K = 100


@dataclass(frozen=True)
class Traffic:
    """Requests served on the evaluation day, one per user, with what the service returned."""

    users: np.ndarray
    warm: np.ndarray  # bool: the user has history, so the two-tower embeds them
    served: list[Served]


def serve_traffic(system: System, users: np.ndarray, on_request: Callable[[], None] | None = None) -> Traffic:
    served = []
    for user in users:
        served.append(system.service.recommend(int(user), system.world.serve_time))
        if on_request is not None:
            on_request()
    warm = np.array([system.online.has_history(int(u)) for u in users], dtype=bool)
    return Traffic(users, warm, served)


def retrieval_quality(system: System, traffic: Traffic) -> dict[str, float]:
    """Recall@100 of each source against the oracle's top 100 (or, without an oracle, against
    the items each user engaged with on the held-out day), and ANN recall against exact search."""
    service = system.service
    warm_users = traffic.users[traffic.warm]
    if len(warm_users) == 0:
        return {}
    vectors = service.warm_user_vectors(warm_users)
    ann = system.index.search(vectors, K)
    exact = system.index.exact_search(vectors, K)
    popular = service.retriever.popular[:K]
    candidates = [s.candidates.items for s, w in zip(traffic.served, traffic.warm, strict=True) if w]
    relevant = _relevant_items(system, warm_users)

    def mean_recall(found: list[np.ndarray] | np.ndarray) -> float:
        values = [metrics.recall_at_k(f, r) for f, r in zip(found, relevant, strict=True) if len(r)]
        return float(np.mean(values)) if values else float("nan")

    return {
        "recall_at_100_two_tower_ann": mean_recall(ann),
        "recall_at_100_two_tower_exact": mean_recall(exact),
        "recall_at_100_popular": mean_recall([popular] * len(warm_users)),
        "recall_of_candidate_set": mean_recall(candidates),
        "candidates_per_request": float(np.mean([len(s.candidates) for s in traffic.served])),
        **_source_shares(traffic),
        "ann_recall_at_100_vs_exact": float(
            np.mean([metrics.recall_at_k(a, e) for a, e in zip(ann, exact, strict=True)])
        ),
        "ann_nprobe": float(system.index.nprobe),
    }


def _source_shares(traffic: Traffic) -> dict[str, float]:
    """Where the merged candidates came from, over all requests."""
    sources = np.concatenate([s.candidates.source for s in traffic.served])
    return {f"share_from_{name}": float(np.mean(sources == k)) for k, name in enumerate(SOURCES)}


def _relevant_items(system: System, users: np.ndarray) -> list[np.ndarray]:
    world = system.world
    if world.oracle is not None:
        return [world.oracle.top_k(int(u), K, world.serve_time) for u in users]
    held_out = world.log.on_days(world.timeline.eval_day, world.timeline.eval_day)
    held_out = held_out.select(held_out.engaged)
    return [held_out.item[held_out.user == u] for u in users]


HELD_OUT_REQUESTS = 20_000  # logged requests of the held-out day scored (all of a small day)


def held_out_day(system: System) -> tuple[ImpressionLog, np.ndarray]:
    """The held-out day's logged impressions (whole requests, at most HELD_OUT_REQUESTS of
    them, chosen by a fixed seed) and their ranking features, as of that day."""
    world = system.world
    held_out = world.log.on_days(world.timeline.eval_day, world.timeline.eval_day)
    requests = np.unique(held_out.request)
    if len(requests) > HELD_OUT_REQUESTS:
        chosen = np.random.default_rng(world.timeline.eval_day).choice(
            requests, HELD_OUT_REQUESTS, replace=False
        )
        held_out = held_out.select(np.isin(held_out.request, chosen))
    features = ranking_features(
        system.snapshots,
        world.catalogue,
        world.timeline.eval_day,
        held_out.user,
        held_out.item,
        held_out.time,
        held_out.position,
    )
    return held_out, features


def ranking_quality(system: System, traffic: Traffic) -> dict[str, dict[str, float]]:
    """Per ranker: NDCG@10 against the oracle on the candidates the pre-ranker passed on for
    each served request, and AUC and NDCG@10 on the held-out day's logged impressions."""
    world, online = system.world, system.online
    held_out, held_features = held_out_day(system)
    report: dict[str, dict[str, float]] = {}
    for name, ranker in system.rankers.items():
        held_score = ranker.score(held_features)
        row: dict[str, float] = {
            "auc_held_out": metrics.auc(held_out.engaged, held_score),
            "ndcg_at_10_held_out": _ndcg_per_request(held_out.request, held_out.engaged, held_score),
        }
        if world.oracle is not None:
            ndcgs = []
            for user, served in zip(traffic.users, traffic.served, strict=True):
                items = served.ranked  # the candidates a ranker sees: the pre-ranker's pick
                gain = world.oracle.engagement_prob(np.full(len(items), user), items, world.serve_time)
                score = ranker.score(online.features(int(user), items, world.serve_time))
                ndcgs.append(metrics.ndcg_at_k(gain, score, 10))
            row["ndcg_at_10_oracle"] = float(np.nanmean(ndcgs))
        report[name] = row
    return report


def _ndcg_per_request(request: np.ndarray, label: np.ndarray, score: np.ndarray) -> float:
    """Mean NDCG@10 over logged requests with at least one engagement."""
    order = np.argsort(request, kind="stable")
    request, label, score = request[order], label[order], score[order]
    bounds = np.flatnonzero(np.diff(request)) + 1
    values = [
        metrics.ndcg_at_k(g.astype(float), s, 10)
        for g, s in zip(np.split(label, bounds), np.split(score, bounds), strict=True)
        if g.any()
    ]
    return float(np.mean(values)) if values else float("nan")


def page_quality(system: System, traffic: Traffic) -> dict[str, dict[str, float]]:
    """The served pages against the ranker's plain top of the list (same length): what
    re-ranking buys in diversity and coverage, what it costs in true value, and the policy
    violations that must be zero."""
    world, catalogue, vectors = system.world, system.world.catalogue, system.item_vectors
    reranked = [s.page.items for s in traffic.served]
    plain = [s.ranked[np.argsort(-s.scores)[: len(p)]] for s, p in zip(traffic.served, reranked, strict=True)]
    report = {}
    for name, pages in (("ranker_top", plain), ("reranked", reranked)):
        row = {
            "intra_list_diversity": float(np.mean([metrics.intra_list_diversity(vectors[p]) for p in pages])),
            "creators_per_page": float(np.mean([len(np.unique(catalogue.creator[p])) for p in pages])),
            "creator_coverage": metrics.coverage(pages, catalogue.creator),
            "catalogue_coverage": metrics.coverage(pages, np.arange(catalogue.n_items)),
            "violations": float(
                sum(_violations(system, int(u), p) for u, p in zip(traffic.users, pages, strict=True))
            ),
        }
        if world.oracle is not None:
            true_value = [
                _true_engagement(system, int(u), p) for u, p in zip(traffic.users, pages, strict=True)
            ]
            row["true_engagement_per_item"] = float(np.mean(true_value))
        report[name] = row
    return report


def _true_engagement(system: System, user: int, page: np.ndarray) -> float:
    world = system.world
    assert world.oracle is not None
    return float(world.oracle.engagement_prob(np.full(len(page), user), page, world.serve_time).mean())


def _violations(system: System, user: int, page: np.ndarray) -> int:
    """Watched or explicit items on the page, plus items over the creator cap."""
    catalogue, cap = system.world.catalogue, system.service.policy.max_per_creator
    over_cap = np.maximum(np.unique(catalogue.creator[page], return_counts=True)[1] - cap, 0).sum()
    return int(np.isin(page, system.online.seen(user)).sum() + catalogue.explicit[page].sum() + over_cap)


CASCADE_REQUESTS = 100
HEAVY_TOP = 20


def cascade_quality(system: System, users: np.ndarray) -> dict[str, float]:
    """What the pre-ranker costs: on the full candidate sets of some requests, the share of the
    heavy ranker's own top 20 that survives the pre-ranker's cut, and NDCG@10 against the oracle
    (synthetic worlds) of the heavy ranker behind the pre-ranker and of the heavy ranker alone."""
    world, online, service = system.world, system.online, system.service
    recall, with_cut, alone = [], [], []
    for user in users[:CASCADE_REQUESTS]:
        items = service.retriever.retrieve(service.user_vector(int(user))).items
        heavy = service.ranker.score(online.features(int(user), items, world.serve_time))
        kept = np.isin(items, service.shortlist(int(user), items, world.serve_time))
        top = np.argsort(-heavy, kind="stable")[:HEAVY_TOP]
        recall.append(float(kept[top].mean()))
        if world.oracle is not None:
            gain = world.oracle.engagement_prob(np.full(len(items), user), items, world.serve_time)
            with_cut.append(metrics.ndcg_at_k(gain, np.where(kept, heavy, -np.inf), 10))
            alone.append(metrics.ndcg_at_k(gain, heavy, 10))
    report = {
        "requests": float(len(recall)),
        "candidates_kept": float(service.prerank.keep if service.prerank else 0),
        f"heavy_top_{HEAVY_TOP}_recall_through_prerank": float(np.mean(recall)) if recall else float("nan"),
    }
    if with_cut:
        report["ndcg_at_10_oracle_with_prerank"] = float(np.nanmean(with_cut))
        report["ndcg_at_10_oracle_heavy_alone"] = float(np.nanmean(alone))
    return report
