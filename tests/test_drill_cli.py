"""`mlsd drill` without a terminal: the list of due cards, its JSON, and bad options."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from mlsd_coach.store.drill import DrillStore, NewReview
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import MockSettings, Mode


def reviewed(card_id: str, due: datetime, score: float = 0.2, rating: int = 1) -> NewReview:
    case_id, kind, _ = card_id.split("/")
    return NewReview(
        card_id, case_id, kind, score, rating, '{"bad": "state"}', "{}", due, due - timedelta(days=1), 0, None
    )


def store_reviews(*reviews: NewReview) -> None:
    with HistoryStore() as store:
        session = store.start_session("all", "seven-step", Mode.DRILL, "offline", MockSettings(minutes=10))
        drill = DrillStore(store)
        for review in reviews:
            drill.record(NewReview(**{**vars(review), "session_id": session}))


def test_a_new_user_sees_no_due_cards_and_the_plan_of_a_first_session(mlsd):
    result = mlsd("drill", "--list", "--json", "--case", "feed-ranking", "--minutes", "10")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed["due"] == [] and listed["new_available"] > 40
    kinds = [card["kind"] for card in listed["session"]["cards"]]
    assert kinds == ["concept", "estimate", "tradeoff", "debug"]  # one of each: 9.5 of 10 minutes
    assert all(card["new"] and card["question"] for card in listed["session"]["cards"])


def test_due_cards_are_listed_first_most_overdue_first(mlsd):
    now = datetime.now(UTC)
    store_reviews(
        reviewed("feed-ranking/estimate/peak-qps", now - timedelta(days=1)),
        reviewed("feed-ranking/concept/frame-multistage-funnel", now - timedelta(days=3)),
        reviewed("feed-ranking/estimate/labels-per-day", now + timedelta(days=5), 0.9, 4),
    )
    listed = json.loads(mlsd("drill", "--list", "--json", "--case", "feed-ranking").stdout)
    assert [card["id"] for card in listed["due"]] == [
        "feed-ranking/concept/frame-multistage-funnel",
        "feed-ranking/estimate/peak-qps",
    ]
    assert [card["id"] for card in listed["session"]["cards"][:2]] == [card["id"] for card in listed["due"]]
    text = mlsd("drill", "--list", "--case", "feed-ranking")
    assert "Due today" in text.stdout and "3 d late" in text.stdout
    history = mlsd("history")
    assert "Drill: 2 of 3 card(s) due today" in " ".join(history.stdout.split())


def test_kind_filters_cards_and_bad_options_are_one_line_errors(mlsd):
    listed = json.loads(mlsd("drill", "--list", "--json", "--kind", "debug", "--minutes", "30").stdout)
    assert {card["kind"] for card in listed["session"]["cards"]} == {"debug"}
    assert len({card["case"] for card in listed["session"]["cards"]}) > 1  # from every case
    for args, message in [
        (("--kind", "trivia"), "--kind must be one of concept, estimate, tradeoff, debug, all"),
        (("--minutes", "0"), "--minutes must be between 1 and 120"),
        (("--json",), "--json prints the list of due cards: use it with --list"),
        (("--case", "no-such-case", "--list"), "no-such-case"),
        ((), "`mlsd drill` is interactive and needs a terminal; `mlsd drill --list`"),
    ]:
        result = mlsd("drill", *args)
        assert result.exit_code == 2, (args, result.stdout)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2


def test_a_damaged_card_row_is_left_out_not_fatal(mlsd, private_home):
    store_reviews(reviewed("feed-ranking/estimate/peak-qps", datetime.now(UTC)))
    with HistoryStore() as store:
        store.execute("UPDATE drill_cards SET due_at = 'not a date'", ())
    result = mlsd("drill", "--list", "--json", "--case", "feed-ranking")
    assert result.exit_code == 0 and json.loads(result.stdout)["due"] == []
    assert mlsd("history", "--json").exit_code == 0


def test_the_kinds_the_cli_accepts_are_the_card_kinds():
    from mlsd_coach.cli.drill import KINDS
    from mlsd_coach.drill.cards import KIND_NAMES

    assert KINDS == (*KIND_NAMES, "all")


def test_an_answer_the_history_cannot_take_is_kept_as_the_cards_draft(private_home, monkeypatch):
    import pytest

    from mlsd_coach.content.registry import load_frameworks, load_one_case
    from mlsd_coach.drill.cards import case_cards
    from mlsd_coach.drill.grading import CardGrader
    from mlsd_coach.drill.plan import Planned
    from mlsd_coach.drill.session import DrillSession
    from mlsd_coach.errors import HistoryError
    from mlsd_coach.scoring.offline import make_judge

    frameworks = load_frameworks()
    case = load_one_case("fraud-detection", frameworks, [])
    judge = make_judge()
    with HistoryStore() as store:
        session = DrillSession(
            store, {case.id: case}, CardGrader(frameworks["seven-step"], judge, judge), case.id, 10
        )

        def full_disk(*args, **kwargs):
            raise HistoryError("history.sqlite3: the disk is full; free some space and try again")

        monkeypatch.setattr(store, "add_event", full_disk)
        card = Planned(case_cards(case)[0], None)
        with pytest.raises(HistoryError) as stopped:
            session.answer(card, "Approve, step up with 3DS, decline, or hold for review.")
        assert "kept in" in " ".join(stopped.value.__notes__)
        assert session.draft(card) == "Approve, step up with 3DS, decline, or hold for review."
