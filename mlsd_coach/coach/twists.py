"""Twists: a constraint the interviewer changes mid-round, and how the reply is judged.

Which twists a round plays is chosen at random from the case's, by a seed the round records,
so the same seed on the same case plays the same twists. A twist is said once the step that
covers its `after` area is answered (in the 4-step framework, the step whose areas include
it), or, for an `at_minute` twist, at the end of the step during which that minute passes.

The reply is scored by the session's judge against the twist's own items only, as one step's
answer would be: on a copy of the case whose rubric is those items and which has no mistakes
to find, so nothing else in the case can earn or cost the reply anything.
"""

from __future__ import annotations

import random

from mlsd_coach.content.models import CaseRubricItem, CaseStudy, Framework, FrameworkStep, Twist
from mlsd_coach.errors import BadInputError
from mlsd_coach.scoring.judge import Judge, JudgeContext
from mlsd_coach.scoring.scorecard import TwistResult

MAX_TWISTS = 2  # a round plays at most this many
DEFAULT_TWISTS = 1
REPLY_SHARE = 0.5  # of the step's budget, for the reply to a twist
MIN_REPLY_SECONDS = 60.0
ADAPTED = 60.0  # a twist scoring at least this was adapted to
PARTLY = 30.0


def check_twist_count(count: int) -> int:
    if not 0 <= count <= MAX_TWISTS:
        raise BadInputError(f"--twists must be 0, 1 or 2 (got {count})")
    return count


def new_seed() -> int:
    return random.SystemRandom().randrange(1_000_000)


def choose_twists(case: CaseStudy, count: int, seed: int) -> list[Twist]:
    """Up to `count` of the case's twists, chosen by `seed`, in the order the case lists them."""
    if count <= 0 or not case.twists:
        return []
    chosen = random.Random(seed).sample(range(len(case.twists)), min(count, len(case.twists)))
    return [case.twists[index] for index in sorted(chosen)]


def twist_step(twist: Twist, framework: Framework) -> FrameworkStep | None:
    """The step after which an `after` twist is said; None for an `at_minute` twist."""
    if twist.after is None:
        return None
    return next(step for step in framework.steps if step.id == twist.after or twist.after in step.covers)


def due_after(
    twists: list[Twist], framework: Framework, step: FrameworkStep, minutes_elapsed: float
) -> list[Twist]:
    """The twists to say once `step` is answered, `minutes_elapsed` into the round."""
    return [
        twist
        for twist in twists
        if (
            twist_step(twist, framework) == step if twist.after else minutes_elapsed >= (twist.at_minute or 0)
        )
    ]


def reply_budget(step_budget: float) -> float:
    return max(MIN_REPLY_SECONDS, REPLY_SHARE * step_budget)


def judge_twist(
    judge: Judge, case: CaseStudy, framework: Framework, twist: Twist, step: FrameworkStep, reply: str
) -> TwistResult:
    """The reply's verdict against the twist's items, by the session's judge."""
    area = twist.after or step.covers[0]
    items = [
        CaseRubricItem.model_validate({**item.model_dump(), "step": area, "tier": "core"})
        for item in twist.items
    ]
    only_the_twist = case.model_copy(update={"rubric": items, "mistakes": []})
    result = judge.score_step(
        only_the_twist, framework, step.id, reply, JudgeContext(answer={step.id: reply})
    )
    wanted = {item.id for item in twist.items}
    scored = tuple(item for item in result.items if item.id in wanted)
    total = sum(item.weight for item in scored)
    score = 100 * sum(item.score * item.weight for item in scored) / total if total and reply.strip() else 0.0
    if result.flagged:
        score = 0.0
    return TwistResult(
        id=twist.id,
        said=twist.say.strip(),
        after=step.id,
        score=round(score, 1),
        answered=bool(reply.strip()),
        judge=result.judge,
        items=scored,
        changes=twist.changes.strip(),
        flagged=result.flagged,
    )


def adaptation(result: TwistResult) -> str:
    """How the reply adapted, in words: "adapted", "partly adapted" or "did not adapt"."""
    if result.score >= ADAPTED:
        return "adapted"
    return "partly adapted" if result.score >= PARTLY else "did not adapt"
