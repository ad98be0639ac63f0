"""A label as the project's matcher reads it, and how strongly a concept is found in it."""

from __future__ import annotations

from mlsd_coach.scoring.matcher import CompiledConcept, SentenceIndex
from mlsd_coach.scoring.text import Sentence, clause_stems, tokens

Strength = tuple[int, bool]  # the stems of the longest term found, and whether it is distinctive
NOT_FOUND: Strength = (0, False)


def label_sentence(index: int, text: str) -> Sentence:
    """`text` (a label) as one sentence the matcher can search."""
    return Sentence(index, text, clause_stems(text), len(tokens(text)), index)


def strongest_term(concept: CompiledConcept, found_in: Sentence) -> Strength:
    """How strongly `concept` is found in the sentence: its longest term there, then a
    distinctive one over a common word."""
    alone = SentenceIndex([found_in])
    strengths = [
        (len(term.stems), term.distinctive)
        for term in concept.terms
        if alone.hits(CompiledConcept(concept.name, (term,)))
    ]
    return max(strengths, default=NOT_FOUND)
