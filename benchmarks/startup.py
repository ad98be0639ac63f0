"""Whole-command speed: `mlsd score`, `mlsd cases list` (with and without a content cache) and
`mlsd --help` against `mlsd --version` and a minimal one-command Typer app, measured in one run.

Run: python benchmarks/startup.py [--runs N]
Every command runs once per round, the rounds interleaved so a change in machine load hits
all of them alike; the figures are medians. Cold runs get a fresh, empty MLSD_HOME each time
(no cache); warm runs share one whose cache an untimed run has filled.
Targets, as ratios so that they hold on any machine:
  mlsd score (warm)       <= 2.0 x mlsd --version
  mlsd cases list (cold)  <= 1.5 x minimal Typer app --help
  mlsd cases list (warm)  <= 1.0 x minimal Typer app --help
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANSWER = REPO / "tests" / "data" / "answers" / "feed-ranking" / "mid.md"
MINIMAL_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''
MLSD = [sys.executable, "-m", "mlsd_coach"]
SCORE = [*MLSD, "score", "feed-ranking", str(ANSWER), "--scorer", "offline"]


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    warm: bool  # whether it runs with a cache filled by an earlier run


@dataclass(frozen=True)
class Target:
    label: str
    measured: str
    baseline: str
    bound: float


def commands(minimal_app: Path) -> list[Command]:
    return [
        Command("minimal Typer app --help", [sys.executable, str(minimal_app), "--help"], warm=True),
        Command("mlsd --version", [*MLSD, "--version"], warm=True),
        Command("mlsd --help", [*MLSD, "--help"], warm=True),
        Command("mlsd cases list (cold)", [*MLSD, "cases", "list"], warm=False),
        Command("mlsd cases list (warm)", [*MLSD, "cases", "list"], warm=True),
        Command("mlsd score (cold)", SCORE, warm=False),
        Command("mlsd score (warm)", SCORE, warm=True),
    ]


TARGETS = [
    Target("score warm / --version", "mlsd score (warm)", "mlsd --version", 2.0),
    Target("cases list cold / minimal", "mlsd cases list (cold)", "minimal Typer app --help", 1.5),
    Target("cases list warm / minimal", "mlsd cases list (warm)", "minimal Typer app --help", 1.0),
]


def environment(home: Path) -> dict[str, str]:
    """The commands run as an installed mlsd runs: with bytecode. pip compiles a wheel's modules
    when it installs them, but a checkout's editable install has none, and a shell that sets
    PYTHONDONTWRITEBYTECODE would recompile every module on every run; the bytecode goes to a
    folder beside the scratch homes instead of into the checkout."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "MLSD_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home.parent / "bytecode")
    env["MLSD_HOME"] = str(home)
    return env


def seconds(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, env=environment(home))
    return time.perf_counter() - start


def measure(runs: int, scratch: Path) -> dict[str, float]:
    minimal_app = scratch / "minimal_app.py"
    minimal_app.write_text(MINIMAL_APP)
    warm_home = scratch / "warm-home"
    table = commands(minimal_app)
    for command in table:  # fills the warm cache and the operating system's file cache
        seconds(command.argv, warm_home)
    times: dict[str, list[float]] = {command.label: [] for command in table}
    for run in range(runs):
        for command in table:
            home = warm_home if command.warm else scratch / f"cold-{run}-{len(times[command.label])}"
            times[command.label].append(seconds(command.argv, home))
    return {label: statistics.median(values) for label, values in times.items()}


def report(medians: dict[str, float], runs: int) -> None:
    print(f"median wall time of {runs} runs each, {sys.executable}")
    for label, value in medians.items():
        print(f"  {label:<26} {value * 1000:7.1f} ms")
    for target in TARGETS:
        ratio = medians[target.measured] / medians[target.baseline]
        verdict = "ok" if ratio <= target.bound else "OVER TARGET"
        print(f"ratio {target.label:<27} {ratio:5.2f} (target <= {target.bound:.1f}) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        medians = measure(args.runs, Path(tmp))
    report(medians, args.runs)


if __name__ == "__main__":
    main()
