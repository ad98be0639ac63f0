"""Time budgets of a mock interview: the framework's per-step minutes scaled to the round's
length, and the warnings an interviewer gives as a step's time runs out."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_coach.coach.clock import Clock
from mlsd_coach.content.models import Framework
from mlsd_coach.errors import BadInputError

MIN_MINUTES, MAX_MINUTES = 10, 120
WARN_AT = (0.5, 0.9)


def check_minutes(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BadInputError(f"--minutes must be between {MIN_MINUTES} and {MAX_MINUTES} (got {minutes})")
    return minutes


def step_budgets(framework: Framework, minutes: float) -> dict[str, float]:
    """Seconds for each step in a round of `minutes`, introductions and questions excluded."""
    return {step_id: budget * 60 for step_id, budget in framework.design_minutes(minutes).items()}


@dataclass
class StepTimer:
    clock: Clock
    budget: float
    started: float

    @classmethod
    def start(cls, clock: Clock, budget: float) -> StepTimer:
        return cls(clock, budget, clock.now())

    @property
    def elapsed(self) -> float:
        return self.clock.now() - self.started

    @property
    def remaining(self) -> float:
        return self.budget - self.elapsed

    @property
    def used(self) -> float:
        return self.elapsed / self.budget if self.budget else 1.0

    def warning(self) -> str | None:
        if self.used >= 1.0:
            return "over budget: wrap up now"
        if self.used >= WARN_AT[1]:
            return "90% of this step's time used: wrap up"
        if self.used >= WARN_AT[0]:
            return "half of this step's time used"
        return None


def clock_text(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"
