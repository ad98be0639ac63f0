"""`mlsd pipeline`: run the reference three-stage recommender, and benchmark it at scale.

The work is in `mlsd_coach.pipeline`; this module maps options onto it and `cli/pipeline_view.py`
draws the progress bars and the reports. NumPy, FAISS and LightGBM are imported inside the
commands only, after `require_pipeline_extra` has checked they are installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlsd_coach.cli.output import console, print_json
from mlsd_coach.cli.pipeline_view import phase_bars, render_bench, render_run
from mlsd_coach.errors import BadInputError

app = typer.Typer(
    help="Run the reference three-stage recommender (retrieval, ranking, re-ranking) and benchmark it.",
    no_args_is_help=True,
)

MIN_ITEMS, MAX_ITEMS = 1_000, 10_000_000
MIN_USERS, MAX_USERS = 100, 200_000
MIN_BENCH_ITEMS = 10_000
MAX_QUERIES = 100_000

JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the synthetic world.", metavar="S")]


PIPELINE_LIBRARIES = {
    "numpy": "numpy",
    "faiss": "faiss-cpu",
    "lightgbm": "lightgbm",
    "threadpoolctl": "threadpoolctl",
}


def require_pipeline_extra() -> None:
    """One line saying what to install when the `[pipeline]` extra is missing; imports nothing."""
    from importlib.util import find_spec

    missing = [package for module, package in PIPELINE_LIBRARIES.items() if find_spec(module) is None]
    if missing:
        raise BadInputError(
            f"`mlsd pipeline` needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
            "not installed: pip install 'mlsd-coach[pipeline]'"
        )


def _check_range(option: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise BadInputError(f"{option} must be between {low:,} and {high:,} (got {value:,})")


@app.command("run")
def run(
    users: Annotated[
        int, typer.Option("--users", help="Users in the synthetic world.", metavar="N")
    ] = 20_000,
    items: Annotated[
        int, typer.Option("--items", help="Items in the synthetic world.", metavar="N")
    ] = 100_000,
    seed: SeedOption = 7,
    movielens: Annotated[
        Path | None,
        typer.Option(
            "--movielens",
            help="Run on MovieLens ratings you already have, a folder with ratings.dat or u.data, "
            "instead of a synthetic world (--users and --items are then ignored).",
            metavar="DIR",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Build a world, train the three stages, evaluate them and report stage by stage (under a minute)."""
    require_pipeline_extra()
    _check_range("--users", users, MIN_USERS, MAX_USERS)
    _check_range("--items", items, MIN_ITEMS, MAX_ITEMS)
    if movielens is not None:
        from mlsd_coach.pipeline.movielens import find_ratings

        find_ratings(movielens)  # fail before the progress bars start
    from mlsd_coach.pipeline.run import RunConfig, run_pipeline

    with phase_bars(enabled=not as_json) as bars:
        report = run_pipeline(RunConfig(users=users, items=items, seed=seed, movielens=movielens), bars)
    if as_json:
        print_json(report.to_json())
        return
    render_run(console(), report)


@app.command("bench")
def bench(
    items: Annotated[
        int,
        typer.Option(
            "--items",
            help="Items in the catalogue, 10,000 to 10,000,000 (past 2,000,000 the index is IVF-PQ with an exact re-rank).",
            metavar="N",
        ),
    ] = 1_000_000,
    queries: Annotated[int, typer.Option("--queries", help="Single requests to time.", metavar="N")] = 1000,
    seed: SeedOption = 7,
    as_json: JsonOption = False,
) -> None:
    """Build the world at N items, serve Q requests one at a time end to end, report latency and recall."""
    require_pipeline_extra()
    _check_range("--items", items, MIN_BENCH_ITEMS, MAX_ITEMS)
    _check_range("--queries", queries, 1, MAX_QUERIES)
    from mlsd_coach.pipeline.bench import BenchConfig, run_bench

    with phase_bars(enabled=not as_json) as bars:
        report = run_bench(BenchConfig(items=items, queries=queries, seed=seed), bars)
    if as_json:
        print_json(report.to_json())
        return
    render_bench(console(), report)
