"""Whatever stops an answer from being submitted, what the user typed is kept and offered back.

Through a real pseudo-terminal: Ctrl-C and Ctrl-D while typing, an editor that fails, and a
real "database or disk is full" (the file-size limit of the running process is lowered with
prlimit, so SQLite's next write of the history fails as it does on a full disk).
"""

from __future__ import annotations

import re
import resource
import stat
import time
from pathlib import Path

import pexpect
import pytest
from pty_helpers import SUBMIT, exit_status, expect_in_order, expect_prompt, spawn

from mlsd_coach.store.history import HistoryStore

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
HALF_TYPED = "We rank with a two-tower retrieval stage and then a heavy"


def _start_first_step(home: Path, *extra: str) -> pexpect.spawn:
    child = spawn(home, "practice", "feed-ranking", *extra)
    child.expect("Clarifying question")
    child.sendline("done")
    expect_prompt(child)
    return child


def _answers(home: Path) -> dict[str | None, str]:
    with HistoryStore(home / "history.sqlite3") as store:
        [row] = store.sessions()
        return {e.step_id: e.text for e in store.events(row.id) if e.kind == "answer"}


def _draft(home: Path, step: str) -> Path:
    [path] = (home / "drafts").glob(f"session-*/{step}.md")
    return path


def test_ctrl_c_keeps_a_half_typed_answer_and_resume_offers_it_back(private_home):
    child = _start_first_step(private_home)
    child.send(HALF_TYPED)
    child.sendcontrol("c")
    expect_in_order(child, "is kept in", "--resume", "Saved session")
    assert exit_status(child) == 130
    assert _draft(private_home, "requirements").read_text(encoding="utf-8") == HALF_TYPED

    resumed = spawn(private_home, "practice", "feed-ranking", "--resume")
    expect_in_order(resumed, "your unsubmitted text for this step is back", "Your answer", HALF_TYPED)
    resumed.send(" ranker on 500 candidates." + SUBMIT)
    resumed.expect("items met")
    resumed.sendcontrol("c")
    assert exit_status(resumed) == 130
    assert _answers(private_home)["requirements"] == HALF_TYPED + " ranker on 500 candidates."
    assert not list((private_home / "drafts").glob("session-*/requirements.md"))


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_ctrl_d_at_a_prompt_saves_and_exits_130_like_ctrl_c(private_home):
    child = _start_first_step(private_home)
    child.sendcontrol("d")
    child.expect("Saved session")
    output = child.before
    assert exit_status(child) == 130
    assert "Aborted" not in output


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_an_editor_that_exits_non_zero_submits_nothing_and_keeps_its_draft(private_home, tmp_path):
    editor = tmp_path / "editor-that-fails"
    editor.write_text('#!/bin/sh\nprintf "typed in the editor, then :cq" >> "$1"\nexit 1\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    child = spawn(private_home, "practice", "feed-ranking", env={"EDITOR": str(editor), "VISUAL": ""})
    child.expect("Clarifying question")
    child.sendline("done")
    expect_prompt(child)
    child.send("e" + SUBMIT)
    child.expect(r"exited\s+with\s+status\s+1")  # the long editor path may wrap the line
    child.expect("Your answer")
    message = " ".join(child.before.split())  # the terminal may wrap the long draft path
    assert "so nothing was submitted; your draft is kept in" in message
    assert "typed in the editor, then :cq" in _draft(private_home, "requirements").read_text()
    child.sendcontrol("c")
    assert exit_status(child) == 130
    assert "requirements" not in _answers(private_home)


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_editor_false_is_reported_as_a_failed_editor_not_an_empty_draft(private_home):
    child = spawn(private_home, "practice", "feed-ranking", env={"EDITOR": "false", "VISUAL": ""})
    child.expect("Clarifying question")
    child.sendline("done")
    expect_prompt(child)
    child.send("e" + SUBMIT)
    child.expect(r"exited\s+with\s+status\s+1")  # the long editor path may wrap the line
    before = child.before
    child.expect("Your answer")
    assert "draft was empty" not in before
    child.sendcontrol("c")
    assert exit_status(child) == 130


def _fill_the_disk(child: pexpect.spawn, home: Path, room: int) -> None:
    """From now on the child cannot grow the history's write-ahead log by more than `room`
    bytes: its next large write fails with SQLite's "database or disk is full"."""
    time.sleep(0.3)  # the prompt is drawn after the session's events are committed
    wal = home / "history.sqlite3-wal"
    limit = wal.stat().st_size + room
    resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_during_submit_keeps_the_answer_as_a_draft(private_home):
    answer = "We serve the feed from a two-stage funnel, with logged features. " * 400  # ~26 KB
    child = _start_first_step(private_home)
    _fill_the_disk(child, private_home, room=8_000)
    child.send(PASTE_START + answer + PASTE_END + SUBMIT)
    child.expect("error: ")
    expect_in_order(child, "history.sqlite3", "note: your answer for 'Clarify requirements' is kept in")
    output = child.before
    assert exit_status(child) == 2
    assert "unexpected" not in output
    assert _draft(private_home, "requirements").read_text(encoding="utf-8") == answer


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_when_even_the_draft_cannot_be_written_the_answer_is_printed(private_home):
    answer = "Long-term retention is the objective because watch time alone rewards clickbait. " * 300
    (private_home / "drafts").write_text("a file where the drafts folder should be")
    child = _start_first_step(private_home)
    _fill_the_disk(child, private_home, room=8_000)
    child.send(PASTE_START + answer + PASTE_END + SUBMIT)
    expect_in_order(child, "could not be saved anywhere; here it is", "clickbait")
    assert exit_status(child) == 2


def test_ctrl_c_in_a_mock_keeps_the_half_typed_answer(private_home):
    child = spawn(private_home, "mock", "--case", "feed-ranking")
    child.expect("Clarifying question")
    child.sendline("done")
    expect_prompt(child)
    child.send(HALF_TYPED)
    child.sendcontrol("c")
    expect_in_order(child, "is kept in", "Mock interview stopped")
    assert exit_status(child) == 130
    assert _draft(private_home, "requirements").read_text(encoding="utf-8") == HALF_TYPED


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_the_answer_prompt_leaves_the_whole_width_to_type_in(private_home):
    child = spawn(private_home, "practice", "feed-ranking", dimensions=(40, 60))
    child.expect("Clarifying question")
    child.sendline("done")
    child.expect("Esc then Enter submits")
    child.send("alpha beta gamma delta epsilon zeta eta theta iota")
    child.expect("iota")
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "").replace(" \x08", "")
    typed_line = screen.rstrip(" ").split("\n")[-1]
    # the typed words start at the left edge, below the label, not after a 36-column prompt
    assert typed_line.startswith("alpha beta"), repr(typed_line)
    child.sendcontrol("c")
    assert exit_status(child) == 130


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_ctrl_c_while_replying_to_a_follow_up_keeps_the_reply(private_home):
    child = _start_first_step(private_home)
    child.send("I would ask about the users." + SUBMIT)  # thin: the interviewer follows up
    child.expect("Follow-up")
    expect_prompt(child, "Your reply")
    child.send("Retention over 30 days, because")
    child.sendcontrol("c")
    expect_in_order(child, "is kept in", "Saved session")
    assert exit_status(child) == 130
    [path] = (private_home / "drafts").glob("session-*/requirements-probe_reply.md")
    assert path.read_text(encoding="utf-8") == "Retention over 30 days, because"
