"""The reference pipeline at scale: build a 1,000,000-item world, serve single requests end to end
(feature lookup, retrieval, ranking, re-ranking) one at a time, and check the targets.

Run: python benchmarks/pipeline.py [--items N] [--queries N] [--seed S]
Targets: p99 <= 20 ms, ANN recall@100 >= 0.95, whole bench <= 5 minutes, peak RSS <= 4 GB
(at 10,000,000 items: <= 15 minutes, <= 8 GB).
Same core as `mlsd pipeline bench --json`.
"""

from __future__ import annotations

import argparse
import json

from mlsd_coach.pipeline.bench import BenchConfig, BenchReport, run_bench


def summary(report: BenchReport) -> str:
    targets = report.targets
    parts = [
        f"p99 {report.latency_ms['p99']:.2f} ms (<= {targets['p99_ms']:g})",
        f"ANN recall@100 {report.ann_recall_at_100:.3f} (>= {targets['ann_recall_at_100']:g})",
        f"bench {report.bench_s:.0f} s (<= {targets['bench_s']:g})",
        f"peak RSS {report.peak_rss_mb:,.0f} MB (<= {targets['peak_rss_mb']:g})",
    ]
    missed = [name for name, ok in report.meets_targets.items() if not ok]
    verdict = "all targets met" if not missed else "MISSED: " + ", ".join(missed)
    warning = (
        f"\nwarning: contended run (serving CPU per wall second {report.serving_cpu_per_wall:.2f} < 0.95): "
        "the latencies overstate the system's"
        if report.contended
        else ""
    )
    return (
        f"{report.items:,} items, {report.queries:,} queries: " + " · ".join(parts) + f": {verdict}{warning}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    report = run_bench(BenchConfig(items=args.items, queries=args.queries, seed=args.seed))
    print(json.dumps(report.to_json(), indent=2))
    print(summary(report))


if __name__ == "__main__":
    main()
