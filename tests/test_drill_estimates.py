"""The drill's back-of-envelope calculations against hand-worked figures, and reading the
figure a user types."""

from __future__ import annotations

import math

import pytest

from mlsd_coach.content.models import Sizing
from mlsd_coach.drill.estimates import LEHR, NoFigure, estimates, read_figure

# feed-ranking's numbers; the figures were worked by hand (a helper, on a calculator)
FEED = Sizing.model_validate(
    {
        "request": "feed request",
        "daily_active_users": "300M",
        "requests_per_user": 10,
        "requests_per_day": "3B",
        "peak_factor": "100k / (3B / 86400)",
        "scored": "candidates scored by the heavy ranker",
        "scored_per_request": 500,
        "feature_reads_per_scored": 1,
        "embedding": {"name": "item vectors", "rows": "50M", "dim": 128, "bytes_per_value": 4},
        "labels": {"event": "impression", "events_per_day": "24B", "label": "like", "positive_rate": "4%"},
    }
)
# eta-prediction's experiment: 12M sessions a day, 10% order, detect -0.5% relative, 10% per arm
ETA = Sizing.model_validate(
    {
        "request": "ETA request",
        "requests_per_day": "158M",
        "peak_factor": 3,
        "scored": "ETA predictions",
        "scored_per_request": "734M / 158M",
        "experiment": {
            "unit": "session",
            "metric": "share of app sessions that end in an order",
            "units_per_day": "12M",
            "baseline_rate": "10%",
            "relative_mde": "0.5%",
            "share_per_arm": "10%",
        },
    }
)


def figures(sizing: Sizing) -> dict[str, float]:
    return {estimate.name: estimate.value for estimate in estimates(sizing)}


def test_feed_figures_match_the_hand_worked_ones():
    assert figures(FEED) == pytest.approx(
        {
            "peak-qps": 100_000,
            "scoring-rate": 50e6,
            "feature-reads": 50e6,
            "embedding-memory": 25.6,
            "labels-per-day": 960e6,
        },
        rel=1e-6,
    )


def test_eta_figures_and_the_ab_test_duration_match_the_hand_worked_ones():
    worked = figures(ETA)
    assert worked["peak-qps"] == pytest.approx(5_486.1, rel=1e-4)  # 158M / 86,400 × 3
    assert worked["scoring-rate"] == pytest.approx(25_486, rel=1e-4)  # × 4.6456
    # n per arm = 15.698 × 0.1 × 0.9 / 0.0005² = 5,651,253; ÷ 1.2M a day = 4.71 days
    assert LEHR == pytest.approx(15.698, abs=1e-3)
    assert worked["ab-test-days"] == pytest.approx(4.709, rel=1e-3)
    assert "feature-reads" not in worked and "embedding-memory" not in worked  # no inputs, no card


def test_each_estimate_shows_its_working_and_asks_with_the_case_numbers():
    by_name = {estimate.name: estimate for estimate in estimates(ETA)}
    test = by_name["ab-test-days"]
    assert "10%" in test.question and "12M" in test.question and "session" in test.question
    assert any("5.65M" in line for line in test.worked), test.worked
    assert test.worked[-1].startswith("5.65M ÷ 1.2M = 4.71 days")
    peak = {estimate.name: estimate for estimate in estimates(FEED)}["peak-qps"]
    assert peak.worked == (
        "3B feed requests a day",
        "÷ 86,400 s = 34,722 per second on average",
        "× 2.9 at peak = 100,000 per second",
    )
    assert peak.question.startswith("300M daily users make about 10 feed requests each a day")


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        ("35k", "requests/s", 35e3),
        ("about 35,000 QPS", "requests/s", 35e3),
        ("3.5e4", "requests/s", 35e3),
        ("1.2 million", "labels/day", 1.2e6),
        ("~960M likes a day", "labels/day", 960e6),
        ("50M/s", "scores/s", 50e6),
        ("25.6 GB", "GB", 25.6),
        ("2 TB", "GB", 2000),
        ("500MB", "GB", 0.5),
        ("3B / 86400 ≈ 35k avg, so 100k at peak", "requests/s", 100e3),  # the last figure is the answer
        ("5 days", "days", 5),
        ("0.4 weeks? no: 3 days", "days", 3),
    ],
)
def test_read_figure(typed, unit, value):
    assert read_figure(typed, unit) == pytest.approx(value)


@pytest.mark.parametrize("typed", ["no idea", "a lot", "", "k M B"])
def test_an_answer_without_a_number_is_refused(typed):
    with pytest.raises(NoFigure):
        read_figure(typed, "requests/s")


def test_credit_steps_from_spot_on_to_a_miss():
    peak = {estimate.name: estimate for estimate in estimates(FEED)}["peak-qps"]
    assert [peak.credit(v) for v in (100e3, 108e3, 125e3, 78e3, 190e3, 49e3, 0)] == [
        1.0,
        1.0,
        0.75,
        0.75,
        0.45,
        0.0,
        0.0,
    ]
    assert peak.error(0) == math.inf


def test_sizing_refuses_inconsistent_or_incomplete_numbers():
    with pytest.raises(ValueError, match="not requests_per_day"):
        Sizing.model_validate(
            {"request": "r", "daily_active_users": "1M", "requests_per_user": 10, "requests_per_day": "1M"}
        )
    with pytest.raises(ValueError, match="give requests_per_day"):
        Sizing.model_validate({"request": "r", "daily_active_users": "1M"})
    with pytest.raises(ValueError, match="needs `scored`"):
        Sizing.model_validate({"request": "r", "requests_per_day": "1M", "scored_per_request": 5})
    with pytest.raises(ValueError, match="may hold only numbers"):
        Sizing.model_validate({"request": "r", "requests_per_day": "__import__('os')"})


def test_a_sizing_number_must_be_finite():
    with pytest.raises(ValueError, match="finite"):
        Sizing.model_validate({"request": "r", "requests_per_day": 1.0e400})  # YAML's 1.0e+400
    with pytest.raises(ValueError, match="not arithmetic"):
        Sizing.model_validate({"request": "r", "requests_per_day": "1e400"})
