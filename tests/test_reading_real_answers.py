"""The offline scorer on answers as people write them: any layout, a point credited wherever
it is made, ordinary wording, evidence that really says it, rejected mistakes, reasons in the
clause, and clarifying questions. One test (or a few) per failure class; each fails on the
scorer as it was before it read whole answers."""

from __future__ import annotations

import json

import pytest
from layouts import LAYOUTS, render

from conftest import DATA, each_case
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import JudgeContext, score
from mlsd_coach.scoring.offline import OfflineJudge

LIBRARY = load_library()
SEVEN = LIBRARY.frameworks["seven-step"]
JUDGE = OfflineJudge(load_glossary())
STEP_IDS = [step.id for step in SEVEN.steps]


def card_for(case_id: str, text: str, questions: tuple[str, ...] = ()):
    case = LIBRARY.case(case_id)
    answer = parse_answer(text, SEVEN, case=case)
    return score(JUDGE, case, SEVEN, answer, JudgeContext(questions=questions))


def item(card, item_id):
    return next(i for step in card.steps for i in step.items if i.id == item_id)


def mistakes(card):
    return {m.id for step in card.steps for m in step.mistakes}


# layout
@pytest.mark.parametrize("layout", LAYOUTS[1:])
@pytest.mark.parametrize("case_id", each_case(sorted(LIBRARY.cases)))
def test_the_same_strong_answer_scores_within_15_percent_in_every_layout(case_id, layout):
    strong = (DATA / "answers" / case_id / "strong.md").read_text(encoding="utf-8")
    base = card_for(case_id, strong).score
    other = card_for(case_id, render(strong, layout, STEP_IDS)).score
    assert base > 70
    assert abs(other - base) <= 0.15 * base, (layout, base, other)


def test_an_answer_with_no_headings_scores_and_says_how_it_was_read(mlsd, tmp_path):
    strong = (DATA / "answers" / "feed-ranking" / "strong.md").read_text(encoding="utf-8")
    path = tmp_path / "transcript.md"
    path.write_text(render(strong, "no headings", STEP_IDS), encoding="utf-8")
    as_json = mlsd("score", "feed-ranking", str(path), "--scorer", "offline", "--json")
    card = json.loads(as_json.stdout)
    assert card["overall"]["score"] > 70
    assert card["routing"] and all(route["source"].startswith("paragraph ") for route in card["routing"])
    text = mlsd("score", "feed-ranking", str(path), "--scorer", "offline").stdout
    head = text[: text.index("╭")]  # before the first step's panel: at the top
    assert "How your answer was read into steps:" in head and "paragraph 1 →" in head


def test_course_template_capitals_are_sections():
    text = (
        "MOTIVATION\n\nThe business goal is long-term retention, measured as 7-day return rate.\n\n"
        "REQUIREMENTS\n\nAbout 300M daily users and a 150 ms p99 latency budget per feed request.\n\n"
        "MONITORING\n\nWe watch feature drift with PSI and retrain weekly, with a promotion gate."
    )
    answer = parse_answer(text, SEVEN, case=LIBRARY.case("feed-ranking"))
    (route,) = answer.routing  # REQUIREMENTS and MONITORING name their steps exactly
    assert route.source == "heading 'MOTIVATION'" and route.steps == ("requirements",)
    assert "retrain weekly" in answer.text("monitoring") and "300M" in answer.text("requirements")


def test_the_words_of_a_heading_outrank_the_authors_number():
    text = (
        "## 3. Architectural Components\nA two-tower retrieval model feeds a ranker behind the feed service.\n"
        "## 6. Model Development and Offline Evaluation\nWe train a GBDT ranker and report NDCG@10 offline.\n"
        "## 7. Prediction Service\nThe service caches embeddings and answers within the 150 ms p99 budget.\n"
    )
    answer = parse_answer(text, SEVEN, case=LIBRARY.case("feed-ranking"))
    routes = {route.source: route for route in answer.routing}
    both = routes["heading '## 6. Model Development and Offline Evaluation'"]
    assert both.steps == ("model", "evaluation") and "2 steps" in both.why
    assert routes["heading '## 7. Prediction Service'"].steps != ("monitoring",)
    assert routes["heading '## 3. Architectural Components'"].steps != ("data",)
    assert "NDCG@10" in answer.text("model") and "NDCG@10" in answer.text("evaluation")


def test_an_unrecognised_heading_is_read_by_its_text_and_reported():
    text = "## Requirements\nWe need 150 ms p99.\n## What I'd monitor\nFeature drift with PSI, alerts on calibration.\n"
    answer = parse_answer(text, SEVEN, case=LIBRARY.case("feed-ranking"))
    (route,) = answer.routing
    assert route.source == "heading '## What I'd monitor'" and route.steps == ("monitoring",)
    assert "Feature drift" not in answer.text("requirements")


