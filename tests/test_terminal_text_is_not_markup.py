"""Text from content, answers or a model is printed as typed in practice and mock: Rich markup
in it is not interpreted (no MarkupError), and control characters never reach the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_openai import completion
from pty_helpers import SUBMIT, exit_status, expect_in_order, spawn

from conftest import DATA

ESCAPE = "\\e]0;pwned\\a"  # YAML's escapes for ESC ] 0 ; pwned BEL: would retitle the window
TITLE_WITH_MARKUP = "Oops [/bold] x"


def _user_case_with_markup(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = (DATA / "cases" / "tiny-case.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Tiny news recommender", f'title: "{TITLE_WITH_MARKUP} {ESCAPE}"', 1)
    text = text.replace(
        "  We run a small news site.", f"  We run a small news site [/features/v2] {'[bold]'}.", 1
    )
    (folder / "tiny-case.yaml").write_text(text, encoding="utf-8")
    return folder


def _everything_printed(home: Path) -> str:
    return "".join(log.read_text(encoding="utf-8") for log in home.glob("pty-*.log"))


@pytest.mark.slow  # a real terminal or process for seconds; the fast set keeps its siblings
def test_practice_prints_a_user_case_with_markup_and_escapes_as_text(private_home, tmp_path):
    folder = _user_case_with_markup(tmp_path)
    child = spawn(private_home, "--cases-dir", str(folder), "practice", "tiny-case")
    for text in ("Oops [/bold] x", "small news site [/features/v2] [bold].", "Clarifying question"):
        child.expect_exact(text)
    child.sendcontrol("c")
    assert exit_status(child) == 130
    seen = _everything_printed(private_home)
    assert "pwned" in seen and "\x1b]0;pwned" not in seen and "MarkupError" not in seen


@pytest.mark.slow  # a whole mock round in a real terminal (4 s)
def test_a_mock_answer_with_brackets_reaches_the_verdict(private_home):
    answer = (
        "We read features from the offline store [/features/v2] at impression time, because "
        "features computed later would leak the label into training."
    )
    child = spawn(private_home, "mock", "--minutes", "10", "--case", "feed-ranking", timeout=60)
    child.expect("Clarifying question")
    child.sendline("done")
    while True:
        prompt = child.expect(["Your answer", "Your reply", "Hiring committee scorecard"])
        if prompt == 2:
            break
        child.send((answer if prompt == 0 else "") + SUBMIT)
    expect_in_order(child, "Strongest moments", "Weakest moments", "Saved as session")
    assert exit_status(child) == 0


@pytest.mark.slow  # a real terminal and an LLM server (3 s)
def test_llm_interviewer_text_with_markup_is_printed_as_text(private_home, fake_openai):
    fake_openai.default = lambda request: completion(
        "[/bold] The budget is 150 ms \x1b]0;pwned\x07 end to end."
    )
    child = spawn(private_home, "practice", "feed-ranking", "--scorer", "llm")
    child.expect("Clarifying question")
    child.sendline("What is the latency budget?")
    child.expect(r"\[/bold\] The budget is 150 ms")
    child.expect("Clarifying question")
    child.sendcontrol("c")
    assert exit_status(child) == 130
    seen = _everything_printed(private_home)
    assert "pwned" in seen and "\x1b]0;pwned" not in seen
