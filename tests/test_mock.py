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
    twists_said: list[str] = field(default_factory=list)
    twist_reply: str = ""

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

    def show_twist(self, twist):
        self.twists_said.append(twist.id)

    def get_twist_reply(self, twist, status, expired):
        self.clock.advance(45)
        return self.twist_reply, False

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


# twists: the interviewer changes a constraint mid-round
GPU_CAP = next(t for t in CASE.twists if t.id == "ranker-fleet-capped-at-50-gpus")
ADAPTING = (
    "With 50 GPUs we get about 500 TFLOP/s, roughly 5 GFLOPs a request at the 100k QPS peak, half of "
    "what 500 candidates need. So I would rank 200 instead of 500 behind a stronger pre-ranker, run "
    "the ranker in FP16, and compute the user side once per request. The cap only binds at the "
    "evening peak: at the 35k QPS average we can still score 500, so the candidate count should "
    "depend on the current QPS."
)
NOT_ADAPTING = "I would keep the design as it is; we can ask for more GPUs later if latency suffers."


def run_with_twists(tmp_path, twists, reply, framework=SEVEN, case=CASE):
    clock = ManualClock()
    ui = ScriptedMockUI(clock, twist_reply=reply)
    if framework is FOUR:
        four = parse_answer((DATA / "answers" / "feed-ranking" / "mid.md").read_text(), FOUR, SEVEN)

        class FourUI(ScriptedMockUI):
            def get_answer(self, step, status, expired):
                self.clock.advance(self.typing)
                return four.text(step.id), False

        ui = FourUI(clock, twist_reply=reply)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        settings = MockSettings(minutes=45, timed=False, seed=7, twists=tuple(t.id for t in twists))
        session = InterviewSession.start(store, case, framework, SCORER, NoticeBuffer(), Mode.MOCK, settings)
        verdict = run_mock(session, ui, clock, step_budgets(framework, 45), 45, False, twists)
        events = store.events(session.session_id)
        stored = store.scorecard(session.session_id)
    return ui, verdict, events, stored


def test_a_twist_is_said_after_its_step_and_an_adapted_reply_is_a_moment_of_the_verdict(tmp_path):
    ui, verdict, events, stored = run_with_twists(tmp_path, [GPU_CAP], ADAPTING)
    assert ui.twists_said == [GPU_CAP.id]
    kinds = [(e.kind, e.step_id) for e in events if e.kind in ("answer", "twist", "twist_reply")]
    at = kinds.index(("twist", "serving"))
    assert kinds[at - 1] == ("answer", "serving") and kinds[at + 1] == ("twist_reply", "serving")
    assert kinds[at + 2] == ("answer", "monitoring")  # then the round goes on
    [twist] = stored.twists  # the history keeps it on the card
    assert twist.id == GPU_CAP.id and twist.answered and twist.score >= 60
    assert {item.id for item in twist.items} == {item.id for item in GPU_CAP.items}
    [moment] = verdict.twists
    assert moment.note.startswith("adapted to “Finance has capped the heavy ranker's inference fleet")
    assert "rank 200 instead of 500" in moment.quote
    assert any(r.startswith("+ adapted to “Finance") for r in verdict.reasons)
    # the twist is judged apart: the steps' scores are those of a round without it
    _, plain, _, _ = run_with_twists(tmp_path / "plain", [], "")
    assert [s.score for s in plain.card.steps] == [s.score for s in verdict.card.steps]
    assert ui.acknowledged == len(SEVEN.steps) + 1  # the reply is acknowledged like any answer


def test_a_reply_that_keeps_the_design_did_not_adapt(tmp_path):
    _, verdict, _, stored = run_with_twists(tmp_path, [GPU_CAP], NOT_ADAPTING)
    [twist] = stored.twists
    assert twist.score < 30
    assert verdict.twists[0].note.startswith("did not adapt to “Finance")
    assert "missing: cuts the heavy ranker's compute per request" in verdict.twists[0].note
    assert any(r.startswith("- did not adapt") for r in verdict.reasons)


def test_an_empty_reply_is_recorded_as_no_reply(tmp_path):
    _, verdict, events, stored = run_with_twists(tmp_path, [GPU_CAP], "")
    assert not stored.twists[0].answered and stored.twists[0].score == 0
    assert verdict.twists[0].quote == "(no reply)"
    assert not any(e.kind == "twist_reply" for e in events)


def test_in_the_four_step_framework_a_twist_follows_the_step_covering_its_area(tmp_path):
    from mlsd_coach.coach.twists import twist_step

    assert twist_step(GPU_CAP, FOUR).id == "scaling" and twist_step(GPU_CAP, SEVEN).id == "serving"
    _, _, events, stored = run_with_twists(tmp_path, [GPU_CAP], ADAPTING, framework=FOUR)
    assert [(e.kind, e.step_id) for e in events if e.kind == "twist"] == [("twist", "scaling")]
    assert stored.twists[0].after == "scaling" and stored.twists[0].score >= 60


