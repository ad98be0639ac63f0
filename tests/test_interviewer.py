"""The offline interviewer's answers to clarifying questions, on facts written for each test
(a built-in case with its facts replaced, so editing the built-in facts cannot break them)."""

from __future__ import annotations

import pytest

from mlsd_coach.content.models import CaseStudy, Fact, Glossary
from mlsd_coach.content.registry import load_library
from mlsd_coach.scoring.interviewer import ASSUME, answer_question

GLOSSARY = Glossary(groups=[["QPS", "queries per second"], ["GDPR", "General Data Protection Regulation"]])


def fact(fact_id: str, topic: str, patterns: list[str], answer: str) -> Fact:
    return Fact(id=fact_id, topic=topic, patterns=patterns, answer=answer)


FACTS = [
    fact(
        "new-users",
        "Cold start for new users",
        ["logged out", "users with no friends", "onboarding"],
        "About a million sign-ups a day; logged-out visitors see a trending page.",
    ),
    fact(
        "logs",
        "Available data and logs",
        ["logs", "impression logs", "what data"],
        "Every impression is logged with its features; raw logs are kept 90 days.",
    ),
    fact(
        "graph",
        "Graph size",
        ["how many friends", "average degree"],
        "The median user has 120 friends; the graph has 400 billion edges.",
    ),
    fact(
        "catalogue",
        "Ads and advertisers",
        ["how many ads", "number of advertisers"],
        "About 8 million live ads from 900k advertisers.",
    ),
    fact(
        "traffic",
        "Traffic and load",
        ["QPS", "peak load"],
        "About 50k requests a second at the evening peak, ads included.",
    ),
    fact(
        "regulatory",
        "Regulation and privacy",
        ["PCI", "GDPR", "privacy"],
        "We are PCI scoped and GDPR applies to EU users' data.",
    ),
    fact(
        "latency",
        "Latency budget",
        ["latency", "response time", "p99"],
        "150 ms p99 server-side.",
    ),
]


@pytest.fixture(scope="module")
def case() -> CaseStudy:
    built_in = load_library().case("feed-ranking")
    return built_in.model_copy(update={"id": "interviewer-test", "facts": FACTS})


def answered(case: CaseStudy, question: str) -> list[str]:
    return [f.id for f in answer_question(case, question, GLOSSARY).facts]


def test_a_pattern_keeps_its_particle_so_logged_out_is_not_logs(case):
    assert answered(case, "What logs do we keep for training?") == ["logs"]
    assert answered(case, "What do logged out visitors see?") == ["new-users"]


def test_a_pattern_keeps_its_negation_so_no_friends_is_not_how_many_friends(case):
    assert answered(case, "How many friends does a typical user have?") == ["graph"]


def test_a_question_cue_in_a_pattern_makes_a_common_word_specific(case):
    # "ads" alone is everywhere (the traffic fact mentions ads); "how many ads" is the catalogue
    assert answered(case, "How many ads are live right now?") == ["catalogue"]


def test_patterns_are_widened_by_the_glossary(case):
    assert answered(case, "How many queries per second at the evening peak?") == ["traffic"]
    assert answered(case, "Does the General Data Protection Regulation apply?") == ["regulatory"]


def test_a_pattern_alone_does_not_answer_a_question_about_something_else(case):
    reply = answer_question(case, "Which cloud provider hosts the PCI zone?", GLOSSARY)
    assert reply.text == ASSUME
    assert not reply.answered


def test_a_question_no_fact_covers_gets_the_assume_reply(case):
    assert answer_question(case, "Who is the exec sponsoring this rewrite?", GLOSSARY).text == ASSUME
    assert answer_question(case, "Is there tension between the two teams?", GLOSSARY).text == ASSUME


def test_a_question_asking_two_things_gets_two_facts_and_a_plain_one_gets_one(case):
    assert sorted(answered(case, "What's the p99 latency, and what QPS at peak load?")) == [
        "latency",
        "traffic",
    ]
    assert answered(case, "What's the p99 latency budget?") == ["latency"]


def test_the_reply_is_the_facts_answers_with_white_space_folded(case):
    reply = answer_question(case, "What's the p99 latency budget?", GLOSSARY)
    assert reply.text == "150 ms p99 server-side."


def test_an_edited_copy_of_a_case_is_answered_from_its_own_facts(case):
    assert answered(case, "What's the p99 latency budget?") == ["latency"]
    edited = case.model_copy(update={"facts": [*FACTS[:-1], FACTS[-1].model_copy(update={"id": "budget"})]})
    assert answered(edited, "What's the p99 latency budget?") == ["budget"]


def test_conversational_asides_do_not_drown_what_is_asked(case):
    assert answered(case, "Roughly how many sign-ups a day, I'd guess, actually?") == ["new-users"]


def test_everyday_words_are_folded_into_the_facts_words(case):
    feedback = fact(
        "feedback",
        "Explicit negative feedback",
        ["dislike button", "not interested"],
        "There is no dislike button; users can tap not interested on a video.",
    )
    folded = case.model_copy(update={"id": "interviewer-folds", "facts": [*FACTS, feedback]})
    assert answered(folded, "Is there a thumbs-down button?") == ["feedback"]
    assert answered(folded, "What's the north star?") == answered(folded, "What's the objective?")


def test_a_word_whose_stem_has_another_sense_is_folded_only_in_its_own_sense(case):
    goal = fact("goal", "Business goal", ["business goal", "what is the goal"], "Retention, then watch time.")
    folded = case.model_copy(update={"id": "interviewer-targets", "facts": [*FACTS, goal]})
    assert answered(folded, "What is the target?") == ["goal"]
    assert answered(folded, "Which targeting options exist?") == []


def test_a_fact_that_clearly_leads_answers_with_less_of_the_question(case):
    # no pattern of any fact stands in the question and the logs fact covers less than half
    # of it, but no other fact comes close
    assert answered(case, "Do we keep every impression with its features somewhere?") == ["logs"]
