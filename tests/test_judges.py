"""Judges are registered by name: the built-ins, one registered in process, and one that an
installed package adds through the `mlsd.judges` entry point, with no edit to mlsd_coach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from clocks import ManualClock
from test_practice_flow import STRONG, ScriptedUI

from conftest import DATA
from mlsd_coach.coach.flow import run_practice
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.content.registry import load_library
from mlsd_coach.content.rubric import step_items
from mlsd_coach.scoring import registry
from mlsd_coach.scoring.aggregate import step_result, unanswered_step
from mlsd_coach.scoring.interviewer import FactInterviewer
from mlsd_coach.scoring.judge import Interviewer, JudgeContext, NoticeBuffer, Notices
from mlsd_coach.scoring.scorecard import SCHEMA_VERSION, ItemResult, StepResult
from mlsd_coach.store.history import HistoryStore

LIBRARY = load_library()
MID = DATA / "answers" / "feed-ranking" / "mid.md"


class HalfCreditJudge:
    """Gives every rubric item of an answered step half credit, and says so once."""

    name = "half"

    def __init__(self, notices: Notices) -> None:
        self._notices = notices
        self.steps_seen: list[str] = []

    def interviewer(self) -> Interviewer:
        return FactInterviewer()

    def score_step(
        self, case: CaseStudy, framework: Framework, step_id: str, text: str, context: JudgeContext
    ) -> StepResult:
        step = framework.step(step_id)
        items = [
            ItemResult(id=item.id, title=item.title, weight=item.weight, signal=item.signal, score=0.5)
            for item in step_items(framework, case, step)
        ]
        if not text.strip():
            return unanswered_step(
                framework, step, [item.model_copy(update={"score": 0.0}) for item in items]
            )
        self.steps_seen.append(step_id)
        self._notices("the half-credit judge was used")
        return step_result(framework, step, items, judge=self.name)


@pytest.fixture
def half_judge() -> Iterator[list[HalfCreditJudge]]:
    made: list[HalfCreditJudge] = []

    def factory(notices: Notices) -> HalfCreditJudge:
        made.append(HalfCreditJudge(notices))
        return made[-1]

    registry.register("half", factory)
    yield made
    registry.unregister("half")


def test_the_built_in_judges_are_registered_by_name():
    assert registry.judge_names()[:3] == ["auto", "offline", "llm"]
    assert registry.make_judge("offline").name == "offline"


def test_a_judge_registered_in_process_scores_through_the_real_command(half_judge, mlsd):
    result = mlsd("score", "feed-ranking", str(MID), "--scorer", "half", "--json")
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["scorer"] == "half" and card["schema_version"] == SCHEMA_VERSION
    assert all(item["score"] == 0.5 for step in card["steps"] if step["answered"] for item in step["items"])
    assert result.stderr == "note: the half-credit judge was used\n"


def test_a_practice_session_runs_with_a_registered_judge(half_judge, tmp_path):
    notices = NoticeBuffer()
    judge = registry.make_judge("half", notices)
    seven = LIBRARY.frameworks["seven-step"]
    clock = ManualClock()
    ui = ScriptedUI(clock)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, LIBRARY.case("feed-ranking"), seven, judge, notices)
        card = run_practice(session, ui, clock)
        events = store.events(session.session_id)
        [row] = store.sessions()
        stored = store.scorecard(row.id)
    assert card.scorer == "half" and row.scorer == "half" and stored == card
    assert half_judge[0].steps_seen == [step.id for step in seven.steps]  # each step judged once
    assert ("notice", "the half-credit judge was used") in [(e.kind, e.text) for e in events]
    assert STRONG.text("requirements") in [e.text for e in events]


def test_an_unknown_judge_is_bad_input_that_lists_the_known_ones(mlsd):
    result = mlsd("score", "feed-ranking", str(MID), "--scorer", "nope")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown scorer 'nope'; use one of: auto, offline, llm\n"


def _plugin_package(root: Path) -> Path:
    """An installed package (a module and its dist-info) that registers the judge `constant`."""
    (root / "constant_judge.py").write_text(
        textwrap.dedent(
            """
            from mlsd_coach.scoring.offline import make_judge as offline_judge


            class ConstantJudge:
                name = "constant"

                def __init__(self, notices):
                    self._offline = offline_judge(notices)

                def interviewer(self):
                    return self._offline.interviewer()

                def score_step(self, case, framework, step_id, text, context):
                    result = self._offline.score_step(case, framework, step_id, text, context)
                    return result.model_copy(update={"judge": self.name})


            def make_judge(notices):
                return ConstantJudge(notices)
            """
        )
    )
    info = root / "constant_judge-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: constant-judge\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[mlsd.judges]\nconstant = constant_judge:make_judge\n")
    return root


def test_a_package_adds_a_judge_through_the_entry_point_group(private_home, tmp_path):
    plugin_dir = _plugin_package(tmp_path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugin_dir), os.environ.get("PYTHONPATH", "")]))
    scored = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlsd_coach",
            "score",
            "feed-ranking",
            str(MID),
            "--scorer",
            "constant",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["scorer"] == "constant"
    shown = subprocess.run(
        [sys.executable, "-m", "mlsd_coach", "score", "--help"],
        capture_output=True,
        text=True,
        env=dict(env, COLUMNS="200"),
        timeout=60,
    )
    assert "installed plugins: constant" in " ".join(shown.stdout.split())


def test_the_interviewer_answers_from_the_fact_asked_for_and_declines_what_no_fact_covers():
    from mlsd_coach.content.registry import load_library
    from mlsd_coach.scoring.interviewer import ASSUME, answer_question

    case = load_library().case("feed-ranking")
    latency = answer_question(case, "What's our latency budget at p99?")
    assert [fact.id for fact in latency.facts][:1] == ["latency"]
    assert answer_question(case, "Which cloud provider and programming language do we use?").text == ASSUME
    # one fact per question asked: a compound question may get two, a plain one gets one
    assert len(answer_question(case, "How many daily active users are there?").facts) == 1
