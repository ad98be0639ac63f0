"""A Mermaid diagram in an answer counts in its verdict: the sketch item of the framework is
credited by the diagram check, its structural errors are mistakes of the step it was drawn
in, and the card carries every check; whichever judge scored the words."""

from __future__ import annotations

import json

from mlsd_coach.answers import parse_answer
from mlsd_coach.content.registry import load_glossary, load_library
from mlsd_coach.diagram.credit import sketch_credit, spine
from mlsd_coach.scoring.judge import JudgeContext, score
from mlsd_coach.scoring.offline import OfflineJudge
from mlsd_coach.scoring.scorecard import StepResult

LIBRARY = load_library()
SEVEN, FOUR = LIBRARY.frameworks["seven-step"], LIBRARY.frameworks["four-step"]
FEED = LIBRARY.case("feed-ranking")
JUDGE = OfflineJudge(load_glossary())
SKETCH = "generic-architecture-sketch"

FRAMING = (
    "I'd frame this as a multi-task ranking problem: predict completion, likes and shares per "
    "impression, and combine them into one value score with weights tuned by experiment."
)
MODEL_FRAMING = FEED.model_answer["framing"]
GOOD = """```mermaid
flowchart LR
  app([App]) --> svc(Feed service) --> cg[Candidate generation] --> pre[Light pre-ranker]
  pre --> rank[Heavy ranker] --> rr[Re-ranking] --> app
  fs[(Feature store)] --> rank
  cg --> ann[(ANN index)]
  app --> logs[(Impression logs)] --> tdg[[Training data generation]] --> train[[Model training]]
  train --> rank
  train --> ib[[Index build]] --> ann
```"""
BACKWARDS = """```mermaid
flowchart LR
  app([App]) --> rank[Heavy ranker] --> cg[Candidate generation] --> app
  app --> logs[(Impression logs)] --> train[[Model training]] --> rank
```"""
TRAINING_IN_THE_PATH = """```mermaid
flowchart LR
  app([App]) --> cg[Candidate generation] --> train[[Model training]] --> rank[Heavy ranker] --> app
  app --> logs[(Impression logs)]
```"""


def answer(framing: str, framework=SEVEN) -> str:
    if framework is FOUR:
        return f"## Architecture\n\n{framing}\n"
    return f"## Frame as an ML task\n\n{framing}\n"


def scored(text: str, framework=SEVEN):
    return score(JUDGE, FEED, framework, parse_answer(text, framework, SEVEN))


def item(card, step_id: str, item_id: str):
    return next(i for i in card.step(step_id).items if i.id == item_id)


def test_a_sketch_earns_the_architecture_item_the_words_alone_do_not():
    words = scored(answer(FRAMING))
    drawn = scored(answer(f"{FRAMING}\n\n{GOOD}"))
    assert not item(words, "framing", SKETCH).met
    sketch = item(drawn, "framing", SKETCH)
    assert sketch.met and sketch.evidence[0].startswith("Diagram in Frame as an ML task: draws")
    assert "stages in order" in sketch.evidence[0] and "the feedback loop closed" in sketch.evidence[0]
    assert drawn.step("framing").score > words.step("framing").score
    assert drawn.signals["solution-design"].score > words.signals["solution-design"].score
    [check] = drawn.diagrams
    assert check.step == "framing" and not check.order and check.feedback_loop.status == "present"
    assert not words.diagrams


def test_a_diagram_drawn_in_a_later_step_counts_for_the_sketch_item():
    text = answer(FRAMING) + f"\n## Deployment and serving\n\nThe request path:\n\n{GOOD}\n"
    card = scored(text)
    assert item(card, "framing", SKETCH).met
    assert item(card, "framing", SKETCH).evidence_from[0] == "serving"


def test_stages_drawn_out_of_order_are_a_mistake_of_the_step_and_cost_credit():
    card = scored(answer(f"{FRAMING}\n\n{BACKWARDS}"))
    [mistake] = [m for m in card.step("framing").mistakes if m.id == "diagram-stage-order"]
    assert "before Candidate generation" in mistake.evidence[0]
    good = scored(answer(f"{FRAMING}\n\n{GOOD}"))
    assert item(card, "framing", SKETCH).score < item(good, "framing", SKETCH).score
    assert card.step("framing").score < good.step("framing").score


def test_offline_work_on_the_request_path_is_a_mistake():
    card = scored(answer(f"{FRAMING}\n\n{TRAINING_IN_THE_PATH}"))
    assert any(m.id == "diagram-offline-on-request-path" for m in card.step("framing").mistakes)
    assert any(p.where == "request path" for p in card.diagrams[0].confusion)


