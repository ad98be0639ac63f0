"""The mock interview core with a manual clock: a 45-minute round in milliseconds."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pytest
from clocks import ManualClock

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.coach.mock import least_practised_case, run_mock
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.coach.timing import StepTimer, check_minutes, step_budgets
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.errors import BadInputError
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import MockSettings, Mode

LIBRARY = load_library()
SEVEN, FOUR = LIBRARY.frameworks["seven-step"], LIBRARY.frameworks["four-step"]
CASE = LIBRARY.case("feed-ranking")
SCORER = OfflineJudge(load_glossary())
MID = parse_answer((DATA / "answers" / "feed-ranking" / "mid.md").read_text(), SEVEN)


def test_budgets_leave_the_round_its_introductions_and_questions():
    for framework in (SEVEN, FOUR):
        assert sum(step_budgets(framework, 45).values()) == pytest.approx(35 * 60)
        assert sum(step_budgets(framework, 60).values()) == pytest.approx(50 * 60)
        assert sum(step_budgets(framework, 120).values()) == pytest.approx(110 * 60)
        assert sum(step_budgets(framework, 10).values()) == pytest.approx(5 * 60)  # at least half the round
    assert step_budgets(SEVEN, 45)["model"] == pytest.approx(8 * 60)
    assert step_budgets(SEVEN, 60)["model"] == pytest.approx(12 * 60)  # the 60-minute budget's own split
    assert step_budgets(FOUR, 45)["modeling"] == pytest.approx(14 * 60)


@pytest.mark.parametrize("minutes", [9, 121, 0, -5])
def test_minutes_outside_10_to_120_are_rejected(minutes):
    with pytest.raises(BadInputError, match="between 10 and 120"):
        check_minutes(minutes)


def test_timer_warns_at_half_ninety_percent_and_overrun():
    clock = ManualClock()
    timer = StepTimer.start(clock, 100)
    assert timer.warning() is None
    clock.advance(50)
    assert timer.warning() == "half of this step's time used"
    clock.advance(40)
    assert timer.warning() == "90% of this step's time used: wrap up"
    clock.advance(11)
    assert timer.warning() == "over budget: wrap up now" and timer.remaining < 0


def test_least_practised_case_is_chosen(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        practised = [case_id for case_id in sorted(LIBRARY.cases) if case_id != "visual-search"]
        for case_id in ("feed-ranking", *practised):
            store.start_session(case_id, "seven-step", "practice", "offline")
        assert least_practised_case(store, sorted(LIBRARY.cases), random.Random(1)) == "visual-search"


@dataclass
class ScriptedMockUI:
    """Types the mid-level answer; spends `typing` seconds per answer; lets `slow_step` run out."""

    clock: ManualClock
    typing: float = 60
    slow_step: str = "framing"
    probes: list = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    time_up: list[str] = field(default_factory=list)
    verdict: object = None
    acknowledged: int = 0

    def show_intro(self, case, minutes, timed):
        pass

    def ask_clarifying(self, status, expired):
        return None

    def show_reply(self, reply):
        pass

    def show_notice(self, text):
        pass

    def show_step(self, step, framework, budget):
        pass

    def get_answer(self, step, status, expired):
        if step.id == self.slow_step and expired is not None:
            while not expired():
                self.clock.advance(15)
                self.statuses.append(status())
            return "I would frame it as multi-task ranking of", True
        self.clock.advance(self.typing)
        return MID.text(step.id), False

    def show_time_up(self, step, saved):
        self.time_up.append(step.id)

    def show_probe(self, probe):
        self.probes.append(probe)

    def acknowledge(self):
        self.acknowledged += 1

    def get_probe_reply(self, probe, status, expired):
        self.clock.advance(30)
        if probe.step != "data":
            return "I would keep that as it is for the first version.", False
        return (
            "Raw watch time favours long videos, so we normalise it by video duration: the label is the "
            "watch ratio compared within each length bucket.",
            False,
        )

    def show_verdict(self, verdict):
        self.verdict = verdict


def run(tmp_path, timed=True, minutes=45, ui_typing=60):
    clock = ManualClock()
    ui = ScriptedMockUI(clock, typing=ui_typing)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(
            store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.MOCK, MockSettings(minutes=minutes, timed=timed)
        )
        verdict = run_mock(session, ui, clock, step_budgets(SEVEN, minutes), minutes, timed)
        events = store.events(session.session_id)
        row = store.session(session.session_id)
    return ui, verdict, events, row


def test_a_45_minute_timed_mock_runs_on_a_manual_clock(tmp_path):
    ui, verdict, events, row = run(tmp_path)
    assert ui.time_up == ["framing"]
    assert any("half of this step's time used" in s for s in ui.statuses)
    assert any("90% of this step's time used" in s for s in ui.statuses)
    assert [e.text for e in events if e.kind == "answer" and e.step_id == "framing"] == [
        "I would frame it as multi-task ranking of"
    ]
    assert any(e.kind == "timeout" and e.step_id == "framing" for e in events)
    framing = next(t for t in verdict.times if t.step_id == "framing")
    assert framing.timed_out and framing.used >= framing.budget
    assert "- ran out of time in: Frame as an ML task" in verdict.reasons
    rated = [
        r for r in verdict.reasons if re.match(r"[+-] .+ is (very weak|weak|strong|very strong) \(\d+\)$", r)
    ]
    assert len(rated) == 5  # every signal, with its four-point rating
    assert row.mode == "mock" and row.finished and row.settings == MockSettings(minutes=45, timed=True)
    assert verdict.strongest and all(m.quote for m in verdict.strongest)
    assert len(verdict.weakest) == 2 and len(verdict.study) == 3


def test_probes_are_asked_only_for_missed_items_and_replies_can_earn_credit(tmp_path):
    ui, verdict, events, _ = run(tmp_path)
    assert ui.probes, "a mid-level answer leaves something to probe"
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        [session] = store.sessions()
        attempts = store.step_scores(session.id)
    first = {s.result.id: s.result for s in attempts if s.attempt == 1}
    last = {s.result.id: s.result for s in attempts}
    for probe in ui.probes:
        missed = {item.id for item in first[probe.step].items if not item.met}
        assert set(probe.targets) <= missed, f"probe {probe.id} asks about something already covered"
    assert len([e for e in events if e.kind == "probe_reply"]) == len(ui.probes)
    # The reply about duration bias earns credit the first answer missed.
    assert last["data"].score > first["data"].score


def test_without_timed_nothing_is_cut_off_but_overruns_are_reported(tmp_path):
    ui, verdict, events, _ = run(tmp_path, timed=False, minutes=10, ui_typing=200)
    assert ui.time_up == []
    assert not any(e.kind == "timeout" for e in events)
    assert any(reason.startswith("- went well over the time budget") for reason in verdict.reasons)


def test_a_four_step_mock_lets_the_interviewer_choose_the_deep_dive_and_keeps_scaling_short(tmp_path):
    clock = ManualClock()
    four_answer = parse_answer((DATA / "answers" / "feed-ranking" / "mid.md").read_text(), FOUR, SEVEN)
    notices: list[str] = []

    class FourStepUI(ScriptedMockUI):
        def show_notice(self, text):
            notices.append(text)

        def get_answer(self, step, status, expired):
            self.clock.advance(self.typing)
            return ("Done." if step.id == "scaling" else four_answer.text(step.id)), False

    ui = FourStepUI(clock)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(
            store, CASE, FOUR, SCORER, NoticeBuffer(), Mode.MOCK, MockSettings(minutes=45, timed=False)
        )
        run_mock(session, ui, clock, step_budgets(FOUR, 45), 45, False)
        events = store.events(session.session_id)
    dive = FOUR.step("modeling")
    assert dive.deep_dive and session.deep_dive in dive.covers
    assert any(n.startswith("Interviewer: for the deep dive, go deep on") for n in notices)
    assert any(e.kind == "notice" and e.text == f"deep dive: {session.deep_dive}" for e in events)
    assert session.short_steps() == ["scaling"]
    # generic items of the short step only add: a bare scaling step costs no expected credit
    from mlsd_coach.scoring.aggregate import weighing_for

    results = [s.result for s in session.steps.values() if s.result]
    weighing = weighing_for(results, short_steps=session.short_steps())
    scaling_generic = {i.id for i in FOUR.step("scaling").rubric}
    assert scaling_generic <= weighing.optional


def test_every_answered_step_gets_the_same_neutral_acknowledgement(tmp_path):
    from rich.console import Console

    from mlsd_coach.cli.mock_ui import ACKNOWLEDGEMENT, MockTerminalUI

    ui, _, _, _ = run(tmp_path)
    assert ui.acknowledged == len(SEVEN.steps) - len(ui.time_up)  # after each answer that was not cut off
    console = Console(record=True, width=100)
    terminal = MockTerminalUI(console)
    terminal.acknowledge()
    terminal.acknowledge()
    said = console.export_text().strip().splitlines()
    assert said == [f"Interviewer: {ACKNOWLEDGEMENT}"] * 2 or said == [
        f"Interviewer: {ACKNOWLEDGEMENT}",
        "",
        f"Interviewer: {ACKNOWLEDGEMENT}",
    ]
    assert not re.search(r"\b(great|good|excellent|nice|well done|correct)\b", ACKNOWLEDGEMENT, re.I)


@pytest.mark.parametrize(
    ("phrased", "asked"),
    [
        ("Great answer! How would you handle new videos?", "How would you handle new videos?"),
        ("Good point, but what about the label delay? How do you train?", "How do you train?"),
        ("That's a solid start. Where does calibration happen?", "Where does calibration happen?"),
        ("How do you size the fleet?", "How do you size the fleet?"),
        ("Interesting.", "Interesting."),  # nothing but praise: kept rather than emptied
    ],
)
def test_an_llm_follow_up_loses_its_praise(phrased, asked):
    from mlsd_coach.scoring.llm_interviewer import without_praise

    assert without_praise(phrased) == asked
