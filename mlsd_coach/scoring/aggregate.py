"""Step scores, totals, levels and signals, computed in code from item scores and the
framework's thresholds. Every judge (offline, LLM or a plugin) builds its results here, so all
are judged by one rule, and every result is complete when it is built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlsd_coach.content.models import CaseRubricItem, CaseStudy, Framework, FrameworkStep, RubricItem
from mlsd_coach.diagram.findings import DiagramCheck
from mlsd_coach.scoring.scorecard import (
    ASKED,
    MET,
    ItemResult,
    MistakeResult,
    Rating,
    Route,
    Scorecard,
    StepResult,
)

MAX_PENALTY = 0.5  # mistakes remove at most this share of a step's or a signal's score
OFFLINE = "offline"
# Points are credited wherever they are made; whether they sit in the step that owns them is
# part of how structured the answer is, a share of this signal's rating.
NOT_RATED = "not rated"  # the level of a copied answer
STRUCTURE_SIGNAL = "communication"
# The communication signal: its own items (assumptions stated, priorities, checking in), how
# much of what was said sits where it belongs, and how evenly the answer covers the steps
# (an organised answer does not leave half the design unsaid).
COMMUNICATION_SHARES = {"items": 0.3, "placement": 0.3, "breadth": 0.4}
BREADTH_AT = 60.0  # a step scoring this much counts as fully covered for breadth

# How much an item's weight counts, by tier: a case's core items are what the problem is
# about; generic framework items count less, and only as far as the case's core is covered
# (an answer to another problem says the same generic things).
TIER_WEIGHT = {"core": 1.0, "depth": 0.6, "generic": 0.3}
RELEVANCE_AT = 0.6  # the share of the core weight covered from which generic and depth credit is whole
CORE_BLEND = 0.2  # of each signal's share that is the coverage of the case's core as a whole
RED_FLAG_SHARE = 0.4  # of the score, taken off by each red flag before the cap applies
OFF_CASE_WARNING = 0.6  # relevance below which the card says the answer is off the case
TARGETS = ("mid", "senior", "staff")
DEFAULT_TARGET = "senior"


def item_result(
    item: RubricItem,
    score: float,
    feedback: str,
    *,
    evidence: Sequence[str] = (),
    evidence_from: Sequence[str] = (),
    depth_missing: bool = False,
) -> ItemResult:
    """A judge's verdict on one rubric item, with the item's own fields copied over."""
    tier = item.tier if isinstance(item, CaseRubricItem) else "generic"
    return ItemResult(
        id=item.id,
        title=item.title,
        weight=item.weight,
        signal=item.signal,
        score=score,
        evidence=tuple(evidence),
        evidence_from=tuple(evidence_from),
        feedback=feedback,
        why=item.why,
        generic=tier == "generic",
        depth_missing=depth_missing,
        tier=tier,
        level=item.level if isinstance(item, CaseRubricItem) and tier == "depth" else "",
    )


@dataclass(frozen=True)
class Weighing:
    """How the whole answer's items count: generic credit scaled by `relevance` (the share of
    the case's core covered, relative to RELEVANCE_AT), depth items expected up to `target`
    and a bonus above it. A judge scoring one step uses `Weighing()`: relevance is known only
    once the whole answer is, and the scorecard weighs every step again."""

    relevance: float = 1.0
    target: str = DEFAULT_TARGET
    all_core: bool = False  # a case without tiers: its items are all core
    # generic items that can only add: those of the steps an interviewer-chosen deep dive
    # left short
    optional: frozenset[str] = frozenset()

    def tier(self, item: ItemResult) -> str:
        if self.all_core and item.tier == "depth":
            return "core"
        return item.tier or ("generic" if item.generic else "core")

    def counts(self, item: ItemResult) -> tuple[float, float]:
        """(credit earned, credit possible) in weighted points."""
        tier = self.tier(item)
        weight = item.weight * TIER_WEIGHT[tier]
        earned = weight * item.score * (1.0 if tier == "core" else self.relevance)
        if tier == "depth" and _above(item.level, self.target):
            return earned, 0.0  # not expected at this target: it can only add
        if tier == "generic" and item.id in self.optional:
            return earned, 0.0
        return earned, weight


def _above(level: str, target: str) -> bool:
    return level in TARGETS and TARGETS.index(level) > TARGETS.index(target)


def coverage(items: Sequence[ItemResult], weighing: Weighing) -> float:
    """The weighted share of the expected credit earned, at most 1."""
    earned = possible = 0.0
    for item in items:
        got, out_of = weighing.counts(item)
        earned += got
        possible += out_of
    return min(1.0, earned / possible) if possible else 0.0


def weighing_for(
    steps: Sequence[StepResult], target: str = DEFAULT_TARGET, short_steps: Sequence[str] = ()
) -> Weighing:
    """The weighing of a whole answer, from how much of the case's core it covers;
    `short_steps` are those a deep dive the interviewer chose left short."""
    items = [item for step in steps for item in step.items]
    plain = Weighing(target=target, all_core=not any(item.tier == "core" for item in items))
    core_share = coverage([item for item in items if plain.tier(item) == "core"], plain)
    optional = frozenset(
        item.id for step in steps if step.id in short_steps for item in step.items if item.tier == "generic"
    )
    return Weighing(
        relevance=min(1.0, core_share / RELEVANCE_AT),
        target=target,
        all_core=plain.all_core,
        optional=optional,
    )


def step_score_from_coverage(framework: Framework, share: float) -> float:
    """0-100 from the weighted share of rubric credit earned: full marks at the framework's
    `full_marks_at` share, because no answer covers every item in a 45-minute round."""
    return 100 * min(1.0, share / framework.full_marks_at)


def step_result(
    framework: Framework,
    step: FrameworkStep,
    items: Sequence[ItemResult],
    mistakes: Sequence[MistakeResult] = (),
    *,
    judge: str,
    notes: Sequence[str] = (),
    flagged: Sequence[str] = (),
) -> StepResult:
    """A complete answered step: coverage of the rubric's weight, scaled to full marks, less
    the mistakes' penalty, with its level (weighed as a step alone; see `Weighing`)."""
    penalty = min(MAX_PENALTY, sum(mistake.penalty for mistake in mistakes))
    share = coverage(items, Weighing())
    score = round(step_score_from_coverage(framework, share) * (1 - penalty), 1)
    return StepResult(
        id=step.id,
        title=step.title,
        score=score,
        level=framework.level_for(score),
        answered=True,
        judge=judge,
        items=tuple(items),
        mistakes=tuple(mistakes),
        notes=tuple(notes),
        flagged=tuple(flagged),
    )


