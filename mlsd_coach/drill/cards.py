"""The cards a drill is made of, generated from a case's content:

- concept: one rubric item asked on its own (its `question`, else a follow-up probe that
  tests it, else its title as a question), scored against that item;
- estimate: a back-of-envelope figure from the case's `sizing` numbers (`estimates`);
- tradeoff: a probe that asks for a choice, scored on its target items and on the reason;
- debug: a probe that describes something gone wrong, scored on its target items.

A card's id (`case/kind/ref`) is what the review schedule is kept under, so it must not
change when the content is edited: `ref` is the item id, the probe id or the estimate name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mlsd_coach.content.models import CaseRubricItem, CaseStudy, Probe
from mlsd_coach.drill.estimates import Estimate, estimates


class CardKind(StrEnum):
    CONCEPT = "concept"
    ESTIMATE = "estimate"
    TRADEOFF = "tradeoff"
    DEBUG = "debug"


KIND_NAMES: tuple[str, ...] = tuple(kind.value for kind in CardKind)
# planned minutes per card: a few sentences, a figure worked out, a choice argued, a diagnosis
MINUTES = {CardKind.CONCEPT: 2.0, CardKind.ESTIMATE: 2.0, CardKind.TRADEOFF: 2.5, CardKind.DEBUG: 3.0}


@dataclass(frozen=True)
class DrillCard:
    id: str
    kind: CardKind
    case_id: str
    step: str  # the 7-step id whose items score it
    title: str
    question: str
    items: tuple[str, ...] = ()  # rubric item ids it is scored against
    core: bool = False  # it asks for a core item of the case
    estimate: Estimate | None = None

    @property
    def minutes(self) -> float:
        return MINUTES[self.kind]


def card_id(case_id: str, kind: CardKind, ref: str) -> str:
    return f"{case_id}/{kind.value}/{ref}"


def case_cards(case: CaseStudy) -> list[DrillCard]:
    """Every card the case's content makes, in the case's own order within each kind."""
    items = {item.id: item for item in case.rubric}
    cards = [_concept(case, item) for item in case.rubric]
    if case.sizing is not None:
        cards += [
            DrillCard(
                card_id(case.id, CardKind.ESTIMATE, estimate.name),
                CardKind.ESTIMATE,
                case.id,
                "serving",
                estimate.title,
                estimate.question,
                estimate=estimate,
            )
            for estimate in estimates(case.sizing)
        ]
    for probe in case.probes:
        kind = probe_kind(probe)
        if kind is None:
            continue
        cards.append(
            DrillCard(
                card_id(case.id, kind, probe.id),
                kind,
                case.id,
                probe.step,
                items[probe.targets[0]].title,
                probe.question,
                tuple(probe.targets),
                core=any(items[target].tier == "core" for target in probe.targets),
            )
        )
    return cards


def _concept(case: CaseStudy, item: CaseRubricItem) -> DrillCard:
    return DrillCard(
        card_id(case.id, CardKind.CONCEPT, item.id),
        CardKind.CONCEPT,
        case.id,
        item.step,
        item.title,
        concept_question(case, item),
        (item.id,),
        core=item.tier == "core",
    )


def concept_question(case: CaseStudy, item: CaseRubricItem) -> str:
    """The item asked on its own: its own question, a follow-up probe that tests it first, or
    its title turned into a question."""
    if item.question:
        return item.question
    for probe in case.probes:
        if probe.targets[0] == item.id and probe_kind(probe) is None:
            return probe.question
    return f"How would you {_base_form(item.title)}?"


# How a probe without a `kind` reads: a symptom to explain, or a choice to make.
_SYMPTOM = re.compile(
    r"\b(flat|dropped|drops|fell|falls|rose|jumps?|jumped|spikes?|spiked|went (up|down)|"
    r"doubles?|doubled|halved|complain\w*|regressed|regresses|degrad\w*|broke|broken|outage|was down|"
    r"what (do|would) you (check|look at|investigate)|what went wrong|what happened|"
    r"didn't move|did not move|no longer|suddenly)\b",
    re.IGNORECASE,
)
_CHOICE = re.compile(
    r"\b(or|versus|vs|instead of|rather than|why not|trade-?offs?|do you ship|would you ship|"
    r"would you push back|which (one|would you|is better|is worse))\b",
    re.IGNORECASE,
)


def probe_kind(probe: Probe) -> CardKind | None:
    """DEBUG, TRADEOFF, or None for a plain follow-up: the probe's `kind`, else its wording."""
    if probe.kind == "debug":
        return CardKind.DEBUG
    if probe.kind == "tradeoff":
        return CardKind.TRADEOFF
    if probe.kind == "follow-up":
        return None
    if _SYMPTOM.search(probe.question):
        return CardKind.DEBUG
    if _CHOICE.search(probe.question):
        return CardKind.TRADEOFF
    return None


def _base_form(title: str) -> str:
    """ "Turns traffic into load" -> "turn traffic into load": the title's first verb
    without its third-person -s, lower-cased; the rest as written."""
    first, _, rest = title.partition(" ")
    word = first.lower()
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return f"{word} {rest}".strip()
