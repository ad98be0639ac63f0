"""Two-tower training on a shared machine: BLAS threads, and the cost of an optimiser step.

Run: python benchmarks/training_threads.py [--items N] [--batches B]

Prints, for one batch of two-tower training (1,024 pairs) on a world of N items:
  gradient step: median ms with BLAS on all cores and on one thread, first with the other
  cores idle, then with every other core kept busy by a spinning process (as on a shared
  machine or a CI runner); training holds BLAS to one thread (`pipeline.threads`);
  optimiser step: median ms of a dense Adam update of the creator table against the lazy one
  the pipeline uses (only the rows the batch touched), at the tables of 1M, 3M and 10M items;
  heavy ranker: seconds to train 60 of its trees (63 leaves, 40 features, the pipeline's
  training rows) on all cores, with the other cores idle and busy (the pipeline's OpenMP
  threads wait passively, so a busy core does not stall them).
Needs the [pipeline] extra.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        pass


@contextmanager
def other_cores(load: str) -> Iterator[None]:
    """Every other core kept busy by a spinning process inside the block (load "busy")."""
    from mlsd_coach.pipeline.threads import cores

    stop = multiprocessing.Event()
    spinners = [
        multiprocessing.Process(target=_spin, args=(stop,))
        for _ in range(cores() - 1 if load == "busy" else 0)
    ]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()


def median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--batches", type=int, default=30)
    options = parser.parse_args()

    from threadpoolctl import threadpool_limits

    from mlsd_coach.pipeline.features import build_snapshots, user_tower_inputs
    from mlsd_coach.pipeline.synthetic import WorldConfig, synthetic_world
    from mlsd_coach.pipeline.threads import cores
    from mlsd_coach.pipeline.two_tower import _gradients

    world = synthetic_world(WorldConfig(n_users=max(2_000, options.items // 20), n_items=options.items))
    catalogue, tl = world.catalogue, world.timeline
    snap = build_snapshots(world.log, catalogue, world.n_users, tl.n_days)
    positives = world.log.on_days(tl.first_train_day, tl.last_train_day)
    positives = positives.select(positives.engaged)
    history = user_tower_inputs(snap, positives.day, positives.user)
    rng = np.random.default_rng(0)
    dim = 32
    params = {
        "w_user": rng.normal(0, 0.1, (history.shape[1], dim)).astype(np.float32),
        "w_content": rng.normal(0, 0.1, (catalogue.content.shape[1], dim)).astype(np.float32),
        "topic_table": rng.normal(0, 0.1, (catalogue.n_topics, dim)).astype(np.float32),
        "creator_table": rng.normal(0, 0.1, (catalogue.n_creators, dim)).astype(np.float32),
    }
    batch = rng.choice(len(positives), 1024, replace=False)
    log_q = np.zeros(len(batch), dtype=np.float32)

    def step() -> object:
        return _gradients(params, history[batch], positives.item[batch], log_q, catalogue, 0.1)

    print(f"{options.items:,} items, {cores()} cores, one batch of 1,024 pairs")
    for load in ("idle", "busy"):
        with other_cores(load):
            every = median_ms(step, options.batches)
            with threadpool_limits(limits=1, user_api="blas"):
                one = median_ms(step, options.batches)
        print(
            f"gradient step, other cores {load}: BLAS on all cores {every:.1f} ms, on one thread {one:.1f} ms"
        )

    for items in (1_000_000, 3_000_000, 10_000_000):
        creators = items // 40  # as the synthetic world has them
        dense_ms, lazy_ms = optimiser_ms(creators, dim, rng)
        print(
            f"optimiser step, {creators:,} creators ({items:,} items): dense {dense_ms:.1f} ms, lazy {lazy_ms:.2f} ms"
        )

    from mlsd_coach.pipeline.ranking import GbdtConfig, GradientBoostedRanker
    from mlsd_coach.pipeline.training_data import training_rows

    rows = training_rows(world.log, snap, catalogue, tl.first_train_day, tl.last_train_day, max_rows=400_000)
    for load in ("idle", "busy"):
        with other_cores(load):
            started = time.perf_counter()
            GradientBoostedRanker.fit(rows, GbdtConfig(trees=60))
            seconds = time.perf_counter() - started
        print(f"heavy ranker, 60 trees on {len(rows):,} rows, other cores {load}: {seconds:.1f} s")


def optimiser_ms(creators: int, dim: int, rng: np.random.Generator) -> tuple[float, float]:
    """Median ms of a dense and of a lazy Adam step on a creator table, a batch's rows touched."""
    from mlsd_coach.pipeline.two_tower import RowGradient, _Adam

    table = rng.normal(0, 0.1, (creators, dim)).astype(np.float32)
    touched = np.unique(rng.integers(0, creators, 1024))
    values = rng.normal(0, 0.01, (len(touched), dim)).astype(np.float32)
    dense_grad = np.zeros((creators, dim), dtype=np.float32)
    dense, lazy = _Adam({"creator_table": table}, 0.01), _Adam({"creator_table": table.copy()}, 0.01)

    def dense_step() -> None:
        dense_grad[:] = 0
        dense_grad[touched] = values
        dense.step({"creator_table": dense_grad})

    return median_ms(dense_step, 10), median_ms(
        lambda: lazy.step({"creator_table": RowGradient(touched, values)}), 10
    )


if __name__ == "__main__":
    main()