# credit wherever the point is made
def test_a_point_made_under_another_step_is_credited_and_says_where(mlsd, tmp_path):
    text = (
        "## Data\nWe split by time: train on the first three weeks and test on the last one, "
        "because the labels mature late and a random split would leak the future.\n"
        "## Evaluation\nWe report AUC.\n"
    )
    card = card_for("ad-click-prediction", text)
    temporal = item(card, "eval-temporal-split")
    assert temporal.score > 0.5 and temporal.evidence_from[0] == "data"
    path = tmp_path / "answer.md"
    path.write_text(text, encoding="utf-8")
    shown = mlsd("score", "ad-click-prediction", str(path), "--scorer", "offline").stdout
    assert "(said under Data" in " ".join(shown.split())


# ordinary wording
@pytest.mark.parametrize(
    ("case_id", "item_id", "text"),
    [
        (
            "ad-click-prediction",
            "model-continual-training",
            "We re-train the model every hour on fresh logs.",
        ),
        (
            "fraud-detection",
            "frame-imbalance-sampling",
            "The data is imbalanced, so we down-sample negatives.",
        ),
        (
            "feed-ranking",
            "generic-scale-and-latency",
            "How quickly must the server respond, a tenth of a second?",
        ),
        (
            "ad-click-prediction",
            "eval-calibration-metrics",
            "Per segment we compare expected clicks vs the actual observed clicks.",
        ),
    ],
)
def test_ordinary_wording_finds_its_item(case_id, item_id, text):
    assert item(card_for(case_id, f"## Notes\n{text}\n"), item_id).score > 0


def test_a_phrase_never_reaches_across_a_comma():
    found = card_for("feed-ranking", "## Data\nWe log the position, bias is low.\n")
    assert item(found, "data-position-exposure-bias").score == 0


# evidence precision
def test_a_common_word_alone_earns_no_item():
    card = card_for("feed-ranking", "## Data\nData exploration is conducted first on a sample of the logs.\n")
    assert not item(card, "serve-exploration-freshness").met


def test_pointers_and_lead_ins_are_not_evidence():
    card = card_for(
        "feed-ranking",
        "## Evaluation\nRead more about A/B testing in the docs.\nThe goals can be expressed as follows:\n",
    )
    assert item(card, "generic-online-experiment").score == 0
    assert item(card, "generic-business-objective").score == 0


def test_one_sentence_does_not_carry_two_unrelated_items_in_full():
    card = card_for(
        "fraud-detection",
        "## Requirements\nThe success criteria in this system will be tests performed on labeled data.\n",
    )
    full = [i.id for step in card.steps for i in step.items if i.score == 1.0]
    assert len(full) <= 1, full


# negation and contrast
@pytest.mark.parametrize(
    "text",
    [
        "This imbalance in class distribution can make accuracy an unreliable metric.",
        "We report PR-AUC, F1 Score and Balanced Accuracy on the holdout weeks.",
        "We looked at accuracy first. Accuracy is ruled out since fraud is rare.",
        "Instead of accuracy we report recall at a fixed false-positive rate.",
    ],
)
def test_a_mistake_never_fires_on_a_sentence_that_rejects_it(text):
    assert "accuracy-on-imbalanced" not in mistakes(card_for("fraud-detection", f"## Evaluation\n{text}\n"))


def test_a_mistake_still_fires_when_it_is_made():
    card = card_for(
        "fraud-detection", "## Evaluation\nWe would report accuracy on last month's transactions.\n"
    )
    assert "accuracy-on-imbalanced" in mistakes(card)


# reasons
@pytest.mark.parametrize(
    ("case_id", "item_id", "text"),
    [
        (
            "ad-click-prediction",
            "generic-loss-function",
            "We train with binary cross-entropy so its output is a calibrated probability.",
        ),
        (
            "feed-ranking",
            "model-two-tower-logq",
            "In-batch negatives need a logQ correction to subtract the popularity bias.",
        ),
    ],
)
def test_a_reason_in_the_clause_counts(case_id, item_id, text):
    assert not item(card_for(case_id, f"## Model\n{text}\n"), item_id).depth_missing


def test_a_because_about_something_else_does_not_lift_an_item():
    card = card_for(
        "ad-click-prediction",
        "## Model\nThe loss is log loss.\nWe retrain hourly because clicks arrive late.\n",
    )
    loss = item(card, "generic-loss-function")
    assert loss.score > 0 and loss.depth_missing


# clarifying questions
def test_clarifying_questions_count_for_the_requirements_items():
    card = card_for(
        "feed-ranking",
        "## Model\nA two-tower model.\n",
        questions=("What's the success metric for the feed?",),
    )
    objective = item(card, "generic-business-objective")
    assert objective.score > 0 and objective.evidence[0].startswith("asked: ")
    assert objective.evidence_from[0] == "asked"


def test_a_practice_session_credits_the_questions_asked_and_the_facts_given(tmp_path):
    from mlsd_coach.coach.session import InterviewSession
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.store.history import HistoryStore
    from mlsd_coach.store.kinds import Mode

    case = LIBRARY.case("feed-ranking")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, case, SEVEN, JUDGE, NoticeBuffer(), Mode.PRACTICE)
        session.ask("How many daily active users are there?")
        session.done_clarifying()
        card = session.finish()
    scale = item(card, "generic-scale-and-latency")
    assert scale.score > 0 and scale.evidence[0].startswith("asked: How many daily active users")
    assert "(answered: " in scale.evidence[0]
