"""A recursive-descent reader for the Mermaid flowchart syntax people write in an answer.

Statements end at a newline or a `;` (outside quotes); one that cannot be read is reported
with its line in `Diagram.unsupported` and the rest of its line skipped, so a typo costs
that line, never the diagram. Styling (`classDef`, `class`, `style`, `linkStyle`, `click`,
`:::name`) and layout (`direction`) are accepted and ignored.

The work is bounded: every token is matched by an anchored regex at the current position, a
label is looked for within `MAX_LABEL_CHARS`, and reading stops at `MAX_NODES` nodes or
`MAX_EDGES` edges, so a 1 MB answer parses in linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial

from mlsd_coach.diagram.labels import label_text
from mlsd_coach.diagram.model import Diagram, Edge, EdgeStyle, Node, Subgraph, Unsupported
from mlsd_coach.errors import BadInputError
from mlsd_coach.prose import clip

MAX_NODES = 500
MAX_EDGES = 1_000
MAX_UNSUPPORTED = 50  # reported one by one; the rest are counted
MAX_STATEMENTS = 20_000  # a large real diagram has a few hundred
MAX_UNREADABLE = 1_000
MAX_LABEL_CHARS = 2_000
DIRECTIONS = frozenset({"TB", "TD", "BT", "LR", "RL"})
OTHER_DIAGRAMS = frozenset(
    """sequenceDiagram classDiagram classDiagram-v2 stateDiagram stateDiagram-v2 erDiagram journey
    gantt pie quadrantChart requirementDiagram gitGraph C4Context C4Container C4Component C4Dynamic
    C4Deployment mindmap timeline zenuml sankey-beta xychart-beta block-beta packet-beta kanban
    architecture-beta radar-beta treemap-beta""".split()
)
# statements about looks, accepted and ignored, and the keywords that open the others
_KEYWORDS = frozenset(
    {
        "subgraph",
        "end",
        "direction",
        "classDef",
        "class",
        "style",
        "linkStyle",
        "click",
        "accTitle",
        "accDescr",
    }
)

_SPACE = re.compile(r"[ \t\r\f\v]*")
_BLANK = re.compile(r"\s*")
_SEPARATORS = re.compile(r"[\s;]*")
_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.M)
_SUBGRAPH_ID = re.compile(r"[^\s\[;%]+")
_ID = re.compile(r"\w+(?:-\w+)*")
_WORD = re.compile(r"[A-Za-z][\w-]*")
_CLASS_SUFFIX = re.compile(r":::[\w-]+")
_REST_OF_STATEMENT = re.compile(r'(?:[^"\n;%]|"[^"\n]*"|%(?!%))*')
_SOLID = re.compile(r"-{2,}")
_THICK = re.compile(r"={2,}")
_DOTTED = re.compile(r"-(\.+)-([>xo]?)")
_INVISIBLE = re.compile(r"~{3,}")
_SOLID_LABEL_END = re.compile(r"\s*-{2,}[->xo]")
_THICK_LABEL_END = re.compile(r"\s*={2,}[=>xo]")
_DOTTED_LABEL_END = re.compile(r"\s*\.+-[>xo]?")
_SHAPE_FIELD = re.compile(r'(\w+)\s*:\s*("[^"]*"|[^,}\n]*)')
# openers, longest first, with the closers each may take and the shape they draw
_SHAPES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("(((", ((")))", "double circle"),)),
    ("((", (("))", "circle"),)),
    ("([", (("])", "stadium"),)),
    ("[[", (("]]", "subroutine"),)),
    ("[(", ((")]", "cylinder"),)),
    ("{{", (("}}", "hexagon"),)),
    ("[/", (("/]", "parallelogram"), ("\\]", "trapezoid"))),
    ("[\\", (("\\]", "parallelogram"), ("/]", "inverted trapezoid"))),
    ("[", (("]", "rectangle"),)),
    ("(", ((")", "rounded"),)),
    ("{", (("}", "rhombus"),)),
    (">", (("]", "flag"),)),
)
_CLOSERS = dict(_SHAPES)
_OPENER = re.compile("|".join(re.escape(opener) for opener, _ in _SHAPES))  # longest first, as listed
_OPENING = {")": "(", "]": "[", "}": "{"}


class NotAFlowchart(BadInputError):
    """The text is another kind of Mermaid diagram, or no diagram at all."""


class _Unreadable(Exception):
    """Why the statement being read cannot be read."""


class _Full(Exception):
    """The diagram reached one of the bounds on its size; `line` is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class _NodeRef:
    id: str
    label: str | None = None
    shape: str | None = None


