"""The scorecard: what every judge's verdict becomes, in one typed shape.

These frozen models are the only representation of a score. They are built complete (levels
and signal titles included) by `scoring.aggregate`, printed by `mlsd score --json` as
`model_dump(mode="json")`, saved to and read back from the history as the same JSON, and
consumed as models by the views, the reports and the progress analytics.

Scores are rounded when a result is built (items to 3 decimals, steps, signals and the whole
to 1), so what is printed, stored and read back is the same number.

The `--json` keys fixed in DESIGN.md (`case`, `framework`, `scorer`, `overall.score|level`,
`steps[].id|title|score|level|items[]`, `items[].id|score|met|evidence|feedback`, `warnings`)
are fields here; `schema_version` says which version of this shape a document is and only
grows when keys are added. Reading ignores unknown keys, so older history rows still load.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field, field_validator

from mlsd_coach.diagram.findings import DiagramCheck

# 2: `routing`, `copied`, and `evidence_from` on items
# 3: `tier` and `level` on items, `red_flag` on mistakes, `target` and `red_flags` on the
#    card, `rating` (1-4) on signals, whose `level` is now the four-point rating's name
# 4: `twists` on the card (a mock's changed constraints and how the reply adapted), and
#    `diagrams` (each Mermaid flowchart of the answer checked against the blueprint)
SCHEMA_VERSION = 4
MET = 0.6  # an item scoring at least this is "met"
ASKED = "asked"  # in `evidence_from`: the point was made in a clarifying question
TO_ADD = 3  # how many missed items a step suggests adding


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def open_credit(item: ItemResult) -> float:
    """How much an item could still add: its weight times the credit it has not earned."""
    return item.weight * (1 - item.score)


class ItemResult(_Frozen):
    id: str
    title: str
    score: float  # 0-1
    evidence: tuple[str, ...] = ()
    # where each quote was said: a step id, or "asked" for a clarifying question
    evidence_from: tuple[str, ...] = ()
    feedback: str = ""
    weight: float = 1.0
    signal: str = ""
    why: str = ""
    generic: bool = False
    depth_missing: bool = False
    tier: str = ""  # "core", "depth" or "generic"
    level: str = ""  # for a depth item: the target level from which it is expected

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented use on a property
    @property
    def met(self) -> bool:
        return self.score >= MET


class MistakeResult(_Frozen):
    id: str
    title: str
    penalty: float  # share of the step's score removed
    evidence: tuple[str, ...] = ()
    explanation: str = ""
    red_flag: bool = False  # caps the recommendation whatever else is said


class StepResult(_Frozen):
    id: str
    title: str
    score: float  # 0-100
    level: str
    answered: bool
    judge: str = "offline"  # the judge whose verdict this is (after any fallback)
    items: tuple[ItemResult, ...] = ()
    mistakes: tuple[MistakeResult, ...] = ()
    notes: tuple[str, ...] = ()  # remarks about this step, shown with the warnings
    flagged: tuple[str, ...] = ()  # sentences that address the grader; they disqualify the answer

    def open_items(self, count: int = TO_ADD) -> list[ItemResult]:
        """The missed items that would raise this step's score most."""
        missed = [item for item in self.items if not item.met]
        missed.sort(key=open_credit, reverse=True)
        return missed[:count]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def to_add(self) -> list[str]:
        return [item.feedback for item in self.open_items()]


class TwistResult(_Frozen):
    """How the candidate's reply adapted to a constraint the interviewer changed mid-round.
    It is reported beside the steps (a moment of the round) and does not move their scores."""

    id: str
    said: str  # what the interviewer said
    after: str  # the framework step after which it was said
    score: float  # 0-100, the weighted score of its items
    answered: bool
    judge: str = "offline"
    items: tuple[ItemResult, ...] = ()
    changes: str = ""  # what a good adaptation changes, shown after the round
    flagged: tuple[str, ...] = ()  # sentences of the reply that address the grader


class Route(_Frozen):
    """How a part of the answer was assigned to steps, when it was not by an exact title."""

    source: str  # "heading '### 6. Model Development'" or "paragraph 3"
    steps: tuple[str, ...]  # step ids it was read as (none: it is not scored)
    why: str


class Rating(_Frozen):
    """A score with its level: the whole answer's (a hire level), or one signal's (a
    four-point rating, numbered 1-4 in `rating`)."""

    score: float
    level: str
    title: str = ""
    rating: int = 0


class Scorecard(_Frozen):
    schema_version: int = SCHEMA_VERSION
    case: str
    framework: str  # the framework's short name, e.g. "7-step"
    scorer: str
    overall: Rating
    steps: tuple[StepResult, ...]
    signals: dict[str, Rating] = {}
    flagged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    routing: tuple[Route, ...] = ()
    copied: str = ""  # why the answer earns no level: it is a copy of the reference answer
    target: str = "senior"  # the level whose depth items were expected
    red_flags: tuple[str, ...] = ()  # titles of the red flags that capped the recommendation
    twists: tuple[TwistResult, ...] = ()  # a mock's changed constraints, in the order said
    diagrams: tuple[DiagramCheck, ...] = ()  # the answer's flowcharts, checked, in step order

    @field_validator("signals", mode="before")
    @classmethod
    def _legacy_signal_titles(cls, signals: object) -> object:
        """History rows written before signal titles were stored carry only the id."""
        if not isinstance(signals, dict):
            return signals
        return {
            signal_id: {**rating, "title": signal_id.replace("-", " ").capitalize()}
            if isinstance(rating, dict) and not rating.get("title")
            else rating
            for signal_id, rating in signals.items()
        }

    @property
    def score(self) -> float:
        return self.overall.score

    @property
    def level(self) -> str:
        return self.overall.level

    def step(self, step_id: str) -> StepResult:
        return next(step for step in self.steps if step.id == step_id)
