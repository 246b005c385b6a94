"""The dev set against the real build: retrieval, answers, declines, numbers (tune and dev-heldout).

The bars here are floors that hold with margin on both splits; the figures that are reported come from
``bench/eval_answers.py``, which also runs the blind held-out set.
"""

from __future__ import annotations

from typing import Any

import pytest

from retrieval.evaluate import Report, evaluate, is_gold, question_sets, rankers_for, style
from tests.conftest import ROOT

SETS = question_sets(ROOT / "tests" / "data")
DEV = SETS["tune"] + SETS["dev-heldout"]


@pytest.fixture(scope="module")
def report(the_build: Any) -> Report:
    return evaluate(DEV, the_build)


def test_split_is_disjoint_and_complete() -> None:
    tune, held = {q.id for q in SETS["tune"]}, {q.id for q in SETS["dev-heldout"]}
    assert not tune & held
    assert len(tune | held) == len(DEV) >= 100


def test_hybrid_retrieval_meets_the_bar(report: Report) -> None:
    m = report.table()["all"]
    assert m["R@5"] >= 0.93 and m["R@1"] >= 0.8, m


def test_hybrid_is_at_least_as_good_as_either_ranker(the_build: Any) -> None:
    qs = [q for q in DEV if q.answerable]
    mrr = {}
    for name, rank in rankers_for(the_build).items():
        firsts = [next((i for i, p in enumerate(rank(q.question)) if is_gold(p, q.gold_sections)), None)
                  for q in qs]
        mrr[name] = sum(1 / (i + 1) for i in firsts if i is not None) / len(qs)
    assert mrr["hybrid"] >= max(mrr["bm25"], mrr["dense"]) - 0.02, mrr


def test_answers_contain_expected_strings(the_build: Any) -> None:
    """Regression floors with margin. The scorer is fitted on tune + tune2 + template questions together
    (tune alone measured 0.868 at the last fit); dev-heldout was never fitted on."""
    for name, floor in (("tune", 0.84), ("dev-heldout", 0.6)):
        rep = evaluate(SETS[name], the_build)
        assert rep.table()["all"]["strict"] >= floor, (name, "\n".join(rep.failures))


def test_unanswerable_questions_are_declined(report: Report) -> None:
    m = report.table(style)["unanswerable"]
    done, total = map(int, m["honest"].split("/"))
    assert done >= total * 0.8, "\n".join(report.failures)


def test_every_number_in_an_answer_occurs_in_a_cited_passage(report: Report) -> None:
    assert report.table()["all"]["numbers_ok"], "\n".join(report.failures)


@pytest.mark.parametrize("variant", ["traditional", "typo", "english"])
def test_variant_questions_find_the_right_section(the_build: Any, variant: str) -> None:
    qs = [q for q in DEV if q.variant == variant and q.answerable]
    assert qs
    found = [any(is_gold(h.passage, q.gold_sections) for h in the_build.search(q.question, 5)) for q in qs]
    assert sum(found) >= len(qs) - 1, [q.question for q, ok in zip(qs, found, strict=True) if not ok]


def test_template_answers_never_state_another_status_or_year(the_build: Any) -> None:
    """Regression net from the graph itself: a figure asked for 现状 or for a target year is never answered
    with an indicator of another status or year, and answers come from the plan asked."""
    from bench.templates import template_questions
    from kg.iri import entity_iri

    iris = {str(entity_iri(the_build.settings["IRI_BASE"], e.plan, e.kind, e.key)): e
            for e in the_build.kb.entities.values()}
    checked = 0
    for q in template_questions(the_build.kb):
        if q.kind != "value":
            continue
        res = the_build.ask(q.question, plan=q.plan)
        assert {c["plan"] for c in res["citations"]} <= {q.plan}
        for ent in (iris.get(e["iri"]) for e in res["entities"]):
            if ent is None or ent.kind != "Indicator":
                continue
            status, year = ent.first("status"), ent.first("targetYear")
            if q.question.startswith("现状"):
                assert getattr(status, "key", None) == "Current", (q.question, res["answer"])
            elif q.question.startswith("到"):
                assert getattr(status, "key", None) != "Current" and (year is None or str(year) in q.question), \
                    (q.question, res["answer"])
            checked += 1
    assert checked >= 20
