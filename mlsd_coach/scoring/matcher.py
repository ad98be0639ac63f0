"""Find rubric concepts in sentences.

A concept's phrases are compiled to stem sequences once, widened by the glossary (a phrase
that is, or contains, a glossary term also matches every other term of its group). A phrase
matches a sentence when its stems occur in order with at most one other word between two of
them, so "position bias" also finds "position-dependent bias".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mlsd_coach.content.models import Concept, Glossary
from mlsd_coach.scoring.text import STOPWORDS, Sentence, stems

Pattern = tuple[str, ...]
MAX_GAP = 1


@dataclass(frozen=True)
class CompiledConcept:
    name: str
    patterns: tuple[Pattern, ...]


Phrases = tuple[str, ...]
CompiledTable = dict[Phrases, tuple[Pattern, ...]]
# What every compiler built in this process compiled, per glossary: scoring in a loop (a
# practice session, a test suite) compiles each concept once.
_compiled_by_glossary: dict[tuple[Phrases, ...], CompiledTable] = {}


class ConceptCompiler:
    """Compiles concepts against one glossary. `known` (from `table()` of an earlier compiler
    with the same glossary, e.g. read from a cache) skips compiling what it holds."""

    def __init__(
        self, glossary: Glossary, known: Mapping[Phrases, tuple[Pattern, ...]] | None = None
    ) -> None:
        self._groups: list[list[Pattern]] = []
        self._group_of: dict[Pattern, int] = {}
        for terms in glossary.groups:
            patterns = [p for p in (stems(term) for term in terms) if p]
            for pattern in patterns:
                self._group_of.setdefault(pattern, len(self._groups))
            self._groups.append(patterns)
        self._table = _compiled_by_glossary.setdefault(glossary_key(glossary), {})
        self._table.update(known or {})

    def compile(self, concept: Concept) -> CompiledConcept:
        key = tuple(concept.phrases())
        patterns = self._table.get(key)
        if patterns is None:
            patterns = self._table[key] = self._patterns(key)
        return CompiledConcept(concept.name, patterns)

    def compiled_count(self) -> int:
        """How many concepts are compiled against this glossary (in this process or known)."""
        return len(self._table)

    def table(self) -> CompiledTable:
        """Every concept compiled so far against this glossary: its phrases -> its patterns."""
        return dict(self._table)

    def _patterns(self, phrases: Phrases) -> tuple[Pattern, ...]:
        patterns: dict[Pattern, None] = {}
        for phrase in phrases:
            base = stems(phrase)
            if not base or all(token in STOPWORDS for token in base):
                continue
            patterns[base] = None
            for variant in self._variants(base):
                patterns[variant] = None
        return tuple(patterns)

    def _variants(self, pattern: Pattern) -> Iterable[Pattern]:
        """Replace the first glossary term found inside `pattern` by each of its equivalents."""
        for length in range(len(pattern), 0, -1):
            for start in range(len(pattern) - length + 1):
                group = self._group_of.get(pattern[start : start + length])
                if group is not None:
                    for other in self._groups[group]:
                        yield pattern[:start] + other + pattern[start + length :]
                    return


def glossary_key(glossary: Glossary) -> tuple[Phrases, ...]:
    """What the compiled patterns depend on besides the phrases: the glossary's term groups."""
    return tuple(tuple(terms) for terms in glossary.groups)


class SentenceIndex:
    """Where each stem occurs in a list of sentences, for fast phrase look-up."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = sentences
        self._by_index = {sentence.index: sentence for sentence in sentences}
        self._where: dict[str, set[int]] = defaultdict(set)
        for sentence in sentences:
            for token in sentence.stems:
                self._where[token].add(sentence.index)
        self._pairs: dict[int, frozenset[tuple[str, str]]] = {}

    def sentence(self, index: int) -> Sentence:
        return self._by_index[index]

    def sentences_with(self, concept: CompiledConcept) -> list[Sentence]:
        found: set[int] = set()
        for pattern in concept.patterns:
            candidates = self._where.get(pattern[0])
            if not candidates:
                continue
            for token in pattern[1:]:
                candidates = candidates & self._where.get(token, set())
                if not candidates:
                    break
            for index in candidates or ():
                if index not in found and self._matches(index, pattern):
                    found.add(index)
        return [self._by_index[i] for i in sorted(found)]

    def _matches(self, index: int, pattern: Pattern) -> bool:
        """`contains`, answered from the sentence's near pairs where they settle it: every
        match has each consecutive pair of the pattern among them, and for a two-stem
        pattern that is the whole answer. This keeps a long sentence cheap to search."""
        if len(pattern) >= 2:
            pairs = self._pairs.get(index)
            if pairs is None:
                pairs = self._pairs[index] = near_pairs(self._by_index[index].stems)
            if any(pair not in pairs for pair in zip(pattern, pattern[1:], strict=False)):
                return False
            if len(pattern) == 2:
                return True
        return contains(self._by_index[index].stems, pattern)


def near_pairs(tokens: Pattern) -> frozenset[tuple[str, str]]:
    """Every (earlier, later) pair of tokens at most MAX_GAP words apart."""
    return frozenset(
        pair for gap in range(1, MAX_GAP + 2) for pair in zip(tokens, tokens[gap:], strict=False)
    )


def contains(tokens: Pattern, pattern: Pattern) -> bool:
    if len(pattern) == 1:
        return pattern[0] in tokens
    start = -1
    while True:
        try:  # tuple.index jumps to the next occurrence in C: fast on a giant sentence
            start = tokens.index(pattern[0], start + 1)
        except ValueError:
            return False
        if _rest_follows(tokens, start, pattern):
            return True


def _rest_follows(tokens: Pattern, start: int, pattern: Pattern) -> bool:
    """Whether pattern[1:] follows tokens[start], each within MAX_GAP words of the one before."""
    position = start
    for wanted in pattern[1:]:
        window = tokens[position + 1 : position + 2 + MAX_GAP]
        if wanted not in window:
            return False
        position = position + 1 + window.index(wanted)
    return True
