"""Checking a drawn architecture against a case's blueprint, on hand-written diagrams."""

from __future__ import annotations

import json
import time
from functools import cache

import pytest

from mlsd_coach.content.models import Blueprint, CaseStudy
from mlsd_coach.content.registry import load_frameworks, load_glossary, load_one_case
from mlsd_coach.diagram.check import check_diagram, main_loop
from mlsd_coach.diagram.findings import DiagramCheck
from mlsd_coach.diagram.parse import parse_mermaid
from mlsd_coach.diagram.reading import match_components
from mlsd_coach.scoring.matcher import ConceptCompiler


@cache
def case(case_id: str) -> CaseStudy:
    return load_one_case(case_id, load_frameworks(), [])


def check(case_id: str, mermaid: str) -> DiagramCheck:
    return check_diagram(case(case_id), parse_mermaid(mermaid))


FEED_CORRECT = """flowchart LR
  subgraph online [Online serving]
    app([Mobile app]) -->|feed request| svc(Feed orchestration service)
    svc --> cg[Candidate generation<br/>35 ms]
    cg --> ann[(Item embedding ANN index)]
    cg -->|~2,000| pre[Light pre-ranker 15ms]
    pre -->|~500| rank[Multi-task heavy ranker ~45 ms]
    svc --> fs[(Feature store)] --> rank
    rank --> rr[Re-ranking and page assembly 10 ms] --> svc
  end
  subgraph offline [Offline training]
    logs[(Impression and event logs)] --> tdg[[Training data generation]] --> train[[Model training]]
    train --> eval[[Offline evaluation and release gates]]
    train --> ib[[Embedding and ANN index build]]
    logs --> mon(Monitoring and alerting)
  end
  svc & app --> logs
  eval --> rank
  ib --> ann
  fs --> tdg
  mon --> svc
"""

FRAUD_CORRECT = """flowchart TD
  gw[Authorisation gateway] -->|scoring request| fa[Feature assembly<br/>15 ms]
  gw --> stream[Transaction event stream] --> sf[Streaming feature pipeline] --> ofs[(Online feature store)]
  ofs --> fa
  fa --> rules[Rules engine 10 ms] & risk[ML risk scoring 25 ms]
  rules & risk --> dec{Decision and policy engine 5 ms}
  dec --> gw
  dec --> rq[Manual review queue]
  dec --> dl[(Decision log)]
  subgraph offline [Offline]
    rq --> ls[(Label store)]
    dl & ls --> tp[[Offline training pipeline]]
    tp --> reg[Model registry and rollout]
    dl --> mon[Monitoring and alerting]
  end
  reg --> risk
  tp --> ofs
  mon --> rules
"""


# a correct drawing


@pytest.mark.parametrize(
    ("case_id", "mermaid"), [("feed-ranking", FEED_CORRECT), ("fraud-detection", FRAUD_CORRECT)]
)
def test_a_correct_drawing_is_clean(case_id, mermaid):
    result = check(case_id, mermaid)
    assert [c.id for c in result.present] == [c.id for c in case(case_id).blueprint.components]
    assert result.missing == () and result.order == () and result.confusion == ()
    assert result.feedback_loop.status == "present"
    assert result.latency.status == "within"
    assert result.notes == () and result.unsupported == ()
    assert result.clean


def test_every_node_of_the_correct_feed_drawing_names_its_component():
    result = check("feed-ranking", FEED_CORRECT)
    matched = {node.id: node.component for node in result.nodes}
    assert matched["cg"] == "candidate-generation" and matched["rank"] == "ranking"
    assert matched["tdg"] == "training-data-job" and matched["train"] == "model-training"
    assert None not in matched.values()
    assert {node.id: node.track for node in result.nodes}["logs"] == "offline"


def test_the_feedback_loop_path_runs_from_the_logs_to_training():
    result = check("feed-ranking", FEED_CORRECT)
    assert result.feedback_loop.path == ("logs", "tdg", "train")
    assert (
        "Impression and event logs → Training data generation → Model training"
        in result.feedback_loop.message
    )


