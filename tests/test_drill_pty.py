"""`mlsd drill` through a real pseudo-terminal, as a user types it."""

from __future__ import annotations

import json

import pytest
from pty_helpers import PROMPT_READY, SUBMIT, answer, exit_status, expect_prompt, spawn

STRONG_REASON = (
    "Blend relevance with a calibrated purchase value, because a click is cheap but an order "
    "is what the marketplace earns on, and cap sponsored slots so that relevance stays first."
)


@pytest.mark.slow  # two cards through a real terminal (3 s)
def test_a_drill_asks_grades_and_schedules_in_a_terminal(private_home, mlsd):
    child = spawn(private_home, "drill", "--case", "search-ranking", "--minutes", "4")
    child.expect("2 card\\(s\\), 0 due for review and 2 new")
    child.expect("Card 1 of 2")
    child.expect("concept")
    answer(child, STRONG_REASON)
    child.expect("Verdict")
    child.expect("back (tomorrow|in \\d+ days)")
    child.expect("Card 2 of 2")
    child.expect("estimate")
    child.expect("Your estimate")
    child.expect_exact(PROMPT_READY)
    child.sendline("no idea")
    child.expect("no number found")
    child.expect("Your estimate")
    child.expect_exact(PROMPT_READY)
    child.send("\x15")  # Ctrl-U clears the line that was kept
    child.sendline("3k")
    child.expect("Worked:")
    child.expect("3,000 per second")
    child.expect("Done:")
    assert exit_status(child) == 0

    listed = json.loads(mlsd("drill", "--list", "--json", "--case", "search-ranking").stdout)
    assert listed["due"] == []  # both come back another day
    history = json.loads(mlsd("history", "--json").stdout)
    assert history["drill"]["cards"] == 2 and history["drill"]["reviews"] == 2
    [session] = history["sessions"]
    assert session["mode"] == "drill" and session["finished"]


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_ctrl_c_keeps_what_was_typed_and_the_next_drill_offers_it_back(private_home):
    child = spawn(private_home, "drill", "--case", "fraud-detection", "--kind", "concept", "--minutes", "2")
    expect_prompt(child)
    child.send("labels arrive late so I would")
    child.sendcontrol("c")
    child.expect("kept in")
    assert exit_status(child) == 130

    again = spawn(private_home, "drill", "--case", "fraud-detection", "--kind", "concept", "--minutes", "2")
    again.expect("Your unsubmitted text for this card is back")
    again.expect("Your answer")
    again.expect("labels arrive late so I would")  # drawn by the running prompt: keys reach it now
    again.send(" use issuer fraud reports as early labels")
    again.send(SUBMIT)
    again.expect("Verdict")
    assert exit_status(again) == 0
