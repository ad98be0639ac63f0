"""The interviewer's answers to clarifying questions, from the case's facts only.

A fact answers a question when one of its patterns stands in one clause of the question, in
any order, or when the fact's words (topic, patterns, answer) hold most of what the question
says, each word weighted by how rare it is among the case's facts; words are stemmed and a
few synonyms folded ("people" ~ "users", "daily" ~ "day"). A question no fact covers gets the
interviewer's stock reply: state an assumption. Nothing is invented.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

from mlsd_coach.content.models import CaseStudy, Fact, Probe
from mlsd_coach.prose import fold
from mlsd_coach.scoring.matcher import within_a_clause
from mlsd_coach.scoring.scorecard import StepResult
from mlsd_coach.scoring.text import CLAUSE, STOPWORDS, clause_stems, stem, stems

ASSUME = "I'd let you assume that — state your assumption and we'll go with it."
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


def answer_question(case: CaseStudy, question: str) -> Reply:
    """The best one or two facts for `question` by `rank_facts`' confidence rule, or the
    stock reply when none is confident."""
    facts = tuple(fact for fact, _ in rank_facts(case, question))
    if not facts:
        return Reply(ASSUME, ())
    return Reply(" ".join(fold(fact.answer) for fact in facts), facts)


@dataclass(frozen=True)
class _Match:
    phrase: float  # how specific the longest pattern found in one clause of the question is
    words: float  # the share of the question's information (idf) the fact's text holds
    matched: frozenset[str]  # the question's words the fact accounts for

    @property
    def total(self) -> float:
        return self.phrase + self.words


WORDS_ALONE = 0.45  # with no pattern in the question, the share of it a fact must cover
SECOND_SHARE = 0.8  # a second fact must score this share of the best one


def rank_facts(case: CaseStudy, question: str) -> list[tuple[Fact, float]]:
    """The facts that answer `question`, best first, at most MAX_FACTS: the best when a pattern
    of it stands in the question or its words cover enough of the question; a second only
    when a pattern of its own stands in the question, it scores nearly as well, and it
    answers other words of the question (a question asking two things)."""
    index = _index(case)
    asked = _folded(clause_stems(question))  # clause ends kept: a pattern never spans two
    words = {word for word in asked if word != CLAUSE and word not in _IGNORED}
    if not words:
        return []
    matches = [(fact, _match(index, position, asked, words)) for position, fact in enumerate(case.facts)]
    matches.sort(key=lambda pair: pair[1].total, reverse=True)
    best_fact, best = matches[0]
    if best.phrase == 0 and best.words < WORDS_ALONE:
        return []
    chosen = [(best_fact, best.total)]
    for fact, match in matches[1:MAX_FACTS]:
        if (
            match.phrase > 0
            and match.total >= SECOND_SHARE * best.total
            and not match.matched <= best.matched
        ):
            chosen.append((fact, match.total))
    return chosen


@dataclass(frozen=True)
class _Index:
    patterns: tuple[tuple[tuple[str, ...], ...], ...]  # per fact: its topic's and patterns' words
    words: tuple[frozenset[str], ...]  # per fact: every word of its topic, patterns and answer
    idf: dict[str, float]  # how rare each word is among the case's facts


_indexes: dict[tuple[int, str], _Index] = {}  # per case object: built once per process


def _index(case: CaseStudy) -> _Index:
    key = (id(case), case.id)
    if key not in _indexes:
        patterns = [tuple(p for p in map(_content, [fact.topic, *fact.patterns]) if p) for fact in case.facts]
        words = [
            frozenset(_content(fact.answer)).union(*phrases)
            for fact, phrases in zip(case.facts, patterns, strict=True)
        ]
        frequency = Counter(word for fact_words in words for word in fact_words)
        idf = {word: math.log(1 + len(words) / n) for word, n in frequency.items()}
        _indexes[key] = _Index(tuple(patterns), tuple(words), idf)
    return _indexes[key]


def _match(index: _Index, position: int, asked: tuple[str, ...], words: set[str]) -> _Match:
    phrase = 0.0
    matched: set[str] = set()
    for pattern in index.patterns[position]:
        if len(pattern) == 1 and pattern[0] in common_stems():
            continue  # one everyday word ("volume", "team") does not name the fact
        if within_a_clause(asked, pattern):
            phrase = max(phrase, 1.0 + 0.5 * (len(pattern) - 1))
            matched.update(pattern)
    fact_words = index.words[position]
    unseen = math.log(1 + len(index.words))  # a word no fact uses is as informative as the rarest
    information = sum(index.idf.get(word, unseen) for word in words)
    covered = sum(index.idf[word] for word in words & fact_words)
    matched.update(words & fact_words)
    return _Match(phrase, covered / information if information else 0.0, frozenset(matched))


def _content(text: str) -> tuple[str, ...]:
    """The folded stems of `text` that say something (not stop words or question filler)."""
    return tuple(word for word in _folded(stems(text)) if word not in _IGNORED)


def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_FOLDS.get(word, word) for word in words)


@cache
def common_stems() -> frozenset[str]:
    from mlsd_coach.scoring.matcher import common_words

    return frozenset(stem(word) for word in common_words())


class FactInterviewer:
    """The offline interviewer: clarifying answers from the case's facts, the case's own
    follow-up questions as they are written."""

    def answer(self, case: CaseStudy, question: str) -> Reply:
        return answer_question(case, question)

    def phrase(self, probe: Probe, result: StepResult) -> Probe:
        return probe
