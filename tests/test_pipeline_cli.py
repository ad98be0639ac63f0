"""`mlsd pipeline run` and `mlsd pipeline bench` through the real entry point: JSON keys, the
stage-by-stage report, bad options, and no heavy import at start-up."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console

from mlsd_coach.cli.main import main
from mlsd_coach.cli.pipeline_view import render_run

BENCH_KEYS = {
    "items",
    "queries",
    "build_s",
    "latency_ms",
    "stages_ms",
    "ann_recall_at_100",
    "brute_force_ms",
    "peak_rss_mb",
}
FRAMEWORK_STEPS = {"requirements", "framing", "data", "model", "evaluation", "serving", "monitoring"}


@pytest.fixture
def mlsd_pipeline(mlsd):
    return lambda *args: mlsd("pipeline", *args)


@pytest.mark.slow
def test_bench_json_has_the_keys_the_issue_lists(mlsd_pipeline):
    result = mlsd_pipeline("bench", "--items", "10000", "--queries", "40", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert BENCH_KEYS <= set(report)
    assert report["items"] == 10_000 and report["queries"] == 40
    assert set(report["latency_ms"]) == {"p50", "p95", "p99"}
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    assert set(report["stages_ms"]) == {"features", "retrieval", "prerank", "ranking", "rerank"}
    for stage in report["stages_ms"]:
        assert set(report["stages_ms"][stage]) == {"p50", "p99"}
    assert sum(report["stage_budget_ms"].values()) == report["targets"]["p99_ms"]
    assert 0 <= report["cascade"]["heavy_top_20_recall_through_prerank"] <= 1
    assert {"ndcg_at_10_oracle_with_prerank", "ndcg_at_10_oracle_heavy_alone"} <= set(report["cascade"])
    assert (
        report["ranker"]["trees"] == 300
        and report["ranker"]["leaves"] == 63
        and report["ranker"]["features"] == 40
    )
    assert set(report["brute_force_ms"]) == {"p50"} and report["brute_force_ms"]["p50"] > 0
    assert 0.95 <= report["ann_recall_at_100"] <= 1.0
    assert report["peak_rss_mb"] > 0 and report["build_s"] > 0
    assert (
        report["machine"]["cores"] >= 1 and report["machine"]["machine_cores"] >= report["machine"]["cores"]
    )
    assert {"python", "numpy", "faiss-cpu", "lightgbm", "threadpoolctl"} <= set(
        report["machine"]["libraries"]
    )
    assert report["contended"] == (report["serving_cpu_per_wall"] < 0.95)


def bench_report(cpu_per_wall: float):
    from mlsd_coach.pipeline.bench import AnnSummary, BenchReport, RankerSummary, machine

    return BenchReport(
        items=10_000,
        queries=40,
        build_s=1.0,
        latency_ms={"p50": 1.0, "p95": 2.0, "p99": 3.0},
        stages_ms={"features": {"p50": 0.1, "p99": 0.2}},
        stage_budget_ms={"features": 1.0},
        cascade={"heavy_top_20_recall_through_prerank": 0.9},
        ann_recall_at_100=0.99,
        brute_force_ms={"p50": 1.0},
        peak_rss_mb=500.0,
        bench_s=10.0,
        users=2000,
        seed=7,
        impressions=1000,
        ann=AnnSummary("faiss IVF-Flat", 64, 8, 40),
        ranker=RankerSummary("LightGBM", 150, 1000),
        candidates_per_request=500.0,
        warm_share_of_queries=0.9,
        serving_cpu_per_wall=cpu_per_wall,
        phases_s={},
        machine=machine(),
    )


@pytest.mark.parametrize(("cpu_per_wall", "warned"), [(0.82, True), (0.99, False)])
def test_a_contended_bench_says_so(cpu_per_wall, warned):
    from mlsd_coach.cli.pipeline_view import render_bench

    console = Console(record=True, width=120)
    render_bench(console, bench_report(cpu_per_wall))
    text = console.export_text()
    assert (
        "warning: the serving thread got 0.82 CPU seconds per wall second" in " ".join(text.split())
    ) == warned
    assert "contended" in text if warned else "1.00 = one thread" in text


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real `mlsd pipeline run --json` at a small size, shared by the tests that read it:
    building the pipeline is what costs, not reading its report."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MLSD_HOME", str(tmp_path_factory.mktemp("mlsd-home")))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main(["pipeline", "run", "--items", "5000", "--users", "1000", "--json"])
            except SystemExit as exit_:
                assert exit_.code in (0, None), stderr.getvalue()
    return json.loads(stdout.getvalue())


@pytest.mark.slow
def test_run_json_covers_every_framework_step(small_run):
    assert {section["framework_step"] for section in small_run["sections"]} == FRAMEWORK_STEPS
    assert all(section["blueprint"] for section in small_run["sections"])
    assert set(small_run["metrics"]) == {"retrieval", "ranking", "cascade", "pages", "drift_psi", "shadow"}
    assert set(small_run["latency_ms"]["stages"]) == {"features", "retrieval", "prerank", "ranking", "rerank"}


@pytest.mark.slow
def test_run_report_names_stages_steps_and_latency(small_run):
    """The terminal report, drawn from what `--json` printed: the JSON carries all it shows."""
    from mlsd_coach.pipeline.run_report import RunReport, Section  # NumPy: the slow tests only

    sections = [Section(**{**s, "blueprint": tuple(s["blueprint"])}) for s in small_run["sections"]]
    report = RunReport(**{**small_run, "sections": sections})
    out = Console(file=io.StringIO(), width=120, color_system=None)

    render_run(out, report)

    text = out.file.getvalue()
    for expected in (
        "Candidate generation",
        "framework step: model",
        "blueprint: re-ranking",
        "Latency in ms",
        "NDCG@10",
        "Whole run:",
    ):
        assert expected in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--items", "0"], "--items must be between"),
        (["run", "--items", "-5"], "--items must be between"),
        (["run", "--users", "10"], "--users must be between"),
        (["bench", "--items", "500"], "--items must be between"),
        (["bench", "--queries", "0"], "--queries must be between"),
    ],
)
def test_bad_sizes_are_bad_input(mlsd_pipeline, args, message):
    result = mlsd_pipeline(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_movielens_folder_without_ratings_is_bad_input(mlsd_pipeline, tmp_path):
    result = mlsd_pipeline("run", "--movielens", str(tmp_path))
    assert result.exit_code == 2
    assert "no ratings.dat or u.data" in result.stderr


def test_importing_the_pipeline_cli_loads_no_heavy_module():
    probe = (
        "import sys, mlsd_coach.cli.pipeline; "
        "print(sorted(m for m in ('numpy', 'faiss', 'lightgbm') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("command", ["run", "bench"])
def test_without_the_pipeline_extra_the_command_says_what_to_install(command):
    """As after `pip install mlsd-coach` without `[pipeline]`: faiss and lightgbm cannot be imported."""
    probe = (
        "import sys; sys.modules['faiss'] = sys.modules['lightgbm'] = None; "
        f"from mlsd_coach.cli.main import main; main(['pipeline', '{command}'])"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: `mlsd pipeline` needs faiss-cpu, lightgbm, which are not installed: "
        "pip install 'mlsd-coach[pipeline]'"
    ]
