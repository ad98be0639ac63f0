"""Agreement of the offline scorer with independent graders, on blind-written answers.

Run: python benchmarks/agreement.py [--part development|held_out|all] [--details] [--jobs N] [--check]

Each answer in tests/data/calibration/answers/ is scored with `mlsd score --json --scorer
offline`, as a user would, and compared with the graders (tests/data/calibration/grades/, one
file per grader; an answer's grade is the mean over the graders who graded it). The graders
never saw a rubric, and the writers never saw one either. `split.yaml` fixes which answers are
held out: tune only on the development part and report the held-out one.

Prints, for the part chosen:
  Spearman rank correlation of the overall scores, mean absolute error in points, exact and
  within-one agreement of the six-level recommendation, per-signal agreement of the four-point
  ratings (exact and within one), and the wrong-case ratio: each answer scored as the next case
  in the list, divided by its score on its own case.
`--check` exits 1 when a target of the issue is missed: Spearman >= 0.85, MAE <= 12, level
within one >= 90 %, wrong-case ratio <= 0.5 (the median, and no answer above 0.75).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "calibration"
LEVELS = ["strong no hire", "no hire", "lean no hire", "lean hire", "hire", "strong hire"]
SIGNALS = ["problem-navigation", "solution-design", "ml-depth", "production-readiness", "communication"]
TARGETS = {
    "spearman": 0.85,
    "mae": 12.0,
    "within_one": 0.90,
    "wrong_case_median": 0.5,
    "wrong_case_max": 0.75,
}

Scorer = Callable[[str, Path], dict[str, Any]]


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


def score_with_cli(case_id: str, answer: Path) -> dict[str, Any]:
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
    card: dict[str, Any] = json.loads(result.stdout)
    return card


@dataclass(frozen=True)
class Graded:
    """The graders' mean verdict on one answer."""

    answer_id: str
    case_id: str
    score: float
    level: float  # mean index into LEVELS
    signals: dict[str, float]  # mean 1-4 rating per signal
    graders: int


def graded_answers(part: str) -> list[Graded]:
    split = yaml.safe_load((ROOT / "split.yaml").read_text(encoding="utf-8"))
    graders = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "grades").glob("*.yaml"))
    ]
    parts = ["development", "held_out"] if part == "all" else [part]
    answers = []
    for name in parts:
        for case_id, answer_ids in split[name].items():
            for answer_id in answer_ids:
                grades = [grader[answer_id] for grader in graders if answer_id in grader]
                if not grades:
                    raise SystemExit(f"{answer_id}: no grader graded it")
                answers.append(
                    Graded(
                        answer_id,
                        case_id,
                        statistics.mean(g["score"] for g in grades),
                        statistics.mean(LEVELS.index(g["level"]) for g in grades),
                        {s: statistics.mean(g["signals"][s] for g in grades) for s in SIGNALS},
                        len(grades),
                    )
                )
    return answers


def other_case(case_id: str, cases: list[str]) -> str:
    return cases[(cases.index(case_id) + 1) % len(cases)]


@dataclass(frozen=True)
class Agreement:
    count: int
    spearman: float
    mae: float
    exact: float
    within_one: float
    signal_exact: dict[str, float]
    signal_within_one: dict[str, float]
    wrong_case: list[float]
    rows: list[tuple[Graded, dict[str, Any], dict[str, Any]]]

    @property
    def wrong_case_median(self) -> float:
        return statistics.median(self.wrong_case) if self.wrong_case else 0.0

    def missed(self) -> list[str]:
        checks = [
            ("Spearman", self.spearman >= TARGETS["spearman"]),
            ("mean absolute error", self.mae <= TARGETS["mae"]),
            ("level within one", self.within_one >= TARGETS["within_one"]),
            ("wrong-case ratio (median)", self.wrong_case_median <= TARGETS["wrong_case_median"]),
            ("wrong-case ratio (max)", max(self.wrong_case, default=0) <= TARGETS["wrong_case_max"]),
        ]
        return [name for name, ok in checks if not ok]


