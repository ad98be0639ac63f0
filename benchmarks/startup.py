"""Start-up time of `mlsd cases list` against a minimal one-command Typer app's `--help`.

Run: python benchmarks/startup.py [--runs N]
Prints the median wall time of each (same interpreter, same machine) and their ratio;
the target is a ratio of 1.5 or less.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "minimal_app.py"
        app.write_text(MINIMAL_APP)
        baseline = median_seconds([sys.executable, str(app), "--help"], args.runs)
    ours = median_seconds([sys.executable, "-m", "mlsd_coach", "cases", "list"], args.runs)
    help_time = median_seconds([sys.executable, "-m", "mlsd_coach", "--help"], args.runs)
    print(f"minimal Typer app --help : {baseline * 1000:7.1f} ms (median of {args.runs})")
    print(f"mlsd --help              : {help_time * 1000:7.1f} ms")
    print(f"mlsd cases list          : {ours * 1000:7.1f} ms")
    print(f"ratio cases list / minimal: {ours / baseline:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
