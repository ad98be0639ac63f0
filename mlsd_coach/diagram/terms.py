"""A label as the project's matcher reads it, and how strongly a concept is found in it.

A diagram's box is terse: "user feats", "ANN idx", "impr + clicks". Before a label is matched
its shorthand is written out (`expand_shorthand`), so the blueprint's names and aliases need
not list every clipped spelling. Only clippings that are no English word and mean one thing in
a system diagram are written out; the glossary (abbreviation and expansion groups) still
widens what they become."""

from __future__ import annotations

import re

from mlsd_coach.scoring.matcher import CompiledConcept, SentenceIndex
from mlsd_coach.scoring.text import Sentence, clause_stems, tokens

# the stems of the longest term found, whether it is written as the term is (its words side by
# side, in its order), and whether it is distinctive
Strength = tuple[int, bool, bool]
NOT_FOUND: Strength = (0, False, False)

# clipped words of a diagram's labels, in any case -> the words they stand for
SHORTHAND = {
    "feat": "feature",
    "feats": "features",
    "idx": "index",
    "req": "request",
    "reqs": "requests",
    "emb": "embedding",
    "embs": "embeddings",
    "impr": "impression",
    "imprs": "impressions",
    "cand": "candidate",
    "cands": "candidates",
    "retr": "retrieval",
    "notif": "notification",
    "notifs": "notifications",
    "svc": "service",
    "calib": "calibration",
    "pred": "prediction",
    "preds": "predictions",
    "thr": "threshold",
    "thresh": "threshold",
    "usr": "user",
    "vid": "video",
    "vids": "videos",
    "img": "image",
    "imgs": "images",
    "clf": "classifier",
}
# acronyms that stand for one component only when written in capitals ("fs" may be a file system)
ACRONYMS = {"CG": "candidate generation", "FS": "feature store"}
_SHORTHAND = re.compile(rf"\b({'|'.join(SHORTHAND)})\b", re.I)
_ACRONYM = re.compile(rf"\b({'|'.join(ACRONYMS)})\b")


def expand_shorthand(text: str) -> str:
    """`text` with its clipped words and acronyms written out: "ANN idx" -> "ANN index"."""
    text = _ACRONYM.sub(lambda match: ACRONYMS[match.group(1)], text)
    return _SHORTHAND.sub(lambda match: SHORTHAND[match.group(1).lower()], text)


def label_sentence(index: int, text: str) -> Sentence:
    """`text` (a label), its shorthand written out, as one sentence the matcher can search."""
    text = expand_shorthand(text)
    return Sentence(index, text, clause_stems(text), len(tokens(text)), index)


def strongest_term(concept: CompiledConcept, found_in: Sentence) -> Strength:
    """How strongly `concept` is found in the sentence: its longest term there, then one
    written as the term is over one whose words are scattered ("feature store graph features"
    writes "feature store", and "graph store" only out of order), then a distinctive one over
    a common word."""
    alone = SentenceIndex([found_in])
    strengths = [
        (len(term.stems), _written_as(term.stems, found_in.stems), term.distinctive)
        for term in concept.terms
        if alone.hits(CompiledConcept(concept.name, (term,)))
    ]
    return max(strengths, default=NOT_FOUND)


def _written_as(term: tuple[str, ...], stems: tuple[str, ...]) -> bool:
    """Whether `term`'s stems stand side by side, in its order, among `stems`."""
    width = len(term)
    return any(stems[at : at + width] == term for at in range(len(stems) - width + 1))
