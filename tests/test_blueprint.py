"""Blueprints: Mermaid and DOT for every case, the terminal view, and the export command."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import pytest
from rich.console import Console

from mlsd_coach.blueprint.dot import to_dot
from mlsd_coach.blueprint.mermaid import to_mermaid
from mlsd_coach.blueprint.terminal import render_blueprint
from mlsd_coach.content.models import CaseStudy
from mlsd_coach.content.registry import load_library

LIBRARY = load_library()
CASES = sorted(LIBRARY.cases)
NODE = re.compile(
    r'^\s+(n_\w+)(\["|\("|\[\("|\{\{"|\[\["|\(\["|\[/")(.*?)("\]|"\)|"\)\]|"\}\}|"\]\]|"\]\)|"/\])$'
)
EDGE = re.compile(r"^\s+(n_\w+) -->(?:\|([^|]*)\|)? (n_\w+)$")
SUBGRAPH = re.compile(r'^\s+subgraph (\w+)\["([^"]*)"\]$')


def check_mermaid(source: str) -> tuple[set[str], list[tuple[str, str]], list[str]]:
    """A small Mermaid flowchart parser: every line must be a known statement, node ids are
    defined once, edges join defined nodes, subgraphs are balanced."""
    lines = source.splitlines()
    assert lines[0] == "flowchart TB"
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    subgraphs: list[str] = []
    depth = 0
    for line in lines[1:]:
        if match := SUBGRAPH.match(line):
            depth += 1
            subgraphs.append(match.group(1))
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "an `end` without a subgraph"
        elif match := NODE.match(line):
            assert match.group(1) not in nodes, f"node {match.group(1)} defined twice"
            assert '"' not in match.group(3), f"unescaped quote in {line}"
            nodes.add(match.group(1))
        elif match := EDGE.match(line):
            edges.append((match.group(1), match.group(3)))
        else:
            raise AssertionError(f"not a Mermaid statement: {line!r}")
    assert depth == 0, "unbalanced subgraphs"
    for source_id, target_id in edges:
        assert source_id in nodes and target_id in nodes
    return nodes, edges, subgraphs


@pytest.mark.parametrize("case_id", CASES)
def test_mermaid_is_valid_with_online_and_offline_subgraphs(case_id):
    blueprint = LIBRARY.case(case_id).blueprint
    nodes, edges, subgraphs = check_mermaid(to_mermaid(blueprint))
    assert subgraphs == ["online", "offline"]
    assert len(nodes) == len(blueprint.components) and len(edges) == len(blueprint.flows)


def test_mermaid_escapes_label_text():
    case = LIBRARY.case("feed-ranking")
    data = case.model_dump(by_alias=True)
    data["blueprint"]["components"][0]["name"] = 'The "best" <b>|</b> app'
    tricky = type(case).model_validate(data)
    check_mermaid(to_mermaid(tricky.blueprint))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
@pytest.mark.parametrize("case_id", CASES)
def test_dot_is_accepted_by_graphviz(case_id):
    source = to_dot(LIBRARY.case(case_id).blueprint)
    process = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert process.returncode == 0, process.stderr
    assert process.stdout.lstrip().startswith("<?xml") and "<svg" in process.stdout
    text = html.unescape(process.stdout)
    for component in LIBRARY.case(case_id).blueprint.components:
        assert component.name in text


@pytest.mark.parametrize("case_id", CASES)
def test_online_stages_are_in_flow_order_and_fit_the_budget(case_id):
    case = LIBRARY.case(case_id)
    blueprint = case.blueprint
    stages = blueprint.online_stages()
    assert blueprint.critical_path_ms() <= case.latency_budget_ms
    by_id = {stage.id: stage for stage in stages}
    for stage in stages:  # a stage receives at most what the stages feeding it kept
        feeders = [by_id[f.source] for f in blueprint.flows if f.target == stage.id and f.source in by_id]
        kept = [feeder.funnel.output for feeder in feeders if feeder.funnel]
        if stage.funnel and feeders and len(kept) == len(feeders):  # every count is known
            assert stage.funnel.input <= sum(kept), f"{stage.id} receives more than its feeders kept"


def listed_backwards(case: CaseStudy) -> CaseStudy:
    """The case as a user might write it: the same blueprint with its components in reverse."""
    data = case.model_dump(by_alias=True)
    data["blueprint"]["components"].reverse()
    return CaseStudy.model_validate(data)


@pytest.mark.parametrize("case_id", CASES)
def test_online_stages_follow_the_flows_not_the_file(case_id):
    case = LIBRARY.case(case_id)
    backwards = listed_backwards(case)
    stage_ids = [stage.id for stage in backwards.blueprint.online_stages()]
    stage_flows = {(f.source, f.target) for f in case.blueprint.flows}

    for later, earlier in ((b, a) for i, a in enumerate(stage_ids) for b in stage_ids[i + 1 :]):
        assert (later, earlier) not in stage_flows, f"{later} feeds {earlier} but is listed after it"
    assert set(stage_ids) == {stage.id for stage in case.blueprint.online_stages()}


def test_a_blueprint_listed_backwards_draws_the_same_funnel_in_the_terminal():
    case = listed_backwards(LIBRARY.case("feed-ranking"))
    out = Console(file=io.StringIO(), width=200, color_system=None)

    render_blueprint(out, case, LIBRARY.frameworks["seven-step"])

    text = out.file.getvalue()
    assert "35 + 15 + 45 + 10 = 105 ms of the 150 ms budget" in text
    names = [
        "Candidate generation",
        "Light pre-ranker",
        "Multi-task heavy ranker",
        "Re-ranking and page assembly",
    ]
    funnel = text[: text.index("Latency:")]
    assert [funnel.index(name) for name in names] == sorted(funnel.index(name) for name in names)


def test_show_draws_the_three_stage_recommender_by_default(mlsd):
    result = mlsd("blueprint", "show")
    assert result.exit_code == 0, result.stderr
    for text in (
        "Candidate generation",
        "Light pre-ranker",
        "Multi-task heavy ranker",
        "Re-ranking",
        "50M → 2k",
    ):
        assert text in result.stdout
    assert "35 + 15 + 45 + 10 = 105 ms of the 150 ms budget" in result.stdout
    assert "online: serves every request" in result.stdout and "Feature store" in result.stdout
    assert "runnable example: mlsd_coach/pipeline/retrieval.py" in result.stdout


@pytest.mark.parametrize("case_id", CASES)
def test_show_every_case(mlsd, case_id):
    result = mlsd("blueprint", "show", case_id)
    assert result.exit_code == 0, result.stderr
    assert LIBRARY.case(case_id).blueprint.title in result.stdout


def test_export_writes_a_file_and_says_where(mlsd, tmp_path):
    out = tmp_path / "feed.mmd"
    result = mlsd("blueprint", "export", "--format", "mermaid", "-o", str(out))
    assert result.exit_code == 0 and f"wrote {out} (mermaid)" in result.stderr
    check_mermaid(out.read_text())


def test_export_defaults_to_stdout(mlsd):
    result = mlsd("blueprint", "export", "fraud-detection", "--format", "dot")
    assert result.exit_code == 0 and result.stdout.startswith("digraph blueprint {")


def test_svg_without_graphviz_is_bad_input_with_the_install_hint(mlsd, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = mlsd("blueprint", "export", "--format", "svg")
    assert result.exit_code == 2
    assert "sudo apt-get install graphviz" in result.stderr


def test_bad_format_and_case(mlsd):
    assert "unknown format 'png'" in mlsd("blueprint", "export", "--format", "png").stderr
    assert mlsd("blueprint", "show", "no-such-case").exit_code == 2
