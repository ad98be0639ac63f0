"""Scoring speed: in-process time to score a 1,500-word 7-step answer, and the wall time of
the whole `mlsd score` command.

Run: python benchmarks/score.py [--runs N]
Targets: in-process median <= 50 ms; `mlsd score` wall median <= 400 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.offline import OfflineScorer

WORDS = 1500


def answer_of(case, framework, words: int) -> str:
    """The case's model answer, each step trimmed so the whole is `words` words long."""
    per_step = words // len(framework.steps)
    parts = []
    for step in framework.steps:
        text = case.model_answer[step.id].split()
        parts.append(f"## {step.number}. {step.title}\n" + " ".join((text * 2)[:per_step]))
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--case", default="feed-ranking")
    args = parser.parse_args()

    library = load_library()
    framework = library.frameworks["seven-step"]
    case = library.case(args.case)
    text = answer_of(case, framework, WORDS)
    scorer = OfflineScorer(load_glossary())
    scorer.score(case, framework, parse_answer(text, framework))  # compile the rubric once
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        scorer.score(case, framework, parse_answer(text, framework))
        times.append(time.perf_counter() - start)
    in_process = statistics.median(times)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answer.md"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "mlsd_coach", "score", args.case, str(path), "--scorer", "offline"]
        subprocess.run(command, capture_output=True, check=True)
        walls = []
        for _ in range(max(5, args.runs // 3)):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            walls.append(time.perf_counter() - start)
    wall = statistics.median(walls)

    print(f"answer: {len(text.split())} words, case {args.case}, 7-step")
    print(f"in-process score (median of {args.runs}): {in_process * 1000:6.1f} ms (target <= 50)")
    print(f"mlsd score wall (median of {len(walls)}):   {wall * 1000:6.1f} ms (target <= 400)")


if __name__ == "__main__":
    main()