def measure(answers: list[Graded], scorer: Scorer, jobs: int = 2) -> Agreement:
    cases = sorted(
        {a.case_id for a in answers}
        | {"ad-click-prediction", "feed-ranking", "fraud-detection", "search-ranking"}
    )
    path = {a.answer_id: ROOT / "answers" / a.case_id / f"{a.answer_id}.md" for a in answers}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        own = list(pool.map(lambda a: scorer(a.case_id, path[a.answer_id]), answers))
        wrong = list(pool.map(lambda a: scorer(other_case(a.case_id, cases), path[a.answer_id]), answers))
    ours = [float(card["overall"]["score"]) for card in own]
    theirs = [a.score for a in answers]
    level_gaps = [
        abs(LEVELS.index(card["overall"]["level"]) - a.level) for card, a in zip(own, answers, strict=True)
    ]
    signal_exact, signal_within = {}, {}
    for signal in SIGNALS:
        gaps = [
            abs(card["signals"][signal]["rating"] - a.signals[signal])
            for card, a in zip(own, answers, strict=True)
        ]
        signal_exact[signal] = sum(gap < 0.75 for gap in gaps) / len(gaps)
        signal_within[signal] = sum(gap <= 1 for gap in gaps) / len(gaps)
    ratios = [
        float(w["overall"]["score"]) / float(o["overall"]["score"])
        for o, w in zip(own, wrong, strict=True)
        if float(o["overall"]["score"]) > 0
    ]
    return Agreement(
        count=len(answers),
        spearman=spearman(ours, theirs),
        mae=statistics.mean(abs(a - b) for a, b in zip(ours, theirs, strict=True)),
        exact=sum(gap < 0.75 for gap in level_gaps) / len(level_gaps),
        within_one=sum(gap <= 1 for gap in level_gaps) / len(level_gaps),
        signal_exact=signal_exact,
        signal_within_one=signal_within,
        wrong_case=ratios,
        rows=list(zip(answers, own, wrong, strict=True)),
    )


def report(part: str, result: Agreement, details: bool) -> None:
    if details:
        for graded, own, wrong in result.rows:
            print(
                f"  {graded.answer_id:<10} scorer {own['overall']['score']:5.1f} {own['overall']['level']:<15}"
                f" graders {graded.score:5.1f} {LEVELS[round(graded.level)]:<15}"
                f" wrong case {wrong['overall']['score']:5.1f}"
            )
    print(f"{part}: {result.count} answers, each graded by 1-4 graders who never saw the rubric")
    print(f"  Spearman rank correlation  {result.spearman:5.2f}   (target >= {TARGETS['spearman']})")
    print(f"  mean absolute error        {result.mae:5.1f} points (target <= {TARGETS['mae']:g})")
    print(f"  level exact                {result.exact:5.0%}")
    print(f"  level within one           {result.within_one:5.0%}   (target >= {TARGETS['within_one']:.0%})")
    for signal in SIGNALS:
        print(
            f"  signal {signal:<21} exact {result.signal_exact[signal]:4.0%}, "
            f"within one {result.signal_within_one[signal]:4.0%}"
        )
    print(
        f"  wrong-case ratio           median {result.wrong_case_median:.2f}, max {max(result.wrong_case, default=0):.2f}"
        f"   (target median <= {TARGETS['wrong_case_median']}, max <= {TARGETS['wrong_case_max']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--part", choices=["development", "held_out", "all"], default="development")
    parser.add_argument("--details", action="store_true", help="print every answer's scores")
    parser.add_argument("--jobs", type=int, default=2, help="answers scored at once (default 2)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    result = measure(graded_answers(args.part), score_with_cli, args.jobs)
    report(args.part, result, args.details)
    missed = result.missed()
    if missed:
        print(f"  targets missed: {', '.join(missed)}")
    if args.check and missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