def test_the_check_is_json_and_deterministic():
    first = check("fraud-detection", FRAUD_CORRECT).model_dump(mode="json")
    again = check("fraud-detection", FRAUD_CORRECT).model_dump(mode="json")
    assert json.loads(json.dumps(first)) == again
    assert first["schema_version"] == 1 and first["clean"] is True
    assert set(first) >= {"case", "nodes", "edges", "present", "missing", "order", "confusion"}
    assert set(first) >= {"feedback_loop", "latency", "notes", "unsupported", "diagram_line"}


# stages out of order


def test_ranking_drawn_before_retrieval():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> rank[Multi-task heavy ranker] --> cg[Candidate generation] --> rr[Re-ranking and page assembly]
        rr --> app""",
    )
    assert [(p.later, p.earlier) for p in result.order] == [("ranking", "candidate-generation")]
    assert result.order[0].message == (
        "Multi-task heavy ranker is drawn before Candidate generation: "
        "a request reaches Candidate generation first"
    )
    assert not result.clean


def test_a_whole_funnel_drawn_backwards_names_every_pair():
    result = check(
        "feed-ranking",
        "flowchart LR\n app[Mobile app] --> rank[Multi-task heavy ranker] --> pre[Light pre-ranker] "
        "--> cg[Candidate generation]",
    )
    assert {(p.later, p.earlier) for p in result.order} == {
        ("ranking", "pre-ranker"),
        ("ranking", "candidate-generation"),
        ("pre-ranker", "candidate-generation"),
    }


def test_a_response_back_through_the_service_does_not_excuse_a_wrong_order():
    result = check(
        "feed-ranking",
        """flowchart LR
        svc[Feed orchestration service] --> rank[Multi-task heavy ranker] --> cg[Candidate generation] --> svc""",
    )
    assert [(p.later, p.earlier) for p in result.order] == [("ranking", "candidate-generation")]


def test_stages_that_run_side_by_side_may_be_drawn_in_either_order():
    # in the blueprint the rules engine and the risk model both read the feature vector
    result = check(
        "fraud-detection",
        "flowchart LR\n fa[Feature assembly] --> risk[ML risk scoring] --> rules[Rules engine] "
        "--> dec[Decision and policy engine]",
    )
    assert result.order == ()


# offline work on the request path


def test_training_drawn_inside_the_request_path():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation] --> train[Model training] --> rank[Multi-task heavy ranker]
        rank --> rr[Re-ranking and page assembly] --> app""",
    )
    assert len(result.confusion) == 1
    problem = result.confusion[0]
    assert (problem.node, problem.component, problem.where) == ("train", "model-training", "request path")
    assert problem.path[-2:] == ("train", "rank") and problem.path[0] in ("app", "cg")
    assert "Model training is drawn on the request path" in problem.message
    assert "training runs offline" in problem.message
    assert result.feedback_loop.status == "missing"  # the request reaching training is no loop


def test_an_index_build_between_the_client_and_a_stage_is_offline_work_on_the_request_path():
    result = check(
        "feed-ranking",
        "flowchart LR\n app[Mobile app] --> ib[Embedding and ANN index build] --> cg[Candidate generation]",
    )
    assert [(p.node, p.where) for p in result.confusion] == [("ib", "request path")]
    assert "offline work runs offline" in result.confusion[0].message


def test_training_inside_a_serving_subgraph():
    result = check(
        "fraud-detection",
        """flowchart LR
        subgraph serve [Real-time serving]
          fa[Feature assembly] --> risk[ML risk scoring]
          tp[Offline training pipeline]
        end
        dl[(Decision log)] --> tp --> risk""",
    )
    assert [(p.node, p.where) for p in result.confusion] == [("tp", "online subgraph")]
    assert "inside 'Real-time serving'" in result.confusion[0].message


