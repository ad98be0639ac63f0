"""Reading Mermaid flowcharts: every syntax form people write, and what happens to the rest."""

from __future__ import annotations

import time

import pytest

from mlsd_coach.answers import MAX_ANSWER_BYTES
from mlsd_coach.diagram.extract import find_diagrams
from mlsd_coach.diagram.model import Diagram, Edge
from mlsd_coach.diagram.parse import (
    MAX_EDGES,
    MAX_NODES,
    MAX_STATEMENTS,
    MAX_UNREADABLE,
    MAX_UNSUPPORTED,
    NotAFlowchart,
    parse_mermaid,
)

# Linear parsing of the hostile inputs below takes well under a second; a quadratic one takes
# minutes. The bound only tells the two apart, so a busy machine cannot make it fail.
HANG_SECONDS = 15.0


def parse(body: str, header: str = "flowchart TD") -> Diagram:
    return parse_mermaid(f"{header}\n{body}\n")


def only_edge(diagram: Diagram) -> Edge:
    assert len(diagram.edges) == 1, diagram.edges
    return diagram.edges[0]


def labels(diagram: Diagram) -> dict[str, str]:
    return {node.id: node.label for node in diagram.nodes}


# the header


@pytest.mark.parametrize(
    ("header", "direction"),
    [
        ("flowchart", "TB"),
        ("graph", "TB"),
        ("flowchart TD", "TD"),
        ("graph LR", "LR"),
        ("flowchart BT;", "BT"),
    ]
    + [(f"flowchart {d}", d) for d in ("TB", "RL")],
)
def test_header_with_or_without_a_direction(header, direction):
    diagram = parse("A --> B", header)
    assert diagram.direction == direction
    assert [(e.source, e.target) for e in diagram.edges] == [("A", "B")]
    assert diagram.unsupported == ()


def test_front_matter_directives_and_comments_before_the_header_are_skipped():
    text = (
        "---\ntitle: My design\n---\n%%{init: {'theme': 'dark'}}%%\n%% a comment\n\nflowchart LR\nA --> B\n"
    )
    diagram = parse_mermaid(text)
    assert diagram.direction == "LR" and len(diagram.edges) == 1


@pytest.mark.parametrize("kind", ["sequenceDiagram", "classDiagram", "stateDiagram-v2", "erDiagram", "gantt"])
def test_another_kind_of_diagram_is_one_clear_error(kind):
    with pytest.raises(NotAFlowchart, match=f"a {kind}, not a flowchart"):
        parse_mermaid(f"{kind}\n  A->>B: hello\n")


def test_text_that_is_no_diagram_says_what_it_starts_with():
    with pytest.raises(
        NotAFlowchart,
        match="does not start with `flowchart` or `graph` .it starts with 'Our design has a ranker'",
    ):
        parse_mermaid("Our design has a ranker\n")


# nodes and shapes


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("A[Ranker]", "rectangle"),
        ("A(Ranker)", "rounded"),
        ("A([Ranker])", "stadium"),
        ("A[[Ranker]]", "subroutine"),
        ("A[(Ranker)]", "cylinder"),
        ("A((Ranker))", "circle"),
        ("A(((Ranker)))", "double circle"),
        ("A{Ranker}", "rhombus"),
        ("A{{Ranker}}", "hexagon"),
        ("A>Ranker]", "flag"),
        ("A[/Ranker/]", "parallelogram"),
        ("A[\\Ranker\\]", "parallelogram"),
        ("A[/Ranker\\]", "trapezoid"),
        ("A[\\Ranker/]", "inverted trapezoid"),
        ('A["Ranker"]', "rectangle"),
        ('A[("Ranker")]', "cylinder"),
        ('A{{"Ranker"}}', "hexagon"),
    ],
)
def test_every_node_shape_gives_its_label(source, shape):
    diagram = parse(f"{source} --> B")
    node = diagram.node("A")
    assert (node.label, node.shape) == ("Ranker", shape)
    assert diagram.unsupported == ()


def test_a_quoted_label_may_hold_brackets_and_pipes():
    diagram = parse('A["Ranker [heavy] (GBDT) | 40 ms"] --> B{"is it {fraud}?"}')
    assert labels(diagram) == {"A": "Ranker [heavy] (GBDT) | 40 ms", "B": "is it {fraud}?"}


