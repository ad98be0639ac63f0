"""Which step a passage is about, from its words, for answers (or parts) without a heading
that names a step.

Each step's vocabulary is the text that defines it: its title, aliases, goal and guidance,
and the titles and concept phrases of its rubric items (the framework's and, when known, the
case's). A word counts for a step by how much more of its use falls in that step than an
even spread would put there; a word spread over most steps ("model", "use") counts for none. A passage is read
as the step whose words it uses most, and the explanation names the words that decided it.
Deterministic, and cheap: a few dictionary look-ups per word.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep
from mlsd_coach.content.rubric import step_items
from mlsd_coach.scoring.text import LIGHT_WORDS, STOPWORDS, stem, tokens

MIN_SCORE = 0.5  # below this a passage says too little about any step to be routed by itself
TITLE_WEIGHT = 2.0  # a heading's own words count this much more than its text's
# Answers move through the steps in order: where a passage stands (0 = start, 1 = end)
# scales each step's score between (1 - ORDER_PULL) and 1 by how close the step's place is.
ORDER_PULL = 0.3
RARITY = 2  # added to a word's uses: a word the vocabulary uses once counts for a third
SHOWN_WORDS = 3


@dataclass(frozen=True)
class Topic:
    step: FrameworkStep | None  # None: the passage says too little about any step
    score: float
    words: tuple[str, ...]  # the passage's words that decided it, as written


class TopicReader:
    """Reads passages against the vocabulary of a framework's steps (and a case's items). The
    vocabulary is built on the first passage, once per framework and case in a process."""

    def __init__(self, framework: Framework, case: CaseStudy | None = None) -> None:
        self._framework = framework
        self._case = case
        self._steps = framework.steps

    @property
    def _weights(self) -> dict[str, dict[str, float]]:
        return vocabulary(self._framework, self._case)

    def topic(self, text: str, title: str = "", position: float | None = None) -> Topic:
        """The step `text` (under `title`, at `position` in the answer) is about."""
        scores: dict[str, float] = defaultdict(float)
        deciding: dict[str, list[tuple[float, str]]] = defaultdict(list)
        seen: set[str] = set()
        for words, boost in ((tokens(title), TITLE_WEIGHT), (tokens(text), 1.0)):
            for word in words:
                if len(word) <= 2 or word in STOPWORDS or word in LIGHT_WORDS:
                    continue  # "ll" of "I'll" and other fragments decide nothing
                key = stem(word)
                if key in seen:
                    continue
                seen.add(key)
                for step_id, weight in self._weights.get(key, {}).items():
                    scores[step_id] += weight * boost
                    deciding[step_id].append((weight * boost, word))
        if not scores:
            return Topic(None, 0.0, ())
        order = {step.id: number for number, step in enumerate(self._steps)}
        if position is not None:
            for step_id in scores:
                place = (order[step_id] + 0.5) / len(self._steps)
                scores[step_id] *= 1 - ORDER_PULL * abs(position - place)
        best_id = max(scores, key=lambda step_id: (scores[step_id], -order[step_id]))
        best = scores[best_id]
        if best < MIN_SCORE:
            return Topic(None, best, ())
        words = [word for _, word in sorted(deciding[best_id], key=lambda pair: -pair[0])[:SHOWN_WORDS]]
        step = next(step for step in self._steps if step.id == best_id)
        return Topic(step, best, tuple(words))


# (framework, case, weights): the objects are kept so that their ids cannot be reused
_VOCABULARIES: dict[tuple[int, int], tuple[Framework, CaseStudy | None, dict[str, dict[str, float]]]] = {}


def vocabulary(framework: Framework, case: CaseStudy | None) -> dict[str, dict[str, float]]:
    """The step weights of `framework` (with `case`'s items), built once per pair of objects."""
    key = (id(framework), id(case))
    known = _VOCABULARIES.get(key)
    if known is None or known[0] is not framework or known[1] is not case:
        known = _VOCABULARIES[key] = (framework, case, _step_weights(framework, case))
    return known[2]


def _step_weights(framework: Framework, case: CaseStudy | None) -> dict[str, dict[str, float]]:
    """word stem -> step id -> how much more of the word's use falls in that step than an
    even spread would put there (only steps where that is positive)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)  # stem -> step id -> uses
    for step in framework.steps:
        for word in _content_stems(_step_text(framework, step, case)):
            counts[word][step.id] += 1
    weights: dict[str, dict[str, float]] = {}
    even = 1 / len(framework.steps)
    for word, by_step in counts.items():
        total = sum(by_step.values()) + RARITY
        share = {step_id: uses / total - even for step_id, uses in by_step.items()}
        weights[word] = {step_id: weight for step_id, weight in share.items() if weight > 0}
    return weights


COMMUNICATION = "communication"


def _step_text(framework: Framework, step: FrameworkStep, case: CaseStudy | None) -> Iterable[str]:
    yield from (step.title, *step.aliases, step.goal, *step.guidance)
    items = step_items(framework, case, step) if case is not None else step.rubric
    # how a candidate talks ("stop me if", "keep the rest short") says nothing of the topic
    for item in (i for i in items if i.signal != COMMUNICATION):
        yield item.title
        for concept in item.concepts:
            yield from concept.phrases()


# words of the steps' guidance about pacing ("keep it to about four minutes"), not topics
NOT_TOPICAL = frozenset(stem(word) for word in "keep keeps minute minutes round brief short".split())


def _content_stems(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        for word in tokens(text):
            if word not in STOPWORDS and word not in LIGHT_WORDS and not word.isdigit():
                key = stem(word)
                if key not in NOT_TOPICAL:
                    yield key
