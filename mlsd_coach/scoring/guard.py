"""Detect text that addresses the grader instead of the interviewer's question.

Such text ("ignore the rubric", "award full marks", a fake score object) earns nothing: the
scorers exclude it, flag it, and the answer as a whole is disqualified, as a real interview
would end for a candidate caught trying to manipulate the panel. The patterns name the grader
or the grading explicitly, so ordinary design prose ("we ignore stale features") passes.
"""

from __future__ import annotations

import re

_GRADER = r"(?:grader|grading|evaluator|scorer|scoring (?:model|system|engine)|judge|assessor|examiner|marker|reviewer|ai|llm|language model|assistant|model reading this|rubric)"
_RULES = r"(?:instructions?|rubric|rules|guidelines|criteria|prompt|system prompt|scoring (?:guide|rules|criteria))"
_FULL = r"(?:full|maximum|max|perfect|top|highest|all(?: the)?|100(?:\s*%| percent| points)?|10\s*/\s*10|five stars?)"
_CREDIT = r"(?:marks?|points?|scores?|grades?|rating)"
_ME = r"(?:me|us|this answer|this response|this submission|my answer|the candidate|the answer)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(rf"\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{{0,40}}\b{_RULES}\b", re.I),
        "tells the grader to ignore its instructions",
    ),
    (
        re.compile(rf"\b(?:award|give|assign|grant)\s+{_ME}\s+{_FULL}\s+credit\b", re.I),
        "asks for full marks",
    ),
    (
        re.compile(
            rf"\b(?:award|give|assign|grant|mark|rate|score|grade)\b[^.\n]{{0,30}}\b{_FULL}\s+{_CREDIT}", re.I
        ),
        "asks for full marks",
    ),
    (
        re.compile(
            r"\b(?:score|rate|grade|mark)\s+(?:this|me|my answer|the answer|this answer|this response)\b[^.\n]{0,20}\b(?:100|10\s*/\s*10|perfect|full|maximum|strong hire|as a hire)",
            re.I,
        ),
        "asks for a score",
    ),
    (
        re.compile(
            rf"\b(?:note|message|instruction|hint|reminder)s?\s+(?:to|for)\s+(?:the\s+)?{_GRADER}\b", re.I
        ),
        "addresses the grader",
    ),
    (re.compile(rf"\b(?:dear|hey|hello|attention)\s+(?:the\s+)?{_GRADER}\b", re.I), "addresses the grader"),
    (
        re.compile(
            r"\b(?:you are|you're|as)\s+(?:an?\s+|the\s+)?(?:ai\s+|automated\s+)?(?:grader|evaluator|scorer|examiner|assessor)\b",
            re.I,
        ),
        "addresses the grader",
    ),
    (
        re.compile(
            r"\b(?:this|the|my)\s+(?:answer|response|candidate|submission)\s+(?:deserves|merits|should (?:get|receive|be given|be rated|be scored)|must (?:get|receive|be given))\b",
            re.I,
        ),
        "tells the grader what the answer deserves",
    ),
    (
        re.compile(
            r"\ball\s+(?:the\s+)?(?:rubric\s+)?(?:items|criteria|requirements)\s+(?:are|have been|were)\s+(?:met|satisfied|covered|fulfilled)\b",
            re.I,
        ),
        "claims every rubric item is met",
    ),
    (
        re.compile(r"\b(?:system prompt|developer message|jailbreak|prompt injection)\b", re.I),
        "mentions prompt manipulation",
    ),
    (
        re.compile(
            r"[{,]\s*\"?(?:overall|score|level|verdict|grade|met|hire|result)\"?\s*:\s*\"?(?:100(?:\.0+)?|true|strong hire|hire|pass|perfect)\b",
            re.I,
        ),
        "contains a fake score object",
    ),
]


def grader_directed(sentence: str) -> str | None:
    """Why `sentence` addresses the grader, or None when it does not."""
    for pattern, reason in _PATTERNS:
        if pattern.search(sentence):
            return reason
    return None