def test_nested_brackets_inside_an_unquoted_label():
    diagram = parse("A(score f(x)) --> B((g(y))) --> C[a [b] c]")
    assert labels(diagram) == {"A": "score f(x)", "B": "g(y)", "C": "a [b] c"}


def test_markdown_string_label_keeps_its_line_breaks_and_drops_emphasis():
    diagram = parse('A["`**Heavy** ranker\n  40 ms`"] --> B')
    assert diagram.node("A").label == "Heavy ranker\n40 ms"
    assert diagram.node("A").lines == ["Heavy ranker", "40 ms"]


@pytest.mark.parametrize("br", ["<br/>", "<br>", "<br />", "<BR>"])
def test_br_in_a_label_is_a_line_break(br):
    assert parse(f"A[Ranker{br}40 ms]").node("A").lines == ["Ranker", "40 ms"]


def test_entity_codes_and_other_html_tags_in_labels():
    diagram = parse('A["say #quot;hi#quot; to item #35;1 #amp; <b>bold</b>"]')
    assert diagram.node("A").label == 'say "hi" to item #1 & bold'


def test_an_unknown_entity_is_left_as_written():
    assert parse('A["rank #nope; #lt;x#gt;"]').node("A").label == "rank #nope; <x>"


def test_a_node_first_seen_in_an_edge_is_labelled_with_its_id_until_it_gets_a_label():
    diagram = parse("ranker --> store\nranker[Heavy ranker]")
    assert labels(diagram) == {"ranker": "Heavy ranker", "store": "store"}
    assert diagram.node("ranker").line == 2  # where it first appears


def test_class_suffixes_and_new_shape_syntax():
    diagram = parse('A[Ranker]:::hot --> B:::cold\nC@{ shape: cyl, label: "Feature store" } --> A')
    assert labels(diagram) == {"A": "Ranker", "B": "B", "C": "Feature store"}
    assert diagram.node("C").shape == "cyl"


# edges


@pytest.mark.parametrize(
    ("link", "style", "directed", "both_ways"),
    [
        ("-->", "solid", True, False),
        ("---", "solid", False, False),
        ("--->", "solid", True, False),
        ("----", "solid", False, False),
        ("-.->", "dotted", True, False),
        ("-.-", "dotted", False, False),
        ("-..->", "dotted", True, False),
        ("==>", "thick", True, False),
        ("===", "thick", False, False),
        ("--o", "solid", True, False),
        ("--x", "solid", True, False),
        ("<-->", "solid", True, True),
        ("o--o", "solid", True, True),
        ("x--x", "solid", True, True),
        ("<-.->", "dotted", True, True),
        ("<==>", "thick", True, True),
        ("~~~", "invisible", False, False),
    ],
)
def test_every_link_form(link, style, directed, both_ways):
    edge = only_edge(parse(f"A {link} B"))
    assert (edge.source, edge.target) == ("A", "B")
    assert (edge.style, edge.directed, edge.both_ways) == (style, directed, both_ways)


def test_links_without_spaces():
    diagram = parse("A-->B\nC-.->D\nE==>F\nG---H")
    assert [(e.source, e.target, e.style) for e in diagram.edges] == [
        ("A", "B", "solid"),
        ("C", "D", "dotted"),
        ("E", "F", "thick"),
        ("G", "H", "solid"),
    ]


def test_a_head_only_on_the_left_points_at_the_left_node():
    edge = only_edge(parse("A <--- B"))
    assert (edge.source, edge.target, edge.directed) == ("B", "A", True)


@pytest.mark.parametrize(
    ("link", "label", "style", "directed"),
    [
        ("-->|20 ms|", "20 ms", "solid", True),
        ('-->|"top 500 | scored"|', "top 500 | scored", "solid", True),
        ("---|plain|", "plain", "solid", False),
        ("-.->|async|", "async", "dotted", True),
        ("==>|hot path|", "hot path", "thick", True),
        ("-- two-tower recall -->", "two-tower recall", "solid", True),
        ("-- no arrow ---", "no arrow", "solid", False),
        ("-. nightly .->", "nightly", "dotted", True),
        ("-. 0.5 ms .->", "0.5 ms", "dotted", True),
        ("== 40 ms ==>", "40 ms", "thick", True),
    ],
)
def test_edge_labels_in_every_form(link, label, style, directed):
    edge = only_edge(parse(f"A {link} B"))
    assert (edge.source, edge.target, edge.label, edge.style, edge.directed) == (
        "A",
        "B",
        label,
        style,
        directed,
    )


