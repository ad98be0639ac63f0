"""Sentences that carry rubric words without saying anything: templates and filler.

A *template* is a sentence skeleton repeated with only the concept slot changing ("We also
consider ⟨concept⟩ in this design because it matters.", once per concept): its sentences
earn nothing. A *filler-only* sentence is short and holds rubric concepts and nothing else but filler
("We use X.", "X is important."): it counts like a bare list of terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from mlsd_coach.scoring.text import CLAUSE, STOPWORDS, Sentence, stem

SLOT = "\u2217"  # where the concept words were
MIN_REPEATS = 3  # a skeleton used this often, with different concepts, is a template
MIN_SKELETON_WORDS = 3  # shorter skeletons ("We use ∗.") are too common to call templates
FILLER = frozenset(
    stem(word)
    for word in """also consider considered considering use used using include includes including add added
    important importance matter matters key crucial critical essential relevant need needs needed design
    system solution approach think handle handled handling cover covered covering mention mentioned
    address addressed here well good great make sure way thing things part plan""".split()
)


def skeleton(sentence: Sentence, concept_words: set[str]) -> tuple[str, ...]:
    """The sentence's stems with each run of concept words replaced by one slot; stop words
    between concept words belong to the run, so a concept named with "of" or "and" in it
    ("cost of a false decline") leaves the same skeleton as one without."""
    out: list[str] = []
    for token in sentence.stems:
        if token in concept_words:
            _join_run(out)
            if not out or out[-1] != SLOT:
                out.append(SLOT)
        elif token != CLAUSE:
            out.append(token)
    return tuple(out)


def _join_run(out: list[str]) -> None:
    """Drop the stop words that follow a slot, so the next concept word joins its run."""
    at = len(out)
    while at and out[at - 1] in STOPWORDS:
        at -= 1
    if at and out[at - 1] == SLOT:
        del out[at:]


def template_sentences(sentences: Iterable[Sentence], matched: Mapping[int, set[str]]) -> set[int]:
    """Indexes of sentences whose skeleton (with the concept words `matched` in each) repeats
    MIN_REPEATS times or more."""
    skeletons = {s.index: skeleton(s, matched.get(s.index, set())) for s in sentences}
    counts = Counter(
        shape
        for shape in skeletons.values()
        if SLOT in shape and len(shape) - shape.count(SLOT) >= MIN_SKELETON_WORDS
    )
    return {index for index, shape in skeletons.items() if counts[shape] >= MIN_REPEATS}


MAX_FILLER_WORDS = 8  # a longer sentence made of rubric words is dense, not empty


def filler_only(sentence: Sentence, concept_words: set[str]) -> bool:
    """Whether a short sentence's every word is a concept word, a stop word or filler."""
    words = [t for t in sentence.stems if t != CLAUSE]
    if sentence.words > MAX_FILLER_WORDS:
        return False
    if not any(t in concept_words for t in words):
        return False
    return all(t in concept_words or t in STOPWORDS or t in FILLER for t in words)
