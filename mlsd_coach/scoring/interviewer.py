"""The interviewer's answers to clarifying questions, from the case's facts only.

A question is matched against each fact's patterns by the content words they share, after
stemming and a few synonym folds ("people" ~ "users", "daily" ~ "day"), so rephrasings still
find their fact. A question no fact covers gets the interviewer's stock reply: state an
assumption. Nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_coach.content.models import CaseStudy, Fact, Probe
from mlsd_coach.prose import fold
from mlsd_coach.scoring.scorecard import StepResult
from mlsd_coach.scoring.text import STOPWORDS, stems

ASSUME = "I'd let you assume that — state your assumption and we'll go with it."
MATCH_THRESHOLD = 0.6
MAX_FACTS = 2

_FOLDS = {
    "peopl": "user",
    "person": "user",
    "custom": "user",
    "viewer": "user",
    "member": "user",
    "account": "user",
    "daili": "day",
    "fast": "latenc",
    "quick": "latenc",
    "slow": "latenc",
    "respons": "latenc",
    "request": "traffic",
    "qps": "traffic",
    "throughput": "traffic",
    "ground": "label",
    "target": "label",
    "goal": "object",
    "kpi": "object",
    "metric": "object",
    "success": "object",
}
_IGNORED = STOPWORDS | {
    "mani",
    "much",
    "big",
    "larg",
    "number",
    "i",
    "ask",
    "know",
    "tell",
    "about",
    "there",
    "ani",
}


@dataclass(frozen=True)
class Reply:
    text: str
    facts: tuple[Fact, ...]

    @property
    def answered(self) -> bool:
        return bool(self.facts)


def content_words(text: str) -> set[str]:
    return {_FOLDS.get(s, s) for s in stems(text) if s not in _IGNORED}


def answer_question(case: CaseStudy, question: str) -> Reply:
    asked = content_words(question)
    if not asked:
        return Reply(ASSUME, ())
    scored = []
    for fact in case.facts:
        match = max(_overlap(asked, content_words(pattern)) for pattern in [fact.topic, *fact.patterns])
        if match[0] >= MATCH_THRESHOLD:
            scored.append((match, fact))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    facts = tuple(fact for _, fact in scored[:MAX_FACTS])
    if not facts:
        return Reply(ASSUME, ())
    return Reply(" ".join(fold(fact.answer) for fact in facts), facts)


def _overlap(asked: set[str], pattern: set[str]) -> tuple[float, int]:
    """Share of the pattern's content words that the question uses, then how many (so the
    more specific of two full matches wins)."""
    if not pattern:
        return 0.0, 0
    shared = len(asked & pattern)
    return shared / len(pattern), shared


class FactInterviewer:
    """The offline interviewer: clarifying answers from the case's facts, the case's own
    follow-up questions as they are written."""

    def answer(self, case: CaseStudy, question: str) -> Reply:
        return answer_question(case, question)

    def phrase(self, probe: Probe, result: StepResult) -> Probe:
        return probe
