"""Choose a scorer from `--scorer offline|llm|auto`.

A bad LLM setting is bad input under every choice (the user must fix it); with `auto`, any
other reason the LLM cannot be used falls back to the offline scorer with a notice.
"""

from __future__ import annotations

from mlsd_coach.errors import BadInputError
from mlsd_coach.scoring.base import Scorer

CHOICES = ("offline", "llm", "auto")
NOT_CONFIGURED = (
    "the LLM judge is not configured: set OPENAI_API_KEY (and MLSD_LLM_MODEL), or OPENAI_BASE_URL "
    "for a local OpenAI-compatible server; `mlsd config show` shows what is set"
)


def make_scorer(choice: str) -> tuple[Scorer, list[str]]:
    """The scorer to use and any notice about the choice (e.g. a fallback)."""
    choice = choice.strip().lower()
    if choice not in CHOICES:
        raise BadInputError(f"unknown scorer '{choice}'; use offline, llm or auto")
    from mlsd_coach.content.registry import load_glossary
    from mlsd_coach.scoring.offline import OfflineScorer

    offline = OfflineScorer(load_glossary())
    if choice == "offline":
        return offline, []
    from mlsd_coach.llm.config import load_settings

    settings = load_settings()
    if not settings.configured:
        if choice == "llm":
            raise BadInputError(NOT_CONFIGURED)
        return offline, ["no LLM judge is configured; scoring offline"]
    from mlsd_coach.llm.client import LlmClient, LlmUnavailable
    from mlsd_coach.scoring.llm import LlmScorer

    try:
        client = LlmClient(settings)
    except LlmUnavailable as err:
        if choice == "llm":
            raise
        return offline, [f"LLM judge unavailable ({err}); scoring offline"]
    return LlmScorer(client, offline), []
