"""Split an answer into the steps of a framework, in whatever layout it was written.

Headings are found in every form people use: `#`…`######` lines, underlined (setext)
titles, bold lines (`**Data**`, `**Data:** we log …`), numbered titles (`3. Features`),
ALL-CAPS lines (`MOTIVATION`) and short label lines (`Monitoring:`). The kind (and `#`
level) that names the most steps is taken as the answer's sections; deeper headings stay
inside their section. A section goes to the step its heading's words name (a heading that
names two steps counts for both); a heading whose words name no step is read by what its
section is about, and only then by the author's number. An answer without headings is
split into paragraphs, each read by what it is about (`topics.py`).

Every decision other than an exact title is recorded as a `Route` with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mlsd_coach.answers.step_names import HeadingResolver, Naming
from mlsd_coach.answers.topics import Topic, TopicReader
from mlsd_coach.content.models import CaseStudy, Framework, FrameworkStep
from mlsd_coach.prose import clip
from mlsd_coach.scoring.scorecard import Route

MAX_ROUTES = 40  # routing decisions recorded one by one; the rest are counted
MIN_OWN_TITLES = 3  # bold, numbered or capitalised title lines that make an answer's sections
MAX_HEADING_WORDS = 8  # a bold, numbered, capitalised or label line longer than this is prose
SHOWN_HEADING_CHARS = 80

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BOLD_LINE = re.compile(r"^ {0,3}(?:\*\*|__)(.+?)(?:\*\*|__)[ \t]*:?[ \t]*$")
_BOLD_LEAD = re.compile(
    r"^ {0,3}(?:[-*+][ \t]+)?(?:\*\*|__)([^*_]{2,80}?)[:.]?(?:\*\*|__)[ \t]*[:.\u2013\u2014-]?[ \t]+(\S.*)$"
)
_NUMBERED = re.compile(r"^ {0,3}(?:step[ \t]*)?(\d{1,2})[.)][ \t]+(.+?)[ \t]*:?[ \t]*$", re.I)
_LABEL = re.compile(r"^ {0,3}([A-Za-z][^.!?]{1,60}):[ \t]*$")
_FENCE = ("```", "~~~")

# The kinds of heading, in the order they are preferred when two name as many steps.
ATX, SETEXT, BOLD, NUMBERED, CAPS, LABEL = "atx", "setext", "bold", "numbered", "caps", "label"
_KIND_ORDER = {ATX: 0, SETEXT: 1, BOLD: 2, NUMBERED: 3, CAPS: 4, LABEL: 5}

PREAMBLE_SPAN = (0.0, 0.15)  # where in the answer the text before the first heading sits


@dataclass
class ParsedAnswer:
    framework_id: str
    steps: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    routing: list[Route] = field(default_factory=list)

    def text(self, step_id: str) -> str:
        return self.steps.get(step_id, "")

    def answered(self, step_id: str) -> bool:
        return bool(self.text(step_id).strip())


@dataclass(frozen=True)
class _Heading:
    line: int
    kind: str
    level: int  # the `#` count of an ATX heading, 0 for other kinds
    title: str
    shown: str  # as the user wrote it, for messages
    rest: str = ""  # text after a bold lead-in on the same line

    @property
    def tier(self) -> tuple[str, int]:
        return self.kind, self.level


@dataclass
class _Section:
    heading: _Heading | None
    lines: list[str] = field(default_factory=list)
    position: float = 0.0  # where it starts in the answer, 0 to 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def parse_answer(
    text: str, framework: Framework, seven_step: Framework | None = None, *, case: CaseStudy | None = None
) -> ParsedAnswer:
    """Split `text` into steps of `framework`; `seven_step` lets a 4-step run accept 7-step
    headings; `case` sharpens the reading of sections by topic."""
    reader = _Reader(framework, seven_step, case)
    lines = text.splitlines()
    headings = _candidate_headings(lines)
    tier = reader.section_tier(headings)
    if tier is None:
        reader.read_paragraphs(_paragraphs(lines), "paragraph")
    else:
        starts = [h for h in headings if h.tier == tier and reader.starts_section(h)]
        for section in _sections(lines, headings, starts):
            reader.read_section(section)
    return reader.finish()


class _Reader:
    def __init__(self, framework: Framework, seven_step: Framework | None, case: CaseStudy | None) -> None:
        self.framework = framework
        self.resolver = HeadingResolver(framework, seven_step)
        self.topics = TopicReader(framework, case)
        self.chunks: dict[str, list[str]] = {}
        self.routing: list[Route] = []
        self.unrecorded = 0
        self.previous: FrameworkStep | None = None
        self.warnings: list[str] = []
        self._exact_seen: set[str] = set()

    # which headings are the sections
    def section_tier(self, headings: list[_Heading]) -> tuple[str, int] | None:
        """The kind (and level) of heading that names the most steps. If none names a step:
        a level of `#` headings that splits the answer in two or more, else a kind of title
        line used at least MIN_OWN_TITLES times; None if there is neither (then the answer
        is read paragraph by paragraph)."""
        named: dict[tuple[str, int], set[str]] = {}
        counts: dict[tuple[str, int], int] = {}
        for heading in headings:
            counts[heading.tier] = counts.get(heading.tier, 0) + 1
            for step in self.resolver.naming(heading.title).steps:
                named.setdefault(heading.tier, set()).add(step.id)
        usable = {t: len(ids) for t, ids in named.items() if len(ids) >= (1 if t[0] in (ATX, SETEXT) else 2)}
        if usable:
            return max(usable, key=lambda t: (usable[t], -_KIND_ORDER[t[0]], -t[1]))
        atx = [t for t in counts if t[0] == ATX and counts[t] >= 2]
        if atx:
            return min(atx, key=lambda t: t[1])
        # titles in the author's own words: a kind of line heading used often enough to be the
        # answer's structure (bold lead-ins inside prose do not count)
        whole_lines = Counter(h.tier for h in headings if not h.rest and h.kind != LABEL)
        own = [t for t, n in whole_lines.items() if n >= MIN_OWN_TITLES]
        return min(own, key=lambda t: _KIND_ORDER[t[0]]) if own else None

    def starts_section(self, heading: _Heading) -> bool:
        """A bold lead-in ("**Latency:** 150 ms …") starts a section only if it names a step;
        otherwise it is emphasis inside one."""
        return not heading.rest or bool(self.resolver.naming(heading.title).steps)

    # sections under headings
    def read_section(self, section: _Section) -> None:
        heading, body = section.heading, section.text
        if heading is None:  # text before the first heading
            if body:
                # a preamble opens the answer: its paragraphs sit at its start, not spread over it
                self.read_paragraphs(
                    _paragraphs(section.lines), "before the first heading, paragraph", span=PREAMBLE_SPAN
                )
            return
        naming = self.resolver.naming(heading.title)
        if naming.steps:
            self._add(naming.steps, body)
            self._report_naming(heading, naming)
            return
        if not body:
            self._record(f"heading '{heading.shown}'", (), "it has no text under it")
            return
        topic = self.topics.topic(body, heading.title, section.position)
        numbered = self.resolver.by_number(naming.number)
        if topic.step is not None:
            self._add((topic.step,), body)
            number_note = (
                f"; its number {naming.number} is the author's own"
                if numbered not in (None, topic.step)
                else ""
            )
            self._record(
                f"heading '{heading.shown}'",
                (topic.step.id,),
                f"its title names no step; its text talks about {_listed(topic.words)}{number_note}",
            )
        elif numbered is not None:
            self._add((numbered,), body)
            self._record(f"heading '{heading.shown}'", (numbered.id,), f"by its number {naming.number} alone")
        elif self.previous is not None:
            self._add((self.previous,), body)
            self._record(
                f"heading '{heading.shown}'",
                (self.previous.id,),
                "its title names no step and its text no topic; kept with the section before it",
            )
        else:
            self._add((self.framework.steps[0],), body)
            self._record(
                f"heading '{heading.shown}'",
                (self.framework.steps[0].id,),
                "its title names no step and its text no topic; read as the first step",
            )

    def _report_naming(self, heading: _Heading, naming: Naming) -> None:
        ids = tuple(step.id for step in naming.steps)
        if len(ids) > 1:
            why = f"it names {len(ids)} steps ({_listed(naming.names)}); its text counts for each"
        elif naming.exact:
            numbered = self.resolver.by_number(naming.number)
            if numbered is None or numbered.id == ids[0]:
                if ids[0] in self._exact_seen:
                    self._record(f"heading '{heading.shown}'", ids, "a second section for this step; joined")
                self._exact_seen.add(ids[0])
                return
            why = f"by its words; its number {naming.number} is the author's own"
        else:
            why = f"its title contains '{naming.names[0]}'"
        self._record(f"heading '{heading.shown}'", ids, why)

    # paragraphs without headings
    def read_paragraphs(
        self, paragraphs: list[tuple[int, str]], label: str, span: tuple[float, float] = (0.0, 1.0)
    ) -> None:
        """Each paragraph to the step it is about; one that says too little joins the
        paragraph before it (or, at the start, the first that says enough). `span` is the
        part of the answer the paragraphs cover, for the order prior."""
        count = max(1, len(paragraphs))
        start, end = span
        topics = [
            (number, text, self.topics.topic(text, position=start + (end - start) * (at + 0.5) / count))
            for at, (number, text) in enumerate(paragraphs)
        ]
        pending: list[tuple[int, str]] = []
        for number, text, topic in topics:
            if topic.step is None:
                if self.previous is None:
                    pending.append((number, text))
                    continue
                self._add((self.previous,), text)
                self._record(
                    f"{label} {number}", (self.previous.id,), "no topic of its own; kept with the one before"
                )
                continue
            for waiting_number, waiting in pending:
                self._add((topic.step,), waiting)
                self._record(
                    f"{label} {waiting_number}",
                    (topic.step.id,),
                    "no topic of its own; kept with the one after",
                )
            pending.clear()
            self._add((topic.step,), text)
            self._record(f"{label} {number}", (topic.step.id,), _talks_about(topic))
        for waiting_number, waiting in pending:  # nothing in the answer has a topic
            first = self.framework.steps[0]
            self._add((first,), waiting)
            self._record(
                f"{label} {waiting_number}", (first.id,), "no topic of its own; read as the first step"
            )

    # bookkeeping
    def _add(self, steps: tuple[FrameworkStep, ...], text: str) -> None:
        for step in steps:
            self.chunks.setdefault(step.id, []).append(text)
        self.previous = steps[-1]

    def _record(self, source: str, steps: tuple[str, ...], why: str) -> None:
        if len(self.routing) >= MAX_ROUTES:
            self.unrecorded += 1
            return
        self.routing.append(Route(source=source, steps=steps, why=why))

    def finish(self) -> ParsedAnswer:
        answer = ParsedAnswer(self.framework.id, warnings=self.warnings, routing=self.routing)
        for step in self.framework.steps:
            body = "\n\n".join(chunk for chunk in self.chunks.get(step.id, []) if chunk).strip()
            if body:
                answer.steps[step.id] = body
        if self.unrecorded:
            answer.warnings.append(f"{self.unrecorded:,} more routing decisions are not listed")
        return answer


def _talks_about(topic: Topic) -> str:
    assert topic.step is not None
    return f"it talks about {_listed(topic.words)}"


def _listed(words: tuple[str, ...]) -> str:
    quoted = [f"'{word}'" for word in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _candidate_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    in_code = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(_FENCE):
            in_code = not in_code
            continue
        if in_code or not stripped:
            continue
        heading = _heading(line, number, lines)
        if heading is not None:
            headings.append(heading)
    return headings


def _heading(line: str, number: int, lines: list[str]) -> _Heading | None:
    shown = clip(line.strip(), SHOWN_HEADING_CHARS)
    if line.lstrip().startswith("#"):
        return _atx(line, number, shown)
    following = lines[number + 1] if number + 1 < len(lines) else ""
    if _SETEXT.match(following) and not line.lstrip().startswith(("-", "*", "+", ">", "|")):
        return _Heading(number, SETEXT, 1 if following.strip()[0] == "=" else 2, line.strip(), shown)
    bold = _BOLD_LINE.match(line)
    if bold and _short(bold.group(1)):
        return _Heading(number, BOLD, 0, bold.group(1).strip().rstrip(":"), shown)
    lead = _BOLD_LEAD.match(line)
    if lead and _short(lead.group(1)):
        return _Heading(number, BOLD, 0, lead.group(1).strip(), shown, rest=lead.group(2))
    standalone = _blank(lines, number - 1) and not _NUMBERED.match(following)
    numbered = _NUMBERED.match(line)
    if (
        numbered
        and standalone
        and _short(numbered.group(2))
        and not numbered.group(2).rstrip().endswith((".", "?", "!"))
    ):
        return _Heading(number, NUMBERED, 0, line.strip(), shown)
    stripped = line.strip().rstrip(":")
    letters = [c for c in stripped if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and _short(stripped):
        return _Heading(number, CAPS, 0, stripped, shown)
    label = _LABEL.match(line)
    if label and standalone and _short(label.group(1)):
        return _Heading(number, LABEL, 0, label.group(1).strip(), shown)
    return None


def _atx(line: str, number: int, shown: str) -> _Heading | None:
    stripped = line.lstrip()
    hashes = len(stripped) - len(stripped.lstrip("#"))
    if hashes > 6 or len(stripped) > hashes and stripped[hashes] not in " \t":
        return None
    # by hand, not with the regex alone, which backtracked on long runs of mixed whitespace
    title = stripped[hashes:].strip().rstrip("#").rstrip()
    return _Heading(number, ATX, hashes, title, shown)


def _blank(lines: list[str], number: int) -> bool:
    return number < 0 or not lines[number].strip()


def _short(text: str) -> bool:
    return 0 < len(text.split()) <= MAX_HEADING_WORDS


def _sections(lines: list[str], headings: list[_Heading], section_starts: list[_Heading]) -> list[_Section]:
    """The text before the first section heading, then each section heading's text. An
    ATX heading of a higher level (fewer `#`) than the sections' ends a section."""
    kind, level = section_starts[0].tier if section_starts else (ATX, 1)
    starts = {h.line: h for h in section_starts}
    enders = {h.line for h in headings if h.kind == ATX and kind == ATX and h.level < level}
    skip_next = {h.line + 1 for h in section_starts if h.kind == SETEXT}
    sections = [_Section(None)]
    for number, line in enumerate(lines):
        where = number / max(1, len(lines))
        if number in starts:
            heading = starts[number]
            sections.append(_Section(heading, [heading.rest] if heading.rest else [], where))
        elif number in enders:
            sections.append(_Section(None, [], where))
        elif number not in skip_next:
            sections[-1].lines.append(line)
    return sections


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+\u2022]|\d{1,2}[.)])[ \t]+")


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """Blocks of text separated by blank lines, and each top-level list item with its
    continuation lines (notes are often one long list), numbered from 1."""
    blocks: list[list[str]] = [[]]
    in_code = False
    for line in lines:
        if line.strip().startswith(_FENCE):
            in_code = not in_code
        if not line.strip() and not in_code:
            if blocks[-1]:
                blocks.append([])
            continue
        if not in_code and _LIST_ITEM.match(line) and blocks[-1]:
            blocks.append([])
        blocks[-1].append(line)
    texts = ["\n".join(block).strip() for block in blocks if block]
    return [(number, text) for number, text in enumerate(texts, start=1) if text]
