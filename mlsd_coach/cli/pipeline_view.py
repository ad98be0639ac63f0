"""The terminal view of `mlsd pipeline`: progress bars on stderr while it runs, then the run
report section by section, or the benchmark's table of measures against its targets.

Reports arrive built (`pipeline.run_report.RunReport`, `pipeline.bench.BenchReport`); their
modules import NumPy, so they are named here for the type checker only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from mlsd_coach.pipeline.bench import BenchReport
    from mlsd_coach.pipeline.run_report import RunReport

LABELS = {
    "auc_held_out": "AUC, held-out day",
    "ndcg_at_10_held_out": "NDCG@10, held-out day",
    "ndcg_at_10_oracle": "NDCG@10, true engagement",
    "recall_at_100_two_tower_ann": "recall@100, two-tower via ANN",
    "recall_at_100_two_tower_exact": "recall@100, two-tower exact",
    "recall_at_100_popular": "recall@100, most popular",
    "recall_of_candidate_set": "recall of the merged candidates",
    "candidates_per_request": "candidates per request",
    "share_from_ann": "share of candidates from ANN",
    "share_from_popular": "share of candidates from popular",
    "share_from_fresh": "share of candidates from fresh",
    "ann_recall_at_100_vs_exact": "ANN recall@100 vs exact search",
    "ann_nprobe": "ANN cells probed (nprobe)",
    "intra_list_diversity": "intra-list diversity",
    "creators_per_page": "creators per page",
    "creator_coverage": "creator coverage",
    "catalogue_coverage": "catalogue coverage",
    "violations": "watched, explicit or over-cap items",
    "true_engagement_per_item": "true engagement per item",
    "ranking_ms": "ranking ms (median)",
    "top_10_overlap": "top-10 overlap",
}


class PhaseBars:
    """One progress row per phase, drawn on stderr; a phase ends when the next one starts.
    It is a `pipeline.phases.PhaseProgress`; without a Rich progress it draws nothing."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.total = progress, 1
        self.task: TaskID | None = None

    def start(self, phase: str, total: int | None = None) -> None:
        if self.progress is None:
            return
        self.finish()
        self.task, self.total = self.progress.add_task(phase, total=total), total or 1

    def advance(self, steps: int = 1) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, steps)

    def finish(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, total=self.total, completed=self.total)


@contextmanager
def phase_bars(enabled: bool) -> Iterator[PhaseBars]:
    if not enabled:
        yield PhaseBars(None)
        return
    # rich.progress costs ~12 ms to import: only a run that draws bars pays for it
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description:<46}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        bars = PhaseBars(progress)
        yield bars
        bars.finish()


def render_run(out: Console, report: RunReport) -> None:
    out.print(f"[bold]Reference three-stage recommender[/bold]\n{report.world['name']}")
    for number, section in enumerate(report.sections, 1):
        took = f", {section.seconds:.1f} s" if section.seconds is not None else ""
        out.print(f"\n[bold]{number}. {section.title}[/bold]{took}")
        out.print(
            f"   [dim]framework step: {section.framework_step}; blueprint: {', '.join(section.blueprint)}[/dim]"
        )
        out.print(f"   [dim]code: {section.module}[/dim]")
        for label, value in section.facts.items():
            out.print(f"   {label}: {value}")
    metrics = report.metrics
    truth = "the oracle's top 100" if report.world["has_oracle"] else "held-out engagements"
    tables = [
        _table("Ranking", ["metric", *metrics["ranking"]], _by_metric(metrics["ranking"])),
        _table(
            "What the pre-ranker costs",
            ["metric", "value"],
            [[_CASCADE_LABELS.get(k, k), _fmt(v)] for k, v in metrics.get("cascade", {}).items()],
        ),
        _table(
            f"Retrieval, against {truth}", ["metric", "value"], _by_metric({"value": metrics["retrieval"]})
        ),
        _table(
            "Pages, before and after re-ranking", ["metric", *metrics["pages"]], _by_metric(metrics["pages"])
        ),
        _table(
            "Drift, evaluation day to drift day",
            ["feature", "PSI", "status"],
            [[k, _fmt(v), _psi_status(v)] for k, v in metrics["drift_psi"].items()],
        ),
        _table("Shadow ranker, same requests", ["metric", *metrics["shadow"]], _by_metric(metrics["shadow"])),
    ]
    latency = report.latency_ms
    budgets = latency.get("stage_budget_ms", {})
    rows = [
        [stage, _fmt(v["p50"]), _fmt(v["p99"]), _fmt(budgets[stage]) if stage in budgets else ""]
        for stage, v in latency["stages"].items()
    ]
    rows.append(
        [
            "end to end",
            _fmt(latency["total"]["p50"]),
            _fmt(latency["total"]["p99"]),
            _fmt(latency["budget_ms"]),
        ]
    )
    tables.append(
        _table(f"Latency in ms, {latency['requests']} requests", ["stage", "p50", "p99", "budget"], rows)
    )
    for table in tables:
        out.print()
        out.print(table)
    verdict = "within" if latency["total"]["p99"] <= latency["budget_ms"] else "OVER"
    out.print(
        f"\np99 {latency['total']['p99']:.2f} ms: {verdict} the {latency['budget_ms']:g} ms budget. "
        f"Whole run: {report.seconds['total']:.1f} s."
    )