@dataclass(frozen=True)
class _Link:
    label: str
    style: EdgeStyle
    directed: bool
    both_ways: bool
    reversed: bool  # a head only at the left end: `A <-- B` points at A


@dataclass
class _NodeState:
    label: str
    shape: str
    line: int
    subgraphs: tuple[str, ...] | None = None  # subgraph ids, once a subgraph claims it


@dataclass
class _Builder:
    """What has been read so far."""

    nodes: dict[str, _NodeState] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    subgraphs: dict[str, Subgraph] = field(default_factory=dict)
    unsupported: list[Unsupported] = field(default_factory=list)
    unsupported_count: int = 0

    def report(self, line: int, what: str) -> None:
        self.unsupported_count += 1
        if len(self.unsupported) < MAX_UNSUPPORTED:
            self.unsupported.append(Unsupported(line=line, what=what))


def parse_mermaid(text: str, first_line: int = 1) -> Diagram:
    """The flowchart in `text`, whose first line is line `first_line` of the answer. Another
    kind of diagram, or text that is no diagram, raises NotAFlowchart."""
    return _Parser(text, first_line).diagram()


class _Parser:
    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.pos = 0
        self.first_line = first_line
        self._newlines = [match.start() for match in re.finditer("\n", text)]
        self._found: dict[str, tuple[int, int]] = {}  # token -> (searched from, found at or -1)
        self.built = _Builder()
        self.stack: list[str] = []  # the subgraphs open here, outermost first
        self._opened_at: list[int] = []
        self.direction = "TB"
        self.stopped: Unsupported | None = None  # why reading stopped before the end

    # positions

    def line(self, pos: int | None = None) -> int:
        return bisect_right(self._newlines, self.pos if pos is None else pos) + self.first_line

    def peek(self, length: int = 1) -> str:
        return self.text[self.pos : self.pos + length]

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.pos)
        if found is not None:
            self.pos = found.end()
        return found

    def space(self) -> None:
        self.match(_SPACE)

    def end_of_line(self) -> int:
        following = bisect_right(self._newlines, self.pos - 1)  # a newline at `pos` ends this line
        return self._newlines[following] if following < len(self._newlines) else len(self.text)

    def find(self, token: str, start: int, limit: int = MAX_LABEL_CHARS) -> int:
        """Where `token` next occurs from `start` within `limit` characters, or -1. The last
        search for each token is remembered, so that many unclosed openers cost one scan."""
        searched_from, found = self._found.get(token, (len(self.text) + 1, -1))
        if not (searched_from <= start and (found == -1 or found >= start)):
            found = self.text.find(token, start)
            self._found[token] = (start, found)
        return found if 0 <= found - start <= limit else -1

    def skip_line(self) -> None:
        self.pos = self.end_of_line()

    # the document

    def diagram(self) -> Diagram:
        self.header()
        try:
            for _ in range(MAX_STATEMENTS):
                if self.pos >= len(self.text):
                    break
                self.statement()
            else:
                raise _Full(
                    f"more than {MAX_STATEMENTS:,} statements and comments: the diagram is read up to this line"
                )
        except _Full as full:
            self.stopped = Unsupported(line=full.line or self.line(), what=str(full))
        for subgraph_id, opened in zip(self.stack, self._opened_at, strict=True):
            title = self.built.subgraphs[subgraph_id].title
            self.built.report(
                opened, f"subgraph '{title}' has no `end`; it is read to the end of the diagram"
            )
        return self.assemble()

    def header(self) -> None:
        self.skip_preamble()
        start = self.pos
        word = self.match(_WORD)
        if word is None or word.group() not in ("flowchart", "graph", "flowchart-elk"):
            if word is not None and word.group() in OTHER_DIAGRAMS:
                raise NotAFlowchart(
                    f"a {word.group()}, not a flowchart: mlsd checks an architecture drawn as "
                    "`flowchart TD` (or `graph LR`) with nodes and arrows"
                )
            first = self.text[start : self.end_of_line()].strip()
            raise NotAFlowchart(
                f"the diagram does not start with `flowchart` or `graph` (it starts with '{clip(first, 40)}')"
            )
        self.space()
        direction = self.match(_WORD)
        if direction is not None:
            if direction.group() in DIRECTIONS:
                self.direction = direction.group()
            else:
                self.built.report(
                    self.line(), f"unknown direction '{clip(direction.group(), 20)}'; read as TB"
                )
        self.statement_end_or_skip()

    def skip_preamble(self) -> None:
        """Blank lines, `%%` comments and directives, and a `---` front-matter block."""
        while self.pos < len(self.text):
            self.match(_BLANK)
            if self.at("%%"):
                self.comment()
            elif self.at("---") and self.text[self.pos : self.end_of_line()].strip() == "---":
                self.skip_line()
                closing = _FRONT_MATTER_END.search(self.text, self.pos)
                self.pos = closing.end() if closing else len(self.text)
            else:
                return

    def comment(self) -> None:
        """`%% …` to the end of the line; a `%%{ … }%%` directive to its end."""
        if self.at("%%{"):
            end = self.find("}%%", self.pos)
            if end >= 0:
                self.pos = end + 3
                return
        self.skip_line()

    def statement(self) -> None:
        self.match(_SEPARATORS)
        if self.pos >= len(self.text):
            return
        if self.at("%%"):
            self.comment()
            return
        start = self.pos
        try:
            effect = self.keyword_or_chain()
            self.statement_end()
        except _Unreadable as problem:
            self.pos = start
            snippet = clip(self.text[start : self.end_of_line()], 60)
            self.built.report(self.line(start), f"'{snippet}': {problem}")
            self.skip_line()
            if self.built.unsupported_count > MAX_UNREADABLE:
                raise _Full(
                    f"more than {MAX_UNREADABLE:,} lines could not be read: the rest is not read",
                    self.line(start),
                ) from None
            return
        effect()  # only a statement read to its end changes the diagram

    def statement_end(self) -> None:
        self.space()
        if self.at("%%"):
            self.skip_line()
        if self.pos < len(self.text) and self.peek() not in "\n;":
            raise _Unreadable(f"unexpected '{clip(self.text[self.pos : self.end_of_line()], 20)}'")

    def statement_end_or_skip(self) -> None:
        try:
            self.statement_end()
        except _Unreadable as problem:
            self.built.report(self.line(), str(problem))
            self.skip_line()

    def keyword_or_chain(self) -> Callable[[], None]:
        """Reads one statement and returns what it does to the diagram."""
        word = _WORD.match(self.text, self.pos)
        keyword = ""
        if word is not None:
            after = self.text[word.end() : word.end() + 1]
            if after in ("", " ", "\t", "\r", "\n", ";") or word.group() in ("accTitle", "accDescr"):
                keyword = word.group()
        if keyword not in _KEYWORDS:
            return self.chain()
        assert word is not None
        self.pos = word.end()
        if keyword == "subgraph":
            return self.open_subgraph()
        if keyword == "end":
            if not self.stack:
                raise _Unreadable("`end` without a `subgraph` to close")
            return self.close_subgraph
        if keyword == "direction":
            self.space()
            if self.match(_WORD) is None:
                raise _Unreadable("`direction` needs TB, TD, BT, LR or RL")
        else:
            self.ignored_statement()
        return _nothing

    def ignored_statement(self) -> None:
        self.space()
        if self.at("{"):  # accDescr { … } may run over several lines
            end = self.find("}", self.pos)
            if end < 0:
                raise _Unreadable("`{` is not closed by `}`")
            self.pos = end + 1
            return
        self.match(_REST_OF_STATEMENT)

    # subgraphs

    def open_subgraph(self) -> Callable[[], None]:
        line = self.line()
        self.space()
        subgraph_id, title = self.subgraph_name()

        def open_it() -> None:
            if subgraph_id not in self.built.subgraphs:
                self.built.subgraphs[subgraph_id] = Subgraph(
                    id=subgraph_id, title=title, parents=tuple(self.stack), line=line
                )
            self.stack.append(subgraph_id)
            self._opened_at.append(line)

        return open_it

    def subgraph_name(self) -> tuple[str, str]:
        generated = f"subgraph-{len(self.built.subgraphs) + 1}"
        if self.at('"'):
            return generated, self.quoted_text()
        name = self.match(_SUBGRAPH_ID)
        if name is None:
            raise _Unreadable("a subgraph needs a name: `subgraph online [Online serving]`")
        self.space()
        if self.at("["):
            self.pos += 1
            self.space()
            title = self.quoted_text() if self.at('"') else label_text(self.until("]"))
            self.space()
            if not self.at("]"):
                raise _Unreadable("the subgraph title needs a closing `]`")
            self.pos += 1
            return name.group(), title
        rest = self.match(_REST_OF_STATEMENT)
        words = " ".join([name.group(), rest.group() if rest else ""]).strip()
        title = label_text(words)
        return (name.group() if title == name.group() else generated), title

    def close_subgraph(self) -> None:
        self.stack.pop()
        self._opened_at.pop()

    # chains of nodes and links

    def chain(self) -> Callable[[], None]:
        line = self.line()
        groups = [self.node_group()]
        links: list[_Link] = []
        while True:
            before = self.pos
            self.space()
            link = self.link()
            if link is None:
                self.pos = before
                break
            self.space()
            if self.pos >= len(self.text) or self.peek() in "\n;":
                raise _Unreadable("a link needs a node after it")
            links.append(link)
            if len(links) > MAX_EDGES:
                raise _Full(f"more than {MAX_EDGES} edges: the diagram is read up to this line")
            groups.append(self.node_group())
        return partial(self.commit, groups, links, line)

    def node_group(self) -> list[_NodeRef]:
        group = [self.node()]
        while True:
            before = self.pos
            self.space()
            if not self.at("&"):
                self.pos = before
                return group
            self.pos += 1
            self.space()
            group.append(self.node())
            if len(group) > MAX_NODES:
                raise _Full(f"more than {MAX_NODES} nodes: the diagram is read up to this line")

    def node(self) -> _NodeRef:
        found = self.match(_ID)
        if found is None:
            what = f"'{self.peek()}'" if self.peek().strip() else "the end of the line"
            raise _Unreadable(f"expected a node id, found {what}")
        node_id = found.group()
        self.match(_CLASS_SUFFIX)
        label: str | None = None
        shape: str | None = None
        if self.at("@{"):
            label, shape = self.shape_fields()
        else:
            before = self.pos
            self.space()
            opened = self.shape_opening()
            if opened is None:
                self.pos = before
            else:
                label, shape = self.shape_label(*opened)
        self.match(_CLASS_SUFFIX)
        return _NodeRef(node_id, label, shape)

    def shape_opening(self) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        opener = self.match(_OPENER)
        return None if opener is None else (opener.group(), _CLOSERS[opener.group()])

    def shape_label(self, opener: str, closers: tuple[tuple[str, str], ...]) -> tuple[str, str]:
        self.space()
        if self.at('"'):
            text = self.quoted_text()
            self.space()
            for closer, shape in closers:
                if self.at(closer):
                    self.pos += len(closer)
                    return text, shape
            raise _Unreadable(f"expected `{closers[0][0]}` after the quoted label")
        found = _find_closer(
            self.text, self.pos, min(self.end_of_line(), self.pos + MAX_LABEL_CHARS), closers
        )
        if found is None:
            raise _Unreadable(f"`{opener}` is not closed by `{closers[0][0]}` on its line")
        end, closer, shape = found
        text = label_text(self.text[self.pos : end])
        self.pos = end + len(closer)
        return text, shape

    def shape_fields(self) -> tuple[str | None, str | None]:
        """Mermaid 11's `A@{ shape: rect, label: "…" }`: the label, and the shape by name."""
        end = self.find("}", self.pos)
        if end < 0:
            raise _Unreadable("`@{` is not closed by `}`")
        fields = {key: value.strip() for key, value in _SHAPE_FIELD.findall(self.text, self.pos + 2, end)}
        self.pos = end + 1
        label = fields.get("label")
        if label is not None:
            quoted = len(label) >= 2 and label[0] == label[-1] == '"'
            label = label_text(label[1:-1] if quoted else label, quoted=quoted)
        return label, fields.get("shape")

    def quoted_text(self) -> str:
        end = self.find('"', self.pos + 1)
        raw = self.text[self.pos + 1 : end]
        if end < 0 or ("\n" in raw and not raw.startswith("`")):
            raise _Unreadable('a quoted label needs its closing `"` on the same line')
        text = label_text(raw, quoted=True)
        self.pos = end + 1
        return text

    def until(self, closer: str) -> str:
        end = self.text.find(closer, self.pos, min(self.end_of_line(), self.pos + MAX_LABEL_CHARS))
        if end < 0:
            raise _Unreadable(f"expected `{closer}` on the same line")
        text = self.text[self.pos : end]
        self.pos = end
        return text

    # links

    def link(self) -> _Link | None:
        """The link at this position (with its label), or None when there is none."""
        start = self.pos
        head = ""
        if self.peek() in ("<", "o", "x") and self.text[self.pos + 1 : self.pos + 2] in ("-", "=", "."):
            head = self.peek()
            self.pos += 1
        if self.match(_INVISIBLE) is not None:
            return _Link("", "invisible", False, False, False)
        if self.at("-."):
            return self.dotted_link(head)
        if self.at("--"):
            return self.lined_link(head, _SOLID, "-", _SOLID_LABEL_END, "solid")
        if self.at("=="):
            return self.lined_link(head, _THICK, "=", _THICK_LABEL_END, "thick")
        self.pos = start
        return None

    def lined_link(
        self, head: str, line: re.Pattern[str], dash: str, label_end: re.Pattern[str], style: EdgeStyle
    ) -> _Link:
        run = self.match(line)
        assert run is not None  # the caller saw two of `dash`
        tail = self.peek()
        if tail in (">", "x", "o"):
            self.pos += 1
            return self.with_pipe_label(head, tail, style)
        if len(run.group()) >= 3:
            return self.with_pipe_label(head, "", style)
        label, tail = self.text_label(label_end, f"`{dash * 2} text {dash * 2}>`")
        return _make_link(label, style, head, "" if tail == dash else tail)

    def dotted_link(self, head: str) -> _Link:
        complete = self.match(_DOTTED)
        if complete is not None:
            return self.with_pipe_label(head, complete.group(2), "dotted")
        self.pos += 2  # `-.` opens a labelled dotted link: `-. text .->`
        label, tail = self.text_label(_DOTTED_LABEL_END, "`-. text .->`")
        return _make_link(label, "dotted", head, "" if tail in ("-", ".") else tail)

    def text_label(self, label_end: re.Pattern[str], form: str) -> tuple[str, str]:
        """The text of `-- text -->` up to its closing link, and the closing link's last character."""
        limit = min(self.end_of_line(), self.pos + MAX_LABEL_CHARS)
        closing = label_end.search(self.text, self.pos, limit)
        if closing is None:
            raise _Unreadable(f"a link with text needs its closing half, as in {form}")
        text = label_text(self.text[self.pos : closing.start()].strip().strip('"'))
        self.pos = closing.end()
        return text, closing.group()[-1]

    def with_pipe_label(self, head: str, tail: str, style: EdgeStyle) -> _Link:
        before = self.pos
        self.space()
        if not self.at("|"):
            self.pos = before
            return _make_link("", style, head, tail)
        self.pos += 1
        self.space()
        if self.at('"'):
            label = self.quoted_text()
            self.space()
            if not self.at("|"):
                raise _Unreadable("expected `|` after the link's quoted label")
            self.pos += 1
        else:
            label = label_text(self.until("|"))
            self.pos += 1
        return _make_link(label, style, head, tail)

    # what a statement adds

    def commit(self, groups: list[list[_NodeRef]], links: list[_Link], line: int) -> None:
        built = self.built
        new_ids = {ref.id for group in groups for ref in group} - built.nodes.keys()
        if len(built.nodes) + len(new_ids) > MAX_NODES:
            raise _Full(f"more than {MAX_NODES} nodes: the diagram is read up to this line", line)
        new_edges = sum(len(left) * len(right) for left, right in zip(groups, groups[1:], strict=False))
        if len(built.edges) + new_edges > MAX_EDGES:
            raise _Full(f"more than {MAX_EDGES} edges: the diagram is read up to this line", line)
        for group in groups:
            for ref in group:
                self.declare(ref, line)
        for left, link, right in zip(groups, links, groups[1:], strict=False):
            for source in left:
                for target in right:
                    ends = (target.id, source.id) if link.reversed else (source.id, target.id)
                    built.edges.append(
                        Edge(
                            source=ends[0],
                            target=ends[1],
                            label=link.label,
                            style=link.style,
                            directed=link.directed,
                            both_ways=link.both_ways,
                            line=line,
                        )
                    )

    def declare(self, ref: _NodeRef, line: int) -> None:
        state = self.built.nodes.get(ref.id)
        if state is None:
            state = self.built.nodes[ref.id] = _NodeState(label=ref.id, shape="rectangle", line=line)
        if ref.label is not None:
            state.label = ref.label or ref.id
        if ref.shape is not None:
            state.shape = ref.shape
        if state.subgraphs is None and self.stack:
            state.subgraphs = tuple(self.stack)  # the first subgraph that names a node keeps it

    def assemble(self) -> Diagram:
        built = self.built
        if built.unsupported_count > len(built.unsupported):
            more = built.unsupported_count - len(built.unsupported)
            built.unsupported.append(Unsupported(line=self.line(), what=f"and {more} more lines not read"))
        if self.stopped is not None:
            built.unsupported.append(self.stopped)
        titles = {subgraph_id: subgraph.title for subgraph_id, subgraph in built.subgraphs.items()}
        nodes = tuple(
            Node(
                id=node_id,
                label=state.label,
                shape=state.shape,
                subgraphs=tuple(titles[s] for s in state.subgraphs or ()),
                subgraph_ids=state.subgraphs or (),
                line=state.line,
            )
            for node_id, state in built.nodes.items()
            # an id that only names a subgraph, as the end of an edge, is the subgraph's box
            if not (node_id in titles and state.label == node_id)
        )
        return Diagram(
            direction=self.direction,
            nodes=nodes,
            edges=tuple(built.edges),
            subgraphs=tuple(built.subgraphs.values()),
            unsupported=tuple(built.unsupported),
            first_line=self.first_line,
        )


