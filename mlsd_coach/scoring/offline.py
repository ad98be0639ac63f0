"""The offline scorer: rubric items credited from sentences of the answer, deterministically.

How an item earns credit:
- each concept it lists must occur in a sentence of the step's answer; `min_concepts` of them
  give full coverage;
- a concept's credit is the quality of its best sentence: a real sentence counts fully, a
  terse bullet partly, a comma-separated pile of terms hardly at all;
- a sentence that evidences many items at once shares its credit among them, so packing
  every keyword into one line does not pay;
- an item that `needs_depth` is capped below "met" unless a reason, a number or a trade-off
  stands in the evidence sentence or the one after it;
- sentences that address the grader earn nothing and disqualify the answer (`guard.py`).
Common mistakes found in a step subtract their penalty from that step's score.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache, partial

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Glossary, Mistake, RubricItem
from mlsd_coach.content.rubric import step_items
from mlsd_coach.prose import clip, fold
from mlsd_coach.scoring.aggregate import OFFLINE, step_result, unanswered_step
from mlsd_coach.scoring.guard import grader_directed
from mlsd_coach.scoring.interviewer import FactInterviewer
from mlsd_coach.scoring.judge import Interviewer, JudgeContext, Notices, ignore_notices
from mlsd_coach.scoring.matcher import CompiledTable, ConceptCompiler, SentenceIndex
from mlsd_coach.scoring.scorecard import MET, ItemResult, MistakeResult, StepResult
from mlsd_coach.scoring.text import STOPWORDS, Sentence, split_sentences, tokens

SHARED_BY = 3.0  # a sentence evidencing more items than this shares its credit among them
NO_DEPTH_CAP = 0.5
EVIDENCE_PER_ITEM = 2
# Far beyond any real answer (the calibration answers have at most 18 sentences a step); the
# caps keep scoring a hostile 1 MB answer against a large rubric within seconds.
MAX_SCORED_SENTENCES = 200
MAX_FLAGS_PER_STEP = 5

_REASON = re.compile(
    r"\b(because|since|so that|so we|so the|so it|therefore|thus|hence|which means|this means|otherwise|"
    r"to (avoid|prevent|keep|reduce|catch|limit|stop|protect|ensure|make sure|get|capture)|in order to|"
    r"due to|given that|as a result|that way|the reason|matters?|ensures?|guarantees?|prevents?|avoids?|"
    r"leads? to|causes?|results? in|risks?|if we|when we|unless|while|which)\b",
    re.I,
)
_TRADE_OFF = re.compile(
    r"\b(trade[- ]?offs?|at the (cost|expense) of|but|however|whereas|instead of|rather than|versus|vs|"
    r"downside|upside|on the other hand|balance[sd]?|although|compared (to|with)|cheaper|faster|slower|"
    r"more expensive|worse|better|costs?|prefer)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")


def flagged_sentences(text: str) -> list[tuple[Sentence, str]]:
    """The sentences of `text` that address the grader, each with the reason."""
    found = []
    for sentence in split_sentences(text):
        reason = grader_directed(sentence.text)
        if reason:
            found.append((sentence, reason))
    return found


def describe_flag(sentence: str, reason: str) -> str:
    return f'"{clip(sentence)}" ({reason})'


def make_judge(notices: Notices = ignore_notices) -> OfflineJudge:
    """The offline judge, with the concepts compiled in earlier runs and keeping those it
    compiles for the next (`concept_cache`)."""
    from mlsd_coach.content.registry import load_glossary
    from mlsd_coach.scoring import concept_cache

    glossary = load_glossary()
    return OfflineJudge(
        glossary, known=concept_cache.load(glossary), keep=partial(concept_cache.save, glossary)
    )


class OfflineJudge:
    """The built-in offline judge: deterministic, no network. `known` concepts are not
    compiled again; after a step that compiled new ones, `keep` gets every one compiled."""

    name = OFFLINE

    def __init__(
        self,
        glossary: Glossary,
        known: CompiledTable | None = None,
        keep: Callable[[CompiledTable], None] | None = None,
    ) -> None:
        self._compiler = ConceptCompiler(glossary, known)
        self._keep = keep
        self._kept = self._compiler.compiled_count()

    def interviewer(self) -> Interviewer:
        return FactInterviewer()

    def score_step(
        self, case: CaseStudy, framework: Framework, step_id: str, text: str, context: JudgeContext
    ) -> StepResult:
        step = framework.step(step_id)
        items = step_items(framework, case, step)
        generic_ids = {item.id for item in step.rubric}
        sentences = split_sentences(text)
        if not sentences:
            return unanswered_step(
                framework, step, [_unanswered(item, item.id in generic_ids) for item in items]
            )

        flagged = [(s, reason) for s in sentences if (reason := grader_directed(s.text))]
        flagged_ids = {s.index for s, _ in flagged}
        usable = [s for s in sentences if s.index not in flagged_ids]
        notes = _unscored_note(step, len(usable))
        usable = usable[:MAX_SCORED_SENTENCES]
        index = SentenceIndex(usable)

        hits = {item.id: self._concept_hits(item, index) for item in items}
        items_per_sentence: Counter[int] = Counter()
        for concept_hits in hits.values():
            for sentence_index in {s.index for found in concept_hits for s in found}:
                items_per_sentence[sentence_index] += 1

        by_index = {s.index: s for s in sentences}
        results = [
            _score_item(item, hits[item.id], items_per_sentence, by_index, item.id in generic_ids)
            for item in items
        ]
        notes += _stuffing_notes(step, usable, results)
        mistakes = self._mistakes(case, step, index)
        self._keep_compiled()
        return step_result(
            framework,
            step,
            results,
            mistakes,
            judge=self.name,
            notes=notes,
            flagged=[describe_flag(s.text, reason) for s, reason in flagged[:MAX_FLAGS_PER_STEP]],
        )

    def _keep_compiled(self) -> None:
        if self._keep is not None and self._compiler.compiled_count() > self._kept:
            self._keep(self._compiler.table())
            self._kept = self._compiler.compiled_count()

    def _concept_hits(self, item: RubricItem, index: SentenceIndex) -> list[list[Sentence]]:
        return [index.sentences_with(self._compiler.compile(concept)) for concept in item.concepts]

    def _mistakes(self, case: CaseStudy, step: FrameworkStep, index: SentenceIndex) -> list[MistakeResult]:
        found = []
        for mistake in (m for m in case.mistakes if m.step in step.covers):
            sentence = self._mistake_sentence(mistake, index)
            if sentence is not None:
                found.append(
                    MistakeResult(
                        id=mistake.id,
                        title=mistake.title,
                        penalty=mistake.penalty,
                        evidence=(clip(sentence.text),),
                        explanation=fold(mistake.explanation),
                    )
                )
        return found

    def _mistake_sentence(self, mistake: Mistake, index: SentenceIndex) -> Sentence | None:
        candidates: set[int] | None = None
        for concept in mistake.when_all:
            found = {s.index for s in index.sentences_with(self._compiler.compile(concept))}
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return None
        cleared: set[int] = set()
        for concept in mistake.unless:
            cleared |= {s.index for s in index.sentences_with(self._compiler.compile(concept))}
        remaining = sorted((candidates or set()) - cleared)
        if not remaining:
            return None
        return index.sentence(remaining[0])


def _score_item(
    item: RubricItem,
    concept_hits: list[list[Sentence]],
    items_per_sentence: Counter[int],
    by_index: dict[int, Sentence],
    generic: bool,
) -> ItemResult:
    def credit(sentence: Sentence) -> float:
        share = min(1.0, SHARED_BY / max(1, items_per_sentence[sentence.index]))
        return sentence_quality(sentence) * share

    best: list[tuple[float, Sentence]] = []
    for found in concept_hits:
        if found:
            best.append(max(((credit(s), s) for s in found), key=lambda pair: pair[0]))
    best.sort(key=lambda pair: pair[0], reverse=True)
    coverage = sum(c for c, _ in best[: item.min_concepts]) / item.min_concepts
    evidence_sentences = _dedupe([s for _, s in best])[:EVIDENCE_PER_ITEM]

    depth_missing = False
    if item.needs_depth and coverage > 0:
        matched = {s.index: s for found in concept_hits for s in found}.values()
        if not any(sentence_quality(s) >= 0.5 and _has_depth(s, by_index) for s in matched):
            depth_missing = True
            coverage = min(coverage, NO_DEPTH_CAP)
    score = round(min(1.0, coverage), 3)
    return ItemResult(
        id=item.id,
        title=item.title,
        weight=item.weight,
        signal=item.signal,
        score=score,
        evidence=tuple(clip(s.text) for s in evidence_sentences),
        feedback=_feedback(item, score, depth_missing, len(best)),
        why=item.why,
        generic=generic,
        depth_missing=depth_missing,
    )


def sentence_quality(sentence: Sentence) -> float:
    """How much a sentence counts as evidence: 1 for a real sentence, less for fragments and
    for lists of terms."""
    return _quality(sentence.text, sentence.words)


@cache
def _quality(text: str, words: int) -> float:
    if words < 3:
        return 0.15
    stop_ratio = sum(1 for t in tokens(text) if t in STOPWORDS) / words
    separators = sum(text.count(c) for c in ",;/|")
    quality = 1.0 if words >= 6 else 0.6
    if stop_ratio < 0.1:
        quality *= 0.35 if words >= 6 else 0.7
    elif stop_ratio < 0.18:
        quality *= 0.75
    list_ratio = separators / words
    if list_ratio > 0.3:
        quality *= 0.2
    elif list_ratio > 0.2:
        quality *= 0.5
    return quality


def _has_depth(sentence: Sentence, by_index: dict[int, Sentence]) -> bool:
    """A reason, a number or a trade-off in `sentence` or the next one of its paragraph."""
    after = by_index.get(sentence.index + 1)
    following = [after] if after is not None and after.paragraph == sentence.paragraph else []
    for candidate in (sentence, *following):
        text = candidate.text
        if _REASON.search(text) or _TRADE_OFF.search(text) or _NUMBER.search(text):
            return True
    return False


def _feedback(item: RubricItem, score: float, depth_missing: bool, concepts_found: int) -> str:
    return fold(_feedback_text(item, score, depth_missing, concepts_found))


def _feedback_text(item: RubricItem, score: float, depth_missing: bool, concepts_found: int) -> str:
    if depth_missing:
        return f"You name it but give no reason, number or trade-off. {item.feedback}"
    if score >= MET:
        return f"Covered. {item.strong_answer}"
    if concepts_found and item.min_concepts > 1 and concepts_found < item.min_concepts:
        return f"Partly covered ({concepts_found} of {item.min_concepts} aspects). {item.feedback}"
    if score > 0:
        return f"Only in passing or in a list; say it in a sentence with your reasoning. {item.feedback}"
    return f"{item.feedback} Why it matters: {item.why}"


def no_credit(item: RubricItem, feedback: str, generic: bool) -> ItemResult:
    return ItemResult(
        id=item.id,
        title=item.title,
        weight=item.weight,
        signal=item.signal,
        score=0.0,
        feedback=fold(feedback),
        why=item.why,
        generic=generic,
    )


def _unanswered(item: RubricItem, generic: bool) -> ItemResult:
    return no_credit(item, f"Not answered. {item.feedback}", generic)


def _unscored_note(step: FrameworkStep, sentences: int) -> list[str]:
    if sentences <= MAX_SCORED_SENTENCES:
        return []
    return [
        f"step '{step.id}' has {sentences:,} sentences; only the first {MAX_SCORED_SENTENCES:,} are scored"
    ]


def _stuffing_notes(step: FrameworkStep, sentences: list[Sentence], results: list[ItemResult]) -> list[str]:
    if sum(1 for r in results if r.evidence) < 4 or not sentences:
        return []
    mean_quality = sum(sentence_quality(s) for s in sentences) / len(sentences)
    if mean_quality < 0.45:
        return [
            f"step '{step.id}' reads like a list of terms; credit needs full sentences that say what "
            "you would do and why"
        ]
    return []


def _dedupe(sentences: list[Sentence]) -> list[Sentence]:
    seen: set[int] = set()
    out = []
    for sentence in sentences:
        if sentence.index not in seen:
            seen.add(sentence.index)
            out.append(sentence)
    return out