def test_a_twist_at_a_minute_is_said_after_the_step_during_which_it_passes(tmp_path):
    at_ten = GPU_CAP.model_copy(update={"id": "at-ten", "after": None, "at_minute": 10.0})
    never = GPU_CAP.model_copy(update={"id": "at-120", "after": None, "at_minute": 120.0})
    case = CASE.model_copy(update={"twists": [at_ten, never]})
    # each step takes a minute of typing plus probe replies; minute 10 passes during a middle step
    ui, _, events, stored = run_with_twists(tmp_path, [at_ten, never], ADAPTING, case=case)
    said = [(e.text[:20], e.step_id) for e in events if e.kind == "twist"]
    assert ui.twists_said == ["at-ten", "at-120"]
    assert said[1][1] == "monitoring"  # a minute that never comes: said after the last step
    assert said[0][1] not in ("requirements", "monitoring")
    assert [t.id for t in stored.twists] == ["at-ten", "at-120"]


def test_twists_are_chosen_by_the_seed_in_the_case_order():
    from mlsd_coach.coach.twists import check_twist_count, choose_twists

    assert choose_twists(CASE, 0, 1) == []
    assert [t.id for t in choose_twists(CASE, 2, 1)] == [t.id for t in CASE.twists]
    picks = {choose_twists(CASE, 1, seed)[0].id for seed in range(20)}
    assert picks == {t.id for t in CASE.twists}  # either can be played
    assert all(choose_twists(CASE, 1, seed) == choose_twists(CASE, 1, seed) for seed in range(20))
    assert choose_twists(CASE.model_copy(update={"twists": []}), 2, 1) == []
    for bad in (-1, 3):
        with pytest.raises(BadInputError, match="--twists must be 0, 1 or 2"):
            check_twist_count(bad)


def test_a_twist_reply_interrupted_is_kept_as_a_draft(tmp_path, monkeypatch):
    from mlsd_coach.coach.ui import InputInterrupted

    monkeypatch.setenv("MLSD_HOME", str(tmp_path / "home"))

    class Stopping(ScriptedMockUI):
        def get_twist_reply(self, twist, status, expired):
            raise InputInterrupted("I would cut the candidates to 200")

    clock = ManualClock()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(
            store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.MOCK, MockSettings(minutes=45)
        )
        with pytest.raises(InputInterrupted) as stopped:
            run_mock(session, Stopping(clock), clock, step_budgets(SEVEN, 45), 45, False, [GPU_CAP])
    kept = session.drafts.path(f"twist-{GPU_CAP.id}")
    assert kept.read_text(encoding="utf-8").strip().endswith("I would cut the candidates to 200")
    assert any(str(kept) in note for note in stopped.value.__notes__)


def test_the_report_of_a_mock_carries_the_verdict_the_round_ended_with(tmp_path):
    from mlsd_coach.coach.timing import clock_text
    from mlsd_coach.render.env import format_duration
    from mlsd_coach.render.report import render_report
    from mlsd_coach.render.session import build_report

    clock = ManualClock()
    ui = ScriptedMockUI(clock, twist_reply=ADAPTING)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        settings = MockSettings(minutes=10, timed=True, seed=1, twists=(GPU_CAP.id,))
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.MOCK, settings)
        live = run_mock(session, ui, clock, step_budgets(SEVEN, 10), 10, True, [GPU_CAP])
        row = store.session(session.session_id)
        data = build_report(store, row, CASE, SEVEN)
    rebuilt = data["verdict"]
    assert rebuilt.recommendation == live.recommendation and rebuilt.reasons == live.reasons
    assert rebuilt.strongest == live.strongest and rebuilt.weakest == live.weakest
    assert rebuilt.twists == live.twists and rebuilt.study == live.study
    # budgets are the 10-minute round's, not the framework's 45-minute minutes
    assert [t.budget for t in rebuilt.times] == [t.budget for t in live.times]
    assert [t.timed_out for t in rebuilt.times] == [t.timed_out for t in live.times]
    for mine, theirs in zip(rebuilt.times, live.times, strict=True):
        assert mine.used == pytest.approx(theirs.used, abs=1)
    md = render_report(data, "md")
    assert f"**Recommendation: {live.recommendation}**" in md
    assert all(f"- {'For' if r[0] == '+' else 'Against'}: {r[2:]}" in md for r in live.reasons)
    assert "**Strongest moments**" in md and live.strongest[0].quote.splitlines()[0] in md
    assert "**When the constraints changed**" in md and "> Finance has capped the heavy ranker" in md
    assert "- Adapted to “Finance has capped" in md and "- A strong adaptation: 50 GPUs" in md
    framing = step_budgets(SEVEN, 10)["framing"]
    assert clock_text(framing) != "4:00"  # a scaled budget, not the step's own minutes
    assert (
        f"| Frame as an ML task | {format_duration(live.times[1].used)} | {format_duration(framing)} | timed out |"
        in md
    )
    assert f"of {format_duration(framing)} (timed out)" in md
    html = render_report(data, "html")
    assert "<h2>Hiring committee</h2>" in html and "When the constraints changed" in html
    assert "A strong adaptation:" in html and "timed out" in html


def test_a_practice_report_has_no_committee_verdict(tmp_path):
    from mlsd_coach.render.report import render_report
    from mlsd_coach.render.session import build_report

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        session.submit(SEVEN.step("requirements"), MID.text("requirements"), seconds=100)
        session.finish()
        data = build_report(store, store.session(session.session_id), CASE, SEVEN)
    assert data["verdict"] is None
    assert "Hiring committee" not in render_report(data, "md")
    assert "Time: 1m 40s of 4m 00s" in render_report(data, "md")
