"""`mlsd practice` through a real pseudo-terminal, as a user types it."""

from __future__ import annotations

import json
import signal

import pytest
from pty_helpers import (
    answer,
    answer_step_without_revising,
    exit_status,
    expect_in_order,
    expect_prompt,
    spawn,
)

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_frameworks
from mlsd_coach.store.history import HistoryStore

SEVEN = load_frameworks()["seven-step"]
STRONG = parse_answer((DATA / "answers" / "feed-ranking" / "strong.md").read_text(), SEVEN)


@pytest.mark.slow  # all seven steps through a real terminal (6 s)
def test_a_full_practice_run_in_a_terminal(private_home, mlsd):
    child = spawn(private_home, "practice", "feed-ranking")
    child.expect("Clarifying question")
    child.sendline("How many daily active users are there?")
    child.expect("300 million")
    child.expect("Clarifying question")
    child.sendline("done")
    for number, step in enumerate(SEVEN.steps, start=1):
        child.expect(f"Step {number} of 7: {step.title}")
        if number == 3:
            answer(child, "h")
            child.expect("Hint:")
        answer_step_without_revising(child, STRONG.text(step.id))
    expect_in_order(
        child,
        "Scorecard",
        "Overall",
        "Study next",
        "Model answer for your weakest step",
        "is in your history",
    )
    assert exit_status(child) == 0

    history = json.loads(mlsd("history", "--json").stdout)
    [session] = history["sessions"]
    assert session["case"] == "feed-ranking" and session["finished"] and session["score"] > 50
    assert set(history["trends"]) == {s.id for s in SEVEN.steps}
    assert history["practise_next"]["case_id"]


@pytest.mark.slow  # two real sessions and a kill -9 (3 s)
def test_answers_survive_kill_9_and_resume_continues(private_home):
    child = spawn(private_home, "practice", "feed-ranking")
    child.expect("Clarifying question")
    child.sendline("done")
    for step in SEVEN.steps[:2]:
        answer_step_without_revising(child, STRONG.text(step.id))
    child.expect("Step 3 of 7")
    expect_prompt(child)
    child.send("half-typed and never submitted")
    child.kill(signal.SIGKILL)
    child.close()

    with HistoryStore(private_home / "history.sqlite3") as store:
        [row] = store.sessions()
        answers = {e.step_id: e.text for e in store.events(row.id) if e.kind == "answer"}
    assert set(answers) == {"requirements", "framing"}
    assert answers["framing"] == " ".join(STRONG.text("framing").split())

    resumed = spawn(private_home, "practice", "feed-ranking", "--resume")
    expect_in_order(resumed, "Resuming: 2 step", "Step 3 of 7: Data and features", "Your answer")
    resumed.sendcontrol("c")
    expect_in_order(resumed, "Resume with:", "mlsd practice feed-ranking --resume")
    assert exit_status(resumed) == 130


def test_resume_without_an_unfinished_session_is_bad_input(private_home):
    child = spawn(private_home, "practice", "fraud-detection", "--resume")
    child.expect("no unfinished practice session of 'fraud-detection'")
    assert exit_status(child) == 2


def test_practice_without_a_terminal_points_to_score(mlsd):
    result = mlsd("practice", "feed-ranking")  # pytest's stdin is not a terminal
    assert result.exit_code == 2
    assert "`mlsd score CASE FILE`" in result.stderr


def test_practice_step_runs_that_step_alone_in_a_terminal(private_home, mlsd):
    child = spawn(private_home, "practice", "feed-ranking", "--step", "data")
    child.expect("Step 3 of 7: ")
    answer_step_without_revising(child, STRONG.text("data"))
    expect_in_order(child, "Scorecard", "Model answer for your weakest step", "is in your history")
    assert exit_status(child) == 0
    history = json.loads(mlsd("history", "--json").stdout)
    [session] = history["sessions"]
    assert session["case"] == "feed-ranking" and session["finished"]
    bad = mlsd("practice", "feed-ranking", "--step", "deployment")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        "error: --step must be a step of the 7-step framework: requirements, framing, data, model, "
        "evaluation, serving, monitoring (got 'deployment')"
    )
