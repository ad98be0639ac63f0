"""Time for the coach, behind an interface so tests can run a 45-minute interview in
milliseconds (their manual clock is in tests/clocks.py)."""

from __future__ import annotations

import math
import os
import time
from typing import Protocol

from mlsd_coach.errors import BadInputError

MAX_RATE = 1000.0


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic clock."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.monotonic()


class ScaledClock:
    """Real time run `rate` times faster: a 45-minute round in 4.5 minutes at rate 10, for
    a speed drill (`MLSD_CLOCK_RATE`)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._start = time.monotonic()

    def now(self) -> float:
        return self._start + (time.monotonic() - self._start) * self.rate


def interview_clock() -> Clock:
    """The system clock, or one run faster when `MLSD_CLOCK_RATE` asks for a speed drill."""
    raw = os.environ.get("MLSD_CLOCK_RATE", "").strip()
    if not raw:
        return SystemClock()
    try:
        rate = float(raw)
    except ValueError:
        rate = math.nan
    if not 0 < rate <= MAX_RATE:
        raise BadInputError(
            f"MLSD_CLOCK_RATE must be a number above 0 and at most {MAX_RATE:g} (got '{raw}')"
        )
    return ScaledClock(rate)
