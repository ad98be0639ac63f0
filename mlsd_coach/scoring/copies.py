"""Recognise an answer that is the case's own reference answer, pasted or lightly edited.

The tool shows each case's model answer at the end of a practice run, so pasting it back
would otherwise score "strong hire". Overlap is measured with word shingles (runs of
SHINGLE words, after the scorer's normalisation) against the model answer: the share of the
answer's shingles that occur in it. Editing a word here and there leaves most shingles
intact; an answer written independently shares almost none.
"""

from __future__ import annotations

from collections.abc import Mapping

from mlsd_coach.content.models import CaseStudy
from mlsd_coach.scoring.text import tokens

SHINGLE = 5
COPIED_SHARE = 0.5  # of an answer's shingles found in the reference: a copy
MIN_SHINGLES = 20  # shorter answers are not judged: too little to tell
COPY_NOTE = "this matches the case's reference answer; practise it in your own words (no level is given)"
# id(case) -> (case, its shingles): the case is kept so that its id cannot be reused
_reference: dict[int, tuple[CaseStudy, frozenset[tuple[str, ...]]]] = {}


def shingles(text: str) -> set[tuple[str, ...]]:
    words = tokens(text)
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def copied_share(case: CaseStudy, texts: Mapping[str, str]) -> float:
    """The share of the answer's shingles that are in the case's model answer (0 for an
    answer too short to judge)."""
    answer = shingles("\n\n".join(texts.values()))
    if len(answer) < MIN_SHINGLES:
        return 0.0
    return len(answer & _reference_shingles(case)) / len(answer)


def copy_note(case: CaseStudy, texts: Mapping[str, str]) -> str:
    """COPY_NOTE if the answer is a copy of the reference answer, else ""."""
    return COPY_NOTE if copied_share(case, texts) >= COPIED_SHARE else ""


def _reference_shingles(case: CaseStudy) -> frozenset[tuple[str, ...]]:
    known = _reference.get(id(case))
    if known is None or known[0] is not case:
        found = frozenset().union(*(shingles(text) for text in case.model_answer.values()))
        known = _reference[id(case)] = (case, found)
    return known[1]