def test_the_credit_follows_how_much_of_the_spine_is_drawn():
    [good] = scored(answer(GOOD)).diagrams
    [partial] = scored(
        answer("```mermaid\nflowchart LR\n  cg[Candidate generation] --> rank[Heavy ranker]\n```")
    ).diagrams
    assert sketch_credit(good, FEED.blueprint) == 1.0
    assert 0 < sketch_credit(partial, FEED.blueprint) < 0.5  # two of the spine, no loop
    assert {"candidate-generation", "ranking", "impression-log", "model-training"} <= set(
        spine(FEED.blueprint)
    )


def test_the_four_step_flow_item_is_credited_by_a_diagram():
    card = scored(answer(f"{FRAMING}\n\n{GOOD}", FOUR), FOUR)
    assert item(card, "architecture", "generic-4-end-to-end-flow").met


def test_a_sequence_diagram_or_prose_that_starts_with_graph_is_not_checked():
    text = answer(
        "graph neural networks could rank friends.\n\n```mermaid\nsequenceDiagram\n  A->>B: hi\n```"
    )
    assert scored(text).diagrams == ()


def test_the_diagram_counts_whichever_judge_scored_the_words():
    class NoSketches:
        """A judge that never credits the sketch from words: only the diagram can."""

        name = "no-sketches"

        def score_step(self, case, framework, step_id, text, context: JudgeContext) -> StepResult:
            verdict = JUDGE.score_step(case, framework, step_id, text, context)
            items = tuple(i.model_copy(update={"score": 0.0}) if i.id == SKETCH else i for i in verdict.items)
            return verdict.model_copy(update={"items": items})

        def interviewer(self):
            return JUDGE.interviewer()

    words = score(NoSketches(), FEED, SEVEN, parse_answer(answer(MODEL_FRAMING), SEVEN))
    drawn = score(NoSketches(), FEED, SEVEN, parse_answer(answer(f"{MODEL_FRAMING}\n\n{GOOD}"), SEVEN))
    assert not item(words, "framing", SKETCH).met and item(drawn, "framing", SKETCH).met
    assert drawn.step("framing").score > words.step("framing").score


def test_score_json_carries_the_diagram_check(mlsd, tmp_path):
    path = tmp_path / "answer.md"
    path.write_text(answer(f"{FRAMING}\n\n{BACKWARDS}"), encoding="utf-8")
    result = mlsd("score", "feed-ranking", str(path), "--json", "--scorer", "offline")
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)
    [check] = card["diagrams"]
    assert check["step"] == "framing" and check["order"] and check["feedback_loop"]["status"] == "present"
    assert {"present", "missing", "confusion", "latency", "nodes", "edges"} <= set(check)


def test_a_report_shows_the_diagram_beside_the_reference(tmp_path):
    import shutil

    from mlsd_coach.coach.session import InterviewSession
    from mlsd_coach.render.report import render_report
    from mlsd_coach.render.session import build_report
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.store.history import HistoryStore

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, FEED, SEVEN, JUDGE, NoticeBuffer())
        session.submit(SEVEN.step("framing"), f"{FRAMING}\n\n{BACKWARDS}", seconds=100)
        session.finish()
        data = build_report(store, store.session(session.session_id), FEED, SEVEN)
    md = render_report(data, "md")
    assert "## Your diagram, in Frame as an ML task, against the blueprint" in md
    assert "- ⚠ Multi-task heavy ranker is drawn before Candidate generation" in md
    assert "**Missing:** Light pre-ranker;" in md and "```mermaid\nflowchart TB" in md
    html = render_report(data, "html")
    assert "<h2>Your diagram, in Frame as an ML task</h2>" in html
    if shutil.which("dot"):
        assert html.count("<svg") == 2 and '<div class="side-by-side">' in html


def test_a_report_lists_the_findings_when_graphviz_fails(tmp_path, monkeypatch):
    from mlsd_coach.coach.session import InterviewSession
    from mlsd_coach.errors import MlsdError
    from mlsd_coach.render import report as report_module
    from mlsd_coach.render.session import build_report
    from mlsd_coach.scoring.judge import NoticeBuffer
    from mlsd_coach.store.history import HistoryStore

    def broken(source: str) -> str:
        raise MlsdError("Graphviz failed: syntax error")

    monkeypatch.setattr(report_module, "render_svg", broken)
    monkeypatch.setattr(report_module.shutil, "which", lambda name: "/usr/bin/dot")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = InterviewSession.start(store, FEED, SEVEN, JUDGE, NoticeBuffer())
        session.submit(SEVEN.step("framing"), f"{FRAMING}\n\n{GOOD}", seconds=100)
        session.finish()
        data = build_report(store, store.session(session.session_id), FEED, SEVEN)
    html = report_module.render_report(data, "html")
    assert "Graphviz is not installed or could not draw the diagrams" in html and "<svg" not in html
    assert "Candidate generation" in html  # the findings are still listed
