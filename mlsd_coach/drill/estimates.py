"""Back-of-envelope estimates from a case's `sizing` numbers: each calculation is written
once here, asked as a question with the case's numbers, and checked within a tolerance.

A figure within `CLOSE` of the worked one earns full marks, within `TOLERANCE` a good
estimate, within a factor of `ORDER` a rough one; anything further is a miss.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

from mlsd_coach.content.models import Sizing

SECONDS_PER_DAY = 86_400
CLOSE = 0.10
TOLERANCE = 0.30
ORDER = 2.0
ALPHA = 0.05  # two-sided significance of the sized A/B test
POWER = 0.80
# 2 (z_{1-α/2} + z_{power})² ≈ 15.7: Lehr's "16" for two arms
LEHR = 2 * (NormalDist().inv_cdf(1 - ALPHA / 2) + NormalDist().inv_cdf(POWER)) ** 2


@dataclass(frozen=True)
class Estimate:
    name: str  # stable id within a case: "peak-qps"
    title: str
    question: str
    value: float
    unit: str  # what the answer is counted in: "requests/s", "GB", "days"
    worked: tuple[str, ...]  # the calculation, line by line

    def error(self, answer: float) -> float:
        """How far `answer` is from the worked value, as a ratio above 1 (1.0 = exact)."""
        if answer <= 0:
            return math.inf
        return max(answer / self.value, self.value / answer)

    def credit(self, answer: float) -> float:
        """1.0 within CLOSE, 0.75 within TOLERANCE, 0.45 within a factor of ORDER, else 0."""
        ratio = self.error(answer)
        if ratio <= 1 + CLOSE:
            return 1.0
        if ratio <= 1 + TOLERANCE:
            return 0.75
        if ratio <= ORDER:
            return 0.45
        return 0.0


def num(value: float) -> str:
    """A figure as it would be said: 34,722 · 1.2M · 25.6 · 0.04."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:,.3g}B"
    if size >= 1e6:
        return f"{value / 1e6:,.3g}M"
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.3g}"
    return f"{value:.3g}"


def percent(share: float) -> str:
    return f"{share * 100:.3g}%"


def estimates(sizing: Sizing) -> list[Estimate]:
    """Every estimate the case's numbers allow, in the order a sizing is done."""
    made: list[Estimate] = []
    for calculation in CALCULATIONS:
        estimate = calculation(sizing)
        if estimate is not None:
            made.append(estimate)
    return made


def _average_qps(sizing: Sizing) -> float:
    return sizing.daily_requests / SECONDS_PER_DAY


def plural(noun: str) -> str:
    """ "search" -> "searches", "query" -> "queries", "ad request" -> "ad requests"."""
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return f"{noun}es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{noun[:-1]}ies"
    return f"{noun}s"


def _volume_said(sizing: Sizing) -> str:
    requests = plural(sizing.request)
    if sizing.daily_active_users is not None and sizing.requests_per_user is not None:
        return (
            f"{num(sizing.daily_active_users)} daily users make about {num(sizing.requests_per_user)} "
            f"{requests} each a day"
        )
    return f"There are about {num(sizing.daily_requests)} {requests} a day"


def _volume_line(sizing: Sizing) -> str:
    requests = plural(sizing.request)
    if sizing.requests_per_day is None and sizing.daily_active_users and sizing.requests_per_user:
        return (
            f"{num(sizing.daily_active_users)} users × {num(sizing.requests_per_user)} = "
            f"{num(sizing.daily_requests)} {requests} a day"
        )
    return f"{num(sizing.daily_requests)} {requests} a day"


def _peak_qps(sizing: Sizing) -> float:
    return _average_qps(sizing) * sizing.peak_factor


def _peak_lines(sizing: Sizing) -> list[str]:
    lines = [_volume_line(sizing), f"÷ 86,400 s = {num(_average_qps(sizing))} per second on average"]
    if sizing.peak_factor > 1:
        lines.append(f"× {sizing.peak_factor:.2g} at peak = {num(_peak_qps(sizing))} per second")
    return lines


