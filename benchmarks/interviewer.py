"""How often the offline interviewer answers a clarifying question from the right fact.

Run: python benchmarks/interviewer.py [--part development|development/p|development/r|held_out|all]
                                      [--details] [--check]

The questions in tests/data/interviewer/<part>/<case>.yaml were written by helpers who saw
each case's prompt and its facts' topics and answers, never the patterns the interviewer
matches against; each is labelled with the fact (or facts) that should answer it, or `none`
when no fact does. `development` is what the matcher and the facts' patterns may be tuned on
(writer p, 150 questions, and writer r, 180 questions, added after the matcher and patterns
had been tuned on p, and measured once before any tuning on it); `held_out` was written by
another writer (q) and is only measured.

Prints, for the part chosen:
  hit rate: answerable questions whose reply includes a fact they should get (target >= 90 %);
  wrong-fact rate: questions whose reply includes a fact they should not get, counting any
  fact given to a `none` question (target <= 5 %);
  and how often a `none` question got the "assume" reply.
`--check` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "interviewer"
PARTS = ("development", "development/p", "development/r", "held_out")
HIT_TARGET = 0.90
WRONG_TARGET = 0.05


@dataclass(frozen=True)
class Asked:
    case: str
    question: str
    expected: frozenset[str]  # empty: no fact answers it


def questions(part: str) -> list[Asked]:
    found: list[Asked] = []
    for name in ("development", "held_out") if part == "all" else (part,):
        for path in sorted((ROOT / name).rglob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for entry in data["questions"]:
                labels = entry.get("facts") or [entry.get("fact")]
                expected = frozenset(label for label in labels if label and label != "none")
                found.append(Asked(data["case"], entry["q"], expected))
    return found


@dataclass(frozen=True)
class Outcome:
    asked: Asked
    given: tuple[str, ...]

    @property
    def hit(self) -> bool:
        return bool(set(self.given) & self.asked.expected)

    @property
    def wrong(self) -> bool:
        return bool(set(self.given) - self.asked.expected)


def measure(part: str) -> list[Outcome]:
    from mlsd_coach.content.registry import load_library
    from mlsd_coach.scoring.interviewer import answer_question

    library = load_library()
    outcomes = []
    for asked in questions(part):
        reply = answer_question(library.case(asked.case), asked.question)
        outcomes.append(Outcome(asked, tuple(fact.id for fact in reply.facts)))
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="held_out")
    parser.add_argument("--details", action="store_true", help="print every miss and wrong fact")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args()
    outcomes = measure(options.part)
    answerable = [o for o in outcomes if o.asked.expected]
    unanswerable = [o for o in outcomes if not o.asked.expected]
    hit = sum(o.hit for o in answerable) / max(1, len(answerable))
    wrong = sum(o.wrong for o in outcomes) / max(1, len(outcomes))
    declined = sum(not o.given for o in unanswerable) / max(1, len(unanswerable))
    if options.details:
        for o in outcomes:
            if not o.hit and o.asked.expected or o.wrong:
                print(
                    f"  {o.asked.case:22} {'MISS ' if not o.hit and o.asked.expected else 'WRONG'} {o.asked.question!r} -> {list(o.given)} want {sorted(o.asked.expected) or 'none'}"
                )
    print(
        f"part: {options.part} ({len(outcomes)} questions, {len(answerable)} answerable, {len(unanswerable)} not)"
    )
    print(f"hit rate:          {hit:.1%}  (target >= {HIT_TARGET:.0%})")
    print(f"wrong-fact rate:   {wrong:.1%}  (target <= {WRONG_TARGET:.0%})")
    print(f"'none' declined:   {declined:.1%}")
    missed = hit < HIT_TARGET or wrong > WRONG_TARGET
    return 1 if options.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
