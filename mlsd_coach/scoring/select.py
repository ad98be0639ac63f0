"""Choose a scorer from `--scorer offline|llm|auto`."""

from __future__ import annotations

from mlsd_coach.errors import BadInputError
from mlsd_coach.scoring.base import Scorer

CHOICES = ("offline", "llm", "auto")


def make_scorer(choice: str) -> tuple[Scorer, list[str]]:
    """The scorer to use and any notice about the choice (e.g. a fallback)."""
    choice = choice.strip().lower()
    if choice not in CHOICES:
        raise BadInputError(f"unknown scorer '{choice}'; use offline, llm or auto")
    if choice == "llm":
        raise BadInputError(
            "the LLM judge is not configured: this version scores offline only; use --scorer offline "
            "(or auto, which falls back to offline)"
        )
    from mlsd_coach.content.registry import load_glossary
    from mlsd_coach.scoring.offline import OfflineScorer

    notices = ["no LLM judge is configured; scoring offline"] if choice == "auto" else []
    return OfflineScorer(load_glossary()), notices
