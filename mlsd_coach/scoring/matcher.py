"""Find rubric concepts in sentences.

A concept's phrases are compiled once to terms: the stems of each phrase without its light
words, widened by the glossary (a phrase that is, or contains, a glossary term also matches
every other term of its group; a joined prefix word such as "multitask" also matches
"multi task"). A term is found in a sentence when all its stems stand, in any order, inside
one clause and within a few words of each other: "expected clicks vs the actual observed
clicks" holds "expected … observed", but no term reaches across a comma or into the next
bullet.

A term that is one common English word ("exploration", "available", "trend") is not
*distinctive*: it shows the concept may be meant, not that it is (the offline judge asks for
more before it credits an item). A one-word term is not found right after a modifier that
makes it another metric: "accuracy" in "balanced accuracy" or "top-k accuracy", "AUC" in
"PR-AUC", "precision" in "average precision".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mlsd_coach.content.models import Concept, Glossary
from mlsd_coach.scoring.text import CLAUSE, LIGHT_WORDS, PREFIXES, Sentence, content_stems, stem, tokens

Pattern = tuple[str, ...]
SLACK = 3  # words a term's stems may be spread over beyond their own number
COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")
# Common English words that, in an ML design answer, name one technical idea.
TECHNICAL_WORDS = frozenset(
    """accuracy recall precision baseline drift regression classifier classification cache caching
    shard sharding replica bandit ensemble gradient latency throughput embedding embeddings
    calibration leakage dropout overfitting underfitting regularization normalization pipeline
    streaming batch batching quantization distillation inference""".split()
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b|\d")
# Stems of words that, right before a metric's name, make it a different metric.
OTHER_METRIC_MODIFIERS = frozenset({"balanc", "pr", "averag", "top", "k"})


@dataclass(frozen=True)
class Term:
    """One way of writing a concept: its stems, and whether it alone evidences the concept."""

    stems: Pattern
    distinctive: bool


@dataclass(frozen=True)
class CompiledConcept:
    name: str
    terms: tuple[Term, ...]


Phrases = tuple[str, ...]
CompiledTable = dict[Phrases, tuple[Term, ...]]
# What every compiler built in this process compiled, per glossary: scoring in a loop (a
# practice session, a test suite) compiles each concept once.
_compiled_by_glossary: dict[tuple[Phrases, ...], CompiledTable] = {}


@cache
def common_words() -> frozenset[str]:
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#")) - TECHNICAL_WORDS


def is_distinctive(phrase: str) -> bool:
    """Whether `phrase` alone evidences its concept: several content words, an acronym or a
    number, or one word that is not common English."""
    words = [word for word in tokens(phrase) if word not in LIGHT_WORDS]
    if len(words) != 1:
        return bool(words)
    return bool(_ACRONYM.search(phrase)) or words[0] not in common_words()


class ConceptCompiler:
    """Compiles concepts against one glossary. `known` (from `table()` of an earlier compiler
    with the same glossary, e.g. read from a cache) skips compiling what it holds."""

    def __init__(self, glossary: Glossary, known: Mapping[Phrases, tuple[Term, ...]] | None = None) -> None:
        key = glossary_key(glossary)
        self._groups, self._group_of = _glossary_terms(key)
        self._table = _compiled_by_glossary.setdefault(key, {})
        self._table.update(known or {})

    def compile(self, concept: Concept) -> CompiledConcept:
        key = tuple(concept.phrases())
        terms = self._table.get(key)
        if terms is None:
            terms = self._table[key] = self._terms(key)
        return CompiledConcept(concept.name, terms)

    def compiled_count(self) -> int:
        """How many concepts are compiled against this glossary (in this process or known)."""
        return len(self._table)

    def table(self) -> CompiledTable:
        """Every concept compiled so far against this glossary: its phrases -> its terms."""
        return dict(self._table)

    def _terms(self, phrases: Phrases) -> tuple[Term, ...]:
        terms: dict[Pattern, bool] = {}

        def add(pattern: Pattern, distinctive: bool) -> None:
            terms[pattern] = terms.get(pattern, False) or distinctive

        for phrase in phrases:
            base = content_stems(phrase)
            if not base:
                continue
            distinctive = is_distinctive(phrase)
            add(base, distinctive)
            for variant, surface in self._variants(base):
                add(variant, distinctive or is_distinctive(surface))
            for split in _prefix_splits(base):
                add(split, distinctive)
        return tuple(Term(pattern, distinctive) for pattern, distinctive in terms.items())

    def _variants(self, pattern: Pattern) -> Iterable[tuple[Pattern, str]]:
        """Replace the first glossary term found inside `pattern` by each of its equivalents."""
        for length in range(len(pattern), 0, -1):
            for start in range(len(pattern) - length + 1):
                group = self._group_of.get(pattern[start : start + length])
                if group is not None:
                    for other, surface in self._groups[group]:
                        yield pattern[:start] + other + pattern[start + length :], surface
                    return


@cache
def _glossary_terms(
    groups: tuple[Phrases, ...],
) -> tuple[list[list[tuple[Pattern, str]]], dict[Pattern, int]]:
    """Each glossary group's terms as (stems, surface), and the group of each term's stems."""
    stemmed: list[list[tuple[Pattern, str]]] = []
    group_of: dict[Pattern, int] = {}
    for terms in groups:
        patterns = [(p, term) for term in terms if (p := content_stems(term))]
        for pattern, _ in patterns:
            group_of.setdefault(pattern, len(stemmed))
        stemmed.append(patterns)
    return stemmed, group_of


def _prefix_splits(pattern: Pattern) -> Iterable[Pattern]:
    """ "multitask" may be written "multi task": the split form of each joined prefix word."""
    for position, token in enumerate(pattern):
        for prefix in PREFIXES:
            rest = token[len(prefix) :]
            if token.startswith(prefix) and len(rest) >= 3 and len(prefix) >= 2:
                yield (*pattern[:position], prefix, stem(rest), *pattern[position + 1 :])


def glossary_key(glossary: Glossary) -> tuple[Phrases, ...]:
    """What the compiled terms depend on besides the phrases: the glossary's term groups."""
    return tuple(tuple(terms) for terms in glossary.groups)


