"""The offline scorer: rubric items credited from sentences of the answer, deterministically.

How an item earns credit:
- its concepts are looked for in the whole answer (`reading.py`): a point counts wherever it
  is made, and the evidence says where ("said under Data");
- `min_concepts` of its concepts give full coverage, each worth the quality of its best
  sentence: a real sentence counts fully, a terse bullet partly, a pile of terms hardly;
- a concept found only through one common word ("exploration", "available") shows the item
  may be meant, not that it is: unless another of the item's concepts stands in the same
  paragraph, the item is capped at `COMMON_WORD_CAP`;
- one sentence cannot carry several unrelated items in full: beyond the item it evidences
  best, it gives the others at most `SHARED_CREDIT`;
- an item that `needs_depth` is capped below "met" unless a reason, a number or a trade-off
  stands in the clause that names it (`clauses.py`);
- sentences that address the grader earn nothing and disqualify the answer (`guard.py`).
A common mistake is found in a sentence where all its `when_all` concepts stand, unless the
clause rejects it or one of its `unless` concepts stands in the same paragraph; found
mistakes subtract their penalty from their step's score.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep, Glossary, Mistake, RubricItem
from mlsd_coach.content.rubric import step_items
from mlsd_coach.prose import clip, fold
from mlsd_coach.scoring.aggregate import OFFLINE, item_result, step_result, unanswered_step
from mlsd_coach.scoring.clauses import gives_reason, has_reason, rejects
from mlsd_coach.scoring.guard import Flag, flag_sentences
from mlsd_coach.scoring.interviewer import FactInterviewer
from mlsd_coach.scoring.judge import Interviewer, JudgeContext, Notices, ignore_notices
from mlsd_coach.scoring.matcher import CompiledTable, ConceptCompiler, Hit, SentenceIndex
from mlsd_coach.scoring.reading import MAX_SCORED_SENTENCES, Reading, read_answer
from mlsd_coach.scoring.scorecard import ASKED, MET, ItemResult, MistakeResult, StepResult
from mlsd_coach.scoring.templates import filler_only, template_sentences
from mlsd_coach.scoring.text import STOPWORDS, Sentence, split_sentences, tokens

__all__ = ["MAX_SCORED_SENTENCES", "OfflineJudge", "make_judge"]

NO_DEPTH_CAP = 0.5
COMMON_WORD_CAP = 0.25
SHARED_CREDIT = 0.5
FILLER_SHARE = 0.3  # what a sentence of concept names and filler is worth, of a real one
EVIDENCE_PER_ITEM = 2
MAX_FLAGS_PER_STEP = 5


def flagged_sentences(text: str) -> list[tuple[Sentence, Flag]]:
    """The sentences of `text` that address (or may address) the grader, with the flag."""
    sentences = split_sentences(text)
    flags = flag_sentences([s.text for s in sentences])
    return [(sentence, flag) for sentence, flag in zip(sentences, flags, strict=True) if flag is not None]


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


@dataclass(frozen=True)
class _Credit:
    """What one item earned, before it becomes an ItemResult."""

    coverage: float
    evidence: list[Sentence]
    concepts_found: int
    depth_missing: bool
    common_only: bool


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
        self._last: tuple[object, _AnswerVerdicts] | None = None

    def interviewer(self) -> Interviewer:
        return FactInterviewer()

    def score_step(
        self, case: CaseStudy, framework: Framework, step_id: str, text: str, context: JudgeContext
    ) -> StepResult:
        texts = {key: value for key, value in {**context.answer, step_id: text}.items() if value.strip()}
        verdicts = self._verdicts(case, framework, texts, context.questions)
        result = verdicts.step(framework.step(step_id))
        self._keep_compiled()
        return result

    def mentions(self, item: RubricItem, text: str) -> bool:
        """Whether `text` holds one of the item's concepts (for checking another judge's quotes)."""
        index = SentenceIndex(split_sentences(text))
        return any(index.hits(self._compiler.compile(concept)) for concept in item.concepts)

    def _verdicts(
        self, case: CaseStudy, framework: Framework, texts: Mapping[str, str], questions: Sequence[str]
    ) -> _AnswerVerdicts:
        """The reading of this whole answer, shared by the calls for each of its steps."""
        key = (id(case), case.id, framework.id, tuple(sorted(texts.items())), tuple(questions))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        reading = read_answer(framework, texts, questions, self._compiler)
        verdicts = _AnswerVerdicts(case, framework, reading)
        self._last = (key, verdicts)
        return verdicts

    def _keep_compiled(self) -> None:
        if self._keep is not None and self._compiler.compiled_count() > self._kept:
            self._keep(self._compiler.table())
            self._kept = self._compiler.compiled_count()


class _AnswerVerdicts:
    """Every item of every step judged against one reading, so that a sentence shared by
    several items is known before any of them is credited."""

    def __init__(self, case: CaseStudy, framework: Framework, reading: Reading) -> None:
        self.case = case
        self.framework = framework
        self.reading = reading
        self.items = {step.id: step_items(framework, case, step) for step in framework.steps}
        self.hits: dict[tuple[str, str], list[list[Hit]]] = {}
        for step in framework.steps:
            for item in self.items[step.id]:
                self.hits[(step.id, item.id)] = [reading.hits(c, step.id) for c in item.concepts]
        self.best_item = self._best_item_per_sentence()
        matched = self._matched_words()
        self.templates = template_sentences(reading.sentences, matched)
        self.filler = {s.index for s in reading.sentences if filler_only(s, matched.get(s.index, set()))}

    def quality(self, sentence: Sentence) -> float:
        """A sentence's worth as evidence: none for a template, a list's for filler."""
        if sentence.index in self.templates:
            return 0.0
        quality = sentence_quality(sentence)
        return quality * FILLER_SHARE if sentence.index in self.filler else quality

    def step(self, step: FrameworkStep) -> StepResult:
        items = self.items[step.id]
        if not self.reading.answered(step.id):
            credited = [self._item(step, item) for item in items]
            if not any(result.score > 0 for result in credited):
                # a mistake made under another heading is still the candidate's
                mistakes = self._mistakes(step)
                return unanswered_step(self.framework, step, [_unanswered(i) for i in items], mistakes)
        results = [self._item(step, item) for item in items]
        flagged = self.reading.flagged.get(step.id, [])
        notes = _unscored_note(step, self.reading.over_cap.get(step.id, 0))
        notes += [
            f"step '{step.id}': not credited, it may be addressed to the grader: {describe_flag(s.text, reason)}"
            for s, reason in self.reading.uncredited.get(step.id, [])[:MAX_FLAGS_PER_STEP]
        ]
        own = [s for s in self.reading.sentences if s.step == step.id]
        notes += _stuffing_notes(step, own, results)
        return step_result(
            self.framework,
            step,
            results,
            self._mistakes(step),
            judge=OFFLINE,
            notes=notes,
            flagged=[describe_flag(s.text, reason) for s, reason in flagged[:MAX_FLAGS_PER_STEP]],
        )

    # which item a sentence evidences best
    def _best_item_per_sentence(self) -> dict[int, set[tuple[str, str]]]:
        """For each sentence, the items it evidences best (with those related to them: items
        sharing a matched word); the other items it evidences get at most SHARED_CREDIT."""
        matched: dict[int, dict[tuple[str, str], tuple[int, int, set[str]]]] = defaultdict(dict)
        for key, per_concept in self.hits.items():
            for concept_hits in per_concept:
                for hit in concept_hits:
                    count, distinctive, words = matched[hit.sentence.index].get(key, (0, 0, set()))
                    matched[hit.sentence.index][key] = (
                        count + 1,
                        distinctive + hit.distinctive,
                        words | set(hit.sentence.stems) & self._item_words(key),
                    )
        best: dict[int, set[tuple[str, str]]] = {}
        for index, by_item in matched.items():
            ranked = sorted(by_item, key=lambda k: (by_item[k][0], by_item[k][1]), reverse=True)
            top = ranked[0]
            top_words = by_item[top][2]
            best[index] = {k for k in ranked if k == top or by_item[k][2] & top_words}
        return best

    def _matched_words(self) -> dict[int, set[str]]:
        """For each sentence, its words that belong to a rubric concept found in it."""
        matched: dict[int, set[str]] = defaultdict(set)
        for key, per_concept in self.hits.items():
            for concept_hits in per_concept:
                for hit in concept_hits:
                    matched[hit.sentence.index] |= set(hit.sentence.stems) & self._item_words(key)
        return matched

    @cache  # noqa: B019  # one verdict object per answer; the cache dies with it
    @cache  # noqa: B019  # one verdict object per answer; the cache dies with it
    def _item_words(self, key: tuple[str, str]) -> frozenset[str]:
        step_id, item_id = key
        item = next(i for i in self.items[step_id] if i.id == item_id)
        words: set[str] = set()
        for concept in item.concepts:
            for term in self.reading.compiled(concept).terms:
                words.update(word for word in term.stems if word not in STOPWORDS)
        return frozenset(words)

    def _sentence_credit(self, key: tuple[str, str], sentence: Sentence) -> float:
        quality = self.quality(sentence)
        if key in self.best_item.get(sentence.index, {key}):
            return quality
        return min(quality, SHARED_CREDIT)

    def _credit(self, step: FrameworkStep, item: RubricItem) -> _Credit:
        key = (step.id, item.id)
        per_concept = self.hits[key]
        best: list[tuple[float, Hit]] = []
        for concept_hits in per_concept:
            if concept_hits:
                best.append(
                    max(
                        ((self._sentence_credit(key, hit.sentence), hit) for hit in concept_hits),
                        key=lambda pair: (pair[0], pair[1].distinctive, pair[1].sentence.step == step.id),
                    )
                )
        best.sort(key=lambda pair: (pair[0], pair[1].distinctive), reverse=True)
        coverage = sum(credit for credit, _ in best[: item.min_concepts]) / item.min_concepts
        common_only = (
            bool(best) and not any(hit.distinctive for _, hit in best) and not _together(per_concept)
        )
        if common_only:
            coverage = min(coverage, COMMON_WORD_CAP)
        evidence = _dedupe([hit.sentence for _, hit in best])[:EVIDENCE_PER_ITEM]
        depth_missing = False
        if item.needs_depth and coverage > 0 and not self._reasoned(item, per_concept):
            depth_missing = True
            coverage = min(coverage, NO_DEPTH_CAP)
        return _Credit(min(1.0, coverage), evidence, len(best), depth_missing, common_only)

    def _reasoned(self, item: RubricItem, per_concept: list[list[Hit]]) -> bool:
        for concept, concept_hits in zip(item.concepts, per_concept, strict=True):
            words = {w for term in self.reading.compiled(concept).terms for w in term.stems}
            for hit in concept_hits:
                sentence = hit.sentence
                if self.quality(sentence) >= 0.5 and (
                    gives_reason(sentence, words, self.reading.following(sentence))
                    or relates(sentence.text)  # a note's arrow or number is its reason
                ):
                    return True
        return False

    def _item(self, step: FrameworkStep, item: RubricItem) -> ItemResult:
        credit = self._credit(step, item)
        score = round(credit.coverage, 3)
        return item_result(
            item,
            score,
            _feedback(item, score, credit),
            evidence=[_quoted(s) for s in credit.evidence],
            evidence_from=[s.step for s in credit.evidence],
            depth_missing=credit.depth_missing,
        )

    # mistakes
    def _mistakes(self, step: FrameworkStep) -> list[MistakeResult]:
        found = []
        for mistake in (m for m in self.case.mistakes if m.step in step.covers):
            sentence = self._mistake_sentence(mistake)
            if sentence is not None:
                found.append(
                    MistakeResult(
                        id=mistake.id,
                        title=mistake.title,
                        penalty=mistake.penalty,
                        evidence=(clip(sentence.text),),
                        explanation=fold(mistake.explanation),
                        red_flag=mistake.red_flag,
                    )
                )
        return found

    def _mistake_sentence(self, mistake: Mistake) -> Sentence | None:
        reading = self.reading
        candidates: set[int] | None = None
        words: set[str] = set()
        for concept in mistake.when_all:
            hits = [h for h in reading.hits(concept, "") if h.sentence.step != ASKED]
            found = {h.sentence.index for h in hits}
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return None
            words |= {w for term in reading.compiled(concept).terms for w in term.stems}
        for index in sorted(candidates or ()):
            sentence = reading.by_index[index]
            if rejects(sentence, words) or self._cleared(mistake, sentence, words):
                continue
            return sentence
        return None

    def _cleared(self, mistake: Mistake, sentence: Sentence, words: set[str]) -> bool:
        """Whether the sentence's paragraph (or bullet) holds an `unless` concept, or another
        sentence that rejects the mistake ("Accuracy is ruled out since …")."""
        paragraph = self.reading.paragraph_of(sentence)
        indexes = {s.index for s in paragraph}
        if any(rejects(other, words) for other in paragraph if other.index != sentence.index):
            return True
        return any(
            hit.sentence.index in indexes
            for concept in mistake.unless
            for hit in self.reading.hits(concept, "")
        )


def _together(per_concept: list[list[Hit]]) -> bool:
    """Whether two of an item's concepts stand in one paragraph."""
    seen: dict[tuple[str, int], int] = {}
    for number, concept_hits in enumerate(per_concept):
        for hit in concept_hits:
            place = (hit.sentence.step, hit.sentence.paragraph)
            if seen.setdefault(place, number) != number:
                return True
    return False


