"""`mlsd mock --timed` through a real pseudo-terminal, with the interview clock run 6x faster
(MLSD_CLOCK_RATE) so a 10-minute round takes well under a minute."""

from __future__ import annotations

import json
import os

import pytest
from pty_helpers import SUBMIT, exit_status, expect_in_order, expect_prompt, spawn

from mlsd_coach.content.registry import load_library
from mlsd_coach.store.history import HistoryStore

CASE = load_library().case("feed-ranking")
SHORT_ANSWER = "We log impressions with their position and build features point-in-time so nothing leaks."


# Enter is a new line in the multi-line prompt; the step is submitted with Esc then Enter.
DIAGRAM = "\r\r```mermaid\rflowchart LR\r" + "\r".join(
    [
        "app([App]) --> rank[Heavy ranker] --> cg[Candidate generation] --> app",
        "app --> logs[(Impression logs)] --> train[[Model training]] --> rank",
        "```",
    ]
)
TWIST_REPLY = (
    "With 50 GPUs I would rank 200 instead of 500 behind a stronger pre-ranker, run the ranker in FP16 "
    "and compute the user side once per request; off-peak at 35k QPS we can still score 500."
)


def reply_to_probes_until(child, marker: str) -> int:
    """Skip every follow-up (empty reply) until `marker`, answering a twist if one is said;
    returns how many follow-ups were asked."""
    asked = 0
    while (said := child.expect(["follow-up", "something has changed", marker])) != 2:
        if said == 0:
            asked += 1
            expect_prompt(child, "Your reply")
            child.send(SUBMIT)
        else:
            expect_prompt(child, "How does your design change")
            child.send(TWIST_REPLY + SUBMIT)
    return asked


@pytest.mark.slow  # waits out a step's real time (14 s)
def test_a_timed_mock_in_a_terminal(private_home, mlsd, monkeypatch):
    monkeypatch.setitem(os.environ, "MLSD_CLOCK_RATE", "6")
    child = spawn(
        private_home,
        "mock",
        "--timed",
        "--minutes",
        "10",
        "--case",
        "feed-ranking",
        "--seed",
        "1",
        timeout=40,
    )
    child.expect("I'll keep time")
    child.expect("Clarifying question")
    child.sendline("What is the latency budget?")
    expect_in_order(child, "150 ms", "Clarifying question")
    child.sendline("done")
    expect_prompt(child)
    child.send("The objective is long-term retention, because watch time alone rewards clickbait." + SUBMIT)
    probes = reply_to_probes_until(child, "Frame as an ML task")
    expect_prompt(child)
    child.send("I would frame it as multi-task ranking")  # and never submit: the step's time runs out
    child.expect("Time's up for frame as an ml task; I've noted what you had")
    for title in ("Model development", "Evaluation", "Deployment and serving", "Monitoring and iteration"):
        expect_prompt(child)
        # each answer is the step before `title`: the serving answer carries a diagram, typed
        # line by line as a candidate would
        child.send(SHORT_ANSWER + (DIAGRAM if title == "Monitoring and iteration" else "") + SUBMIT)
        probes += reply_to_probes_until(child, title)
    expect_prompt(child)
    child.send(SHORT_ANSWER + SUBMIT)
    probes += reply_to_probes_until(child, "Hiring committee scorecard")
    expect_in_order(
        child,
        "Your diagram in Deployment and serving, against the blueprint",
        "heavy ranker is drawn before Candidate generation",
        "feedback loop: Impression logs",
        "Recommendation:",
        "adapted to “Finance has capped",
        "timed out",
        "Strongest moments",
        "Weakest moments",
        "When the constraints changed",
        "Study next",
    )
    child.expect("Saved as session .* \\(seed 1\\)")
    assert exit_status(child) == 0
    assert probes > 0

    with HistoryStore(private_home / "history.sqlite3") as store:
        [row] = store.sessions()
        events = store.events(row.id)
        first = {s.result.id: s.result for s in store.step_scores(row.id) if s.attempt == 1}
    assert row.settings.seed == 1 and row.settings.twists == ("ranker-fleet-capped-at-50-gpus",)
    assert [(e.kind, e.step_id) for e in events if e.kind.startswith("twist")] == [
        ("twist", "serving"),
        ("twist_reply", "serving"),
    ]
    framing = [e.text for e in events if e.step_id == "framing" and e.kind == "answer"]
    assert framing == ["I would frame it as multi-task ranking"]
    asked = [e for e in events if e.kind == "probe"]
    assert len(asked) == probes
    by_question = {" ".join(p.question.split()): p for p in CASE.probes}
    for event in asked:
        probe = by_question[" ".join(event.text.split())]
        missed = {item.id for item in first[probe.step].items if not item.met}
        assert set(probe.targets) <= missed

    history = json.loads(mlsd("history", "--json").stdout)
    assert history["sessions"][0]["mode"] == "mock" and history["sessions"][0]["finished"]
    report = mlsd("report", str(row.id))
    assert report.exit_code == 0 and "I would frame it as multi-task ranking" in report.stdout
    assert "## Your diagram, in Deployment and serving, against the blueprint" in report.stdout
    assert "## Hiring committee" in report.stdout and "**When the constraints changed**" in report.stdout


def test_minutes_out_of_range_is_bad_input(mlsd):
    result = mlsd("mock", "--minutes", "5")
    assert result.exit_code == 2 and "--minutes must be between 10 and 120" in result.stderr


def test_mock_without_a_terminal(mlsd):
    result = mlsd("mock", "--timed")
    assert result.exit_code == 2 and "needs a terminal" in result.stderr


def test_twists_outside_0_to_2_is_bad_input(mlsd):
    result = mlsd("mock", "--twists", "3")
    assert result.exit_code == 2 and "--twists must be 0, 1 or 2 (got 3)" in result.stderr
