"""Session reports: Markdown and a self-contained, escaped HTML page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.render.env import format_duration, format_timestamp
from mlsd_coach.render.report import render_report
from mlsd_coach.render.session import build_report as build_session_report
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import EventKind

XSS = "<script>alert(1)</script>"
REQUIREMENTS_ANSWER = (
    "I'd treat watch time as the main metric, but I would also look at retention, because an "
    "engagement-only feed can annoy users over time.\n"
    f"- About 300M daily users and 50M videos; the page budget is 150 ms. {XSS}"
)
FRAMING_ANSWER = (
    "The ranker predicts the probability that the user watches the video to the end, and also "
    "predicts likes and shares, and we combine these predictions into one score."
)
ANSWER_FILE = (
    f"## 1. Clarify requirements\n\n{REQUIREMENTS_ANSWER}\n\n## 2. Frame as an ML task\n\n{FRAMING_ANSWER}\n"
)


QUESTION = "How many daily users?"


def build_report(tmp_path: Path, finished: bool = True) -> dict[str, Any]:
    """A real session, recorded through the session and the store, gathered as `mlsd report` does."""
    lib = load_library()
    fw = lib.frameworks["seven-step"]
    case = lib.case("feed-ranking")
    requirements, framing, data = fw.step("requirements"), fw.step("framing"), fw.step("data")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, case, fw, OfflineJudge(load_glossary()), NoticeBuffer())
        session.ask(QUESTION)
        session.done_clarifying()
        session.hint(requirements)
        session.submit(requirements, REQUIREMENTS_ANSWER, seconds=240.0)
        session.note(EventKind.PROBE, "Why not optimise watch time alone?", requirements)
        session.reply_to_probe(requirements, "Because it drifts towards clickbait.", seconds=60.0)
        session.submit(requirements, "Retention is the north star.", seconds=120.0)
        session.submit(framing, FRAMING_ANSWER, seconds=200.0)
        session.note(EventKind.TIMEOUT, "Time is up for this step.", data, 420.0)
        session.note(EventKind.NOTICE, "Session saved.")
        if finished:
            session.finish()
        row = store.session(session.session_id)
        assert row is not None
        return build_session_report(store, row, case, fw)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_report(tmp_path_factory.mktemp("report"))


def test_markdown_report_holds_the_whole_session(report):
    md = render_report(report, "md")

    assert md.startswith(f"# {report['session']['case_title']}: session {report['session']['id']}\n")
    overall = report["scorecard"].overall
    assert f"## Verdict: {round(overall.score, 1)} / 100, {overall.level}" in md
    assert "| Problem navigation |" in md and "| ML depth |" in md
    assert "> " + report["prompt"].splitlines()[0] in md
    assert f"**Q:** {QUESTION}" in md
    assert "**A:** About 300 million daily active users" in md
    assert "**Follow-up:** Why not optimise watch time alone?" in md
    assert "**Revised answer** (2m 00s):\n\nRetention is the north star." in md
    assert "Time is up for this step." in md
    assert REQUIREMENTS_ANSWER in md
    assert FRAMING_ANSWER in md
    assert "What to study next" in md
    assert "Time: 7m 00s of 4m 00s (over budget)" in md
    assert "Time: 7m 00s of 6m 00s (timed out)" in md  # the data step ran out of time
    assert "Scored 3 times:" in md  # the answer, the probe reply and the revision


def test_markdown_report_quotes_evidence_and_gives_feedback_for_missed_items(report):
    md = render_report(report, "md")

    met = [item for step in report["scorecard"].steps for item in step.items if item.met]
    missed = [item for step in report["scorecard"].steps for item in step.items if not item.met]
    assert met and missed
    for item in met:
        assert item.title in md
        for quote in item.evidence:
            assert "> " + quote in md
    assert missed[0].feedback.splitlines()[0] in md


def test_markdown_report_ends_with_every_model_answer(report):
    md = render_report(report, "md")

    appendix = md.split("## Appendix: model answers", 1)[1]
    for step in report["steps"]:
        assert step["model_answer"].strip() in appendix


def test_markdown_report_is_not_html_escaped(report):
    md = render_report(report, "md")

    assert "&lt;" not in md and "&#39;" not in md
    assert "I'd treat watch time" in md


def test_html_report_escapes_user_text(report):
    html = render_report(report, "html")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_html_report_is_self_contained(report):
    html = render_report(report, "html")

    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert "<style>" in html


def test_html_report_shows_score_evidence_transcript_and_model_answers(report):
    html = render_report(report, "html")

    assert 'class="level level-' in html
    assert str(round(report["scorecard"].overall.score, 1)) in html
    evidence = next(
        quote for step in report["scorecard"].steps for item in step.items for quote in item.evidence
    )
    assert f"<blockquote>{evidence.replace(chr(39), '&#39;')}</blockquote>" in html
    assert "Why not optimise watch time alone?" in html
    assert html.count('<details class="model">') == len(report["steps"])


def test_unfinished_session_renders_as_not_finished(tmp_path):
    unfinished = build_report(tmp_path, finished=False)

    for fmt in ("md", "html"):
        out = render_report(unfinished, fmt)
        assert "not finished" in out.lower()
        assert "Verdict" not in out


def test_unknown_format_is_rejected(report):
    with pytest.raises(ValueError, match="pdf"):
        render_report(report, "pdf")


@pytest.mark.parametrize(
    ("seconds", "text"), [(245, "4m 05s"), (45.4, "45s"), (3725, "1h 02m 05s"), (None, "–")]
)
def test_durations_read_as_minutes_and_seconds(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2026-11-20T22:30:00+00:00", "2026-11-20 22:30 UTC"),
        ("2026-11-21T00:30:00+02:00", "2026-11-20 22:30 UTC"),
        ("2026-11-20T22:30:00", "2026-11-20 22:30 UTC"),
    ],
)
def test_timestamps_read_in_utc(value, text):
    assert format_timestamp(value) == text