_CASCADE_LABELS = {
    "requests": "requests checked for the pre-ranker's cost",
    "candidates_kept": "candidates kept by the pre-ranker",
    "heavy_top_20_recall_through_prerank": "heavy ranker's top 20 kept by the pre-ranker",
    "ndcg_at_10_oracle_with_prerank": "NDCG@10 vs oracle, with the pre-ranker",
    "ndcg_at_10_oracle_heavy_alone": "NDCG@10 vs oracle, heavy ranker on every candidate",
}


def render_bench(out: Console, report: BenchReport) -> None:
    from mlsd_coach.pipeline.bench import CONTENDED_BELOW

    latency, met, targets = report.latency_ms, report.meets_targets, report.targets
    rows = [
        ["items / queries", f"{report.items:,} / {report.queries:,}", ""],
        ["build", f"{report.build_s:.1f} s", ""],
        [
            "end to end p50 / p95 / p99",
            f"{latency['p50']:.2f} / {latency['p95']:.2f} / {latency['p99']:.2f} ms",
            _ok(met["p99_ms"], f"p99 <= {targets['p99_ms']:g} ms"),
        ],
        *[
            [
                f"  {stage} p50 / p99",
                f"{v['p50']:.2f} / {v['p99']:.2f} ms",
                f"budget {report.stage_budget_ms[stage]:g} ms" if stage in report.stage_budget_ms else "",
            ]
            for stage, v in report.stages_ms.items()
        ],
        [
            "heavy ranker",
            f"{report.ranker.trees} trees x {report.ranker.leaves} leaves on {report.ranker.features} features",
            f"behind {report.ranker.prerank}, keeping {report.ranker.prerank_keeps}",
        ],
        *[
            [f"  {_CASCADE_LABELS.get(name, name)}", _fmt(value), ""]
            for name, value in report.cascade.items()
        ],
        [
            "ANN recall@100 vs exact",
            f"{report.ann_recall_at_100:.3f} (nprobe {report.ann.nprobe} of {report.ann.nlist})",
            _ok(met["ann_recall_at_100"], f">= {targets['ann_recall_at_100']:g}"),
        ],
        ["exact search p50", f"{report.brute_force_ms['p50']:.2f} ms", ""],
        [
            "serving CPU per wall second",
            f"{report.serving_cpu_per_wall:.2f}",
            "[yellow]contended[/yellow]" if report.contended else "1.00 = one thread",
        ],
        [
            "cores (this process / machine)",
            f"{report.machine.get('cores')} / {report.machine.get('machine_cores')}",
            "",
        ],
        [
            "whole bench",
            f"{report.bench_s:.1f} s",
            _ok(met["bench_s"], f"<= {targets['bench_s'] / 60:g} min"),
        ],
        [
            "peak memory",
            f"{report.peak_rss_mb:,.0f} MB",
            _ok(met["peak_rss_mb"], f"<= {targets['peak_rss_mb'] / 1024:g} GB"),
        ],
    ]
    out.print(_table("Pipeline benchmark (one thread per request)", ["measure", "value", "target"], rows))
    if report.contended:
        out.print(
            f"[yellow]warning: the serving thread got {report.serving_cpu_per_wall:.2f} CPU seconds per "
            f"wall second (below {CONTENDED_BELOW}): another process was using the cores, so these "
            "latencies overstate the system's; run it again on a quiet machine.[/yellow]"
        )


def _fmt(value: object) -> str:
    if not isinstance(value, float):
        return str(value)
    if value.is_integer() and abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3f}"


def _by_metric(columns: dict[str, dict[str, float]]) -> list[list[str]]:
    names = list(dict.fromkeys(metric for row in columns.values() for metric in row))
    return [
        [LABELS.get(name, name), *(_fmt(row[name]) if name in row else "" for row in columns.values())]
        for name in names
    ]


def _table(title: str, headers: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for k, header in enumerate(headers):
        table.add_column(header, justify="left" if k == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _psi_status(value: float) -> str:
    return "stable" if value < 0.1 else "moderate shift" if value < 0.25 else "major shift"


def _ok(met: bool, target: str) -> str:
    return f"{'met' if met else 'MISSED'}: {target}"
