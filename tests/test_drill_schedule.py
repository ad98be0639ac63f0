"""The drill's schedule, in process with a fake clock: a user who practised once drills every
day for a week and sees cards come back when FSRS says, on their own calendar day."""

from __future__ import annotations

import json
import os
import time
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from conftest import DATA
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_frameworks, load_one_case
from mlsd_coach.drill.cards import CardKind, case_cards
from mlsd_coach.drill.grading import CardGrader
from mlsd_coach.drill.plan import due, fresh, plan
from mlsd_coach.drill.schedule import Grade, grade_for, local_day, review
from mlsd_coach.drill.session import DrillSession
from mlsd_coach.drill.summary import summarise
from mlsd_coach.progress import missed_items
from mlsd_coach.scoring.judge import score
from mlsd_coach.scoring.offline import make_judge
from mlsd_coach.store.drill import DrillStore
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import Mode

FRAMEWORKS = load_frameworks()
SEVEN = FRAMEWORKS["seven-step"]
CASE = load_one_case("fraud-detection", FRAMEWORKS, [])
# the same configuration as the product, built here from FSRS's own documented arguments
REFERENCE = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@pytest.fixture
def utc_zone():
    """Run in a fixed time zone; restore the machine's afterwards."""
    before = os.environ.get("TZ")

    def use(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    use("UTC")
    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (0.0, Grade.AGAIN),
        (0.39, Grade.AGAIN),
        (0.4, Grade.HARD),
        (0.59, Grade.HARD),
        (0.6, Grade.GOOD),
        (0.84, Grade.GOOD),
        (0.85, Grade.EASY),
        (1.0, Grade.EASY),
    ],
)
def test_scores_become_fsrs_ratings_by_documented_thresholds(score, grade):
    assert grade_for(score) == grade


def test_a_review_is_what_fsrs_itself_schedules():
    when = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for grade in Grade:
        ours = review(None, grade, when, number=7)
        card, _ = REFERENCE.review_card(Card(card_id=7), Rating(int(grade)), review_datetime=when)
        assert ours.due == card.due
        again = review(ours.state, Grade.GOOD, ours.due, number=7)
        card, _ = REFERENCE.review_card(card, Rating.Good, review_datetime=card.due)
        assert again.due == card.due


def test_a_card_is_due_on_the_local_calendar_day_whatever_the_hour(utc_zone):
    utc_zone("America/Los_Angeles")
    # reviewed at 22:30 on 1 Dec in Los Angeles (06:30 UTC on the 2nd), rated "again": one day
    reviewed = review(None, Grade.AGAIN, datetime(2026, 12, 2, 6, 30, tzinfo=UTC), number=1)
    assert local_day(reviewed.due) == date(2026, 12, 2)
    # at 02:00 on the 2nd in Los Angeles it is due, though its UTC moment is 20 hours away
    early = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert early < reviewed.due and local_day(early) == date(2026, 12, 2)
    utc_zone("Asia/Tokyo")  # the same instant is the 2nd 15:30 in Tokyo: due the 3rd there
    assert local_day(reviewed.due) == date(2026, 12, 3)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def next_day(self) -> None:
        self.moment += timedelta(days=1)


def scripted_answer(card, day: int) -> str:
    """Strong answers to some cards, blank-ish ones to others, estimates right or 10x off."""
    if card.estimate is not None:
        right = zlib.crc32(f"{card.id}/{day}".encode()) % 2 == 0
        return f"{card.estimate.value * (1 if right else 10):.6g}"
    if zlib.crc32(f"{card.id}/{day}".encode()) % 3 == 0:
        return "I am not sure, I would look into it."
    item = next(i for i in CASE.rubric if i.id == card.items[0])
    return item.strong_answer


def test_a_week_of_daily_drills_follows_fsrs(private_home, utc_zone, mlsd):
    utc_zone("Europe/Berlin")
    with HistoryStore() as store:
        # the user practised once: a whole answer, scored and stored
        answer = parse_answer((DATA / "answers" / "fraud-detection" / "mid.md").read_text(), SEVEN)
        judge = make_judge()
        card = score(judge, CASE, SEVEN, answer)
        session = store.start_session(CASE.id, SEVEN.id, Mode.PRACTICE, judge.name)
        store.finish_session(session, card)
        missed = missed_items(store)
        assert missed

        cards = case_cards(CASE)
        clock = FakeClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
        grader = CardGrader(SEVEN, judge, judge)
        expected_due: dict[str, date] = {}  # what FSRS says, computed here on the side
        reference_cards: dict[str, Card] = {}
        seen_estimates = 0
        returned = 0
        for day in range(7):
            drill = DrillStore(store)
            states = drill.cards()
            today = local_day(clock())
            # exactly the cards FSRS scheduled for today or earlier are due
            assert {p.card.id for p in due(cards, states, today)} == {
                card_id for card_id, due_day in expected_due.items() if due_day <= today
            }
            planned = plan(due(cards, states, today), fresh(cards, states, missed), minutes=10)
            assert planned
            due_ids = [p.card.id for p in planned if not p.new]
            assert due_ids == [p.card.id for p in planned[: len(due_ids)]]  # due cards come first
            returned += len(due_ids)
            if day == 0:  # a new user's first cards test what their answer missed
                assert all(p.new for p in planned)
                assert any(missed[(CASE.id, item)] for item in planned[0].card.items)
            session_ = DrillSession(store, {CASE.id: CASE}, grader, CASE.id, 10, now=clock)
            for item in planned:
                outcome = session_.answer(item, scripted_answer(item.card, day))
                if item.card.kind == CardKind.ESTIMATE:
                    seen_estimates += 1
                    assert outcome.verdict.worked and outcome.verdict.figure is not None
                    assert outcome.verdict.grade in (Grade.EASY, Grade.AGAIN)
                reference = reference_cards.get(item.card.id) or Card(card_id=1)
                reference, _ = REFERENCE.review_card(
                    reference, Rating(int(outcome.verdict.grade)), review_datetime=clock()
                )
                reference_cards[item.card.id] = reference
                assert outcome.due == reference.due
                expected_due[item.card.id] = local_day(reference.due)
                if outcome.verdict.grade == Grade.AGAIN:
                    assert local_day(outcome.due) == today + timedelta(days=1)  # forgotten: back tomorrow
            session_.finish()
            clock.next_day()

        assert seen_estimates >= 2
        assert returned >= 3  # cards came back for review within the week
        summary = summarise(DrillStore(store), clock())
        assert summary.cards == len(reference_cards)
        assert summary.due_today == sum(d <= local_day(clock()) for d in expected_due.values())
        assert summary.retention and all(0 <= w.rate <= 1 for w in summary.retention)
        reviewed_again = sum(w.reviews for w in summary.retention)
        assert reviewed_again == summary.reviews - len(reference_cards)  # every later review tests recall

    history = mlsd("history", "--json")
    assert history.exit_code == 0
    report = json.loads(history.stdout)
    assert report["practise_next"]["command"].startswith("mlsd practice fraud-detection --step ")
    assert report["drill"]["reviews"] == summary.reviews
    assert [s["mode"] for s in report["sessions"]].count("drill") == 7
