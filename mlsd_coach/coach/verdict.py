"""The hiring-committee view of a mock interview: a recommendation with its reasons, time
against budget, and the strongest and weakest moments in the candidate's own words."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_coach.coach.study import study_next
from mlsd_coach.coach.twists import adaptation
from mlsd_coach.prose import clip, fold
from mlsd_coach.scoring.scorecard import ItemResult, Scorecard, TwistResult
from mlsd_coach.scoring.text import split_sentences

OVERRUN = 1.25

STRONG = 3  # the rating from which a signal counts for the candidate ("strong")


@dataclass(frozen=True)
class StepTime:
    step_id: str
    title: str
    used: float
    budget: float
    timed_out: bool


@dataclass(frozen=True)
class Moment:
    step_title: str
    quote: str
    note: str


@dataclass(frozen=True)
class MockVerdict:
    card: Scorecard
    recommendation: str
    reasons: list[str]
    times: list[StepTime]
    strongest: list[Moment]
    weakest: list[Moment]
    study: list[ItemResult]
    twists: list[Moment]  # how each changed constraint was handled, in the order said


def build_verdict(card: Scorecard, times: list[StepTime], answers: dict[str, str]) -> MockVerdict:
    reasons = []
    for signal in sorted(card.signals.values(), key=lambda s: s.score, reverse=True):
        sign = "+" if signal.rating >= STRONG else "-"
        reasons.append(f"{sign} {signal.title} is {signal.level} ({signal.score:.0f})")
    for step in card.steps:
        for mistake in step.mistakes:
            kind = "red flag, caps the result" if mistake.red_flag else "mistake"
            reasons.append(f"- {step.title}: {mistake.title.lower()} ({kind})")
        if not step.answered:
            reasons.append(f"- {step.title} was not covered")
    timed_out = [t.title for t in times if t.timed_out]
    overran = [t.title for t in times if not t.timed_out and t.used > OVERRUN * t.budget]
    if timed_out:
        reasons.append(f"- ran out of time in: {', '.join(timed_out)}")
    if overran:
        reasons.append(f"- went well over the time budget in: {', '.join(overran)}")
    if not timed_out and not overran and times:
        reasons.append("+ kept to the time budget")
    for check in card.diagrams:
        problems = [problem.message for problem in check.order]
        problems += [problem.message for problem in check.confusion]
        if check.feedback_loop.status != "present":
            problems.append(check.feedback_loop.message)
        if problems:
            reasons.append(f"- the diagram: {'; '.join(problems)}")
        else:
            reasons.append(
                f"+ the diagram draws {len(check.present)} of the blueprint's components in order, "
                "with the loop from logging to training closed"
            )
    titles = {step.id: step.title for step in card.steps}
    moments = [twist_moment(twist, titles.get(twist.after, "")) for twist in card.twists]
    for twist in card.twists:
        how = adaptation(twist)
        reasons.append(
            f"{'+' if how == 'adapted' else '-'} {how} to “{headline(twist.said)}” ({twist.score:.0f})"
        )
    if card.flagged:
        reasons.insert(0, "- the answer addressed the grader instead of the interviewer (disqualified)")
    return MockVerdict(
        card=card,
        recommendation=card.level,
        reasons=reasons,
        times=times,
        strongest=_strongest(card),
        weakest=_weakest(card, answers),
        study=study_next(card),
        twists=moments,
    )


def headline(said: str) -> str:
    """The change in a few words: the first sentence of what the interviewer said."""
    sentences = split_sentences(said)
    return clip(fold(sentences[0].text if sentences else said), 110)


def twist_moment(twist: TwistResult, step_title: str = "") -> Moment:
    """ "adapted to “…”: <what it did>", quoting the reply where it adapted."""
    how = adaptation(twist)
    note = f"{how} to “{headline(twist.said)}”"
    met = [item.title for item in twist.items if item.met]
    missed = [item.title for item in twist.items if not item.met]
    if met:
        note += ": " + "; ".join(_lower_first(title) for title in met)
    if missed and how != "adapted":
        note += f" (missing: {'; '.join(_lower_first(title) for title in missed)})"
    quotes = dict.fromkeys(quote for item in twist.items if item.met for quote in item.evidence[:1])
    quote = " … ".join(quotes) or (
        "(no reply)" if not twist.answered else "(nothing that adapted the design)"
    )
    return Moment(f"the change after {step_title or twist.after}", clip(quote, 240), note)


def _lower_first(title: str) -> str:
    return title[:1].lower() + title[1:]


def _strongest(card: Scorecard, count: int = 2) -> list[Moment]:
    met = [
        (item.weight, step.title, item)
        for step in card.steps
        for item in step.items
        if item.met and item.evidence
    ]
    met.sort(key=lambda entry: entry[0], reverse=True)
    return [Moment(title, item.evidence[0], item.title) for _, title, item in met[:count]]


def _weakest(card: Scorecard, answers: dict[str, str], count: int = 2) -> list[Moment]:
    moments = []
    for step in sorted(card.steps, key=lambda s: s.score)[:count]:
        quote = clip(fold(answers.get(step.id, "")), 160)
        missing = step.open_items(1)
        note = (
            f"scored {step.score:.0f}; missing: {missing[0].title}" if missing else f"scored {step.score:.0f}"
        )
        moments.append(Moment(step.title, quote or "(nothing said)", note))
    return moments
