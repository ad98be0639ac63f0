"""The run report: what each stage did and measured, labelled with the blueprint component it
implements and the step of the 7-step framework it demonstrates.

Blueprint: component ids are those of the `feed-ranking` case's diagram, so each section can be
read next to the box it comes from (`mlsd cases show feed-ranking`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mlsd_coach.pipeline import phases
from mlsd_coach.pipeline.ann import RELEASE_RECALL
from mlsd_coach.pipeline.features import FEATURES
from mlsd_coach.pipeline.ranking import GradientBoostedRanker, RankingModel
from mlsd_coach.pipeline.serve import STAGE_BUDGET_MS, STAGES, Served
from mlsd_coach.pipeline.train import System

LATENCY_BUDGET_MS = 20.0
CODE = "mlsd_coach/pipeline/"


@dataclass(frozen=True)
class Section:
    title: str
    framework_step: str  # requirements, framing, data, model, evaluation, serving or monitoring
    blueprint: tuple[str, ...]  # component ids in the feed-ranking blueprint
    module: str
    facts: dict[str, str]
    seconds: float | None = None


@dataclass
class RunReport:
    world: dict[str, Any]
    sections: list[Section]
    metrics: dict[str, Any]
    latency_ms: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def build_report(
    system: System, metrics: dict[str, Any], served: list[Served], seconds: dict[str, float]
) -> RunReport:
    latency = latency_summary(served)
    return RunReport(
        describe_world(system), sections(system, metrics, latency, seconds), metrics, latency, seconds
    )


def latency_summary(served: list[Served]) -> dict[str, Any]:
    def percentiles(values: list[float], which: tuple[int, ...]) -> dict[str, float]:
        return {f"p{p}": float(np.percentile(values, p)) for p in which}

    return {
        "budget_ms": LATENCY_BUDGET_MS,
        "stage_budget_ms": dict(STAGE_BUDGET_MS),
        "requests": len(served),
        "total": percentiles([s.total_ms for s in served], (50, 95, 99)),
        "stages": {stage: percentiles([s.stage_ms[stage] for s in served], (50, 99)) for stage in STAGES},
    }


def describe_world(system: System) -> dict[str, Any]:
    world, log, timeline = system.world, system.world.log, system.world.timeline
    return {
        "name": world.name,
        "has_oracle": world.oracle is not None,
        "users": world.n_users,
        "items": world.catalogue.n_items,
        "impressions": len(log),
        "click_rate": float(log.click.mean()),
        "engagement_rate": float(log.engaged.mean()),
        "days": {
            "train": [timeline.first_train_day, timeline.last_train_day],
            "eval": timeline.eval_day,
            "drift": timeline.drift_day,
        },
    }


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def sections(
    system: System, metrics: dict[str, Any], latency: dict[str, Any], seconds: dict[str, float]
) -> list[Section]:
    world, log = system.world, system.world.log
    click_top = log.click[log.position == 0].mean()
    click_bottom = log.click[log.position == log.position.max()].mean()
    retrieval, pages, ranking = metrics["retrieval"], metrics["pages"], metrics["ranking"]
    quotas, policy = system.service.retriever.quotas, system.service.policy
    nan = float("nan")
    drift_feature, drift_psi = max(metrics["drift_psi"].items(), key=lambda kv: kv[1])
    return [
        Section(
            "Requirements",
            "requirements",
            ("mobile-client", "feed-service"),
            CODE + "run.py",
            {
                "catalogue": f"{world.catalogue.n_items:,} items, {world.n_users:,} users",
                "page": f"{policy.page_size} items per request",
                "latency budget": f"p99 <= {LATENCY_BUDGET_MS:g} ms per request on one thread",
            },
        ),
        Section(
            "Framing",
            "framing",
            ("candidate-generation", "ranking"),
            CODE + "two_tower.py, ranking.py",
            {
                "label": "engaged = clicked and watched at least half",
                "retrieval task": "the next engagement, as a softmax over the catalogue (two-tower)",
                "ranking task": "P(engaged | user, item, context), binary log loss",
            },
        ),
        Section(
            "Impression log and training data",
            "data",
            ("impression-log", "training-data-job"),
            CODE + "data.py, impressions.py, training_data.py",
            {
                "impressions": f"{len(log):,} ({_pct(log.click.mean())} clicked, {_pct(log.engaged.mean())} engaged)",
                "position bias": f"click rate {_pct(click_top)} at the top, {_pct(click_bottom)} at the bottom",
                "training rows": f"{len(system.rows):,}, features as of the start of each impression's day",
            },
            seconds.get(phases.WORLD, 0.0) + seconds.get(phases.TRAINING_ROWS, 0.0),
        ),
        Section(
            "Feature store",
            "data",
            ("feature-store",),
            CODE + "features.py",
            {
                "offline": f"{system.snapshots.n_snapshots} daily snapshots for point-in-time joins",
                "online": f"the snapshot of day {system.online.day}, read by the request path",
            },
            seconds.get(phases.SNAPSHOTS),
        ),
        Section(
            "Candidate generation",
            "model",
            ("model-training", "candidate-generation"),
            CODE + "two_tower.py, retrieval.py",
            {
                "two-tower": f"{system.two_tower.dim}-d, in-batch softmax with logQ correction",
                "sources": f"ANN {quotas.ann} + popular {quotas.popular} + fresh {quotas.fresh}; "
                "cold users: popular + fresh",
                "recall@100": f"two-tower {retrieval.get('recall_at_100_two_tower_exact', nan):.3f}, "
                f"most popular {retrieval.get('recall_at_100_popular', nan):.3f}",
            },
            seconds.get(phases.TWO_TOWER),
        ),
        Section(
            "ANN index",
            "serving",
            ("index-build", "ann-index"),
            CODE + "ann.py",
            {
                "index": f"{system.index.kind}, {system.index.nlist} cells, nprobe {system.index.nprobe}",
                "recall@100 vs exact": f"{retrieval.get('ann_recall_at_100_vs_exact', nan):.3f} "
                f"(gate: >= {RELEASE_RECALL:g})",
            },
            seconds.get(phases.ANN_INDEX),
        ),
        Section(
            "Pre-ranking",
            "model",
            ("pre-ranker",),
            CODE + "ranking.py (PreRanker)",
            {
                "model": f"logistic regression on {len(system.prerank.columns)} cheap features, "
                f"~{retrieval.get('candidates_per_request', nan):.0f} candidates -> {system.prerank.keep}",
                "budget": f"{STAGE_BUDGET_MS['prerank']:g} ms; heavy ranking {STAGE_BUDGET_MS['ranking']:g} ms",
                "cost": _cascade_summary(metrics.get("cascade", {})),
            },
        ),
        Section(
            "Ranking",
            "model",
            ("ranking",),
            CODE + "ranking.py",
            {
                "heavy ranker": _heavy_summary(system.rankers["gbdt"]),
                **{name: _ranking_summary(row) for name, row in ranking.items()},
            },
            seconds.get(phases.RANKERS),
        ),
        Section(
            "Re-ranking",
            "model",
            ("re-ranking",),
            CODE + "rerank.py",
            {
                "policy": f"drop seen and explicit, <= {policy.max_per_creator} per creator, MMR, "
                f"{len(policy.exploration_slots)} exploration slots",
                "diversity": f"{pages['ranker_top']['intra_list_diversity']:.3f} -> "
                f"{pages['reranked']['intra_list_diversity']:.3f}",
                "violations": f"{pages['reranked']['violations']:.0f} watched, explicit or over-cap items served",
            },
        ),
        Section(
            "Offline evaluation",
            "evaluation",
            ("offline-eval",),
            CODE + "evaluate.py, metrics.py",
            {
                "truth": "the oracle's top 100 and true engagement, plus the held-out day"
                if world.oracle is not None
                else "the held-out day of logs only (real data has no oracle)"
            },
            seconds.get(phases.EVALUATION),
        ),
        Section(
            "Serving",
            "serving",
            ("feed-service",),
            CODE + "serve.py",
            {
                "end to end": f"p50 {latency['total']['p50']:.2f} ms, p99 {latency['total']['p99']:.2f} ms "
                f"over {latency['requests']} requests",
            },
            seconds.get(phases.SERVING),
        ),
        Section(
            "Monitoring",
            "monitoring",
            ("monitoring",),
            CODE + "monitoring.py",
            {
                "largest drift": f"{drift_feature}, PSI {drift_psi:.3f}",
                "shadow": f"gbdt-lite agrees on {metrics['shadow']['agreement']['top_10_overlap']:.0%} "
                "of the production ranker's top 10",
            },
            seconds.get(phases.MONITORING),
        ),
    ]


def _heavy_summary(ranker: RankingModel) -> str:
    if not isinstance(ranker, GradientBoostedRanker):
        return ranker.name
    return f"LightGBM, {ranker.trees} trees x {ranker.config.leaves} leaves on {len(FEATURES)} features"


def _cascade_summary(row: dict[str, float]) -> str:
    if not row:
        return "not measured"
    summary = f"keeps {row['heavy_top_20_recall_through_prerank']:.0%} of the heavy ranker's top 20"
    if "ndcg_at_10_oracle_with_prerank" in row:
        summary += (
            f"; NDCG@10 on the truth {row['ndcg_at_10_oracle_with_prerank']:.3f} with it, "
            f"{row['ndcg_at_10_oracle_heavy_alone']:.3f} with the heavy ranker on every candidate"
        )
    return summary


def _ranking_summary(row: dict[str, float]) -> str:
    summary = f"AUC {row['auc_held_out']:.3f}; NDCG@10 {row['ndcg_at_10_held_out']:.3f} on logs"
    if "ndcg_at_10_oracle" in row:
        summary += f", {row['ndcg_at_10_oracle']:.3f} on the truth"
    return summary
