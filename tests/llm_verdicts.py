"""What a fake LLM judge says about each rubric item, for the fake OpenAI server."""

from __future__ import annotations

from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.content.rubric import step_items
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.text import split_sentences

_LIBRARY = load_library()
_OFFLINE = OfflineJudge(load_glossary())
_ITEMS = {
    item.id: item
    for case_id in _LIBRARY.cases
    for framework in _LIBRARY.frameworks.values()
    for step in framework.steps
    for item in step_items(framework, _LIBRARY.case(case_id), step)
} | {
    item.id: item
    for case_id in _LIBRARY.cases
    for twist in _LIBRARY.case(case_id).twists
    for item in twist.items
}


def met_where_said(item_id: str, text: str) -> tuple[str, list[str]]:
    """An honest judge: "met", quoting the first sentence that is about the item."""
    item = _ITEMS[item_id]
    for sentence in split_sentences(text):
        if _OFFLINE.mentions(item, sentence.text):
            return "met", [sentence.text]
    return "missed", []


def met_with_first_sentence(item_id: str, text: str) -> tuple[str, list[str]]:
    """A judge talked into crediting everything, quoting whatever comes first."""
    return ("met", [text.strip().split(". ")[0]]) if text.strip() else ("missed", [])


def rubric_item(item_id: str):  # noqa: ANN201
    return _ITEMS[item_id]