def test_the_loop_from_logs_through_training_back_to_the_ranker_is_not_the_request_path():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation] --> rank[Multi-task heavy ranker] --> app
        rank --> logs[(Impression and event logs)] --> train[Model training] --> rank""",
    )
    assert result.confusion == ()
    assert result.feedback_loop.status == "present"


def test_review_outcomes_flowing_back_to_training_are_the_loop_not_the_request_path():
    result = check(
        "fraud-detection",
        """flowchart LR
        fa[Feature assembly] --> risk[ML risk scoring] --> dec{Decision and policy engine}
        dec --> rq[Manual review queue] --> outcomes[reviewer outcomes] --> tp[Offline training pipeline] --> risk""",
    )
    assert result.confusion == ()
    assert result.feedback_loop.path[-1] == "tp"


def test_a_trainer_drawn_in_a_direct_loop_with_the_ranker_is_a_loop_not_the_request_path():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation] --> rank[Multi-task heavy ranker]
        rank --> rr[Re-ranking and page assembly] --> app
        rank --> train[Model training] --> rank""",
    )
    assert result.confusion == ()
    assert result.feedback_loop.path == ("rank", "train")


# the feedback loop


def test_no_feedback_loop_from_logging_to_training():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation] --> rank[Multi-task heavy ranker] --> app
        rank --> logs[(Impression and event logs)]
        train[Model training] --> rank""",
    )
    assert result.feedback_loop.status == "missing"
    assert result.feedback_loop.message.startswith("missing feedback loop from logging to training")
    assert "Model training" in result.feedback_loop.message
    assert not result.clean


def test_no_training_drawn():
    result = check("feed-ranking", "flowchart LR\n app[Mobile app] --> cg[Candidate generation]")
    assert result.feedback_loop.status == "no training"
    assert result.feedback_loop.message.startswith("no training drawn")


def test_an_arrow_into_a_subgraph_reaches_the_training_inside_it():
    result = check(
        "fraud-detection",
        """flowchart LR
        dl[(Decision log)] --> offline
        subgraph offline [Offline]
          tp[Offline training pipeline]
        end""",
    )
    assert result.feedback_loop.status == "present"
    assert result.feedback_loop.path == ("dl", "tp")


def test_an_unnamed_box_labelled_as_training_counts_as_training():
    result = check("feed-ranking", "flowchart LR\n logs[(Impression and event logs)] --> x[Fine-tuning job]")
    # the blueprint has one training job: a box that trains is that job
    assert (result.nodes[1].component, result.nodes[1].track) == ("model-training", "offline")
    assert result.feedback_loop.path == ("logs", "x")


def test_a_box_that_says_it_trains_is_the_training_job_whatever_model_it_names():
    result = check(
        "feed-ranking",
        """flowchart LR
        a[Candidate generation] --> r[Multi-task heavy ranker, retrained daily]
        r --> logs[(Impression and event logs)] --> t[Train the heavy ranker]""",
    )
    assert [node.component for node in result.nodes] == [
        "candidate-generation",
        "ranking",  # "retrained" says how the ranker is made
        "impression-log",
        "model-training",
    ]
    assert result.feedback_loop.status == "present" and result.confusion == ()


# latency


def test_latency_sums_the_slowest_branch_and_counts_parallel_branches_once():
    result = check("fraud-detection", FRAUD_CORRECT)
    # feature assembly 15, then the rules (10) and the model (25) side by side, then the decision 5
    assert result.latency.drawn_ms == 45
    assert result.latency.path == ("gw", "fa", "risk", "dec")
    assert "within the 100 ms budget" in result.latency.message
    assert "Feature assembly 15 + ML risk scoring 25 + Decision and policy engine 5" in result.latency.message


def test_latency_on_arrows_and_boxes_in_any_spelling():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] -->|10 ms network| cg[Candidate generation ~35ms]
        cg -->|0.005 s| pre[Light pre-ranker 15 ms]
        pre --> rank[Multi-task heavy ranker<br/>p50 30 ms, p99 45 ms]
        cg --> fs[(Feature store 60 ms)] --> rank
        rank --> rr[Re-ranking and page assembly 10 ms]""",
    )
    # 10 + 35 + the feature-store branch (60) rather than 5 + 15, + the ranker's p99 45 + 10
    assert result.latency.drawn_ms == 160
    assert result.latency.path == ("app", "cg", "fs", "rank", "rr")
    assert result.latency.status == "over"
    assert "over the 150 ms budget by 10 ms" in result.latency.message