def unanswered_step(
    framework: Framework,
    step: FrameworkStep,
    items: Sequence[ItemResult],
    mistakes: Sequence[MistakeResult] = (),
) -> StepResult:
    return StepResult(
        id=step.id,
        title=step.title,
        score=0.0,
        level=framework.level_for(0.0),
        answered=False,
        items=tuple(items),
        mistakes=tuple(mistakes),
    )


def build_scorecard(
    case: CaseStudy,
    framework: Framework,
    judge: str,
    steps: Sequence[StepResult],
    warnings: Sequence[str] = (),
    routing: Sequence[Route] = (),
    copied: str = "",
    target: str = DEFAULT_TARGET,
    short_steps: Sequence[str] = (),
    diagrams: Sequence[DiagramCheck] = (),
) -> Scorecard:
    """The whole verdict (the rule is in `recommendation`): each step weighed again as part of
    the whole answer, the five signals rated from their items, the recommendation derived from
    the signals and the red flags. Any sentence that addresses the grader disqualifies the
    answer; a copy of the reference answer gets no level."""
    weighing = weighing_for(steps, target, short_steps)
    steps = [_weighed(framework, step, weighing) for step in steps]
    all_warnings = [*warnings, *(note for step in steps for note in step.notes)]
    placement = structure(steps)
    if placement is not None and placement.elsewhere:
        all_warnings.append(
            f"{placement.elsewhere} of {placement.credited} credited items were said outside the step "
            "that owns them; they are credited, and the communication signal reflects the structure"
        )
    unanswered = [s.id for s in steps if not s.answered]
    if unanswered:
        all_warnings.append(f"not answered: {', '.join(unanswered)} (each scores 0)")
    if weighing.relevance < OFF_CASE_WARNING:
        all_warnings.append(
            f"the answer says little of what this case is about, so its generic points count only "
            f"{weighing.relevance:.0%}: answer this problem's specifics (the core items)"
        )
    signals = signal_ratings(framework, steps, weighing)
    red_flags = tuple(dict.fromkeys(m.title for s in steps for m in s.mistakes if m.red_flag))
    overall = recommendation(framework, signals, red_flags)
    flagged = [f"step '{s.id}': {flag}" for s in steps for flag in s.flagged]
    if flagged:
        overall = Rating(score=0.0, level=framework.level_for(0.0))
        all_warnings.insert(
            0,
            "the answer addresses the grader instead of the interviewer; it earns nothing and is "
            "disqualified (remove the flagged sentences to be scored): " + "; ".join(flagged),
        )
    elif red_flags:
        all_warnings.insert(
            0,
            f"red flag{'s' if len(red_flags) > 1 else ''}, capping the result at {overall.level}: "
            + "; ".join(red_flags),
        )
    if copied:
        overall = Rating(score=overall.score, level=NOT_RATED)
        all_warnings.insert(0, copied)
    return Scorecard(
        case=case.id,
        framework=framework.short_name,
        scorer=_scorer(judge, steps),
        overall=overall,
        steps=tuple(steps),
        signals=signals,
        flagged=tuple(flagged),
        warnings=tuple(all_warnings),
        routing=tuple(routing),
        copied=copied,
        target=target,
        red_flags=red_flags,
        diagrams=tuple(diagrams),
    )


