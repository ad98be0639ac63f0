"""The vocabulary of what the history stores: event kinds, session modes, mock settings.

The store owns these names because they are its persisted format: a typo in a kind would be an
event that `--resume` silently drops, so every writer and reader uses these members.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class EventKind(StrEnum):
    QUESTION = "question"  # a clarifying question the candidate asked
    FACT_ANSWER = "fact_answer"  # the interviewer's answer to it
    CLARIFIED = "clarified"  # the candidate is done clarifying
    HINT = "hint"
    ANSWER = "answer"  # a step's first answer
    REVISION = "revision"  # a step's revised answer
    PROBE = "probe"  # a follow-up question asked
    PROBE_REPLY = "probe_reply"  # the candidate's reply to it
    NOTICE = "notice"  # something the tool told the user (a fallback, …)
    TIMEOUT = "timeout"  # a timed mock step ran out of time
    TWIST = "twist"  # the interviewer changed a constraint mid-round (a mock's twist)
    TWIST_REPLY = "twist_reply"  # the candidate's reply to it


ANSWER_KINDS = (EventKind.ANSWER, EventKind.REVISION, EventKind.PROBE_REPLY)


class Mode(StrEnum):
    PRACTICE = "practice"
    MOCK = "mock"
    STEP = "step"  # one step of a case, retried on its own (`mlsd practice CASE --step STEP`)
    DRILL = "drill"  # a short run of cards (`mlsd drill`); its case is ALL_CASES or the one drilled


ALL_CASES = "all"  # a drill session's case when cards came from every case


class MockSettings(BaseModel):
    """How a mock round was run; practice sessions store the defaults."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    minutes: int | None = None
    timed: bool = False
    target: str = "senior"  # the level whose depth items are expected (--target)
    step: str | None = None  # the one step a step session practises
    seed: int | None = None  # what chose the mock's case (if random) and its twists
    twists: tuple[str, ...] = ()  # the ids of the twists the mock chose to play
