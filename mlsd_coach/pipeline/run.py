"""`mlsd pipeline run`: build a world, run the offline track, serve a day's traffic, evaluate and
monitor, and return the report stage by stage (`run_report.RunReport`).

Blueprint: every component, in the order of the 7-step framework; the default run (100,000 items,
20,000 users) takes about 80 s on two cores.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlsd_coach.pipeline import phases
from mlsd_coach.pipeline.data import World
from mlsd_coach.pipeline.phases import PhaseProgress, PhaseTimer
from mlsd_coach.pipeline.ranking import GbdtConfig, GradientBoostedRanker
from mlsd_coach.pipeline.run_report import RunReport, build_report
from mlsd_coach.pipeline.threads import one_blas_thread
from mlsd_coach.pipeline.train import build_system

CHALLENGER = GbdtConfig(trees=50, leaves=15)  # the shadow candidate: a cheaper ranker
SHADOW_REQUESTS = 100


@dataclass(frozen=True)
class RunConfig:
    users: int = 20_000
    items: int = 100_000
    seed: int = 7
    movielens: Path | None = None
    eval_users: int = 300


def load_world(config: RunConfig) -> World:
    if config.movielens is not None:
        from mlsd_coach.pipeline.movielens import load_movielens

        return load_movielens(config.movielens)
    from mlsd_coach.pipeline.synthetic import WorldConfig, synthetic_world

    return synthetic_world(WorldConfig(n_users=config.users, n_items=config.items, seed=config.seed))


def run_pipeline(config: RunConfig, progress: PhaseProgress | None = None) -> RunReport:
    from mlsd_coach.pipeline import evaluate, monitoring

    started = time.perf_counter()
    timer = PhaseTimer(progress)
    with timer.phase(phases.WORLD):
        world = load_world(config)
    system = build_system(world, timer, seed=config.seed)
    eval_day = world.log.on_days(world.timeline.eval_day, world.timeline.eval_day)
    users = np.random.default_rng(config.seed).permutation(np.unique(eval_day.user))[: config.eval_users]
    with timer.phase(phases.SERVING, total=len(users)), one_blas_thread():
        traffic = evaluate.serve_traffic(system, users, on_request=timer.progress.advance)
    with timer.phase(phases.EVALUATION):
        metrics = {
            "retrieval": evaluate.retrieval_quality(system, traffic),
            "ranking": evaluate.ranking_quality(system, traffic),
            "cascade": evaluate.cascade_quality(system, users),
            "pages": evaluate.page_quality(system, traffic),
        }
    with timer.phase(phases.MONITORING):
        challenger = GradientBoostedRanker.fit(system.rows, CHALLENGER, seed=config.seed, name="gbdt-lite")
        metrics["drift_psi"] = monitoring.drift(system, config.seed)
        metrics["shadow"] = monitoring.shadow(system, challenger, users[:SHADOW_REQUESTS])
    timer.seconds["total"] = time.perf_counter() - started
    return build_report(system, metrics, traffic.served, timer.seconds)
