"""Scoring speed: in-process time to score a 1,500-word and a 5,000-word 7-step answer (and
the 5,000 words again with no headings, read paragraph by paragraph), the wall time of the
whole `mlsd score` command; then a worst-case answer just under the 1 MB limit.

Run: python benchmarks/score.py [--runs N]
Targets: in-process median <= 50 ms for 1,500 words (and, scaling with length, <= 170 ms for
5,000 words); `mlsd score` wall median <= 400 ms. Each run scores with a new judge, so no
run reuses the reading of the answer made by the one before (compiled concepts are kept, as
they are between runs of the command).
Worst case (long whitespace heading lines, 30,000 headings that name no step, one giant
paragraph of the rubric's vocabulary in an order that never forms a phrase, and 15,000 short
sentences that each match an item needing depth but give none): `mlsd score` wall <= 5 s
and peak memory <= 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlsd_coach.answers import MAX_ANSWER_BYTES, parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import score
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.registry import make_judge

WORDS = 1500
LONG_WORDS = 5000
TARGET_MS = {WORDS: 50, LONG_WORDS: 170}
WORST_WALL_SECONDS = 5.0
WORST_PEAK_MB = 300


def private_home(directory: str) -> dict[str, str]:
    """The environment with mlsd's state (and so its content cache) in `directory`."""
    return {**os.environ, "MLSD_HOME": directory}


def answer_of(case, framework, words: int, headings: bool = True) -> str:
    """The case's model answer, each step trimmed (or repeated) so the whole is `words` words
    long, in paragraphs of about 120 words; under `## ` step headings, or none."""
    per_step = words // len(framework.steps)
    parts = []
    for step in framework.steps:
        text = case.model_answer[step.id].split()
        body = (text * (per_step // len(text) + 1))[:per_step]
        paragraphs = "\n\n".join(" ".join(body[i : i + 120]) for i in range(0, len(body), 120))
        parts.append(f"## {step.number}. {step.title}\n{paragraphs}" if headings else paragraphs)
    return "\n\n".join(parts)


def in_process_ms(case, framework, text: str, runs: int) -> float:
    glossary = load_glossary()
    score(OfflineJudge(glossary), case, framework, parse_answer(text, framework, case=case))  # compile once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        score(OfflineJudge(glossary), case, framework, parse_answer(text, framework, case=case))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def worst_case_answer(case, framework) -> str:
    """Just under 1 MB of everything that used to be slow: about a quarter each of long
    whitespace heading lines, unknown headings, one giant paragraph, matched sentences."""
    quarter = MAX_ANSWER_BYTES // 4 - 1_000
    heading = "## a" + " \t" * 2_500 + "x\n"
    headings = heading * (quarter // len(heading))
    unknown = "## zz\n" * (quarter // len("## zz\n"))
    phrases = [p for item in case.rubric for concept in item.concepts for p in concept.phrases()]
    vocabulary = sorted({w.lower() for p in phrases for w in p.split()} | {"and", "the"})
    giant = " ".join(vocabulary * (quarter // (len(" ".join(vocabulary)) + 1)))
    depth_item = next(item for item in case.rubric if item.needs_depth)
    sentence = f"We see {depth_item.concepts[0].name}. "
    sentences = sentence * (quarter // len(sentence))
    steps = framework.steps
    return (
        f"## {steps[0].number}. {steps[0].title}\n{headings}{unknown}\n"
        f"## {steps[2].number}. {steps[2].title}\n{giant}\n\n"
        f"## {_step_of(depth_item, framework)}\n{sentences}\n"
    )


def _step_of(item, framework) -> str:
    step = next(s for s in framework.steps if item.step in s.covers)
    return f"{step.number}. {step.title}"


def worst_case(case, framework, case_id: str) -> None:
    text = worst_case_answer(case, framework)
    size = len(text.encode("utf-8"))
    assert size <= MAX_ANSWER_BYTES, size
    judge = make_judge("offline")
    start = time.perf_counter()
    score(judge, case, framework, parse_answer(text, framework, case=case))
    in_process = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "worst.md"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "mlsd_coach", "score", case_id, str(path), "--scorer", "offline"]
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=private_home(tmp))
        wall = time.perf_counter() - start
    # The largest child so far; the worst case is by far the largest.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    verdict = "ok" if wall <= WORST_WALL_SECONDS and peak_mb <= WORST_PEAK_MB else "OVER BOUND"
    print(f"worst-case answer: {size:,} bytes")
    print(f"  in-process parse + score: {in_process:6.2f} s")
    print(
        f"  mlsd score wall:          {wall:6.2f} s (bound <= {WORST_WALL_SECONDS:g}); "
        f"peak memory {peak_mb:.0f} MB (bound <= {WORST_PEAK_MB}) {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--case", default="feed-ranking")
    args = parser.parse_args()

    library = load_library()
    framework = library.frameworks["seven-step"]
    case = library.case(args.case)
    text = answer_of(case, framework, WORDS)
    timings = [
        (f"{WORDS:,} words", in_process_ms(case, framework, text, args.runs), TARGET_MS[WORDS]),
        (
            f"{LONG_WORDS:,} words",
            in_process_ms(case, framework, answer_of(case, framework, LONG_WORDS), args.runs),
            TARGET_MS[LONG_WORDS],
        ),
        (
            f"{LONG_WORDS:,} words, no headings",
            in_process_ms(case, framework, answer_of(case, framework, LONG_WORDS, headings=False), args.runs),
            TARGET_MS[LONG_WORDS],
        ),
    ]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answer.md"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "mlsd_coach", "score", args.case, str(path), "--scorer", "offline"]
        env = private_home(tmp)
        subprocess.run(command, capture_output=True, check=True, env=env)  # fills the content cache
        walls = []
        for _ in range(max(5, args.runs // 3)):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=env)
            walls.append(time.perf_counter() - start)
    wall = statistics.median(walls)

    print(f"case {args.case}, 7-step; in-process parse + score, median of {args.runs}:")
    for label, ms, target in timings:
        verdict = "ok" if ms <= target else "OVER TARGET"
        print(f"  {label:<28} {ms:6.1f} ms (target <= {target}) {verdict}")
    print(f"mlsd score wall (median of {len(walls)}):   {wall * 1000:6.1f} ms (target <= 400)")
    worst_case(case, framework, args.case)


if __name__ == "__main__":
    main()