def test_latency_counts_a_fetch_drawn_feeding_in_from_the_side():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation 35 ms] --> rank[Multi-task heavy ranker 45 ms]
        fs[(Feature store)] -->|20 ms| rank""",
    )
    # the feature fetch (20) is shorter than candidate generation (35): the ranker waits 35
    assert (result.latency.drawn_ms, result.latency.path) == (80, ("app", "cg", "rank"))
    slow = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation 35 ms] --> rank[Multi-task heavy ranker 45 ms]
        fs[(Feature store)] -->|50 ms| rank""",
    )
    assert (slow.latency.drawn_ms, slow.latency.path) == (95, ("fs", "rank"))


def test_latency_on_offline_work_and_logs_is_not_counted():
    result = check(
        "feed-ranking",
        """flowchart LR
        app[Mobile app] --> cg[Candidate generation 35 ms] --> rank[Multi-task heavy ranker 45 ms]
        rank --> logs[(Impression and event logs 500 ms)] --> train[Model training 3600000 ms]""",
    )
    assert result.latency.drawn_ms == 80 and result.latency.status == "within"


def test_a_drawing_without_numbers_says_so_and_is_not_an_error():
    result = check("feed-ranking", "flowchart LR\n app[Mobile app] --> cg[Candidate generation]")
    assert result.latency.status == "no numbers" and result.latency.drawn_ms is None
    assert "150 ms budget" in result.latency.message


# components present and missing


def test_missing_components_come_most_important_first():
    result = check("feed-ranking", "flowchart LR\n app[Mobile app] --> cg[Candidate generation]")
    missing = [c.id for c in result.missing]
    assert missing[:3] == ["pre-ranker", "ranking", "re-ranking"]  # the online stages, in request order
    loop_parts = missing[3:8]
    assert set(loop_parts) == {
        "feature-store",
        "impression-log",
        "training-data-job",
        "model-training",
        "offline-eval",
    }
    assert set(missing[8:]) == {"feed-service", "index-build", "ann-index", "monitoring"}


def test_the_main_loop_of_a_blueprint():
    loop = main_loop(case("feed-ranking").blueprint)
    assert {"ranking", "impression-log", "model-training", "offline-eval"} <= loop
    assert "index-build" not in loop and "ann-index" not in loop


def test_a_component_may_be_drawn_by_several_nodes():
    result = check(
        "feed-ranking",
        "flowchart LR\n a[Candidate generation: two-tower] & b[Candidate generation: follows] --> r[Heavy ranker]",
    )
    drawn = {c.id: c.nodes for c in result.present}
    assert drawn["candidate-generation"] == ("a", "b")
    assert drawn["ranking"] == ("r",)


def _blueprint(*names: str) -> Blueprint:
    components = [
        {"id": f"c{i}", "name": name, "kind": "store", "track": "online", "purpose": "p", "step": "serving"}
        | {"trade_off": "t"}
        for i, name in enumerate(names)
    ]
    flows = [{"from": "c0", "to": "c1"}, {"from": "c1", "to": "c2"}]
    return Blueprint.model_validate(
        {"title": "t", "summary": "s", "latency_budget_ms": 100, "components": components, "flows": flows}
    )


def test_the_component_matched_by_the_longest_term_wins_then_the_first_listed():
    blueprint = _blueprint("Feature store", "Online feature store", "Event log", "Log of events")
    compiler = ConceptCompiler(load_glossary())
    texts = ["Online feature store (Redis)", "Feature store", "Event log"]
    matched = match_components(blueprint.components, texts, compiler)
    assert [c.name if c else None for c in matched] == ["Online feature store", "Feature store", "Event log"]


