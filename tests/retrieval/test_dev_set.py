"""The dev set of resident questions against the real build: retrieval, answers, declines, numbers."""

from __future__ import annotations

from typing import Any

import pytest

from retrieval.evaluate import Report, evaluate, is_gold, load_questions, rankers_for
from tests.conftest import ROOT

QUESTIONS = load_questions(ROOT / "tests" / "data" / "dev_questions.jsonl")


@pytest.fixture(scope="module")
def report(the_build: Any) -> Report:
    return evaluate(QUESTIONS, the_build, rankers_for(the_build))


def test_dev_set_is_big_enough() -> None:
    assert len(QUESTIONS) >= 60
    assert 8 <= sum(not q.answerable for q in QUESTIONS) <= 12


def test_hybrid_retrieval_meets_the_bar(report: Report) -> None:
    hybrid = report.retrieval["hybrid"]
    assert hybrid["R@5"] >= 0.95, report.retrieval
    assert hybrid["R@1"] >= 0.85, report.retrieval


def test_hybrid_is_at_least_as_good_as_either_ranker(report: Report) -> None:
    r = report.retrieval
    assert r["hybrid"]["MRR"] >= max(r["bm25"]["MRR"], r["dense"]["MRR"]) - 0.02, r


def test_answers_contain_expected_strings(report: Report) -> None:
    assert report.answer_accuracy >= 0.90, "\n".join(report.failures)


def test_unanswerable_questions_are_declined(report: Report) -> None:
    assert report.declined >= report.unanswerable * 7 / 8, "\n".join(report.failures)


def test_every_number_in_an_answer_occurs_in_a_cited_passage(report: Report) -> None:
    assert report.numbers_ok, "\n".join(f for f in report.failures if "numbers" in f)


@pytest.mark.parametrize("variant", ["traditional", "typo", "english"])
def test_variant_questions_find_the_right_section(the_build: Any, variant: str) -> None:
    qs = [q for q in QUESTIONS if q.variant == variant and q.answerable]
    assert qs
    found = [any(is_gold(h.passage, q.gold_sections) for h in the_build.search(q.question, 5)) for q in qs]
    assert sum(found) >= len(qs) - 1, [q.question for q, ok in zip(qs, found, strict=True) if not ok]