def _quoted(sentence: Sentence) -> str:
    return clip(f"asked: {sentence.text}" if sentence.step == ASKED else sentence.text)


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
    # Terse notes ("10% neg sampling → recalibrate p = q/(q + (1−q)/0.1)") count less than a
    # sentence but are not a pile of terms: they relate things (arrows, comparisons, numbers),
    # a pile only names them. The separator ratio below catches the pile.
    relating = relates(text)
    if stop_ratio < 0.1:
        quality *= 0.85 if relating else (0.6 if words >= 6 else 0.7)
    elif stop_ratio < 0.18:
        quality *= 0.85
    list_ratio = separators / words
    if list_ratio > 0.3:
        quality *= 0.6 if relating else 0.2
    elif list_ratio > 0.2:
        quality *= 0.75 if relating else 0.5
    return quality


def gives_a_reason(text: str) -> bool:
    """Whether any sentence of `text` says why: a reason word followed by something it says, a
    number, or a note's arrows (a choice argued, not only named)."""
    return any(has_reason(sentence.stems) or relates(sentence.text) for sentence in split_sentences(text))


def relates(text: str) -> bool:
    """Whether a note relates its terms (arrows, comparisons, numbers with units) rather than
    only naming them."""
    words = max(1, len(text.split()))
    return len(_RELATIONS.findall(text)) / words >= RELATING_SHARE