def _weighed(framework: Framework, step: StepResult, weighing: Weighing) -> StepResult:
    """The step's score as part of the whole answer: scaled by how the whole answer's
    weighing changes its coverage, so a judge's own bound on the step (the LLM judge's
    ceiling) and its mistakes' penalty carry over."""
    if not step.answered:
        return step
    alone = step_score_from_coverage(framework, coverage(step.items, Weighing()))
    weighed = step_score_from_coverage(framework, coverage(step.items, weighing))
    if alone:
        score = round(min(100.0, step.score * weighed / alone), 1)
    else:
        penalty = min(MAX_PENALTY, sum(mistake.penalty for mistake in step.mistakes))
        score = round(weighed * (1 - penalty), 1)
    return step.model_copy(update={"score": score, "level": framework.level_for(score)})


def recommendation(framework: Framework, signals: dict[str, Rating], red_flags: Sequence[str]) -> Rating:
    """The one rule from signals to a recommendation:
    1. the score is the mean of the five signals' scores, and gives a level by the framework's
       thresholds;
    2. the level is lowered until the signals allow it: "strong hire" needs every signal
       strong or better, "hire" no very weak signal and at most one weak, "lean hire" no very
       weak signal and at most two weak;
    3. a red flag caps it at the framework's `red_flag_cap`, two or more one level lower, and
       each takes RED_FLAG_SHARE off the score first (a design built on one is worth less,
       not only capped);
    4. the score is kept inside the band of the level chosen, so the two always agree."""
    levels: list[str] = [level.name for level in framework.levels]
    ratings = [rating.rating for rating in signals.values()]
    score = sum(rating.score for rating in signals.values()) / len(signals) if signals else 0.0
    score *= (1 - RED_FLAG_SHARE) ** len(red_flags)
    index = levels.index(framework.level_for(score))
    very_weak, weak = ratings.count(1), ratings.count(2)
    allowed = {
        "strong hire": very_weak == 0 and weak == 0,
        "hire": very_weak == 0 and weak <= 1,
        "lean hire": very_weak == 0 and weak <= 2,
    }
    while index > 0 and not allowed.get(levels[index], True):
        index -= 1
    if red_flags:
        cap = levels.index(framework.red_flag_cap) - (1 if len(red_flags) > 1 else 0)
        index = min(index, max(cap, 0))
    # the level only ever goes down from the score's own, so only the top of its band can bind
    high = framework.levels[index + 1].min_score - 0.1 if index + 1 < len(levels) else 100.0
    return Rating(score=round(min(score, high), 1), level=levels[index])