def test_a_bare_camel_case_id_is_read_as_words():
    result = check("feed-ranking", "flowchart LR\n featureStore --> modelTraining")
    assert [node.component for node in result.nodes] == ["feature-store", "model-training"]


def test_subgraph_titles_give_the_track_of_boxes_that_name_no_component():
    result = check(
        "feed-ranking",
        """flowchart LR
        subgraph a [Online serving path]
          x[Mystery box]
        end
        subgraph b [Nightly batch]
          y[Another box]
        end
        z[Loose box]""",
    )
    assert [(node.component, node.track) for node in result.nodes] == [
        (None, "online"),
        (None, "offline"),
        (None, None),
    ]
    assert any("no box's label names a component" in note for note in result.notes)


def test_links_without_arrows_are_noted_and_unreadable_lines_passed_through():
    result = check("feed-ranking", "flowchart LR\n app[Mobile app] --- cg[Candidate generation]\n oops ]]\n")
    assert result.notes == (
        "1 link has no arrow (`---`): the checks follow arrows, so draw `-->` where data flows",
    )
    assert [(u.line, u.what.startswith("'oops ]]'")) for u in result.unsupported] == [(3, True)]


def test_a_diagram_at_the_node_cap_is_checked_quickly():
    names = [component.name for component in case("feed-ranking").blueprint.components]
    lines = ["flowchart LR"]
    for i in range(499):
        lines.append(f'n{i}["{names[i % len(names)]} {i % 7} ms"] --> n{i + 1}')
        lines.append(f"n{i} --> n{(i * 7) % 499}")
    diagram = parse_mermaid("\n".join(lines))
    assert len(diagram.nodes) == 500 and diagram.unsupported == ()
    started = time.perf_counter()
    result = check_diagram(case("feed-ranking"), diagram)
    assert time.perf_counter() - started < 15.0  # linear: well under a second; quadratic: minutes
    assert result.latency.drawn_ms is not None and result.confusion


def test_shorthand_in_a_label_is_written_out_before_matching():
    result = check("feed-ranking", "flowchart LR\n a[(item vec idx)] --> b[usr feats store]")
    assert [node.component for node in result.nodes] == ["ann-index", "feature-store"]


def test_a_term_written_as_it_is_beats_one_whose_words_are_scattered():
    blueprint = _blueprint("Graph store", "Feature store", "Event log")
    compiler = ConceptCompiler(load_glossary())
    # "store graph" holds "graph store" only out of order
    [matched] = match_components(blueprint.components, ["feature store graph"], compiler)
    assert matched is not None and matched.name == "Feature store"


def test_a_terse_box_that_names_a_part_is_the_blueprints_only_component_of_that_part():
    result = check(
        "feed-ranking",
        """flowchart LR
        u[phone req] --> r[Multi-task heavy ranker]
        f[(fresh feats)] --> r
        r --> l[views + clicks] --> t[Model training]""",
    )
    assert [node.component for node in result.nodes] == [
        "mobile-client",
        "ranking",
        "feature-store",
        "impression-log",
        "model-training",
    ]
    assert result.feedback_loop.status == "present"


def test_a_part_is_named_by_the_head_of_a_terse_label_and_not_by_a_long_one():
    result = check(
        "feed-ranking",
        """flowchart LR
        a[req / skip logs]
        b[Feature builder]
        c[Compute features from the raw history]""",
    )
    assert [node.component for node in result.nodes] == ["impression-log", None, None]


def test_a_part_two_components_play_names_neither():
    # the visual-search blueprint has two index stores: the main shards and the fresh buffer
    result = check("visual-search", "flowchart LR\n a[client] --> b[(idx)]")
    assert [node.component for node in result.nodes] == ["lens-client", None]


def test_the_first_line_of_a_label_names_the_component_before_its_details():
    result = check(
        "fraud-detection",
        "flowchart LR\n a[Rules engine<br/>velocity features, risk scoring thresholds]",
    )
    assert result.nodes[0].component == "rules-engine"