# What relates the terms of a note: arrows, comparisons, equations, numbers with units
_RELATIONS = re.compile(
    r"→|->|=>|⇒|∥|[<>=≈≤≥]|\b\d[\d.,]*\s*(?:%|ms|[kKMB]\b|x\b|×|h\b|min\b|s\b|days?\b|wks?\b)"
)
RELATING_SHARE = 0.08


def _feedback(item: RubricItem, score: float, credit: _Credit) -> str:
    return fold(_feedback_text(item, score, credit))


def _feedback_text(item: RubricItem, score: float, credit: _Credit) -> str:
    concepts_found = credit.concepts_found
    if credit.depth_missing:
        return f"You name it but give no reason, number or trade-off. {item.feedback}"
    if score >= MET:
        return f"Covered. {item.strong_answer}"
    if concepts_found and item.min_concepts > 1 and concepts_found < item.min_concepts:
        return f"Partly covered ({concepts_found} of {item.min_concepts} aspects). {item.feedback}"
    if credit.common_only:
        return f"Only hinted at with a common word; name the idea itself. {item.feedback}"
    if score > 0:
        return f"Only in passing or in a list; say it in a sentence with your reasoning. {item.feedback}"
    return f"{item.feedback} Why it matters: {item.why}"


def no_credit(item: RubricItem, feedback: str) -> ItemResult:
    return item_result(item, 0.0, fold(feedback))


def _unanswered(item: RubricItem) -> ItemResult:
    return no_credit(item, f"Not answered. {item.feedback}")


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