def _nothing() -> None:
    pass


def _make_link(label: str, style: EdgeStyle, head: str, tail: str) -> _Link:
    if head and tail:
        return _Link(label, style, True, True, False)
    if head:
        return _Link(label, style, True, False, True)
    return _Link(label, style, bool(tail), False, False)


def _find_closer(
    text: str, start: int, end: int, closers: tuple[tuple[str, str], ...]
) -> tuple[int, str, str] | None:
    """Where the first of `closers` stands outside brackets nested in the label, with the
    closer and its shape: `A(f(x))` is the label `f(x)`."""
    closing = closers[0][0][-1]
    opening = _OPENING[closing]
    depth = 0
    for found in _bracket_pattern(opening, tuple(c for c, _ in closers)).finditer(text, start, end):
        index, character = found.start(), found.group()
        if depth == 0:
            for closer, shape in closers:
                if text.startswith(closer, index):
                    return index, closer, shape
        if character == opening:
            depth += 1
        elif character == closing and depth:
            depth -= 1
    return None


@cache
def _bracket_pattern(opening: str, closers: tuple[str, ...]) -> re.Pattern[str]:
    """The characters `_find_closer` must look at; the rest of a label it skips."""
    return re.compile(
        "[" + re.escape(opening + "".join({c[0] for c in closers} | {c[-1] for c in closers})) + "]"
    )