@dataclass(frozen=True)
class Hit:
    """A sentence where a concept was found, and whether a distinctive term found it."""

    sentence: Sentence
    distinctive: bool


class SentenceIndex:
    """Where each stem occurs in a list of sentences, for fast term look-up."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = sentences
        self._by_index = {sentence.index: sentence for sentence in sentences}
        self._where: dict[str, set[int]] = defaultdict(set)
        for sentence in sentences:
            for token in sentence.stems:
                if token != CLAUSE:
                    self._where[token].add(sentence.index)

    def sentence(self, index: int) -> Sentence:
        return self._by_index[index]

    def hits(self, concept: CompiledConcept) -> list[Hit]:
        """The sentences holding the concept, in order; distinctive if any distinctive term
        was found in the sentence."""
        found: dict[int, bool] = {}
        for term in concept.terms:
            candidates = self._where.get(term.stems[0])
            if not candidates:
                continue
            for token in term.stems[1:]:
                candidates = candidates & self._where.get(token, set())
                if not candidates:
                    break
            for index in candidates or ():
                if found.get(index) or (index in found and not term.distinctive):
                    continue
                if _holds(self._by_index[index].stems, term.stems):
                    found[index] = found.get(index, False) or term.distinctive
        return [Hit(self._by_index[i], found[i]) for i in sorted(found)]

    def sentences_with(self, concept: CompiledConcept) -> list[Sentence]:
        return [hit.sentence for hit in self.hits(concept)]


def _holds(tokens: Pattern, pattern: Pattern) -> bool:
    if len(pattern) == 1:
        word = pattern[0]
        return any(
            token == word and (position == 0 or tokens[position - 1] not in OTHER_METRIC_MODIFIERS)
            for position, token in enumerate(tokens)
        )
    return within_a_clause(tokens, pattern)


def within_a_clause(tokens: Pattern, pattern: Pattern) -> bool:
    """Whether every stem of `pattern` occurs (as often as it does in the pattern), in any
    order, in one clause of `tokens` and inside a window of len(pattern) + SLACK words.
    Numbers do not count as words of the window ("a random 80/10/10 split")."""
    wanted = Counter(pattern)
    window = len(pattern) + SLACK
    seen: dict[str, list[int]] = {}
    position = -1
    for token in tokens:
        if token == CLAUSE:
            seen.clear()
            continue
        if token.isdigit() and token not in wanted:
            continue
        position += 1
        if token not in wanted:
            continue
        recent = seen.setdefault(token, [])
        recent.append(position)
        del recent[: -wanted[token]]  # only the latest occurrences can start the tightest window
        if len(seen) == len(wanted) and all(len(seen[t]) == n for t, n in wanted.items()):
            if position - min(p[0] for p in seen.values()) < window:
                return True
    return False