def test_a_chain_makes_an_edge_per_link():
    diagram = parse("A[Retrieval] -->|2,000| B[Ranker] --> C[Re-rank] -.-> D")
    assert [(e.source, e.target, e.label) for e in diagram.edges] == [
        ("A", "B", "2,000"),
        ("B", "C", ""),
        ("C", "D", ""),
    ]
    assert labels(diagram) == {"A": "Retrieval", "B": "Ranker", "C": "Re-rank", "D": "D"}


def test_ampersand_groups_link_every_pair():
    diagram = parse("A & B --> C & D --> E")
    assert sorted((e.source, e.target) for e in diagram.edges) == [
        ("A", "C"),
        ("A", "D"),
        ("B", "C"),
        ("B", "D"),
        ("C", "E"),
        ("D", "E"),
    ]


def test_semicolons_separate_statements_but_not_inside_labels_or_entities():
    diagram = parse('A --> B; B --> C;C["x; #quot;y#quot;"]')
    assert [(e.source, e.target) for e in diagram.edges] == [("A", "B"), ("B", "C")]
    assert diagram.node("C").label == 'x; "y"'


def test_comments_and_styling_are_ignored():
    diagram = parse(
        "%% the online path\n"
        "A --> B %% trailing comment\n"
        "classDef hot fill:#f96,stroke:#333;\n"
        "class A,B hot\n"
        "style A fill:#f9f,stroke-width:4px\n"
        "linkStyle 0 stroke:#ff3,stroke-width:4px\n"
        'click A callback "Tooltip; with a semicolon"\n'
        'click B href "https://example.com" _blank\n'
        "accTitle: The design\n"
        "accDescr { several\nlines }\n"
    )
    assert [(e.source, e.target) for e in diagram.edges] == [("A", "B")]
    assert set(labels(diagram)) == {"A", "B"}
    assert diagram.unsupported == ()


# subgraphs


def test_subgraph_forms_nesting_and_direction():
    diagram = parse(
        "subgraph online [Online serving]\n"
        "  direction LR\n"
        "  A[Retrieval] --> B[Ranker]\n"
        '  subgraph rank["Ranking stage"]\n'
        "    C[Re-rank]\n"
        "  end\n"
        "end\n"
        "subgraph Offline training and data\n"
        "  T[Trainer]\n"
        "end\n"
        "subgraph logs\n  L[(Logs)]\nend\n"
        "B --> C\nL --> T"
    )
    by_id = {node.id: node for node in diagram.nodes}
    assert by_id["A"].subgraphs == ("Online serving",)
    assert by_id["C"].subgraphs == ("Online serving", "Ranking stage")
    assert by_id["C"].subgraph_ids == ("online", "rank")
    assert by_id["T"].subgraphs == ("Offline training and data",)
    assert by_id["L"].subgraphs == ("logs",)
    titles = {s.id: (s.title, s.parents) for s in diagram.subgraphs}
    assert titles["online"] == ("Online serving", ())
    assert titles["rank"] == ("Ranking stage", ("online",))
    assert titles["logs"] == ("logs", ())
    assert diagram.unsupported == ()


def test_the_first_subgraph_to_name_a_node_keeps_it():
    diagram = parse("A\nsubgraph one [One]\nA --> B\nend\nsubgraph two [Two]\nB --> C\nend")
    assert [node.subgraphs for node in diagram.nodes] == [("One",), ("One",), ("Two",)]


def test_an_edge_to_a_subgraph_id_is_not_a_node():
    diagram = parse("subgraph serving [Serving]\n A --> B\nend\nserving --> T[Trainer]")
    assert set(labels(diagram)) == {"A", "B", "T"}
    assert diagram.edges[-1].source == "serving"


# what cannot be read


