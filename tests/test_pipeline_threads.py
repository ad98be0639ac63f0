"""Threads where they belong, and an optimiser step that costs what the batch holds."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from mlsd_coach.pipeline.threads import cores, one_blas_thread
from mlsd_coach.pipeline.two_tower import RowGradient, _Adam


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_blas_runs_on_one_thread_inside_the_block_and_as_before_after_it():
    before = blas_threads()
    with one_blas_thread():
        assert blas_threads() == {1}
    assert blas_threads() == before
    assert cores() >= 1


def test_a_lazy_step_moves_the_touched_rows_as_a_dense_step_would_and_leaves_the_rest():
    rng = np.random.default_rng(0)
    table = rng.normal(size=(50, 4)).astype(np.float32)
    rows = np.array([3, 7, 41])
    values = rng.normal(size=(3, 4)).astype(np.float32)
    dense_grad = np.zeros_like(table)
    dense_grad[rows] = values
    dense, lazy = _Adam({"t": table.copy()}, 0.01), _Adam({"t": table.copy()}, 0.01)
    for _ in range(3):  # the same rows each step: the two updates agree exactly
        dense.step({"t": dense_grad})
        lazy.step({"t": RowGradient(rows, values)})
    np.testing.assert_allclose(lazy.params["t"], dense.params["t"], rtol=1e-6)
    untouched = np.setdiff1d(np.arange(50), rows)
    np.testing.assert_array_equal(lazy.params["t"][untouched], table[untouched])
    lazy.step({"t": RowGradient(np.array([0]), values[:1])})  # another row: the others keep their values
    np.testing.assert_allclose(lazy.params["t"][rows], dense.params["t"][rows], rtol=1e-6)


def test_openmp_threads_wait_passively_so_a_busy_core_does_not_stall_training():
    import subprocess
    import sys

    code = "import mlsd_coach.pipeline.ranking, os; print(os.environ['OMP_WAIT_POLICY'])"
    env = {key: value for key, value in __import__("os").environ.items() if key != "OMP_WAIT_POLICY"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "PASSIVE"
