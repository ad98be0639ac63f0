"""The HTML pages as a reader sees them: opened in headless Chromium at a desktop and a phone
width, screenshotted into the test artefacts (build/test-artefacts, or $MLSD_TEST_ARTEFACTS),
and measured in the browser: nothing makes the page scroll sideways, body text is at least
14 px and every label of a diagram, edge labels included, at least 11 px on screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, look, needs_chromium
from clocks import ManualClock

from mlsd_coach.coach.mock import run_mock
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.coach.timing import step_budgets
from mlsd_coach.content.registry import load_library
from mlsd_coach.render.report import render_report
from mlsd_coach.render.session import build_report
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import MockSettings, Mode

pytestmark = [needs_chromium, pytest.mark.slow]  # each page is a few browser runs of seconds
LEGIBLE_PX = 11.0
BODY_PX = 14.0
ARTEFACTS = Path(
    os.environ.get("MLSD_TEST_ARTEFACTS", Path(__file__).parent.parent / "build" / "test-artefacts")
)
LIBRARY = load_library()


def _check(html: str, name: str, tmp_path: Path, sizes=(DESKTOP, PHONE), diagrams: bool = True) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"{name}.html").write_text(html, encoding="utf-8")
    for width, height in sizes:
        # a frame three screens tall, so the screenshot shows more than the first screen
        measured = look(html, (width, 3 * height), tmp_path, ARTEFACTS / f"{name}-{width}.png")
        assert measured.viewport == width
        assert measured.page <= width, f"{name} scrolls sideways at {width} px ({measured.page} px wide)"
        assert measured.body_px >= BODY_PX
        if diagrams:
            assert measured.texts, f"{name} shows no diagram text"
            small = [t for t in measured.texts if float(str(t["px"])) < LEGIBLE_PX]
            assert not small, f"{name} at {width} px: labels under {LEGIBLE_PX} px: {small[:3]}"
            assert any(t["edge"] for t in measured.texts), "no edge label was measured"


@pytest.fixture(scope="module")
def mock_report_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_diagram_scoring import GOOD
    from test_mock import ADAPTING, CASE, GPU_CAP, SCORER, SEVEN, ScriptedMockUI

    class Drawing(ScriptedMockUI):
        """Draws the architecture in the serving step, as candidates do on the whiteboard."""

        def get_answer(self, step, status, expired):
            text, timed_out = super().get_answer(step, status, expired)
            return (
                f"{text}\n\n{GOOD.replace('Heavy ranker', 'Heavy ranker 40 ms')}"
                if step.id == "serving"
                else text
            ), timed_out

    clock = ManualClock()
    with HistoryStore(tmp_path_factory.mktemp("browser") / "h.sqlite3") as store:
        settings = MockSettings(minutes=10, timed=True, seed=1, twists=(GPU_CAP.id,))
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.MOCK, settings)
        run_mock(
            session,
            Drawing(clock, twist_reply=ADAPTING),
            clock,
            step_budgets(SEVEN, 10),
            10,
            True,
            [GPU_CAP],
        )
        row = store.session(session.session_id)
        assert row is not None
        return render_report(build_report(store, row, CASE, SEVEN), "html")


def test_the_mock_report_reads_at_desktop_and_phone_widths_with_its_diagrams_legible(
    mock_report_html, tmp_path
):
    assert "Hiring committee" in mock_report_html and "When the constraints changed" in mock_report_html
    assert "<h2>Your diagram, in Deployment and serving</h2>" in mock_report_html
    assert mock_report_html.count("<svg") == 2  # the candidate's diagram beside the reference
    _check(mock_report_html, "mock-report", tmp_path)


@pytest.mark.parametrize("case_id", sorted(LIBRARY.cases))
def test_every_blueprint_page_keeps_its_labels_legible(case_id, tmp_path):
    from mlsd_coach.blueprint.dot import render_svg, to_dot
    from mlsd_coach.blueprint.mermaid import to_mermaid
    from mlsd_coach.render.blueprint_doc import render_blueprint_doc

    case = LIBRARY.case(case_id)
    svg = render_svg(to_dot(case.blueprint))
    html = render_blueprint_doc(
        case, LIBRARY.frameworks["seven-step"], "html", to_mermaid(case.blueprint), svg
    )
    _check(html, f"blueprint-{case_id}", tmp_path)
