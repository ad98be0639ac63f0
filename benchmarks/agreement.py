"""Agreement of the offline scorer with independent graders, on blind-written answers.

Run: python benchmarks/agreement.py [--part development|held_out] [--details]
Each answer in tests/data/calibration/answers/ is scored with `mlsd score --json --scorer
offline`, as a user would, and compared with the mean of the graders' overall scores
(tests/data/calibration/grades/). `split.yaml` fixes which answers are held out; tune only on
the development part and report the held-out one. Prints the mean absolute error, the
Spearman rank correlation and the share of answers whose level is within one of the graders'.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "calibration"
LEVELS = ["strong no hire", "no hire", "lean no hire", "lean hire", "hire", "strong hire"]


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    mean_a, mean_b = statistics.mean(ra), statistics.mean(rb)
    covariance = sum((x - mean_a) * (y - mean_b) for x, y in zip(ra, rb, strict=True))
    spread = (sum((x - mean_a) ** 2 for x in ra) * sum((y - mean_b) ** 2 for y in rb)) ** 0.5
    return covariance / spread if spread else 0.0


def scored(case_id: str, answer: Path) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "mlsd_coach",
        "score",
        case_id,
        str(answer),
        "--scorer",
        "offline",
        "--json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    card: dict[str, object] = json.loads(result.stdout)
    return card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["development", "held_out"], default="development")
    parser.add_argument("--details", action="store_true", help="print every answer's scores")
    args = parser.parse_args()
    split = yaml.safe_load((ROOT / "split.yaml").read_text(encoding="utf-8"))
    graders = [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "grades").glob("*.yaml"))
    ]
    ours, theirs, level_gaps = [], [], []
    for case_id, answer_ids in split[args.part].items():
        for answer_id in answer_ids:
            card = scored(case_id, ROOT / "answers" / case_id / f"{answer_id}.md")
            overall = card["overall"]
            assert isinstance(overall, dict)
            grades = [grader[answer_id] for grader in graders]
            graded = statistics.mean(grade["score"] for grade in grades)
            graded_level = statistics.mean(LEVELS.index(grade["level"]) for grade in grades)
            ours.append(float(overall["score"]))
            theirs.append(graded)
            level_gaps.append(abs(LEVELS.index(str(overall["level"])) - graded_level))
            if args.details:
                print(f"  {answer_id:<10} scorer {overall['score']:5.1f}  graders {graded:5.1f}")
    mae = statistics.mean(abs(a - b) for a, b in zip(ours, theirs, strict=True))
    within_one = sum(gap <= 1 for gap in level_gaps) / len(level_gaps)
    print(f"{args.part}: {len(ours)} answers graded by {len(graders)} graders")
    print(
        f"  mean absolute error  {mae:5.1f} points (scorer mean {statistics.mean(ours):.1f}, graders {statistics.mean(theirs):.1f})"
    )
    print(f"  Spearman rank corr.  {spearman(ours, theirs):5.2f}")
    print(f"  level within one     {within_one:5.0%}")


if __name__ == "__main__":
    main()
