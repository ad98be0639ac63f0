"""The offline judge's reading of a whole answer: every sentence of every step (and the
clarifying questions asked), which of them may serve as evidence, and where each rubric
concept was found.

An interviewer credits a point wherever it is made, so a rubric item is looked for in the
whole answer, not only in the step that owns it. Not evidence: sentences addressed to the
grader (`guard.py`: an unambiguous one disqualifies the answer, a doubtful one only loses
its credit), sentences that only point elsewhere ("read more about A/B testing"),
and connective ones that only announce what follows ("the goals are as follows:").
Clarifying questions count only for the items of the first step, where asking is the point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mlsd_coach.content.models import Concept, Framework
from mlsd_coach.scoring.guard import flag_sentences
from mlsd_coach.scoring.matcher import CompiledConcept, ConceptCompiler, Hit, SentenceIndex
from mlsd_coach.scoring.scorecard import ASKED
from mlsd_coach.scoring.text import Sentence, split_sentences

# Far beyond any real answer (the calibration answers have at most 18 sentences a step); the
# cap keeps scoring a hostile 1 MB answer against a large rubric within seconds.
MAX_SCORED_SENTENCES = 200

_POINTER = re.compile(
    r"^\W*(?:please\s+)?(?:(?:read|learn|see|check(?: out)?|refer to|look (?:at|into)|google)\b.{0,60}"
    r"\b(?:more|about|further|details?|docs|documentation|links?|here|below|above|references?)\b"
    r"|for (?:more|further) (?:details|information|reading)\b)",
    re.I,
)
_ANNOUNCES = re.compile(
    r"\b(?:as follows|the following|following (?:way|steps|points)|listed below|below)\W*$", re.I
)
MAX_CONNECTIVE_WORDS = 14


def is_evidence(sentence: Sentence) -> bool:
    """Whether a sentence may evidence a rubric item: not a pointer, not a lead-in."""
    text = sentence.text.strip()
    if _POINTER.search(text):
        return False
    if sentence.words <= MAX_CONNECTIVE_WORDS and (text.endswith(":") or _ANNOUNCES.search(text)):
        return False
    return True


@dataclass
class Reading:
    """Every sentence of an answer, and a lazily filled table of where each concept is."""

    sentences: list[Sentence]
    flagged: dict[str, list[tuple[Sentence, str]]]  # step id -> sentences addressed to the grader
    uncredited: dict[str, list[tuple[Sentence, str]]]  # step id -> sentences that may be; no credit
    over_cap: dict[str, int]  # step id -> sentences it has beyond MAX_SCORED_SENTENCES
    first_step: str
    compiler: ConceptCompiler
    index: SentenceIndex = field(init=False)
    _hits: dict[tuple[str, ...], list[Hit]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = SentenceIndex(self.sentences)
        self.by_index = {s.index: s for s in self.sentences}

    def compiled(self, concept: Concept) -> CompiledConcept:
        return self.compiler.compile(concept)

    def hits(self, concept: Concept, for_step: str) -> list[Hit]:
        """Where `concept` is found, as evidence for an item of `for_step`: anywhere in the
        answer, clarifying questions only for the first step."""
        key = tuple(concept.phrases())
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = self.index.hits(self.compiled(concept))
        if for_step == self.first_step:
            return found
        return [hit for hit in found if hit.sentence.step != ASKED]

    def following(self, sentence: Sentence) -> Sentence | None:
        """The next sentence of the same paragraph and step, if any."""
        after = self.by_index.get(sentence.index + 1)
        if after is not None and after.paragraph == sentence.paragraph and after.step == sentence.step:
            return after
        return None

    def paragraph_of(self, sentence: Sentence) -> list[Sentence]:
        return [s for s in self.sentences if s.step == sentence.step and s.paragraph == sentence.paragraph]

    def answered(self, step_id: str) -> bool:
        return (
            any(s.step == step_id for s in self.sentences)
            or bool(self.flagged.get(step_id))
            or bool(self.uncredited.get(step_id))
        )


def read_answer(
    framework: Framework,
    texts: Mapping[str, str],
    questions: Sequence[str],
    compiler: ConceptCompiler,
) -> Reading:
    """Split every step's text (in framework order) and the questions into sentences, keep
    those that may serve as evidence, and note the ones addressed to the grader."""
    sentences: list[Sentence] = []
    flagged: dict[str, list[tuple[Sentence, str]]] = {}
    uncredited: dict[str, list[tuple[Sentence, str]]] = {}
    over_cap: dict[str, int] = {}
    next_index = 0
    sources = [(step.id, texts.get(step.id, "")) for step in framework.steps]
    sources.append((ASKED, "\n\n".join(f"- {question}" for question in questions)))
    for step_id, text in sources:
        usable = []
        split = split_sentences(text, step=step_id, first_index=next_index)
        for sentence, flag in zip(split, flag_sentences([s.text for s in split]), strict=True):
            if flag is not None:
                kind = flagged if flag.disqualifies else uncredited
                kind.setdefault(step_id, []).append((sentence, flag.reason))
            elif is_evidence(sentence):
                usable.append(sentence)
            next_index = sentence.index + 1
        if len(usable) > MAX_SCORED_SENTENCES:
            over_cap[step_id] = len(usable)
        sentences.extend(usable[:MAX_SCORED_SENTENCES])
    return Reading(sentences, flagged, uncredited, over_cap, framework.steps[0].id, compiler)
