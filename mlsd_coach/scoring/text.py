"""Text normalisation for matching: sentences, tokens and stems.

Matching must not care about case, plurals and simple inflections, hyphen vs space, or
British vs American spelling. Every transformation here is applied to the answer and to the
rubric's phrases alike, so the two meet in the same form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# Joined abbreviations keep their dots out of the sentence splitter's way.
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|vs|etc|approx|cf|incl|resp|w\.r\.t|a\.k\.a)\.", re.I)
_UPPER_PLURAL = re.compile(r"\b([A-Z][A-Z0-9]{1,})s\b")  # CTRs -> CTR, ANNs -> ANN
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_DASHES = str.maketrans(dict.fromkeys("-‐‑‒–—−/_@+&|", " "))
_SPELLING = [
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)\b"), r"iz\1"),  # normalise
    (re.compile(r"(?<=[a-z]{2})ys(e|ed|es|ing)\b"), r"yz\1"),  # analyse
    (re.compile(r"(?<=[bhilv])our(s|ed|ing|al)?\b"), r"or\1"),  # neighbour, behaviour, colour
    (re.compile(r"(?<=[a-z]{2})ogue(s)?\b"), r"og\1"),  # catalogue
    (re.compile(r"(?<=[a-z]{2}[^aeiou])tre(s)?\b"), r"ter\1"),  # centre, metre
    (re.compile(r"(?<=[a-z]{3})ll(ed|ing|er|ers)\b"), r"l\1"),  # modelling, labelled
]
_ARTICLES = frozenset({"a", "an", "the"})

STOPWORDS = frozenset(
    """a an the and or but if then so than that this these those it its is are was were be been being
    to of in on at by for with from as into onto over under about after before between through per
    we i you they he she our my your their us them me will would should could can may might must
    do does did done have has had not no only also just very more most less least such each every
    which who whom whose what when where why how because since while whereas although though
    there here up down out off again further once both all any some other same own too""".split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or bullet) of an answer: the text as written and its stems."""

    index: int
    text: str
    stems: tuple[str, ...]
    words: int
    paragraph: int


def normalise(text: str) -> str:
    text = _UPPER_PLURAL.sub(r"\1", text).lower().translate(_DASHES)
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    return text


@cache
def stem(token: str) -> str:
    return str(_STEMMER.stemWord(token))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def stems(text: str) -> tuple[str, ...]:
    return _stems_of(tokens(text))


def _stems_of(words: list[str]) -> tuple[str, ...]:
    return tuple(stem(t) for t in words if t not in _ARTICLES)


MAX_SENTENCE_CHARS = 1_000
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"(\*\*|__|`+|~~|^#+\s*|^>\s*)", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a Markdown answer: each bullet is its own unit, paragraphs are split at
    sentence ends; fenced code blocks (their content included) and table rules are dropped,
    since code is not what an interviewer credits as explanation."""
    sentences: list[Sentence] = []
    paragraph = 0
    buffer: list[str] = []
    in_code = False

    def flush() -> None:
        nonlocal paragraph
        if buffer:
            _add(sentences, " ".join(buffer), paragraph)
            buffer.clear()
            paragraph += 1

    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line.startswith(("```", "~~~")):
            in_code = not in_code
            flush()
            continue
        if in_code or not line or set(line) <= set("|-: "):
            flush()
            continue
        is_row = line.startswith("|")
        if is_row:
            line = "; ".join(cell.strip() for cell in line.strip("|").split("|"))
        if is_row or _BULLET.match(line) or line.startswith("#"):
            flush()
            buffer.append(_BULLET.sub("", line))
            flush()
        else:
            buffer.append(line)
    flush()
    return sentences


def _add(sentences: list[Sentence], paragraph_text: str, paragraph: int) -> None:
    cleaned = _MARKUP.sub("", paragraph_text)
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), cleaned)
    for sentence in _SENTENCE_END.split(protected):
        for piece in _pieces(sentence.replace("\u2024", ".").strip()):
            words = tokens(piece)
            sentences.append(Sentence(len(sentences), piece, _stems_of(words), len(words), paragraph))


def _pieces(sentence: str) -> list[str]:
    """`sentence`, or for one longer than any real sentence (the longest in the calibration
    answers is 515 characters) pieces of at most MAX_SENTENCE_CHARS, cut at spaces where it
    can be: phrase matching then costs at most that much per sentence."""
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", MAX_SENTENCE_CHARS // 2, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence)
    return [piece for piece in pieces if piece]
