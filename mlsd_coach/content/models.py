"""Pydantic models for every content file: frameworks (`rubrics/`) and case studies.

Unknown keys are rejected everywhere, so a typo in a YAML file is an error rather than a
silently ignored field. Checks that need more than one field (cross-references, sums) live
in the model validators at the bottom of each model; checks that need both a case and a
framework live in `content.crossref`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SEVEN_STEP_IDS: tuple[str, ...] = (
    "requirements",
    "framing",
    "data",
    "model",
    "evaluation",
    "serving",
    "monitoring",
)
FOUR_STEP_IDS: tuple[str, ...] = ("scope", "architecture", "modeling", "scaling")
SIGNAL_IDS: tuple[str, ...] = (
    "problem-navigation",
    "solution-design",
    "ml-depth",
    "production-readiness",
    "communication",
)
LEVEL_NAMES: tuple[str, ...] = (
    "strong no hire",
    "no hire",
    "lean no hire",
    "lean hire",
    "hire",
    "strong hire",
)

# Bounds on what the scorer matches against every sentence of an answer, about twice the
# largest built-in case (5 items a step, 6 concepts an item, 17 aliases a concept, 8
# mistakes): a hostile case file cannot make scoring take minutes.
MAX_ITEMS_PER_STEP = 12
MAX_CONCEPTS = 8
MAX_ALIASES = 30
MAX_MISTAKES = 30

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
SignalId = Literal[
    "problem-navigation", "solution-design", "ml-depth", "production-readiness", "communication"
]
SevenStepId = Literal["requirements", "framing", "data", "model", "evaluation", "serving", "monitoring"]


class LocatedError(ValueError):
    """A cross-field problem that knows which key, below the model, it is about."""

    def __init__(self, message: str, *location: str | int) -> None:
        super().__init__(message)
        self.location = location


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _unique(ids: list[str], what: str, key: str) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            raise LocatedError(f"duplicate {what} id '{item_id}'", key, index, "id")
        seen.add(item_id)


def _unique_in_groups(
    groups: list[list[str]], what: str, key: str, inner: str, taken: list[str] | None = None
) -> None:
    """Ids unique across every group (and not among `taken`), located at `key[i].inner[j].id`."""
    seen = set(taken or ())
    for group_index, ids in enumerate(groups):
        for index, item_id in enumerate(ids):
            if item_id in seen:
                raise LocatedError(f"duplicate {what} id '{item_id}'", key, group_index, inner, index, "id")
            seen.add(item_id)


def _at_most_per_step(steps: list[str]) -> None:
    counts: dict[str, int] = {}
    for index, step in enumerate(steps):
        counts[step] = counts.get(step, 0) + 1
        if counts[step] > MAX_ITEMS_PER_STEP:
            raise LocatedError(
                f"more than {MAX_ITEMS_PER_STEP} rubric items for step '{step}'; merge some",
                "rubric",
                index,
                "step",
            )


_CLAUSE_BREAK = re.compile(r";|,(?!\d{3})|(?<!\d),")  # a comma outside a number such as 1,000


class Concept(Strict):
    """One idea an answer can show, with every way people write it.

    `name` is the canonical phrase; `aliases` hold synonyms, abbreviations (CTR, ANN) and
    spelling variants. Matching ignores case, plural/simple inflection and hyphen/space
    differences, so `aliases` need not repeat those.
    """

    name: Text
    aliases: list[Text] = Field(default_factory=list, max_length=MAX_ALIASES)

    def phrases(self) -> list[str]:
        return [self.name, *self.aliases]

    @model_validator(mode="after")
    def _phrases_can_match(self) -> Concept:
        for at, phrase in enumerate(self.phrases()):
            if _CLAUSE_BREAK.search(phrase):
                raise LocatedError(
                    f"'{phrase}' can never match: a comma or semicolon ends a clause in an answer; "
                    "write it as separate phrases",
                    *(("name",) if at == 0 else ("aliases", at - 1)),
                )
        return self


class RubricItem(Strict):
    """A thing a strong answer does, scored 0-1 from the evidence found for it."""

    id: Slug
    title: Text
    weight: float = Field(gt=0, le=5)
    signal: SignalId
    strong_answer: Text
    concepts: list[Concept] = Field(min_length=1, max_length=MAX_CONCEPTS)
    min_concepts: int = Field(default=1, ge=1)
    needs_depth: bool = False
    why: Text
    feedback: Text
    # a drawn architecture shows it: a Mermaid diagram in the answer earns it the diagram
    # check's credit (components drawn, in order, the loop closed), whatever the words say
    diagram: bool = False

    @model_validator(mode="after")
    def _min_concepts_reachable(self) -> RubricItem:
        if self.min_concepts > len(self.concepts):
            raise ValueError(
                f"min_concepts is {self.min_concepts} but only {len(self.concepts)} concepts are listed"
            )
        return self


Tier = Literal["core", "depth"]
TargetLevel = Literal["mid", "senior", "staff"]
TARGET_LEVELS: tuple[str, ...] = ("mid", "senior", "staff")


class CaseRubricItem(RubricItem):
    """A case's own item. `core` items are what this problem is about; `depth` items are
    expected from a candidate at `level` or above, and are a bonus below it."""

    step: SevenStepId
    tier: Tier = "depth"
    level: TargetLevel = "senior"
    # the item asked on its own, in the interviewer's voice (`mlsd drill`); unset, it is
    # asked from a probe that tests it, or from its title
    question: Text | None = None


class Mistake(Strict):
    """A common mistake: found when every `when_all` concept occurs in one sentence and none
    of the `unless` concepts does (so "accuracy is misleading here" is not the mistake)."""

    id: Slug
    step: SevenStepId
    title: Text
    when_all: list[Concept] = Field(min_length=1, max_length=MAX_CONCEPTS)
    unless: list[Concept] = Field(default_factory=list, max_length=MAX_CONCEPTS)
    penalty: float = Field(gt=0, le=0.5, description="fraction of the step score removed")
    red_flag: bool = Field(
        default=False,
        description="caps the recommendation whatever else is said (the framework says at what)",
    )
    explanation: Text


class Probe(Strict):
    id: Slug
    step: SevenStepId
    question: Text
    targets: list[Slug] = Field(min_length=1, description="ids of rubric items this probe tests")
    kind: Literal["tradeoff", "debug", "follow-up"] | None = Field(
        default=None,
        description="what `mlsd drill` makes of it: a choice to justify, a post-mortem, or neither "
        "(unset: read from the question's wording)",
    )


class Twist(Strict):
    """A constraint the interviewer changes mid-round ("the latency budget is now 50 ms"):
    said once the step `after` is answered, or at minute `at_minute`; the candidate's reply is
    scored against `items`, which show the design adapted."""

    id: Slug
    after: SevenStepId | None = None
    at_minute: float | None = Field(default=None, gt=0, le=120)
    say: Text  # what the interviewer says
    changes: Text  # what a good adaptation changes in the design, shown after the round
    items: list[RubricItem] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _one_moment(self) -> Twist:
        if (self.after is None) == (self.at_minute is None):
            raise ValueError("give exactly one of `after` (a step id) or `at_minute`")
        return self


class Fact(Strict):
    """What the interviewer says when a clarifying question matches `patterns`."""

    id: Slug
    topic: Text
    patterns: list[Text] = Field(min_length=2)
    answer: Text


class ScaleNumber(Strict):
    name: Text
    value: Text


def _quantity(value: object) -> object:
    """A sizing number: a YAML number, or arithmetic on numbers with k/M/B/% ("300M * 10")."""
    if isinstance(value, str):
        from mlsd_coach.content.arithmetic import NotArithmetic, evaluate

        try:
            return evaluate(value)
        except NotArithmetic as error:
            raise ValueError(str(error)) from None
    return value


Quantity = Annotated[float, BeforeValidator(_quantity), Field(gt=0, allow_inf_nan=False)]
Share = Annotated[float, BeforeValidator(_quantity), Field(gt=0, lt=1)]


# a countable thing the questions pluralise: "search", "ad request", "sent push"
Noun = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]+( [A-Za-z0-9-]+){0,2}$")
]


class EmbeddingTable(Strict):
    name: Text  # "video embeddings"
    rows: Quantity
    dim: int = Field(ge=1, le=100_000)
    bytes_per_value: Quantity = 4.0


class LabelStream(Strict):
    event: Noun  # what is labelled: "impression"
    events_per_day: Quantity
    label: Text  # the positive: "like"
    positive_rate: Share


class Experiment(Strict):
    """An A/B test on a rate, randomised by `unit`, sized by Lehr's rule (80 % power, 5 %
    two-sided)."""

    unit: Noun  # "search"
    metric: Text  # "conversion rate per search"
    units_per_day: Quantity
    baseline_rate: Share
    relative_mde: Share
    share_per_arm: Annotated[float, BeforeValidator(_quantity), Field(gt=0, le=0.5)]


class Sizing(Strict):
    """The case's scale numbers as numbers, for `mlsd drill`'s back-of-envelope cards; each
    part is optional and a card exists only where its inputs do. Values are numbers or
    arithmetic on them ("300M", "3B / 86400")."""

    request: Noun  # what one request is: "feed request"
    requests_per_day: Quantity | None = None
    daily_active_users: Quantity | None = None
    requests_per_user: Quantity | None = None
    peak_factor: Annotated[float, BeforeValidator(_quantity), Field(ge=1, le=100)] = 1.0
    scored: Text | None = None  # what the heavy model scores per request: "candidates"
    scored_per_request: Quantity | None = None
    feature_reads_per_scored: Quantity | None = None  # feature-store rows read per scored item
    feature_reads_per_request: Quantity | None = None  # and once per request (the user's rows)
    embedding: EmbeddingTable | None = None
    labels: LabelStream | None = None
    experiment: Experiment | None = None

    @model_validator(mode="after")
    def _requests(self) -> Sizing:
        per_user = self.daily_active_users is not None and self.requests_per_user is not None
        if self.requests_per_day is None and not per_user:
            raise ValueError("give requests_per_day, or daily_active_users and requests_per_user")
        if self.requests_per_day is not None and per_user:
            assert self.daily_active_users is not None and self.requests_per_user is not None
            derived = self.daily_active_users * self.requests_per_user
            if abs(derived - self.requests_per_day) > 0.15 * self.requests_per_day:
                raise ValueError(
                    f"daily_active_users x requests_per_user is {derived:,.4g}, "
                    f"not requests_per_day {self.requests_per_day:,.4g}"
                )
        if self.scored_per_request is not None and self.scored is None:
            raise ValueError("scored_per_request needs `scored`: what the model scores, in words")
        if self.feature_reads_per_scored is not None and self.scored_per_request is None:
            raise ValueError("feature_reads_per_scored needs scored_per_request")
        return self

    @property
    def daily_requests(self) -> float:
        if self.requests_per_day is not None:
            return self.requests_per_day
        assert self.daily_active_users is not None and self.requests_per_user is not None
        return self.daily_active_users * self.requests_per_user


class ArithmeticCheck(Strict):
    """A relation the fact sheet's numbers must satisfy, e.g. daily volume / 86,400 is about
    the average rate. `says` is the relation in words, shown when it fails."""

    says: Text
    left: Text
    relation: Literal["about", "at_most", "at_least"] = "about"
    right: Text
    within: float = Field(default=0.1, ge=0, le=1, description="relative tolerance")

    @field_validator("left", "right", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        """`right: 14` in YAML is a number: it is an expression all the same."""
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _holds(self) -> ArithmeticCheck:
        from mlsd_coach.content.arithmetic import NotArithmetic, evaluate, holds

        try:
            left, right = evaluate(self.left), evaluate(self.right)
        except NotArithmetic as error:
            raise ValueError(str(error)) from None
        if not holds(left, right, self.relation, self.within):
            raise ValueError(
                f"the fact sheet contradicts itself: {self.says} "
                f"({self.left} = {left:,.4g}, {self.relation.replace('_', ' ')} {self.right} = {right:,.4g})"
            )
        return self


class Reference(Strict):
    title: Text
    author: Text
    year: int | None = Field(default=None, ge=1950, le=2100)
    url: str | None = None
    note: str | None = None


class Funnel(Strict):
    input: int = Field(ge=1, description="items entering the stage")
    output: int = Field(ge=1, description="items leaving the stage")

    @model_validator(mode="after")
    def _narrows(self) -> Funnel:
        if self.output > self.input:
            raise ValueError(f"output ({self.output}) is larger than input ({self.input})")
        return self


# "queue": work that waits for people, such as a human-review queue
ComponentKind = Literal["source", "stage", "store", "service", "model", "job", "log", "client", "queue"]
Track = Literal["online", "offline"]
TRACKS: tuple[Track, ...] = ("online", "offline")  # the order every view draws them in


class Component(Strict):
    id: Slug
    name: Text
    # other names a candidate may give it in a diagram ("ANN retrieval", "two-tower recall"),
    # matched like a rubric concept's aliases
    aliases: list[Text] = Field(default_factory=list, max_length=MAX_ALIASES)
    kind: ComponentKind
    track: Track
    purpose: Text
    inputs: list[Text] = Field(default_factory=list)
    outputs: list[Text] = Field(default_factory=list)
    model: str | None = None
    latency_ms: float | None = Field(default=None, gt=0)
    funnel: Funnel | None = None
    step: SevenStepId
    trade_off: Text
    failure_modes: list[Text] = Field(default_factory=list)
    technologies: list[Text] = Field(default_factory=list)
    implementation: str | None = Field(
        default=None, description="module of the reference pipeline that implements it"
    )

    def concept(self) -> Concept:
        """The component as a concept the matcher can find in a diagram's node label. A name
        may list parts with commas ("Supply, traffic and weather fetch"); as a phrase it is
        read without them."""
        return Concept(name=_CLAUSE_BREAK.sub(" ", self.name), aliases=self.aliases)

    @model_validator(mode="after")
    def _stage_has_budget(self) -> Component:
        self.concept()  # refuses, at its line, an alias that can never match
        if self.kind == "stage" and self.track == "online" and self.latency_ms is None:
            raise ValueError(f"online stage '{self.id}' needs latency_ms")
        return self


class Flow(Strict):
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    label: str | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Blueprint(Strict):
    title: Text
    summary: Text
    latency_budget_ms: float = Field(gt=0, description="end-to-end online budget")
    components: list[Component] = Field(min_length=3)
    flows: list[Flow] = Field(min_length=2)

    def flow_order(self) -> list[Component]:
        """Components in the order data flows through them: a topological order of the flows,
        taking the earliest-listed component whenever a cycle (the training loop) must be broken."""
        return _topological(self.components, [(flow.source, flow.target) for flow in self.flows])

    def online_stages(self) -> list[Component]:
        """The stages of the online request path in the order candidates pass between them,
        whatever order the file lists them in. Stages with no flow between them (parallel
        scorers) keep their place in `flow_order`."""
        stages = [c for c in self.flow_order() if c.kind == "stage" and c.track == "online"]
        ids = {stage.id for stage in stages}
        feeds = [(f.source, f.target) for f in self.flows if f.source in ids and f.target in ids]
        return _topological(stages, feeds)

    def critical_path(self) -> list[Component]:
        """The slowest chain of online stages through the flows: stages running side by side
        (rules next to the model) count once, as the slower."""
        stages = self.online_stages()
        ids = {stage.id for stage in stages}
        feeds = [(f.source, f.target) for f in self.flows if f.source in ids and f.target in ids]
        finish: dict[str, float] = {}
        via: dict[str, str | None] = {}
        for stage in stages:  # in topological order, so every feeder is finished first
            feeders = [source for source, target in feeds if target == stage.id and source in finish]
            slowest = max(feeders, key=lambda source: finish[source], default=None)
            via[stage.id] = slowest
            finish[stage.id] = (finish[slowest] if slowest else 0.0) + (stage.latency_ms or 0)
        if not finish:
            return []
        by_id = {stage.id: stage for stage in stages}
        chain: list[Component] = []
        at: str | None = max(finish, key=lambda stage_id: finish[stage_id])
        while at is not None:
            chain.append(by_id[at])
            at = via[at]
        return chain[::-1]

    def critical_path_ms(self) -> float:
        """The online path's latency: the sum over its critical path."""
        return sum(stage.latency_ms or 0 for stage in self.critical_path())

    def components_on(self, track: Track) -> list[Component]:
        """The components of one track, in file order (the order their author explains them in)."""
        return [c for c in self.components if c.track == track]

    @model_validator(mode="after")
    def _consistent(self) -> Blueprint:
        ids = [c.id for c in self.components]
        _unique(ids, "component", "components")
        known = set(ids)
        for index, flow in enumerate(self.flows):
            for key, end in (("from", flow.source), ("to", flow.target)):
                if end not in known:
                    raise LocatedError(f"names unknown component '{end}'", "flows", index, key)
        total = self.critical_path_ms()  # flows are known to be valid here
        if total > self.latency_budget_ms:
            raise LocatedError(
                f"the online critical path takes {total:g} ms, over the {self.latency_budget_ms:g} ms budget",
                "latency_budget_ms",
            )
        return self


