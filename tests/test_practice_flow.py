"""The practice flow without a terminal: a scripted user drives the real session and store."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from clocks import ManualClock

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.coach.flow import run_practice
from mlsd_coach.coach.probes import select_probes
from mlsd_coach.coach.session import InterviewSession
from mlsd_coach.coach.study import study_next
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import NoticeBuffer
from mlsd_coach.scoring.judge import score as score_answer
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import MockSettings, Mode

LIBRARY = load_library()
CASE = LIBRARY.case("feed-ranking")
SEVEN = LIBRARY.frameworks["seven-step"]
SCORER = OfflineJudge(load_glossary())
STRONG = parse_answer((DATA / "answers" / "feed-ranking" / "strong.md").read_text(), SEVEN)


@dataclass
class ScriptedUI:
    clock: ManualClock
    questions: list[str] = field(
        default_factory=lambda: ["How many daily active users?", "What colour is the logo?"]
    )
    revise_steps: set[str] = field(default_factory=set)
    hint_steps: set[str] = field(default_factory=set)
    shown: list[tuple[str, object]] = field(default_factory=list)

    def show_prompt(self, case, resumed_steps):
        self.shown.append(("prompt", resumed_steps))

    def ask_clarifying(self):
        return self.questions.pop(0) if self.questions else None

    def show_reply(self, reply):
        self.shown.append(("reply", reply))

    def show_step(self, step, framework):
        self.shown.append(("step", step.id))

    def get_answer(self, step, previous=""):
        if step.id in self.hint_steps:
            self.hint_steps.discard(step.id)
            return "h"
        self.clock.advance(120)
        return (previous + "\n\nI would also add a canary rollout.") if previous else STRONG.text(step.id)

    def show_notice(self, text):
        self.shown.append(("notice", text))

    def show_hint(self, text):
        self.shown.append(("hint", text))

    def show_step_result(self, result):
        self.shown.append(("result", result))

    def show_probe(self, probe):
        self.shown.append(("probe", probe))

    probe_replies: dict[str, str] = field(default_factory=dict)  # step id -> reply to its follow-up

    def get_probe_reply(self, probe):
        return self.probe_replies.get(probe.step, "")

    def confirm_revise(self):
        step = next(s for kind, s in reversed(self.shown) if kind == "step")
        return step in self.revise_steps

    def show_scorecard(self, card, study, weakest, model_answer):
        self.shown.append(("scorecard", (card, study, weakest, model_answer)))


def test_a_full_practice_run_is_scored_and_recorded(tmp_path):
    clock = ManualClock()
    ui = ScriptedUI(clock, revise_steps={"serving"}, hint_steps={"data"})
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        card = run_practice(session, ui, clock)
        replies = [r for kind, r in ui.shown if kind == "reply"]
        assert replies[0].answered and "300 million" in replies[0].text
        assert not replies[1].answered and "assume" in replies[1].text
        assert [s for kind, s in ui.shown if kind == "step"] == [s.id for s in SEVEN.steps]
        assert card.score > 50
        row = store.session(session.session_id)
        assert row.finished and row.overall_score == card.score
        kinds = [e.kind for e in store.events(session.session_id)]
        assert kinds.count("answer") == 7 and kinds.count("revision") == 1 and kinds.count("hint") == 1
        assert kinds.count("question") == 2 and kinds.count("fact_answer") == 2
        answers = [e for e in store.events(session.session_id) if e.kind == "answer"]
        assert all(e.seconds == 120 for e in answers)
        serving_scores = [s for s in store.step_scores(session.session_id) if s.result.id == "serving"]
        assert [s.attempt for s in serving_scores] == [1, 2]
    _, (final, study, weakest, model_answer) = ui.shown[-1]
    assert len(study) == 3 and weakest.score == min(s.score for s in final.steps)
    assert model_answer == CASE.model_answer[weakest.id]


def test_every_answer_is_in_the_store_before_it_is_scored(tmp_path, monkeypatch):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())

        def crash(*args, **kwargs):
            raise RuntimeError("scorer crashed")

        monkeypatch.setattr(session, "score_step", crash)
        with pytest.raises(RuntimeError, match="scorer crashed"):
            session.submit(SEVEN.step("data"), "My data answer.")
        assert [e.text for e in store.events(session.session_id)] == ["My data answer."]


def test_a_resumed_session_keeps_answers_and_continues_with_the_next_step(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        session.ask("How many users?")
        session.done_clarifying()
        session.submit(SEVEN.step("requirements"), "first answer")
        session.submit(SEVEN.step("framing"), "second answer")
        session_id = session.session_id
    with HistoryStore(path) as store:
        resumed = InterviewSession.resume(store, session_id, CASE, SEVEN, SCORER, NoticeBuffer())
        assert resumed.clarified
        assert resumed.steps["requirements"].answer == "first answer"
        assert [s.id for s in resumed.pending_steps()] == [
            "data",
            "model",
            "evaluation",
            "serving",
            "monitoring",
        ]


def test_probes_target_only_missed_items(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        step = SEVEN.step("requirements")
        result = session.submit(step, STRONG.text("requirements"))
    met = {item.id for item in result.items if item.met}
    probes = select_probes(CASE, step, result, count=5)
    assert met, "the strong answer covers something, so some probes are excluded"
    for probe in probes:
        assert not set(probe.targets) & met
    empty = score_answer(session.judge, CASE, SEVEN, parse_answer("## Requirements\nNo idea.", SEVEN)).step(
        "requirements"
    )
    assert select_probes(CASE, step, empty, count=1)


def test_study_next_prefers_heavy_misses():
    card = score_answer(SCORER, CASE, SEVEN, parse_answer("## Data\nWe log impressions.", SEVEN))
    study = study_next(card)
    assert len(study) == 3 and all(not item.met for item in study)


def test_resume_rejudges_a_step_whose_last_text_was_saved_but_never_scored(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    data = SEVEN.step("data")
    with HistoryStore(path) as store:
        session = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        first = session.submit(data, "We log impressions.")

        def crash(step: object) -> None:
            raise RuntimeError("scorer crashed")

        monkeypatch.setattr(session, "score_step", crash)
        with pytest.raises(RuntimeError):
            session.submit(data, STRONG.text("data"))  # saved, then the scorer crashed
        session_id = session.session_id
    with HistoryStore(path) as store:
        resumed = InterviewSession.resume(store, session_id, CASE, SEVEN, SCORER, NoticeBuffer())
        assert resumed.steps["data"].answer == STRONG.text("data")
        card = resumed.finish()
    assert card.step("data").score > first.score  # the saved revision, not the stale verdict


@pytest.mark.slow  # ten whole sessions: the fast set keeps one case's (above)
@pytest.mark.parametrize("case_id", sorted(LIBRARY.cases))
def test_every_case_runs_a_practice_session_and_a_four_step_mock(tmp_path, case_id):
    from mlsd_coach.coach.mock import run_mock
    from mlsd_coach.coach.timing import step_budgets

    case, four = LIBRARY.case(case_id), LIBRARY.frameworks["four-step"]
    strong = parse_answer((DATA / "answers" / case_id / "strong.md").read_text(), SEVEN, case=case)

    class CaseUI(ScriptedUI):
        def get_answer(self, step, previous=""):
            self.clock.advance(60)
            return strong.text(step.id)

    clock = ManualClock()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        practice = InterviewSession.start(store, case, SEVEN, SCORER, NoticeBuffer())
        card = run_practice(practice, CaseUI(clock, questions=["How many requests per second?"]), clock)
        assert card.case == case_id and card.level in ("hire", "strong hire")
        mock = InterviewSession.start(
            store, case, four, SCORER, NoticeBuffer(), Mode.MOCK, MockSettings(minutes=45, timed=False)
        )
        four_answer = parse_answer(
            (DATA / "answers" / case_id / "strong.md").read_text(), four, SEVEN, case=case
        )

        class MockUI:
            def __getattr__(self, name):  # every display call of the mock UI is a no-op here
                return lambda *args, **kwargs: None

            def ask_clarifying(self, status, expired):
                return None

            def get_answer(self, step, status, expired):
                clock.advance(60)
                return four_answer.text(step.id), False

            def get_probe_reply(self, probe, status, expired):
                return "I would keep that for the next version.", False

        verdict = run_mock(mock, MockUI(), clock, step_budgets(four, 45), 45, False)
        assert verdict.card.case == case_id and mock.deep_dive
        assert store.session(mock.session_id).finished


def test_a_step_session_practises_one_step_and_history_offers_it_back(tmp_path):
    from mlsd_coach.progress import progress

    clock = ManualClock()
    ui = ScriptedUI(clock)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        full = InterviewSession.start(store, CASE, SEVEN, SCORER, NoticeBuffer())
        run_practice(full, ScriptedUI(clock), clock)
        retry = InterviewSession.start(
            store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.STEP, MockSettings(step="data")
        )
        card = run_practice(retry, ui, clock)
        assert [s for kind, s in ui.shown if kind == "step"] == ["data"]
        assert not [r for kind, r in ui.shown if kind == "reply"], "a retry starts at its step"
        assert [step.id for step in card.steps] == ["data"]
        (data,) = card.steps
        assert card.score == data.score and card.level == data.level
        assert set(card.signals) == {item.signal for item in data.items}
        assert not any(w.startswith("not answered") for w in card.warnings)
        row = store.session(retry.session_id)
        assert row.mode == "step" and row.finished and row.settings.step == "data"
        resumed = InterviewSession.resume(store, retry.session_id, CASE, SEVEN, SCORER, NoticeBuffer())
        assert resumed.only_step == "data" and resumed.pending_steps() == []
        report = progress(
            store, {"seven-step": {s.id: s.minutes for s in SEVEN.steps}}, sorted(LIBRARY.cases)
        )
    suggestion = report.suggestion
    assert suggestion is not None
    assert suggestion.command in (
        f"mlsd practice {suggestion.case_id} --step {suggestion.step_id}",
        f"mlsd practice {suggestion.case_id}",  # a case not tried yet is started whole
    )


def test_a_reply_to_a_follow_up_in_practice_is_recorded_and_can_earn_the_missed_credit(tmp_path):
    clock = ManualClock()
    thin = "We train a model on the watch logs."
    reply = (
        "Raw watch time favours long videos, so we normalise it by video duration: the label is the "
        "watch ratio compared within each length bucket."
    )

    class ThinUI(ScriptedUI):
        def get_answer(self, step, previous=""):
            clock.advance(60)
            return thin

    ui = ThinUI(clock, questions=[], probe_replies={"data": reply})
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(
            store, CASE, SEVEN, SCORER, NoticeBuffer(), Mode.STEP, MockSettings(step="data")
        )
        run_practice(session, ui, clock)
        replies = [e.text for e in store.events(session.session_id) if e.kind == "probe_reply"]
    results = [r for kind, r in ui.shown if kind == "result"]
    assert [p.step for kind, p in ui.shown if kind == "probe"] == ["data"]
    assert replies == [reply]
    assert results[-1].score > results[0].score, (
        "the reply about duration bias earns credit the answer missed"
    )
