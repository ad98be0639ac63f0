"""Words that tell what a drawn box is for when the blueprint cannot: training, logging, the
part a terse box plays ("logs", "user feats", "ANN idx"), and the track a subgraph's title
names. Found by the project's concept matcher, like a rubric concept, so "Retraining job",
"re-train" and "Trainer" all count."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_coach.content.models import Component, ComponentKind, Concept, Track
from mlsd_coach.diagram.terms import expand_shorthand, label_sentence
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


@dataclass(frozen=True)
class Part:
    """A part most blueprints have once, which a terse box may name by what it is rather than
    by the blueprint's name for it: the words that name it, and the kinds of component that
    play it (a component of one of those kinds whose own name or aliases use those words)."""

    words: Concept
    kinds: tuple[ComponentKind, ...]


PARTS = (
    # "logs", "impr + clicks", "clicks / buys": what served traffic leaves behind
    Part(
        Concept(name="logs", aliases=["logging", "event log", "clicks", "clickstream", "engagement"]),
        ("log",),
    ),
    # "user feats", "realtime features": the store features are read from
    Part(Concept(name="features", aliases=["feature store", "feature DB"]), ("store",)),
    # "ANN idx", "vector index"
    Part(Concept(name="index", aliases=["vector index", "ANN index"]), ("store",)),
    # "user req", "Checkout request": where a request comes from
    Part(Concept(name="request", aliases=["client", "app"]), ("client",)),
)
# a box of more words than this that names no component is something the blueprint lacks,
# not a terse name for one of its parts ("Compute features from transaction history")
TERSE_WORDS = 3
_ITEMS = re.compile(r"[/+&,;]")  # what separates the items of a box that lists several


class Roles:
    """Which texts name a role; compiled once per check."""

    def __init__(self, compiler: ConceptCompiler) -> None:
        self._training = compiler.compile(TRAINING)
        self._training_data = compiler.compile(TRAINING_DATA)
        self._events = compiler.compile(EVENTS)
        self._tracks = {track: compiler.compile(concept) for track, concept in TRACK_WORDS.items()}
        self._parts = [(part, compiler.compile(part.words)) for part in PARTS]

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

    def part_players(self, components: Sequence[Component]) -> list[Component | None]:
        """For each of `PARTS`, the only component of `components` that plays it, or None
        when none or several do (two indexes: "idx" names neither)."""
        players: list[Component | None] = []
        for part, words in self._parts:
            playing = [
                component
                for component in components
                if component.kind in part.kinds and _found(_index(component.concept().phrases()), words)
            ]
            players.append(playing[0] if len(playing) == 1 else None)
        return players

    def parts(self, texts: Sequence[str]) -> list[int | None]:
        """For each text, the index in `PARTS` of the part it names, if it is terse
        (`TERSE_WORDS`): the part named by the head (last word) of the last of its items
        that names one ("impr + clicks", "req / accept logs" name the logs; "Feature builder"
        names a builder, not the features)."""
        named: list[int | None] = []
        for text in map(expand_shorthand, texts):
            if not 0 < len(tokens(text)) <= TERSE_WORDS:
                named.append(None)
                continue
            heads = _index([item[-1] for item in map(tokens, _ITEMS.split(text)) if item][::-1])
            hits = [
                (hit.sentence.index, at)
                for at, (_, words) in enumerate(self._parts)
                for hit in heads.hits(words)
            ]
            named.append(min(hits)[1] if hits else None)
        return named

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