def _topological(components: list[Component], edges: list[tuple[str, str]]) -> list[Component]:
    """Kahn's algorithm: a component comes after those that flow into it; ties, and a cycle
    that must be broken, go to the earliest in `components`."""
    by_id = {c.id: c for c in components}
    incoming = dict.fromkeys(by_id, 0)
    for _, target in edges:
        incoming[target] += 1
    order: list[Component] = []
    remaining = list(by_id)
    while remaining:
        current = next((c for c in remaining if incoming[c] == 0), remaining[0])
        remaining.remove(current)
        order.append(by_id[current])
        for source, target in edges:
            if source == current and target in remaining:
                incoming[target] -= 1
    return order


class CaseStudy(Strict):
    id: Slug
    title: Text
    difficulty: Literal["easy", "medium", "hard"]
    tags: list[Slug] = Field(min_length=1)
    summary: Text
    prompt: Text
    latency_budget_ms: float = Field(gt=0)
    scale: list[ScaleNumber] = Field(min_length=3)
    facts: list[Fact] = Field(min_length=10)
    rubric: list[CaseRubricItem] = Field(min_length=1, max_length=MAX_ITEMS_PER_STEP * len(SEVEN_STEP_IDS))
    probes: list[Probe] = Field(min_length=1)
    mistakes: list[Mistake] = Field(min_length=1, max_length=MAX_MISTAKES)
    model_answer: dict[SevenStepId, Text]
    blueprint: Blueprint
    references: list[Reference] = Field(min_length=2)
    checks: list[ArithmeticCheck] = Field(default_factory=list)
    sizing: Sizing | None = None
    twists: list[Twist] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> CaseStudy:
        _unique([f.id for f in self.facts], "fact", "facts")
        _unique([i.id for i in self.rubric], "rubric item", "rubric")
        _unique([p.id for p in self.probes], "probe", "probes")
        _unique([m.id for m in self.mistakes], "mistake", "mistakes")
        _unique([t.id for t in self.twists], "twist", "twists")
        twist_items = [[item.id for item in twist.items] for twist in self.twists]
        _unique_in_groups(
            twist_items, "rubric or twist item", "twists", "items", taken=[i.id for i in self.rubric]
        )
        _at_most_per_step([i.step for i in self.rubric])
        items = {i.id: i for i in self.rubric}
        for index, probe in enumerate(self.probes):
            for position, target in enumerate(probe.targets):
                if target not in items:
                    raise LocatedError(
                        f"probe '{probe.id}' targets unknown rubric item '{target}'",
                        "probes",
                        index,
                        "targets",
                        position,
                    )
        missing = [s for s in SEVEN_STEP_IDS if s not in self.model_answer]
        if missing:
            raise LocatedError(f"no text for step(s): {', '.join(missing)}", "model_answer")
        if self.blueprint.latency_budget_ms > self.latency_budget_ms:
            raise LocatedError(
                f"{self.blueprint.latency_budget_ms:g} ms exceeds the case's {self.latency_budget_ms:g} ms",
                "blueprint",
                "latency_budget_ms",
            )
        return self


