"""What every scorer returns, and the protocol a scorer implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from mlsd_coach.answers import ParsedAnswer
from mlsd_coach.content.models import CaseStudy, Framework, RubricItem


@dataclass
class ItemResult:
    id: str
    title: str
    weight: float
    signal: str
    score: float
    evidence: list[str]
    feedback: str
    why: str
    generic: bool
    depth_missing: bool = False

    @property
    def met(self) -> bool:
        return self.score >= 0.6

    @classmethod
    def no_credit(cls, item: RubricItem, feedback: str, generic: bool) -> ItemResult:
        return cls(
            item.id,
            item.title,
            item.weight,
            item.signal,
            0.0,
            [],
            " ".join(feedback.split()),
            item.why,
            generic,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 2),
            "met": self.met,
            "evidence": self.evidence,
            "feedback": self.feedback,
            "weight": self.weight,
            "signal": self.signal,
            "why": self.why,
            "generic": self.generic,
            "depth_missing": self.depth_missing,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        return cls(
            id=data["id"],
            title=data.get("title", data["id"]),
            weight=float(data.get("weight", 1.0)),
            signal=data.get("signal", ""),
            score=float(data["score"]),
            evidence=list(data.get("evidence", [])),
            feedback=data.get("feedback", ""),
            why=data.get("why", ""),
            generic=bool(data.get("generic", False)),
            depth_missing=bool(data.get("depth_missing", False)),
        )


@dataclass
class MistakeResult:
    id: str
    title: str
    penalty: float
    evidence: str
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "penalty": self.penalty,
            "evidence": [self.evidence],
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MistakeResult:
        evidence = data.get("evidence") or [""]
        return cls(
            data["id"], data["title"], float(data["penalty"]), evidence[0], data.get("explanation", "")
        )


@dataclass
class StepResult:
    id: str
    title: str
    score: float
    level: str
    answered: bool
    items: list[ItemResult]
    mistakes: list[MistakeResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_add(self, count: int = 3) -> list[ItemResult]:
        """The missed items that would raise this step's score most."""
        missed = [item for item in self.items if not item.met]
        missed.sort(key=lambda item: item.weight * (1 - item.score), reverse=True)
        return missed[:count]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 1),
            "level": self.level,
            "answered": self.answered,
            "items": [item.to_json() for item in self.items],
            "mistakes": [mistake.to_json() for mistake in self.mistakes],
            "to_add": [item.feedback for item in self.to_add()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        return cls(
            id=data["id"],
            title=data["title"],
            score=float(data["score"]),
            level=data["level"],
            answered=bool(data.get("answered", True)),
            items=[ItemResult.from_json(item) for item in data["items"]],
            mistakes=[MistakeResult.from_json(m) for m in data.get("mistakes", [])],
        )


@dataclass
class SignalResult:
    id: str
    title: str
    score: float
    level: str


@dataclass
class Scorecard:
    case: str
    framework: str
    scorer: str
    score: float
    level: str
    steps: list[StepResult]
    signals: list[SignalResult]
    warnings: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorecard:
        return cls(
            case=data["case"],
            framework=data["framework"],
            scorer=data["scorer"],
            score=float(data["overall"]["score"]),
            level=data["overall"]["level"],
            steps=[StepResult.from_json(step) for step in data["steps"]],
            signals=[
                SignalResult(
                    signal_id, signal_id.replace("-", " ").capitalize(), float(s["score"]), s["level"]
                )
                for signal_id, s in data.get("signals", {}).items()
            ],
            warnings=list(data.get("warnings", [])),
            flagged=list(data.get("flagged", [])),
        )

    def step(self, step_id: str) -> StepResult:
        return next(step for step in self.steps if step.id == step_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "framework": self.framework,
            "scorer": self.scorer,
            "overall": {"score": round(self.score, 1), "level": self.level},
            "steps": [step.to_json() for step in self.steps],
            "signals": {s.id: {"score": round(s.score, 1), "level": s.level} for s in self.signals},
            "flagged": self.flagged,
            "warnings": self.warnings,
        }


class Scorer(Protocol):
    name: str
    notices: list[str]  # one-line notices for the user (e.g. a fallback), drained by the caller

    def score(self, case: CaseStudy, framework: Framework, answer: ParsedAnswer) -> Scorecard: ...