def peak_qps(sizing: Sizing) -> Estimate:
    peak = f", and the peak is {sizing.peak_factor:.2g}× the average" if sizing.peak_factor > 1 else ""
    return Estimate(
        "peak-qps",
        "Requests per second at peak",
        f"{_volume_said(sizing)}{peak}. Roughly how many {plural(sizing.request)} per second must the "
        f"service handle at {'peak' if sizing.peak_factor > 1 else 'the average'}?",
        _peak_qps(sizing),
        "requests/s",
        tuple(_peak_lines(sizing)),
    )


def scoring_rate(sizing: Sizing) -> Estimate | None:
    """Only where a request fans out: one score per request is the peak rate again."""
    if sizing.scored_per_request is None or sizing.scored_per_request <= 1:
        return None
    rate = _peak_qps(sizing) * sizing.scored_per_request
    return Estimate(
        "scoring-rate",
        "Model scores per second at peak",
        f"At peak the service takes about {num(_peak_qps(sizing))} {plural(sizing.request)} a second, "
        f"and each one has about {num(sizing.scored_per_request)} {sizing.scored}. How many model "
        "scores per second is that?",
        rate,
        "scores/s",
        (
            f"{num(_peak_qps(sizing))} {plural(sizing.request)}/s × {num(sizing.scored_per_request)} "
            f"= {num(rate)} scores a second",
        ),
    )


def _rows(count: float) -> str:
    return f"{num(count)} row{'s' if count != 1 else ''}"


def feature_reads(sizing: Sizing) -> Estimate | None:
    per_item = sizing.feature_reads_per_scored if sizing.scored_per_request is not None else None
    per_request = sizing.feature_reads_per_request
    if per_item is None and per_request is None:
        return None
    peak = _peak_qps(sizing)
    requests = plural(sizing.request)
    needs: list[str] = []
    lines: list[str] = []
    reads_per_request = 0.0
    if per_request is not None:
        needs.append(f"{_rows(per_request)} for the request itself")
        reads_per_request += per_request
        lines.append(f"{_rows(per_request)} per request")
    if per_item is not None and sizing.scored_per_request is not None:
        needs.append(f"{_rows(per_item)} for each of its {num(sizing.scored_per_request)} {sizing.scored}")
        item_reads = per_item * sizing.scored_per_request
        reads_per_request += item_reads
        lines.append(
            f"{_rows(per_item)} × {num(sizing.scored_per_request)} items = {num(item_reads)} per request"
        )
    reads = peak * reads_per_request
    if len(lines) > 1:
        lines.append(f"= {num(reads_per_request)} reads per request")
    lines.append(f"× {num(peak)} {requests}/s at peak = {num(reads)} reads a second")
    return Estimate(
        "feature-reads",
        "Feature-store reads per second at peak",
        f"At peak there are about {num(peak)} {requests} a second; each reads {' and '.join(needs)} "
        "from the feature store. How many reads per second must the store serve if nothing is cached?",
        reads,
        "reads/s",
        tuple(lines),
    )


def embedding_memory(sizing: Sizing) -> Estimate | None:
    table = sizing.embedding
    if table is None:
        return None
    size = table.rows * table.dim * table.bytes_per_value
    precision = {4.0: "fp32", 2.0: "fp16", 1.0: "int8"}.get(table.bytes_per_value, "")
    stored = f"{num(table.bytes_per_value)}-byte" + (f" ({precision})" if precision else "")
    return Estimate(
        "embedding-memory",
        "Embedding memory",
        f"The {table.name} hold about {num(table.rows)} vectors of {table.dim} dimensions, stored as "
        f"{stored} values. How many GB is that, before any index overhead?",
        size / 1e9,
        "GB",
        (
            f"{num(table.rows)} × {table.dim} × {num(table.bytes_per_value)} bytes = {num(size)} bytes",
            f"= {size / 1e9:,.3g} GB",
        ),
    )