class FrameworkStep(Strict):
    id: Slug
    number: int = Field(ge=1)
    title: Text
    aliases: list[Text] = Field(default_factory=list, description="other headings that name it")
    goal: Text
    guidance: list[Text] = Field(min_length=2)
    minutes: float = Field(gt=0, description="design minutes in a 45-minute round")
    long_minutes: float | None = Field(default=None, gt=0, description="design minutes in a 60-minute round")
    covers: list[SevenStepId] = Field(min_length=1, description="7-step ids this step spans")
    deep_dive: bool = Field(
        default=False,
        description="the interviewer picks what to go deep on here (4-step); later steps are then kept short",
    )
    rubric: list[RubricItem] = Field(min_length=1)


class Level(Strict):
    name: Literal["strong no hire", "no hire", "lean no hire", "lean hire", "hire", "strong hire"]
    min_score: float = Field(ge=0, le=100)
    meaning: Text


SIGNAL_RATING_NAMES: tuple[str, ...] = ("very weak", "weak", "strong", "very strong")


class SignalBand(Strict):
    """One point of the four-point scale a signal is rated on, from its 0-100 score."""

    name: Literal["very weak", "weak", "strong", "very strong"]
    min_score: float = Field(ge=0, le=100)


def _default_bands() -> list[SignalBand]:
    # aligned with the levels: a signal is "strong" from the lean-hire score on
    return [
        SignalBand(name="very weak", min_score=0),
        SignalBand(name="weak", min_score=40),
        SignalBand(name="strong", min_score=55),
        SignalBand(name="very strong", min_score=80),
    ]


