"""Words that tell what a drawn box is for when the blueprint cannot: training, logging, and
the track a subgraph's title names. Found by the project's concept matcher, like a rubric
concept, so "Retraining job", "re-train" and "Trainer" all count."""

from __future__ import annotations

from collections.abc import Sequence

from mlsd_coach.content.models import Concept, Track
from mlsd_coach.diagram.terms import label_sentence
from mlsd_coach.scoring.matcher import CompiledConcept, ConceptCompiler, SentenceIndex
from mlsd_coach.scoring.text import stem, tokens

TRAINING = Concept(
    name="training",
    aliases=["trainer", "retraining", "fine tuning", "tuning", "continual learning", "model fitting"],
)
# "Training data generation" prepares examples: the loop must reach the job that trains
TRAINING_DATA = Concept(name="training data", aliases=["training examples", "training set", "training rows"])
# what served traffic leaves behind for training: logs, events, monitoring
EVENTS = Concept(
    name="log",
    aliases=[
        "logging",
        "event",
        "event stream",
        "clickstream",
        "telemetry",
        "feedback",
        "monitoring",
        "kafka",
    ],
)
TRACK_WORDS: dict[Track, Concept] = {
    "online": Concept(
        name="online", aliases=["serving", "request path", "real time", "inference", "production traffic"]
    ),
    "offline": Concept(name="offline", aliases=["training", "batch", "nightly", "data pipeline"]),
}


class Roles:
    """Which texts name a role; compiled once per check."""

    def __init__(self, compiler: ConceptCompiler) -> None:
        self._training = compiler.compile(TRAINING)
        self._training_data = compiler.compile(TRAINING_DATA)
        self._events = compiler.compile(EVENTS)
        self._tracks = {track: compiler.compile(concept) for track, concept in TRACK_WORDS.items()}

    def training(self, texts: Sequence[str]) -> list[bool]:
        """For each text, whether it names a job that trains a model: "Train the ranker",
        "Ranker training", "Trainer", but not "Ranker (retrained daily)", which names a model
        by how it is made, nor "Training data generation"."""
        index = _index(texts)
        trains = _found(index, self._training) - _found(index, self._training_data)
        return [at in trains and not _only_participles(self._training, text) for at, text in enumerate(texts)]

    def events(self, texts: Sequence[str]) -> list[bool]:
        """For each text, whether it names logged events or monitoring."""
        found = _found(_index(texts), self._events)
        return [at in found for at in range(len(texts))]

    def track(self, title: str) -> Track | None:
        """The track a subgraph's title names ("Online serving", "Offline training"), if one."""
        index = _index([title])
        named = [track for track, concept in self._tracks.items() if _found(index, concept)]
        return named[0] if len(named) == 1 else None


def _only_participles(concept: CompiledConcept, text: str) -> bool:
    """Whether every word of `text` that writes one of the concept's stems is a participle
    ("trained", "fine-tuned"): the matcher folds inflections, so this reads the words."""
    concept_stems = {word for term in concept.terms for word in term.stems}
    words = [word for word in tokens(text) if stem(word) in concept_stems]
    return bool(words) and all(word.endswith("ed") for word in words)


def _index(texts: Sequence[str]) -> SentenceIndex:
    return SentenceIndex([label_sentence(at, text) for at, text in enumerate(texts)])


def _found(index: SentenceIndex, concept: CompiledConcept) -> set[int]:
    return {hit.sentence.index for hit in index.hits(concept)}