def test_unreadable_lines_are_reported_with_their_line_numbers_and_skipped():
    diagram = parse_mermaid(
        "flowchart TD\n"
        "A[Retrieval] --> B[Ranker]\n"
        "this is prose, not a statement\n"
        "C[unclosed --> D\n"
        "B --> \n"
        "end\n"
        "B --> E[Re-rank]\n",
        first_line=10,
    )
    assert [(e.source, e.target) for e in diagram.edges] == [("A", "B"), ("B", "E")]
    assert set(labels(diagram)) == {"A", "B", "E"}  # a rejected line adds nothing, not even "this"
    lines = {unread.line: unread.what for unread in diagram.unsupported}
    assert sorted(lines) == [12, 13, 14, 15]
    assert "unexpected" in lines[12]
    assert "`[` is not closed" in lines[13]
    assert "needs a node after it" in lines[14]
    assert "`end` without a `subgraph`" in lines[15]


def test_a_quoted_label_does_not_swallow_the_next_lines():
    diagram = parse('A["unterminated --> B\nC --> D\nE["ok"]')
    assert [(e.source, e.target) for e in diagram.edges] == [("C", "D")]
    assert [unread.line for unread in diagram.unsupported] == [2]


def test_an_unclosed_subgraph_is_reported_and_read_to_the_end():
    diagram = parse("subgraph online [Online]\nA --> B")
    assert [node.subgraphs for node in diagram.nodes] == [("Online",), ("Online",)]
    assert "subgraph 'Online' has no `end`" in diagram.unsupported[0].what
    assert diagram.unsupported[0].line == 2


def test_nodes_are_capped_with_a_message():
    body = "\n".join(f"n{i} --> n{i + 1}" for i in range(MAX_NODES + 20))
    diagram = parse(body)
    assert len(diagram.nodes) == MAX_NODES
    assert f"more than {MAX_NODES} nodes" in diagram.unsupported[-1].what
    assert diagram.unsupported[-1].line == MAX_NODES + 1  # the statement that would add node 501


def test_one_statement_cannot_make_more_than_the_edge_cap():
    group = " & ".join(f"n{i}" for i in range(40))
    diagram = parse(f"{group} --> {group.replace('n', 'm')}")  # 1,600 pairs
    assert diagram.edges == ()
    assert f"more than {MAX_EDGES} edges" in diagram.unsupported[-1].what


def test_reports_of_unreadable_lines_are_capped():
    diagram = parse("\n".join("not ) a statement" for _ in range(MAX_UNSUPPORTED + 30)))
    assert len(diagram.unsupported) == MAX_UNSUPPORTED + 1
    assert diagram.unsupported[-1].what == "and 30 more lines not read"


def test_reading_stops_after_too_many_unreadable_lines_and_says_where():
    diagram = parse("A --> B\n" + "x)\n" * (MAX_UNREADABLE + 500) + "C --> D")
    assert [(e.source, e.target) for e in diagram.edges] == [("A", "B")]
    assert (
        diagram.unsupported[-1].what
        == f"more than {MAX_UNREADABLE:,} lines could not be read: the rest is not read"
    )
    assert diagram.unsupported[-1].line == MAX_UNREADABLE + 3
    assert diagram.unsupported[-2].what == f"and {MAX_UNREADABLE + 1 - MAX_UNSUPPORTED} more lines not read"


def test_reading_stops_after_a_diagram_worth_of_statements():
    diagram = parse("A[Ranker]\n" * (MAX_STATEMENTS + 10) + "A --> B")
    assert diagram.edges == ()
    assert diagram.unsupported[-1].what.startswith(f"more than {MAX_STATEMENTS:,} statements")


