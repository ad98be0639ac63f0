"""Text normalisation for matching: sentences, clauses, tokens and stems.

Matching must not care about case, plurals and simple inflections, hyphen vs space, British
vs American spelling, slash forms ("train/test"), how a number or a duration is written
("two towers", "a tenth of a second", "0.1 s" and "100 ms") or hyphenated prefixes
("re-train" is "retrain"). Every transformation here is applied to the answer and to the
rubric's phrases alike, so the two meet in the same form.

A sentence's stems carry `CLAUSE` markers where a comma, semicolon, colon, bracket or dash
ends a clause: a phrase is only found inside one clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

CLAUSE = ","  # the clause-boundary marker among stems; no word token contains it

# Joined abbreviations keep their dots out of the sentence splitter's way.
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|vs|etc|approx|cf|incl|resp|w\.r\.t|a\.k\.a)\.", re.I)
_UPPER_PLURAL = re.compile(r"\b([A-Z][A-Z0-9]{1,})s\b")  # CTRs -> CTR, ANNs -> ANN
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_CLAUSE_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[,;:()\[\]]")
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212/_@+&|", " "))
# Prefixes written with or without a hyphen ("re-train", "retrain"): joined before the
# hyphen becomes a space; the matcher also tries the split form of a joined rubric word.
PREFIXES = (
    "re",
    "pre",
    "non",
    "co",
    "e",
    "multi",
    "sub",
    "un",
    "de",
    "anti",
    "post",
    "self",
    "cross",
    "semi",
    "bi",
)
_PREFIX_HYPHEN = re.compile(rf"\b({'|'.join(PREFIXES)})[-\u2010\u2011](?=[a-z]{{2}})")
_SLASH_WORDS = [
    (re.compile(r"\bi\s*/\s*o\b"), "input output"),
    (re.compile(r"\ba\s*/\s*b\b"), "ab"),
    (re.compile(r"\bp\s*/\s*e\b"), "positive expected"),
    (re.compile(r"\be\s*/\s*o\b"), "expected observed"),
]
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
} | {"twenty": "20", "thirty": "30", "fifty": "50", "hundred": "100", "dozen": "12"}
_NUMBER_WORD = re.compile(rf"\b({'|'.join(_NUMBER_WORDS)})\b")
_SCALE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(thousand|million|billion|k|m|b|bn)\b")
_SCALE_SUFFIX = {"thousand": "k", "k": "k", "million": "m", "m": "m", "billion": "b", "b": "b", "bn": "b"}
_FRACTION_OF_SECOND = re.compile(r"\b(?:a|one)\s+(tenth|fifth|quarter|half)\s+(?:of\s+)?a\s+second\b")
_HALF_SECOND = re.compile(r"\bhalf\s+a\s+second\b")
_FRACTIONS = {"tenth": "100", "fifth": "200", "quarter": "250", "half": "500"}
_DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(ms|msec|millisecond|milliseconds|s|sec|secs|second|seconds|us|microseconds?)\b"
)
_SPELLING = [
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)\b"), r"iz\1"),  # normalise
    (re.compile(r"(?<=[a-z]{2})ys(e|ed|es|ing)\b"), r"yz\1"),  # analyse
    (re.compile(r"(?<=[bhilv])our(s|ed|ing|al)?\b"), r"or\1"),  # neighbour, behaviour, colour
    (re.compile(r"(?<=[a-z]{2})ogue(s)?\b"), r"og\1"),  # catalogue
    (re.compile(r"(?<=[a-z]{2}[^aeiou])tre(s)?\b"), r"ter\1"),  # centre, metre
    (re.compile(r"(?<=[a-z]{3})ll(ed|ing|er|ers)\b"), r"l\1"),  # modelling, labelled
]
_ARTICLES = frozenset({"a", "an", "the"})
# Stems the stemmer gets wrong for this domain: "embed" would become "emb", "IPS" (inverse
# propensity scoring) "ip" like an IP address, "carding" "card", "paging" "page".
_STEM_FIXES = {
    "embed": "embed",
    "embeds": "embed",
    "embedded": "embed",
    "ips": "ips",
    "carding": "carding",
    "paging": "paging",
}

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
    """One sentence (or bullet) of an answer: the text as written, its stems with clause
    markers, and where it stands (its paragraph, and the step it was written under)."""

    index: int
    text: str
    stems: tuple[str, ...]
    words: int
    paragraph: int
    step: str = ""


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACED_DASH = re.compile(r"\s[-\u2013\u2014]+\s|[\u2013\u2014]")


# Function-like notation, "p(click)" or "P(fraud | x)": its brackets do not end a clause.
_CALL = re.compile(r"\b([a-z]{1,12})\(([^()\n]{1,40})\)")


def normalise(text: str) -> str:
    if "," in text:  # "2,000 candidates" is one number, not the end of a clause
        text = _THOUSANDS.sub("", text)
    text = _SPACED_DASH.sub(" ; ", _UPPER_PLURAL.sub(r"\1", text).lower())
    if "(" in text:
        text = _CALL.sub(r"\1 \2", text)
    if "/" in text:
        for pattern, replacement in _SLASH_WORDS:
            text = pattern.sub(replacement, text)
    if "-" in text or "\u2010" in text or "\u2011" in text:
        text = _PREFIX_HYPHEN.sub(r"\1", text)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], text.translate(_DASHES))
    if "second" in text:
        text = _FRACTION_OF_SECOND.sub(lambda m: f"{_FRACTIONS[m.group(1)]} ms", text)
        text = _HALF_SECOND.sub("500 ms", text)
    if any(character.isdigit() for character in text):
        text = _DURATION.sub(_milliseconds, text)
        text = _SCALE.sub(lambda m: f"{m.group(1)}{_SCALE_SUFFIX[m.group(2)]}", text)
    return _LONG_WORD.sub(lambda match: _american(match.group()), text)


_LONG_WORD = re.compile(r"[a-z]{4,}")  # the shortest word a spelling below changes: "hour"


@cache
def _american(word: str) -> str:
    """One word in American spelling; cached, since an answer repeats its words."""
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


def _milliseconds(match: re.Match[str]) -> str:
    """A duration as "<n> ms", however it was written."""
    value, unit = float(match.group(1)), match.group(2)
    if unit.startswith(("s", "sec")):
        value *= 1000
    elif unit.startswith(("us", "micro")):
        value /= 1000
    return f"{value:g} ms"


@cache
def stem(token: str) -> str:
    fixed = _STEM_FIXES.get(token)
    if fixed is not None:
        return fixed
    stemmed = str(_STEMMER.stemWord(token))
    if len(token) >= 8 and token.endswith(("ed", "ing")):
        # "imbalanced" stems to "imbalanc" but "imbalance" to "imbal": take the shorter of
        # the two readings of an inflected word, so a word and its inflections meet
        base = token[:-2] if token.endswith("ed") else token[:-3]
        other = str(_STEMMER.stemWord(base + "e"))
        if len(other) < len(stemmed) and stemmed.startswith(other):
            return other
    return stemmed


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def stems(text: str) -> tuple[str, ...]:
    return _stems_of(tokens(text))


def clause_stems(text: str) -> tuple[str, ...]:
    """The stems of `text` with a `CLAUSE` marker wherever punctuation ends a clause."""
    return _clause_stems_and_words(text)[0]


def _clause_stems_and_words(text: str) -> tuple[tuple[str, ...], int]:
    """`clause_stems(text)` and how many word tokens `text` has, from one normalisation."""
    out: list[str] = []
    words = 0
    for token in _CLAUSE_TOKEN.findall(normalise(text)):
        if token[0].isalnum():
            words += 1
            if token not in _ARTICLES:
                out.append(stem(token))
        elif out and out[-1] != CLAUSE:
            out.append(CLAUSE)
    return tuple(out), words


# Words a rubric phrase may carry that say nothing on their own: a phrase is found from its
# other words ("train and test" in "train/test"). Negations, "per" and "vs" are kept.
LIGHT_WORDS = frozenset(
    """a an the and or of to in on at by for with from as into is are was were be been being it its
    that this we i our their they you your will would can could should do does did has have had""".split()
)


def content_stems(text: str) -> tuple[str, ...]:
    """The stems of a rubric phrase without its light words (all of them, if that is all it has)."""
    words = tokens(text)
    content = [word for word in words if word not in LIGHT_WORDS]
    return _stems_of(content or words)


def _stems_of(words: list[str]) -> tuple[str, ...]:
    return tuple(stem(t) for t in words if t not in _ARTICLES)


MAX_SENTENCE_CHARS = 1_000
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"(\*\*|__|`+|~~|^#+\s*|^>\s*)", re.M)
# A sentence ends at . ! or ? before a capital or a digit, or before a lower-case word when
# the sentence so far is a word longer than an initial ("the U.S. market" stays whole).
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[a-z0-9)\]]{2}[.!?])\s+(?=[a-z])"
)


def split_sentences(text: str, step: str = "", first_index: int = 0) -> list[Sentence]:
    """Sentences of a Markdown answer: each bullet is its own unit, paragraphs are split at
    sentence ends; fenced code blocks (their content included), table rules and headings are
    dropped, since neither code nor a title is what an interviewer credits as explanation.
    `step` is recorded on each sentence; indexes start at `first_index`."""
    sentences: list[Sentence] = []
    paragraph = 0
    buffer: list[str] = []
    in_code = False

    def flush() -> None:
        nonlocal paragraph
        if buffer:
            _add(sentences, " ".join(buffer), paragraph, step, first_index)
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
        if line.startswith("#"):  # a heading: it ends a paragraph and is not evidence
            flush()
            continue
        if is_row or _BULLET.match(line):
            flush()
            buffer.append(_BULLET.sub("", line))
            flush()
        else:
            buffer.append(line)
    flush()
    return sentences


def _add(sentences: list[Sentence], paragraph_text: str, paragraph: int, step: str, first_index: int) -> None:
    cleaned = _MARKUP.sub("", paragraph_text)
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), cleaned)
    for sentence in _SENTENCE_END.split(protected):
        for piece in _pieces(sentence.replace("\u2024", ".").strip()):
            index = first_index + len(sentences)
            stems, words = _clause_stems_and_words(piece)
            sentences.append(Sentence(index, piece, stems, words, paragraph, step))


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
