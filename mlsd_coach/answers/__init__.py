"""Reading an answer: the file, its layout, and which part of it is which step.

`parse_answer` finds the steps in whatever layout the answer uses (`intake.py`); every
routing decision that is not an exact title match is recorded, with its reason, to be shown
at the top of the scorecard and in `--json` as `routing`.
"""

from mlsd_coach.answers.files import MAX_ANSWER_BYTES, read_answer_file
from mlsd_coach.answers.intake import MAX_ROUTES, ParsedAnswer, parse_answer
from mlsd_coach.answers.step_names import HeadingResolver, resolve_heading

__all__ = [
    "MAX_ANSWER_BYTES",
    "MAX_ROUTES",
    "HeadingResolver",
    "ParsedAnswer",
    "parse_answer",
    "read_answer_file",
    "resolve_heading",
]