def test_an_answer_sized_diagram_parses_in_well_under_a_second_or_two():
    lines = [f'  n{i}["Stage {i}<br/>{i} ms"] -->|{i} ms| n{i + 1}(Next {i})' for i in range(450)]
    lines += ["  A[[[ broken " + "x" * 80 for _ in range(5_000)]
    lines += ['  Z["' + "y" * 1_500 for _ in range(200)]  # unterminated quotes
    text = "flowchart TD\n" + "\n".join(lines) + "\n"
    text += "%% filler\n" * ((MAX_ANSWER_BYTES - len(text)) // 10)
    assert len(text) > 0.95 * MAX_ANSWER_BYTES
    started = time.perf_counter()
    diagram = parse_mermaid(text)
    elapsed = time.perf_counter() - started
    assert len(diagram.nodes) == 451 and len(diagram.edges) == 450
    assert elapsed < HANG_SECONDS, f"{elapsed:.2f} s"


@pytest.mark.parametrize(
    "text",
    [
        "flowchart TD\nA[" + "x" * MAX_ANSWER_BYTES,
        "flowchart TD\n" + " --> ".join(["a", "b"] * 100_000),
        "flowchart TD\nA[" + "[" * 300_000 + "]" * 300_000 + "]",
        "flowchart TD\n" + '"' * MAX_ANSWER_BYTES,
        "flowchart TD\n" + "%%{\n" * (MAX_ANSWER_BYTES // 4),
        "flowchart TD\n" + 'A["x\n' * (MAX_ANSWER_BYTES // 5),
        "flowchart TD\n" + "accDescr {\n" * (MAX_ANSWER_BYTES // 11),
        "flowchart TD\n" + "x)\n" * (MAX_ANSWER_BYTES // 3),
        "flowchart TD\n" + "A[x]\n" * (MAX_ANSWER_BYTES // 5),
        "flowchart TD\n" + " & ".join(f"n{i}[L{i}]" for i in range(400)) + " --> z " + "q" * 900_000,
    ],
)
def test_hostile_single_lines_are_fast(text):
    started = time.perf_counter()
    diagram = parse_mermaid(text)
    assert time.perf_counter() - started < HANG_SECONDS
    assert diagram.unsupported


# finding the diagrams in an answer


def test_fenced_blocks_with_backticks_or_tildes_and_their_lines():
    answer = (
        "# Serving\n"
        "Prose.\n"
        "```mermaid\n"
        "flowchart LR\n"
        "A --> B\n"
        "```\n"
        "```python\nprint('no')\n```\n"
        "  ~~~~ Mermaid\n"
        "  graph TD\n"
        "  C --> D\n"
        "  ~~~~\n"
        "```{mermaid}\nflowchart\nE --> F\n```\n"
    )
    blocks = find_diagrams(answer)
    assert [(block.line, block.text.split("\n")[0].strip()) for block in blocks] == [
        (4, "flowchart LR"),
        (11, "graph TD"),
        (15, "flowchart"),
    ]
    diagram = parse_mermaid(blocks[1].text, blocks[1].line)
    assert [(e.source, e.target, e.line) for e in diagram.edges] == [("C", "D", 12)]


def test_a_closing_fence_must_match_the_opening_one():
    blocks = find_diagrams("````mermaid\nflowchart\nA --> B\n```\nC --> D\n````\n")
    assert blocks[0].text == "flowchart\nA --> B\n```\nC --> D"


def test_an_unclosed_fence_runs_to_the_end():
    assert find_diagrams("```mermaid\nflowchart\nA --> B\n")[0].text == "flowchart\nA --> B\n"


def test_a_whole_file_that_starts_with_a_flowchart_is_one_diagram():
    text = "%% my design\n\ngraph LR\nA --> B\n"
    assert find_diagrams(text)[0].text == text
    assert find_diagrams("sequenceDiagram\nA->>B: x\n", whole_file=True)[0].line == 1
    assert find_diagrams("# Answer\nNo diagram here.\n") == []


def test_prose_that_starts_with_the_word_graph_is_not_a_diagram():
    answer = "graph neural networks could rank friends.\n\n```mermaid\ngraph LR\nA --> B\n```\n"
    assert [block.line for block in find_diagrams(answer)] == [4]


def test_windows_line_endings():
    answer = "Intro\r\n```mermaid\r\nflowchart LR\r\nsubgraph s [Online]\r\nA[Ranker] --> B\r\nend\r\n```\r\n"
    block = find_diagrams(answer)[0]
    diagram = parse_mermaid(block.text, block.line)
    assert [(n.id, n.label, n.subgraphs) for n in diagram.nodes] == [
        ("A", "Ranker", ("Online",)),
        ("B", "B", ("Online",)),
    ]
    assert diagram.unsupported == ()
