"""The interviewer's answers to clarifying questions, from the case's facts only.

A question is matched against each fact's patterns by the content words they share, after
stemming and a few synonym folds ("people" ~ "users", "daily" ~ "day"), so rephrasings still
find their fact. A question no fact covers gets the interviewer's stock reply: state an
assumption. Nothing is invented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from mlsd_coach.content.models import CaseStudy, Fact, Probe
from mlsd_coach.prose import fold
from mlsd_coach.scoring.matcher import within_a_clause
from mlsd_coach.scoring.scorecard import StepResult
from mlsd_coach.scoring.text import CLAUSE, STOPWORDS, clause_stems, stem, stems

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


def rank_facts(case: CaseStudy, question: str) -> list[tuple[Fact, float]]:
    """The facts that answer `question`, best first, at most MAX_FACTS: the best when a pattern
    of it stands in the question or its words cover enough of the question; a second only
    when a pattern of its own stands in the question, it scores nearly as well, and it
    answers other words of the question (a question asking two things)."""
    index = _index(case)
    asked = [_fold_all(clause) for clause in _clauses(question)]
    words = {word for clause in asked for word in clause if word not in _IGNORED}
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


WORDS_ALONE = 0.45  # with no pattern in the question, the share of it a fact must cover
SECOND_SHARE = 0.8


@dataclass(frozen=True)
class _Index:
    patterns: tuple[tuple[tuple[str, ...], ...], ...]  # per fact: each pattern's folded stems
    weights: tuple[dict[str, float], ...]  # per fact: word -> 2 in topic/patterns, 1 in answer
    idf: dict[str, float]


_indexes: dict[tuple[int, str], _Index] = {}


def _index(case: CaseStudy) -> _Index:
    key = (id(case), case.id)
    found = _indexes.get(key)
    if found is None:
        patterns = []
        weights = []
        for fact in case.facts:
            phrases = tuple(
                phrase
                for phrase in (
                    tuple(w for w in _fold_all(stems(text)) if w not in _IGNORED)
                    for text in [fact.topic, *fact.patterns]
                )
                if phrase
            )
            patterns.append(phrases)
            weight = {word: 1.0 for word in _fold_all(stems(fact.answer)) if word not in _IGNORED}
            weight.update({word: 2.0 for phrase in phrases for word in phrase})
            weights.append(weight)
        count = len(case.facts)
        frequency: dict[str, int] = {}
        for weight in weights:
            for word in weight:
                frequency[word] = frequency.get(word, 0) + 1
        idf = {word: math.log(1 + count / n) for word, n in frequency.items()}
        found = _index_of(tuple(patterns), tuple(weights), idf)
        _indexes[key] = found
    return found


def _index_of(
    patterns: tuple[tuple[tuple[str, ...], ...], ...],
    weights: tuple[dict[str, float], ...],
    idf: dict[str, float],
) -> _Index:
    return _Index(patterns, weights, idf)


def _match(index: _Index, position: int, asked: list[tuple[str, ...]], words: set[str]) -> _Match:
    phrase = 0.0
    matched: set[str] = set()
    for pattern in index.patterns[position]:
        if len(pattern) == 1 and pattern[0] in common_stems():
            continue  # one everyday word ("volume", "team") does not name the fact
        if any(within_a_clause(clause, pattern) for clause in asked):
            phrase = max(phrase, 1.0 + 0.5 * (len(pattern) - 1))
            matched.update(pattern)
    weight = index.weights[position]
    unseen = math.log(1 + len(index.weights))  # a word no fact uses is as informative as the rarest
    information = sum(index.idf.get(word, unseen) for word in words)
    covered = sum(index.idf[word] * min(1.0, weight[word]) for word in words if word in weight)
    matched.update(word for word in words if word in weight)
    return _Match(phrase, covered / information if information else 0.0, frozenset(matched))


def _clauses(question: str) -> list[tuple[str, ...]]:
    """The question's stems, split where punctuation ends a clause."""
    clauses: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in clause_stems(question):
        if token == CLAUSE:
            if current:
                clauses.append(tuple(current))
            current = []
        else:
            current.append(token)
    if current:
        clauses.append(tuple(current))
    return clauses


def _fold_all(words: tuple[str, ...]) -> tuple[str, ...]:
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
