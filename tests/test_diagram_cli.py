"""`mlsd diagram check CASE FILE`: the view, the JSON, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlsd_coach.answers import MAX_ANSWER_BYTES

DIAGRAM = """flowchart LR
  app[Mobile app] --> cg[Candidate generation 35 ms] --> rank[Multi-task heavy ranker 45 ms]
  rank --> logs[(Impression and event logs)] --> train[Model training] --> rank
  rank --> mystery[Something else]
"""

ANSWER = f"""# My design

## Serving

The request goes through retrieval and ranking.

```mermaid
{DIAGRAM}```

## Monitoring

We watch drift.
"""


@pytest.fixture
def answer(tmp_path):
    path = tmp_path / "answer.md"
    path.write_text(ANSWER, encoding="utf-8")
    return path


def test_json_has_the_check_keys(mlsd, answer):
    result = mlsd("diagram", "check", "feed-ranking", str(answer), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "schema_version",
        "step",
        "case",
        "diagram_line",
        "nodes",
        "edges",
        "present",
        "missing",
        "order",
        "confusion",
        "feedback_loop",
        "latency",
        "notes",
        "unsupported",
        "clean",
    }
    assert data["case"] == "feed-ranking" and data["diagram_line"] == 8
    assert [node["line"] for node in data["nodes"]][:3] == [9, 9, 9]  # lines of the answer, not the block
    assert data["feedback_loop"]["status"] == "present"
    assert data["latency"]["drawn_ms"] == 80
    assert data["missing"][0]["id"] == "pre-ranker"
    assert data["clean"] is False


def test_a_mmd_file_is_one_diagram(mlsd, tmp_path):
    path = tmp_path / "design.mmd"
    path.write_text(DIAGRAM, encoding="utf-8")
    result = mlsd("diagram", "check", "feed-ranking", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["diagram_line"] == 1


def test_the_view_shows_both_sides_and_the_findings(mlsd, answer):
    result = mlsd("diagram", "check", "feed-ranking", str(answer))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Your diagram" in out and "The reference" in out
    assert "(not matched)" in out  # "Something else"
    assert "Online and offline" in out  # the blueprint's own track table
    assert "✓ Candidate generation (stage, online)" in out
    assert "✗ missing: Light pre-ranker (stage, online)" in out
    assert "✓ feedback loop: Impression and event logs → Model training" in out
    assert "✓ the slowest drawn path takes 80 ms" in out


def test_the_view_warns_about_stages_out_of_order(mlsd, tmp_path):
    path = tmp_path / "wrong.mmd"
    path.write_text(
        "flowchart LR\n a[Multi-task heavy ranker] --> b[Candidate generation]\n", encoding="utf-8"
    )
    result = mlsd("diagram", "check", "feed-ranking", str(path))
    assert result.exit_code == 0, result.stderr
    assert "⚠ Multi-task heavy ranker is drawn before Candidate generation" in result.stdout
    assert "⚠ no training drawn" in result.stdout


def test_several_blocks_check_the_first_flowchart_with_a_note(mlsd, tmp_path):
    path = tmp_path / "answer.md"
    path.write_text(
        "```mermaid\nsequenceDiagram\nA->>B: hi\n```\n\n"
        "```mermaid\nflowchart LR\nx[Candidate generation] --> y[Multi-task heavy ranker]\n```\n\n"
        "~~~mermaid\nflowchart LR\nz[Model training]\n~~~\n",
        encoding="utf-8",
    )
    result = mlsd("diagram", "check", "feed-ranking", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["diagram_line"] == 7
    assert (
        "note: checking the Mermaid block at line 7 (block 2); the others start at line 2, 12"
        in result.stderr
    )
    third = mlsd("diagram", "check", "feed-ranking", str(path), "--json", "--block", "3")
    assert [node["id"] for node in json.loads(third.stdout)["nodes"]] == ["z"]


def _one_line_error(result, *expected: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for part in expected:
        assert part in lines[0]
    assert result.stdout == ""


def test_a_missing_file(mlsd, tmp_path):
    _one_line_error(
        mlsd("diagram", "check", "feed-ranking", str(tmp_path / "nope.md")), "nope.md", "no such file"
    )


def test_a_file_that_is_not_utf8(mlsd, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("```mermaid\nflowchart\nA[Caf\xe9]\n```\n".encode("latin-1"))
    _one_line_error(mlsd("diagram", "check", "feed-ranking", str(path)), "latin1.md", "not UTF-8")


def test_a_file_that_is_too_big(mlsd, tmp_path):
    path = tmp_path / "big.md"
    path.write_text("x" * (MAX_ANSWER_BYTES + 1), encoding="utf-8")
    _one_line_error(mlsd("diagram", "check", "feed-ranking", str(path)), "big.md", "over the 1 MB limit")


def test_no_mermaid_block(mlsd, tmp_path):
    path = tmp_path / "prose.md"
    path.write_text("# Design\n\nA ranker after retrieval.\n", encoding="utf-8")
    _one_line_error(
        mlsd("diagram", "check", "feed-ranking", str(path)),
        "prose.md",
        "no Mermaid diagram found",
        "```mermaid",
    )


def test_not_a_flowchart(mlsd, tmp_path):
    path = tmp_path / "seq.md"
    path.write_text("Intro\n\n```mermaid\nsequenceDiagram\nA->>B: hi\n```\n", encoding="utf-8")
    _one_line_error(
        mlsd("diagram", "check", "feed-ranking", str(path)), "seq.md:4", "a sequenceDiagram, not a flowchart"
    )


def test_a_block_number_past_the_last_block(mlsd, answer):
    _one_line_error(
        mlsd("diagram", "check", "feed-ranking", str(answer), "--block", "2"),
        "answer.md",
        "has 1 Mermaid block",
    )


def test_an_unknown_case(mlsd, answer):
    _one_line_error(mlsd("diagram", "check", "no-such-case", str(answer)), "unknown case 'no-such-case'")


def test_help_imports_no_heavy_module():
    probe = (
        "import atexit, json, sys\n"
        "heavy = ['openai', 'questionary', 'numpy', 'jinja2', 'pydantic']\n"
        "atexit.register(lambda: sys.stderr.write('MODULES=' + json.dumps([m for m in heavy if m in sys.modules])))\n"
        "sys.argv = ['mlsd', 'diagram', 'check', '--help']\n"
        "from mlsd_coach.cli.main import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--block" in proc.stdout and "first flowchart" in proc.stdout
    assert json.loads(proc.stderr.rsplit("MODULES=", 1)[-1]) == []
