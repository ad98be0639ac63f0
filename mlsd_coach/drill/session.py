"""One drill session: every answer is committed to the history before it is graded, then
the card's verdict becomes an FSRS review and its next due date. The UI asks; this records.

`now` is a function so that tests can move the clock through days of drilling."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from mlsd_coach import paths
from mlsd_coach.coach.drafts import Drafts
from mlsd_coach.content.models import CaseStudy
from mlsd_coach.drill.grading import CardGrader, Verdict
from mlsd_coach.drill.plan import Planned
from mlsd_coach.drill.schedule import review
from mlsd_coach.store.drill import DrillStore, NewReview
from mlsd_coach.store.history import HistoryStore
from mlsd_coach.store.kinds import ALL_CASES, EventKind, MockSettings, Mode

DRILL_FRAMEWORK = "seven-step"  # cards are scored against the items of the 7-step steps


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    due: datetime  # when the card comes back (aware)


class DrillSession:
    def __init__(
        self,
        store: HistoryStore,
        cases: Mapping[str, CaseStudy],
        grader: CardGrader,
        case_id: str | None,
        minutes: float,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.drill = DrillStore(store)
        self.cases = cases
        self.grader = grader
        self.now = now
        self.session_id = store.start_session(
            case_id or ALL_CASES,
            DRILL_FRAMEWORK,
            Mode.DRILL,
            grader.judge.name,
            MockSettings(minutes=round(minutes)),
        )
        self.drafts = Drafts(paths.drafts_dir() / "drill")
        self.scores: list[float] = []

    def answer(self, planned: Planned, text: str) -> Outcome:
        """Record `text` as the answer to the card, grade it, and schedule the card. `NoFigure`
        (after recording) if an estimate's answer holds no number."""
        card = planned.card
        try:
            event = self.store.add_event(self.session_id, EventKind.ANSWER, text, step_id=card.id)
        except BaseException as err:  # a full disk, a locked history: the text is kept as a draft
            self.rescue(err, planned, text)
            raise
        self.drafts.discard(card.id)
        verdict = self.grader.grade(card, self.cases[card.case_id], text)
        when = self.now()
        previous = planned.state.fsrs if planned.state else None
        number = planned.state.number if planned.state else self.drill.next_number()
        reviewed = review(previous, verdict.grade, when, number)
        self.drill.record(
            NewReview(
                card.id,
                card.case_id,
                card.kind,
                verdict.score,
                int(verdict.grade),
                reviewed.state,
                reviewed.log,
                reviewed.due,
                when,
                self.session_id,
                event,
            )
        )
        self.scores.append(verdict.score)
        return Outcome(verdict, reviewed.due)

    def rescue(self, err: BaseException, planned: Planned, text: str) -> None:
        """`text` could not be submitted because of `err`: keep it as the card's draft (the
        next drill offers it back) and say where on `err`."""
        if not text.strip():
            return
        kept = self.drafts.save(planned.card.id, text, f"drill card {planned.card.id}")
        if kept is None:
            err.add_note(f"what you typed could not be saved; here it is, copy it:\n{text}")
        else:
            err.add_note(f"what you typed for this card is kept in {kept}; `mlsd drill` offers it back")

    def draft(self, planned: Planned) -> str:
        return self.drafts.load(planned.card.id)

    def finish(self) -> None:
        mean = 100 * sum(self.scores) / len(self.scores) if self.scores else None
        self.store.finish_drill(self.session_id, None if mean is None else round(mean, 1))