def labels_per_day(sizing: Sizing) -> Estimate | None:
    stream = sizing.labels
    if stream is None:
        return None
    count = stream.events_per_day * stream.positive_rate
    events = plural(stream.event)
    return Estimate(
        "labels-per-day",
        "Positive labels per day",
        f"There are about {num(stream.events_per_day)} {events} a day and about "
        f"{percent(stream.positive_rate)} of them are positives ({stream.label}). How many positive "
        "labels a day is that?",
        count,
        "labels/day",
        (
            f"{num(stream.events_per_day)} {events} × {percent(stream.positive_rate)} = {num(count)} positives a day",
        ),
    )


def test_duration(sizing: Sizing) -> Estimate | None:
    test = sizing.experiment
    if test is None:
        return None
    p = test.baseline_rate
    delta = p * test.relative_mde
    per_arm = LEHR * p * (1 - p) / delta**2
    daily = test.units_per_day * test.share_per_arm
    days = per_arm / daily
    units = plural(test.unit)
    return Estimate(
        "ab-test-days",
        "A/B test duration",
        f"The {test.metric} is about {percent(p)}. You want to detect a {percent(test.relative_mde)} "
        f"relative change with 80% power at 5% significance, randomising by {test.unit}; each arm "
        f"gets {percent(test.share_per_arm)} of the {num(test.units_per_day)} {units} a day. "
        "How many days must the test run?",
        days,
        "days",
        (
            f"smallest change δ = {percent(p)} × {percent(test.relative_mde)} = {delta:.3g} (absolute)",
            f"n per arm ≈ 2 (1.96 + 0.84)² p(1−p) / δ² = {LEHR:.1f} × {p:.3g} × {1 - p:.3g} / "
            f"{delta:.3g}² = {num(per_arm)} {units}",
            f"each arm gets {num(test.units_per_day)} × {percent(test.share_per_arm)} = {num(daily)} a day",
            f"{num(per_arm)} ÷ {num(daily)} = {days:,.3g} days (run whole weeks: weekdays differ)",
        ),
    )


CALCULATIONS: tuple[Callable[[Sizing], Estimate | None], ...] = (
    peak_qps,
    scoring_rate,
    feature_reads,
    embedding_memory,
    labels_per_day,
    test_duration,
)


# reading the user's figure
_FIGURE = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*(?:e|x\s*10\^?)\s*([+-]?\d+))?\s*"
    r"(thousand|million|billion|trillion|[kKmMbBtT](?![a-zA-Z])|%)?"
    r"\s*(tb|gb|mb|kb|bytes?)?(?![a-zA-Z])",
    re.IGNORECASE,
)
_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "%": 1e-2,
}
_BYTES_IN_GB = {"tb": 1e3, "gb": 1.0, "mb": 1e-3, "kb": 1e-6, "byte": 1e-9, "bytes": 1e-9}


class NoFigure(ValueError):
    """The answer holds no number that can be read."""


def read_figure(text: str, unit: str) -> float:
    """The figure in what the user typed, in `unit`: the last number written, with its scale
    ("35k", "1.2 million", "3.5e4", "35,000") and, for GB, its byte unit ("2 TB")."""
    found = list(_FIGURE.finditer(text))
    if not found:
        raise NoFigure("no number found: type the figure, e.g. 35k or 1.2e6")
    match = found[-1]
    mantissa, exponent, scale, byte_unit = match.groups()
    value = float(mantissa.replace(",", ""))
    if exponent:
        value *= 10.0 ** max(-30, min(30, int(exponent)))
    if scale:
        key = scale.lower()
        # "mb"/"gb" units were matched separately; a bare "m"/"b" after a number is a scale
        value *= _SCALE[key]
    if unit == "GB" and byte_unit:
        value *= _BYTES_IN_GB[byte_unit.lower()]
    return value