class Signal(Strict):
    id: SignalId
    title: Text
    description: Text


class Framework(Strict):
    id: Literal["seven-step", "four-step"]
    title: Text
    short_name: Literal["7-step", "4-step"]
    summary: Text
    total_minutes: float = Field(gt=0, description="design minutes of a round (the steps' sum)")
    round_minutes: float = Field(default=45, gt=0, description="length of the round, introductions included")
    long_total_minutes: float | None = Field(default=None, gt=0)
    long_round_minutes: float = Field(default=60, gt=0)
    red_flag_cap: Literal["strong no hire", "no hire", "lean no hire", "lean hire", "hire"] = Field(
        default="lean no hire", description="the highest recommendation an answer with a red flag gets"
    )
    full_marks_at: float = Field(
        default=0.75,
        gt=0,
        le=1,
        description="share of a step's rubric weight that earns full marks; nobody covers every item",
    )
    steps: list[FrameworkStep]
    signals: list[Signal]
    signal_bands: list[SignalBand] = Field(default_factory=_default_bands)
    levels: list[Level]
    references: list[Reference] = Field(default_factory=list)

    def step(self, step_id: str) -> FrameworkStep:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def step_for_seven(self, seven_step_id: str) -> FrameworkStep:
        """The step of this framework in which a 7-step step's material is discussed."""
        for step in self.steps:
            if seven_step_id in step.covers:
                return step
        raise KeyError(seven_step_id)

    def design_minutes(self, round_minutes: float) -> dict[str, float]:
        """Each step's minutes in a round of `round_minutes`: the 45- or 60-minute budget,
        whichever round is nearer, scaled to the design time the round leaves."""
        long = self.long_total_minutes is not None and abs(round_minutes - self.long_round_minutes) < abs(
            round_minutes - self.round_minutes
        )
        total, overhead_of = (
            (self.long_total_minutes or 0, self.long_round_minutes)
            if long
            else (self.total_minutes, self.round_minutes)
        )
        overhead = overhead_of - total  # introductions and the candidate's questions
        design = max(round_minutes - overhead, round_minutes * 0.5)
        budget = {
            step.id: (step.long_minutes or step.minutes) if long else step.minutes for step in self.steps
        }
        return {step_id: minutes * design / total for step_id, minutes in budget.items()}

    def level_for(self, score: float) -> str:
        chosen = self.levels[0].name
        for level in self.levels:
            if score >= level.min_score:
                chosen = level.name
        return chosen

    def rating_for(self, score: float) -> tuple[int, str]:
        """A signal's rating, 1 (very weak) to 4 (very strong), and its name."""
        chosen = (1, self.signal_bands[0].name)
        for number, band in enumerate(self.signal_bands, start=1):
            if score >= band.min_score:
                chosen = (number, band.name)
        return chosen

    @field_validator("signal_bands")
    @classmethod
    def _bands_ordered(cls, bands: list[SignalBand]) -> list[SignalBand]:
        if tuple(band.name for band in bands) != SIGNAL_RATING_NAMES:
            raise ValueError(f"signal_bands must be, in order: {', '.join(SIGNAL_RATING_NAMES)}")
        thresholds = [band.min_score for band in bands]
        if thresholds[0] != 0 or any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
            raise ValueError("min_score must start at 0 and rise strictly from band to band")
        return bands

    @field_validator("levels")
    @classmethod
    def _levels_ordered(cls, levels: list[Level]) -> list[Level]:
        names = [level.name for level in levels]
        if tuple(names) != LEVEL_NAMES:
            raise ValueError(f"levels must be, in order: {', '.join(LEVEL_NAMES)}")
        thresholds = [level.min_score for level in levels]
        if thresholds[0] != 0 or any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
            raise ValueError("min_score must start at 0 and rise strictly from level to level")
        return levels

    @field_validator("signals")
    @classmethod
    def _all_signals(cls, signals: list[Signal]) -> list[Signal]:
        if sorted(s.id for s in signals) != sorted(SIGNAL_IDS):
            raise ValueError(f"signals must be exactly: {', '.join(SIGNAL_IDS)}")
        return signals

    @model_validator(mode="after")
    def _steps_match(self) -> Framework:
        expected = SEVEN_STEP_IDS if self.id == "seven-step" else FOUR_STEP_IDS
        ids = tuple(step.id for step in self.steps)
        if ids != expected:
            raise ValueError(f"steps must be, in order: {', '.join(expected)} (got {', '.join(ids)})")
        numbers = [step.number for step in self.steps]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("step numbers must be 1, 2, 3, ... in order")
        covered = [seven for step in self.steps for seven in step.covers]
        if sorted(covered) != sorted(SEVEN_STEP_IDS):
            raise ValueError("steps must cover each 7-step id exactly once")
        minutes = sum(step.minutes for step in self.steps)
        if abs(minutes - self.total_minutes) > 0.01:
            raise ValueError(f"step minutes sum to {minutes:g}, not total_minutes {self.total_minutes:g}")
        long = [step.long_minutes for step in self.steps]
        if self.long_total_minutes is not None:
            if any(value is None for value in long):
                raise ValueError("long_total_minutes is set, so every step needs long_minutes")
            long_sum = sum(value for value in long if value is not None)
            if abs(long_sum - self.long_total_minutes) > 0.01:
                raise ValueError(
                    f"step long_minutes sum to {long_sum:g}, not long_total_minutes {self.long_total_minutes:g}"
                )
        elif any(value is not None for value in long):
            raise ValueError("steps have long_minutes but long_total_minutes is not set")
        step_items = [[item.id for item in step.rubric] for step in self.steps]
        _unique_in_groups(step_items, "rubric item", "steps", "rubric")
        return self


class Glossary(Strict):
    """Groups of terms that mean the same thing (an abbreviation and its expansions)."""

    groups: list[Annotated[list[Text], Field(min_length=2)]] = Field(min_length=1)
