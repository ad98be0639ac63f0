"""The interviewer's answers to clarifying questions, from the case's facts only.

A fact is scored by how much of what the question says its words account for: each word of
the question weighs by how rare it is among the case's facts, and a word the fact only has
in its answer counts for less than one in its topic or patterns. A pattern that stands in
one clause of the question adds to that, the more the more specific the pattern is. Patterns
are compiled like rubric concepts, so the glossary widens them ("QPS" also matches "queries
per second"), and they keep the words that give them their sense: question cues ("how many
ads" is not any mention of ads) and negations and particles ("logged out" is not "logs",
"users with no friends" is not "how many friends"). Words are stemmed and everyday synonyms
that the glossary, which holds only exact equivalents, lacks are folded: as stems ("people" ~
"users", "daily" ~ "day", "grader" ~ "label", "desktop" ~ "web") and, for phrases and for
words whose stem also has another sense, in the text ("thumbs-down" ~ "dislike", "takedown" ~
"removal", "north star" ~ "objective", "targets" ~ "goal" but not "targeting"). How people
talk while they ask ("I'd guess", "actually", "is that right?") is not counted as what they
ask. The best fact answers when it covers most of the question, a fair part of it with one of
its patterns in the question, or a third of it when it clearly leads the runner-up. A
question no fact covers gets the interviewer's stock reply: state an assumption. Nothing is
invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from mlsd_coach.content.models import CaseStudy, Concept, Fact, Glossary, Probe
from mlsd_coach.content.registry import load_glossary
from mlsd_coach.prose import fold
from mlsd_coach.scoring.matcher import ConceptCompiler, common_words, within_a_clause
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
    "ground": "label",
    "goal": "object",
    "kpi": "object",
    "metric": "object",
    "success": "object",
    "grade": "label",
    "grader": "label",
    "gore": "graphic",
    "desktop": "web",
    "revers": "overturn",
    "cap": "limit",
    "deploy": "current",
    "downrank": "demot",
    "teen": "minor",
    "teenag": "minor",
}
# Everyday ways of saying what a fact calls otherwise, folded in the text before it is
# stemmed: phrases, and words whose stem is shared with a word of another sense ("targets"
# is a goal, "targeting" is not).
_TEXT_FOLDS = [
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in [
        (r"\bthumbs?[- ]?down\b", "dislike"),
        (r"\b(?:take|taking|taken|took)[- ]?downs?\b", "removal"),
        (r"\bnorth[- ]stars?\b", "objective"),
        (r"\btargets?\b", "goal"),
    ]
]
# Words that say nothing about what is asked: stop words and a few question fillers, as
# words and as stems ("does" stems to "doe"), and what a contraction leaves ("didn't").
_FILLER = STOPWORDS | {"many", "much", "big", "large", "number", "ask", "know", "tell"}
# How people talk while they ask: hedges, asides and vague nouns ("I'd guess", "is that
# right?", "actually", "stuff"). No fact is about them, and as words no fact uses they
# would weigh as much as the rarest word and drown what the question is about.
_CONVERSATIONAL = set(
    """actually really right just something anything everything stuff thing things guess
    guessing imagine assume assuming think thinking try trying figure wonder wondering curious
    usually basically probably maybe perhaps say want okay ok sure mean even still kind sort
    get got way ways whether roughly ballpark approximately""".split()
)
_CONTRACTED = set("didn don doesn isn aren wasn weren won haven hasn re ll ve".split())
_IGNORED = frozenset(
    {stem(word) for word in _FILLER | _CONVERSATIONAL}
    | _FILLER
    | _CONVERSATIONAL
    | _CONTRACTED
    | set("abcdefghijklmnopqrstuvwxyz")
)
# Ignored words a pattern keeps, since they make it mean what it does: the kind of question
# ("how many", "how long", "which") and negations and particles ("no history", "logged out");
# "long" and "often" are no filler, but in a pattern they too only say what kind of question.
_CUES = frozenset(stem(word) for word in "how what which when where who why many much big long often".split())
_NEGATIONS = frozenset(stem(word) for word in "no not never without out off up down".split())
_KEPT = _CUES | _NEGATIONS


@dataclass(frozen=True)
class Reply:
    text: str
    facts: tuple[Fact, ...]

    @property
    def answered(self) -> bool:
        return bool(self.facts)


def answer_question(case: CaseStudy, question: str, glossary: Glossary | None = None) -> Reply:
    """The best one or two facts for `question` by `rank_facts`' confidence rule, or the
    stock reply when none is confident."""
    facts = tuple(fact for fact, _ in rank_facts(case, question, glossary))
    if not facts:
        return Reply(ASSUME, ())
    return Reply(" ".join(fold(fact.answer) for fact in facts), facts)


@dataclass(frozen=True)
class _Match:
    phrase: float  # how specific the most specific pattern found in one clause of the question is
    words: float  # the share of the question's information (idf) the fact's text holds
    matched: frozenset[str]  # the question's words the fact accounts for

    @property
    def total(self) -> float:
        return self.phrase + self.words


ANSWER_WEIGHT = 0.7  # a question word found only in a fact's answer, against its topic or patterns
PHRASE_ONE = 0.3  # a pattern of one word that is not common English ("DAU", "latency")
PHRASE_COMMON = 0.2  # a pattern of one common word ("logs", "traffic"): it hints, no more
PHRASE_MORE = 0.5  # each further content word of a pattern
PHRASE_CUE = 0.3  # a pattern that also holds the kind of question ("how many ads")
WORDS_ALONE = 0.45  # with no pattern in the question, the share of it a fact must cover
WORDS_ALONE_MATCHED = 2  # ... in at least this many of its words (so too with WORDS_CLEAR)
WORDS_WITH_PHRASE = 0.2  # with a pattern in the question, the share a fact must still cover
WORDS_CLEAR = 0.33  # with neither, the share a fact must cover when it clearly leads ...
CLEAR_LEAD = 0.5  # ... that is, when the runner-up scores at most this share of its score
SECOND_OWN_SHARE = 0.25  # of the question, what a second fact and the best must each answer alone


def rank_facts(case: CaseStudy, question: str, glossary: Glossary | None = None) -> list[tuple[Fact, float]]:
    """The facts that answer `question`, best first, at most MAX_FACTS. The best when its
    words cover enough of the question: most of it; or, when a pattern of it stands in the
    question, a fair part of it (a pattern alone in a question about something else, "PCI"
    in "which cloud provider hosts the PCI zone", is not enough); or a third of it when it
    scores at least twice what the runner-up does (a question in words of its own that only
    one fact speaks to, rather than one that touches several). A second only when a
    pattern of its own stands in the question and the question asks two things: the words
    the second alone accounts for, and those the best alone accounts for, each carry a fair
    share of what the question says."""
    matches, information = _matches(case, question, glossary or load_glossary())
    if not matches:
        return []
    best_fact, best = matches[0]
    several = len(best.matched) >= WORDS_ALONE_MATCHED
    runner_up = matches[1][1].total if len(matches) > 1 else 0.0
    alone = several and best.words >= WORDS_ALONE
    clear = several and best.words >= WORDS_CLEAR and runner_up <= CLEAR_LEAD * best.total
    if not (alone or clear or (best.phrase > 0 and best.words >= WORDS_WITH_PHRASE)):
        return []

    def share(words: frozenset[str]) -> float:
        return sum(information[word] for word in words if word in information) / sum(information.values())

    chosen = [(best_fact, best.total)]
    for fact, match in matches[1:MAX_FACTS]:
        if (
            match.phrase > 0
            and share(match.matched - best.matched) >= SECOND_OWN_SHARE
            and share(best.matched - match.matched) >= SECOND_OWN_SHARE
        ):
            chosen.append((fact, match.total))
    return chosen


def _matches(
    case: CaseStudy, question: str, glossary: Glossary
) -> tuple[list[tuple[Fact, _Match]], dict[str, float]]:
    """Every fact of `case` with how it matches `question`, best first, and how much each
    word of the question says (its idf among the case's facts)."""
    index = _index(case, glossary)
    asked = _folded(clause_stems(_text_folded(question)))  # clause ends kept: a pattern never spans two
    words = {word for word in asked if word != CLAUSE and word not in _IGNORED}
    if not words:
        return [], {}
    unseen = math.log(1 + len(index.words))  # a word no fact uses is as informative as the rarest
    information = {word: index.idf.get(word, unseen) for word in words}
    matches = [
        (fact, _match(index, position, asked, information)) for position, fact in enumerate(case.facts)
    ]
    matches.sort(key=lambda pair: pair[1].total, reverse=True)
    return matches, information


@dataclass(frozen=True)
class _Index:
    patterns: tuple[tuple[tuple[str, ...], ...], ...]  # per fact: its topic's and patterns' terms
    named: tuple[frozenset[str], ...]  # per fact: the content words of its topic and patterns
    words: tuple[frozenset[str], ...]  # per fact: those and its answer's words
    idf: dict[str, float]  # how rare each word is among the case's facts


# Per case id, the last case and glossary indexed and their index: built once per process, and
# again only for another object (an edited copy of the case), never for a recycled object id.
_indexes: dict[str, tuple[CaseStudy, Glossary, _Index]] = {}


def _index(case: CaseStudy, glossary: Glossary) -> _Index:
    known = _indexes.get(case.id)
    if known is not None and known[0] is case and known[1] is glossary:
        return known[2]
    compiler = ConceptCompiler(glossary)
    patterns = [_fact_patterns(compiler, fact) for fact in case.facts]
    named = [
        frozenset(word for pattern in terms for word in pattern if word not in _KEPT) for terms in patterns
    ]
    words = [frozenset(_content(fact.answer)) | names for fact, names in zip(case.facts, named, strict=True)]
    frequency = Counter(word for fact_words in words for word in fact_words)
    idf = {word: math.log(1 + len(words) / n) for word, n in frequency.items()}
    index = _Index(tuple(patterns), tuple(named), tuple(words), idf)
    _indexes[case.id] = (case, glossary, index)
    return index


_CLAUSE_MARK = re.compile(r"[,;]")


def _fact_patterns(compiler: ConceptCompiler, fact: Fact) -> tuple[tuple[str, ...], ...]:
    """The fact's topic and patterns compiled as concepts (so widened by the glossary), each
    term without its filler words but with the cue and negation words that give it its sense."""
    found: dict[tuple[str, ...], None] = {}
    for phrase in (fact.topic, *fact.patterns):
        concept = Concept(name=_CLAUSE_MARK.sub(" ", _text_folded(phrase)))  # a topic may hold a list
        for term in compiler.compile(concept).terms:
            pattern = _folded(tuple(word for word in term.stems if word not in _IGNORED or word in _KEPT))
            if any(word not in _KEPT for word in pattern):
                found[pattern] = None
    return tuple(found)


def _strength(pattern: tuple[str, ...]) -> float:
    """How much a pattern found in the question says the fact is what is asked."""
    content = [word for word in pattern if word not in _KEPT]
    if len(content) == 1 and content[0] in common_stems():
        strength = PHRASE_COMMON
    else:
        strength = PHRASE_ONE + PHRASE_MORE * (len(content) - 1)
    return strength + (PHRASE_CUE if len(content) < len(pattern) else 0.0)


def _match(index: _Index, position: int, asked: tuple[str, ...], information: dict[str, float]) -> _Match:
    phrase = 0.0
    matched: set[str] = set()
    for pattern in index.patterns[position]:
        if within_a_clause(asked, pattern):
            phrase = max(phrase, _strength(pattern))
            matched.update(word for word in pattern if word not in _KEPT)
    named, fact_words = index.named[position], index.words[position]
    found = information.keys() & fact_words
    covered = sum(information[word] * (1.0 if word in named else ANSWER_WEIGHT) for word in found)
    matched.update(found)
    return _Match(phrase, covered / sum(information.values()), frozenset(matched))


def _content(text: str) -> tuple[str, ...]:
    """The folded stems of `text` that say something (not stop words or question filler)."""
    return tuple(word for word in _folded(stems(_text_folded(text))) if word not in _IGNORED)


def _text_folded(text: str) -> str:
    for pattern, replacement in _TEXT_FOLDS:
        text = pattern.sub(replacement, text)
    return text


def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_FOLDS.get(word, word) for word in words)


@cache
def common_stems() -> frozenset[str]:
    return frozenset(stem(word) for word in common_words())


class FactInterviewer:
    """The offline interviewer: clarifying answers from the case's facts, the case's own
    follow-up questions as they are written."""

    def answer(self, case: CaseStudy, question: str) -> Reply:
        return answer_question(case, question)

    def phrase(self, probe: Probe, result: StepResult) -> Probe:
        return probe