def _scorer(judge: str, steps: Sequence[StepResult]) -> str:
    """The judge named on the card: the one asked, unless every answered step fell back to
    the offline scorer."""
    answered = [step for step in steps if step.answered]
    if answered and all(step.judge == OFFLINE for step in answered):
        return OFFLINE
    return judge


@dataclass(frozen=True)
class Placement:
    """Where the credited items were said: `share` of the credit in the step that owns it,
    `elsewhere` items met from another step."""

    credited: int
    share: float
    elsewhere: int


def structure(steps: Sequence[StepResult]) -> Placement | None:
    """The credit-weighted share of items whose best evidence is in their own step (or a
    clarifying question); None when nothing is credited."""
    credited = [
        (item, step.id) for step in steps for item in step.items if item.score > 0 and item.evidence_from
    ]
    total = sum(item.weight * item.score for item, _ in credited)
    if not total:
        return None
    placed = [(item, item.evidence_from[0] in (step_id, ASKED)) for item, step_id in credited]
    in_place = sum(item.weight * item.score for item, ok in placed if ok) / total
    elsewhere = sum(1 for item, ok in placed if not ok and item.score >= MET)
    return Placement(len(credited), in_place, elsewhere)


def signal_ratings(
    framework: Framework, steps: Sequence[StepResult], weighing: Weighing | None = None
) -> dict[str, Rating]:
    """Each signal's score from the items that evidence it (scaled to full marks like a
    step), less the penalty of the mistakes made in the steps it is mostly evidenced in, and
    its four-point rating."""
    weighing = weighing or Weighing()
    ratings: dict[str, Rating] = {}
    placement = structure(steps)
    everything = [item for step in steps for item in step.items]
    core = coverage([item for item in everything if weighing.tier(item) == "core"], weighing)
    for signal in framework.signals:
        items = [item for item in everything if item.signal == signal.id]
        # a signal evidenced by few items of its own leans on the case's core as a whole
        share = (1 - CORE_BLEND) * coverage(items, weighing) + CORE_BLEND * core
        if signal.id == STRUCTURE_SIGNAL:
            share = communication_share(framework, steps, share, placement)
        penalty = min(
            MAX_PENALTY,
            sum(m.penalty for step in steps if _main_signal(step) == signal.id for m in step.mistakes),
        )
        score = round(step_score_from_coverage(framework, share) * (1 - penalty), 1)
        number, name = framework.rating_for(score)
        ratings[signal.id] = Rating(score=score, level=name, title=signal.title, rating=number)
    return ratings


def communication_share(
    framework: Framework, steps: Sequence[StepResult], items_share: float, placement: Placement | None
) -> float:
    """The communication signal's share before scaling to full marks (see COMMUNICATION_SHARES)."""
    if placement is None:
        return COMMUNICATION_SHARES["items"] * items_share
    breadth = sum(min(1.0, step.score / BREADTH_AT) for step in steps) / len(steps) if steps else 0.0
    # tidy headings over little substance are not communication: placement counts as far as
    # the steps say something. Breadth and placement are whole shares, items are scaled to
    # full marks later: put all three on the items' scale.
    return COMMUNICATION_SHARES["items"] * items_share + framework.full_marks_at * (
        COMMUNICATION_SHARES["placement"] * placement.share * breadth
        + COMMUNICATION_SHARES["breadth"] * breadth
    )


def _main_signal(step: StepResult) -> str:
    """The signal a step's items mostly evidence: where its mistakes weigh."""
    weights: dict[str, float] = {}
    for item in step.items:
        weights[item.signal] = weights.get(item.signal, 0.0) + item.weight
    return max(weights, key=lambda signal: weights[signal]) if weights else ""
