"""A card's verdict. Text cards are scored by the session's judge (offline or LLM) against
the card's rubric items, exactly as those items are scored inside a whole answer; a trade-off
must also say why; an estimate is checked against its worked figure.

After the verdict the user sees what a strong answer shows and where the case's model answer
makes the point (found by the offline judge in the model answer's text)."""

from __future__ import annotations

from dataclasses import dataclass

from mlsd_coach.content.models import CaseStudy, Framework
from mlsd_coach.drill.cards import CardKind, DrillCard
from mlsd_coach.drill.estimates import CLOSE, TOLERANCE, read_figure
from mlsd_coach.drill.schedule import HARD_FROM, Grade, grade_for
from mlsd_coach.prose import clip
from mlsd_coach.scoring.judge import Judge, JudgeContext
from mlsd_coach.scoring.offline import OfflineJudge, gives_a_reason
from mlsd_coach.scoring.scorecard import ItemResult
from mlsd_coach.scoring.text import STOPWORDS, split_sentences

UNARGUED_CAP = HARD_FROM + 0.1  # a choice without a reason is at best "hard"
PASSAGE_QUOTES = 2


@dataclass(frozen=True)
class Verdict:
    score: float  # 0-1
    grade: Grade
    judge: str
    found: tuple[str, ...] = ()  # quotes from the answer that earned credit
    missing: tuple[str, ...] = ()  # what to add, per item not met
    notes: tuple[str, ...] = ()  # a mistake made, a reason missing, text addressed to the grader
    strong_answer: str = ""
    passage: tuple[str, ...] = ()  # where the model answer makes the point
    worked: tuple[str, ...] = ()  # an estimate's calculation
    figure: float | None = None  # the figure read from an estimate's answer


class CardGrader:
    """Grades cards with `judge`; `offline` finds the model answer's passages (it is the
    same object as `judge` when the session is offline)."""

    def __init__(self, framework: Framework, judge: Judge, offline: OfflineJudge) -> None:
        self.framework = framework
        self.judge = judge
        self.offline = offline

    def grade(self, card: DrillCard, case: CaseStudy, answer: str) -> Verdict:
        """The verdict on `answer`; `NoFigure` for an estimate that holds no number."""
        if card.estimate is not None:
            return self._estimate(card, answer)
        result = self.judge.score_step(
            case, self.framework, card.step, answer, JudgeContext(answer={card.step: answer})
        )
        items = [item for item in result.items if item.id in card.items]
        score = _weighted(items)
        notes: list[str] = []
        if result.flagged:
            score = 0.0
            notes.append("not credited: it addresses the grader, not the interviewer")
        for mistake in result.mistakes:
            score = max(0.0, score - mistake.penalty)
            notes.append(
                f"{'red flag' if mistake.red_flag else 'mistake'}: {mistake.title} — {mistake.explanation}"
            )
        if card.kind == CardKind.TRADEOFF and score > UNARGUED_CAP and not gives_a_reason(answer):
            score = UNARGUED_CAP
            notes.append("the choice is named but not argued: say why, with a number or a consequence")
        score = round(score, 3)
        return Verdict(
            score,
            grade_for(score),
            result.judge,
            found=tuple(dict.fromkeys(quote for item in items for quote in item.evidence))[:3],
            missing=tuple(item.feedback for item in items if not item.met),
            notes=tuple(notes),
            strong_answer=_strong_answer(case, card),
            passage=self._passage(case, card),
        )

    def _estimate(self, card: DrillCard, answer: str) -> Verdict:
        assert card.estimate is not None
        figure = read_figure(answer, card.estimate.unit)
        score = card.estimate.credit(figure)
        if score == 1:
            note = f"within {CLOSE:.0%} of the worked figure"
        else:
            side = "high" if figure > card.estimate.value else "low"
            ratio = card.estimate.error(figure)
            note = f"your figure is {side} by {ratio:.2g}× (within {TOLERANCE:.0%} counts as a good estimate)"
        return Verdict(
            score, grade_for(score), "arithmetic", notes=(note,), worked=card.estimate.worked, figure=figure
        )

    def _passage(self, case: CaseStudy, card: DrillCard) -> tuple[str, ...]:
        """The model answer's sentences that name most of the card's concepts, in its order."""
        text = next((said for step, said in case.model_answer.items() if step == card.step), "")
        items = [item for item in case.rubric if item.id in card.items]
        if not text or not items:
            return ()
        concepts = [item.model_copy(update={"concepts": [c]}) for item in items for c in item.concepts]
        wanted = {
            stem
            for item in items
            for sentence in split_sentences(f"{item.strong_answer}\n\n{item.title}")
            for stem in sentence.stems
            if stem not in STOPWORDS and stem.isalpha()
        }
        sentences = split_sentences(text)
        # concepts named first; among equals, the most words of what a strong answer says
        rank = [
            (sum(self.offline.mentions(one, s.text) for one in concepts), len(wanted & set(s.stems)))
            for s in sentences
        ]
        ranked = sorted(range(len(sentences)), key=lambda at: rank[at], reverse=True)
        if not ranked or rank[ranked[0]][0] == 0:
            return ()
        top = rank[ranked[0]]
        # a second sentence only when it makes the point as well as the best one
        chosen = [at for at in ranked[:PASSAGE_QUOTES] if rank[at][0] >= top[0] and 2 * rank[at][1] >= top[1]]
        return tuple(clip(sentences[at].text, 320) for at in sorted(chosen))


def _weighted(items: list[ItemResult]) -> float:
    total = sum(item.weight for item in items)
    return sum(item.score * item.weight for item in items) / total if total else 0.0


def _strong_answer(case: CaseStudy, card: DrillCard) -> str:
    items = {item.id: item for item in case.rubric}
    return " ".join(items[item_id].strong_answer.strip() for item_id in card.items[:1] if item_id in items)
