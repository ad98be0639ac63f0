"""How the offline diagram check agrees with an interviewer who read the same diagrams.

Run: python benchmarks/diagrams.py [--part development|held_out|all] [--details]

tests/data/diagrams/<part>/<case>/<n>.md are Mermaid sketches a helper wrote from each case's
prompt alone (a strong, a terse, a mistaken and a free-style one per case); <n>.yaml is how
another helper, who saw the blueprint's component list (names, kinds, purposes; never the
aliases the check matches) but not the check, read each: the component every node stands
for, whether the stages are out of order, whether offline work sits on the request path,
whether a feedback loop reaches training, and the latency the drawing implies. Per case two
diagrams are `development` (what the aliases may be tuned on) and two `held_out`.

Prints, for the part chosen:
  node agreement: nodes mapped to the same component (or to none) as the grader;
  components drawn: precision and recall of the check's present components against the
  components the grader mapped a node to;
  findings: agreement on out-of-order stages, offline work on the request path and a
  closed feedback loop (and how many of the grader's "yes" the check found);
  latency: diagrams whose drawn total is within 10 % of the grader's.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "diagrams"
PARTS = ("development", "held_out")
LATENCY_TOLERANCE = 0.10


@dataclass(frozen=True)
class Graded:
    case: str
    path: Path
    grade: dict[str, object]


def graded(part: str) -> list[Graded]:
    found = []
    for name in PARTS if part == "all" else (part,):
        for grade in sorted((ROOT / name).glob("*/*.yaml")):
            found.append(
                Graded(grade.parent.name, grade.with_suffix(".md"), yaml.safe_load(grade.read_text()))
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="held_out")
    parser.add_argument("--details", action="store_true", help="print every disagreement")
    options = parser.parse_args()

    from mlsd_coach.content.registry import load_glossary, load_library
    from mlsd_coach.diagram.check import check_diagram
    from mlsd_coach.diagram.extract import find_diagrams
    from mlsd_coach.diagram.parse import parse_mermaid
    from mlsd_coach.scoring.matcher import ConceptCompiler

    library = load_library()
    compiler = ConceptCompiler(load_glossary())
    nodes_same = nodes_all = 0
    drawn_true = drawn_found = drawn_right = 0
    flags = {"order": [0, 0, 0], "request path": [0, 0, 0], "feedback loop": [0, 0, 0]}  # agree, yes, found
    latency_right = latency_graded = 0
    sketches = graded(options.part)
    for sketch in sketches:
        case = library.case(sketch.case)
        [block, *_] = find_diagrams(sketch.path.read_text(encoding="utf-8"))
        check = check_diagram(case, parse_mermaid(block.text, block.line), compiler)
        want: dict[str, str] = {str(k): str(v) for k, v in dict(sketch.grade["nodes"]).items()}  # type: ignore[call-overload]
        got = {node.id: node.component or "none" for node in check.nodes}
        for node_id, component in want.items():
            nodes_all += 1
            same = got.get(node_id, "none") == component
            nodes_same += same
            if options.details and not same:
                label = next((n.label for n in check.nodes if n.id == node_id), "?")
                print(
                    f"  {sketch.case}/{sketch.path.stem} node {node_id} {label!r}: check {got.get(node_id)} grader {component}"
                )
        wanted = {c for c in want.values() if c != "none"}
        present = {c.id for c in check.present}
        drawn_true += len(wanted)
        drawn_found += len(present)
        drawn_right += len(wanted & present)
        findings = {
            "order": (bool(sketch.grade["order_error"]), bool(check.order)),
            "request path": (
                bool(sketch.grade["training_on_request_path"]),
                any(p.where == "request path" for p in check.confusion),
            ),
            "feedback loop": (not sketch.grade["feedback_loop"], check.feedback_loop.status != "present"),
        }
        for name, (grader, mine) in findings.items():
            flags[name][0] += grader == mine
            flags[name][1] += grader
            flags[name][2] += grader and mine
            if options.details and grader != mine:
                print(
                    f"  {sketch.case}/{sketch.path.stem} {name}: check {'yes' if mine else 'no'}, grader {'yes' if grader else 'no'}"
                )
        if sketch.grade.get("drawn_latency_ms") is not None:
            latency_graded += 1
            wanted_ms = float(str(sketch.grade["drawn_latency_ms"]))
            drawn_ms = check.latency.drawn_ms
            close = drawn_ms is not None and abs(drawn_ms - wanted_ms) <= LATENCY_TOLERANCE * wanted_ms
            latency_right += close
            if options.details and not close:
                print(f"  {sketch.case}/{sketch.path.stem} latency: check {drawn_ms} grader {wanted_ms}")
    print(f"part: {options.part} ({len(sketches)} diagrams, {nodes_all} nodes)")
    print(f"node agreement:     {nodes_same / max(1, nodes_all):.1%}")
    print(
        f"components drawn:   precision {drawn_right / max(1, drawn_found):.1%}, "
        f"recall {drawn_right / max(1, drawn_true):.1%}"
    )
    for name, (agree, yes, found) in flags.items():
        print(
            f"{name + ':':19} agreement {agree / max(1, len(sketches)):.1%} (the grader's problems found: {found} of {yes})"
        )
    print(
        f"latency:            {latency_right} of {latency_graded} drawn totals within {LATENCY_TOLERANCE:.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
