"""What a clause says about the concept it names: a reason for it, or a rejection of it.

Both are read from a sentence's stems (with their `CLAUSE` markers) around the words that
matched a concept: a reason counts when it stands in the clause that names the concept or
the one right after it ("binary cross-entropy, so its output is a calibrated probability"),
never because "because" occurs somewhere else in the paragraph; a mistake is rejected when
the clause that names it says so ("accuracy is unreliable here", "instead of accuracy").
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsd_coach.scoring.text import CLAUSE, STOPWORDS, Sentence, stem

Span = tuple[int, int]  # [start, end) positions in a sentence's stems


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words.split())


# Words that introduce a reason, a consequence, a purpose or a trade-off.
REASON_WORDS = _stems(
    """because since so therefore thus hence otherwise unless means meaning avoids avoid prevents
    prevent ensures ensure guarantees keeps lets allows enables causes leads results reduces
    lowers raises cuts improves protects catches trade tradeoff cost expense vs versus whereas
    instead rather but however although cheaper faster slower worse better prefer risk risks"""
)
# What a stock reason is made of: "because it matters", "it is important", "at some cost".
STOCK_WORDS = _stems(
    """matters matter important importance helps help good great useful works work needed need
    sense some thing things way ways worth valuable value makes make sure key crucial critical
    essential relevant right best idea design system overall general"""
)
# Words that introduce how it is done: a mechanism counts as depth when at least
# MECHANISM_WORDS content words follow it in the clause ("with inverse propensity weights").
MECHANISM_MARKERS = _stems("with using via through by")
MECHANISM_WORDS = 2
# Openers of a next sentence that is about the previous one ("This keeps …", "That way …").
ANAPHORA = _stems("this that it these those which doing otherwise")
# Words that reject what the clause names.
REJECTION_WORDS = _stems(
    """not never no unreliable misleading meaningless useless wrong bad poor pitfall trap avoid
    instead rather fails breaks inflates hides overstates ruled excluded drop dropped skip
    without cannot t"""  # "t": what is left of "don't", "won't", "isn't" once split into words
)


def clause_span(stems: tuple[str, ...], position: int) -> Span:
    """The clause of `stems` that holds `position`."""
    start = position
    while start > 0 and stems[start - 1] != CLAUSE:
        start -= 1
    end = position
    while end < len(stems) and stems[end] != CLAUSE:
        end += 1
    return start, end


def positions_of(stems: tuple[str, ...], words: Iterable[str]) -> list[int]:
    wanted = set(words)
    return [position for position, token in enumerate(stems) if token in wanted]


def gives_reason(sentence: Sentence, concept_words: Iterable[str], following: Sentence | None) -> bool:
    """Whether a reason, a number, a trade-off or a mechanism stands in the clause that names
    the concept (from the concept on), the clause after it, or a next sentence about it."""
    stems = sentence.stems
    own = set(concept_words)
    for position in positions_of(stems, own):
        _, clause_end = clause_span(stems, position)
        end = clause_end
        if end < len(stems):  # the next clause too: "X, so that Y"
            _, end = clause_span(stems, end + 1)
        if has_reason(stems[position:end]) or _has_mechanism(stems[position:clause_end], own):
            return True
    if following is not None and following.stems and following.stems[0] in ANAPHORA:
        return has_reason(following.stems)
    return False


def has_reason(stems: tuple[str, ...]) -> bool:
    """A number, or a reason word followed by something it says ("because short clicks are
    noise"), not a stock phrase ("because it matters", "at some cost")."""
    for position, token in enumerate(stems):
        if any(character.isdigit() for character in token):
            return True
        opens = (
            token in REASON_WORDS
            or token == "to"
            or (token == "which" and "mean" in stems[position + 1 : position + 2])
        )
        if opens and _says_something(stems[position + 1 :]):
            return True
    return False


def _says_something(stems: tuple[str, ...]) -> bool:
    """Whether the rest of the clause holds a word that is not a stop word, a reason word or
    boilerplate."""
    for token in stems:
        if token == CLAUSE:
            return False
        if token not in STOPWORDS and token not in REASON_WORDS and token not in STOCK_WORDS:
            return True
    return False


def _has_mechanism(stems: tuple[str, ...], concept_words: set[str]) -> bool:
    for position, token in enumerate(stems):
        if token in MECHANISM_MARKERS:
            after = [t for t in stems[position + 1 :] if t not in STOPWORDS and t not in concept_words]
            if len(after) >= MECHANISM_WORDS:
                return True
    return False


def rejects(sentence: Sentence, concept_words: Iterable[str]) -> bool:
    """Whether a clause that names the concept rejects it ("accuracy is unreliable here",
    "we won't use a random split", "instead of accuracy we report PR-AUC")."""
    stems = sentence.stems
    # a word of the concept itself ("transactions without a chargeback", "skipped
    # impressions") is not the candidate rejecting it
    own = set(concept_words)
    for position in positions_of(stems, own):
        start, end = clause_span(stems, position)
        for at in range(start, end):
            token = stems[at]
            if (
                token in REJECTION_WORDS
                and token not in own
                and (token != RULED or _next(stems, at) == "out")
            ):
                return True
    return False


(RULED,) = _stems("ruled")  # "ruled out" rejects; "the rules declined it" does not


def _next(stems: tuple[str, ...], at: int) -> str:
    return stems[at + 1] if at + 1 < len(stems) else ""
