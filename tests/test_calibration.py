"""The calibration set: per case, answers written at four levels plus one that addresses the
grader. A better answer must score higher, in both frameworks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, each_case
from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.scoring.judge import score
from mlsd_coach.scoring.offline import OfflineJudge

LIBRARY = load_library()
SCORER = OfflineJudge(load_glossary())
CASE_DIRS = sorted(p for p in (DATA / "answers").iterdir() if p.is_dir())


def overall(case_dir: Path, level: str, framework: str) -> float:
    fw = LIBRARY.frameworks[framework]
    text = (case_dir / f"{level}.md").read_text(encoding="utf-8")
    answer = parse_answer(text, fw, LIBRARY.frameworks["seven-step"])
    return score(SCORER, LIBRARY.case(case_dir.name), fw, answer).score


def test_at_least_two_cases_are_calibrated():
    assert len(CASE_DIRS) >= 2


@pytest.mark.parametrize("framework", ["seven-step", "four-step"])
@pytest.mark.parametrize("case_dir", each_case(CASE_DIRS, [p.name for p in CASE_DIRS]))
def test_better_answers_score_higher(case_dir, framework):
    scores = {
        level: overall(case_dir, level, framework)
        for level in ("strong", "mid", "weak", "stuffed", "injected")
    }
    assert scores["strong"] > scores["mid"] > scores["weak"], scores
    assert scores["stuffed"] < scores["mid"] - 20, scores
    assert scores["injected"] <= scores["weak"] + 5, scores


@pytest.mark.parametrize("case_dir", each_case(CASE_DIRS, [p.name for p in CASE_DIRS]))
def test_a_strong_answer_reaches_a_hire_level_and_a_weak_one_does_not(case_dir):
    seven = LIBRARY.frameworks["seven-step"]
    assert seven.level_for(overall(case_dir, "strong", "seven-step")) in {"lean hire", "hire", "strong hire"}
    assert seven.level_for(overall(case_dir, "weak", "seven-step")) in {"strong no hire", "no hire"}


@pytest.mark.parametrize("case_id", each_case(sorted(LIBRARY.cases)))
def test_every_model_answer_scores_as_a_hire(case_id):
    case = LIBRARY.case(case_id)
    seven = LIBRARY.frameworks["seven-step"]
    text = "\n\n".join(f"## {step.title}\n{case.model_answer[step.id]}" for step in seven.steps)
    card = score(SCORER, case, seven, parse_answer(text, seven))
    assert seven.level_for(card.score) in {"hire", "strong hire"}, card.score
    # pasted back, the reference answer is recognised and earns no level
    assert card.copied and card.level == "not rated"
    assert not any(step.mistakes for step in card.steps), (
        "a model answer commits one of its own case's mistakes"
    )
