"""Records served plan by plan (retrieval.planstore): the same records, passages and answers as one
FactBase over the whole build, with at most PLAN_CACHE plans held."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.serialize import load_records
from retrieval.planstore import PlanStore, RecordsMissing, RowPassages, StaleRecords
from tests.conftest import settings_for
from tests.webchat.test_incremental import copy_plans
from webchat.build import build
from webchat.resources import Build

QUESTIONS = [("城镇污水集中处理率要达到多少？", None), ("森林覆盖率目标是多少？", "synthetic-county-a"),
             ("哪些是重点镇？", "pingquan-2021-2035"), ("青岚县有哪些镇？", None),
             ("生态保护红线有什么要求？", "synthetic-county-b"), ("What is the forest coverage target?", None)]


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Any:
    plans = copy_plans(tmp_path_factory.mktemp("plans"))
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans), PLAN_CACHE=2)
    build(settings)
    return settings


@pytest.fixture(scope="module")
def opened(three: Any) -> Build:
    return Build.open(three)


def test_plan_records_are_the_build_records_split_by_plan(opened: Build) -> None:
    metas, sections, passages, facts = load_records(opened.path)
    store = PlanStore(opened.path, capacity=1)
    assert store.plans == metas and [m.id for m in metas] == list(store.ranges)
    for m in metas:
        got = store.read(m.id)
        assert got.passages == [p for p in passages if p.plan == m.id]
        assert got.sections == [s for s in sections if s.plan == m.id]
        assert got.facts == [f for f in facts if f.passage in {p.id for p in got.passages}]
    assert list(opened.passages) == passages and list(opened.sections) == sections and list(opened.facts) == facts
    assert len(opened.facts) == len(facts) and opened.facts[-1] == facts[-1] and opened.sections[3] == sections[3]


def test_rows_and_ids_map_to_the_same_passages(opened: Build) -> None:
    _metas, _sections, passages, _facts = load_records(opened.path)
    assert [opened.index.row(p.id) for p in passages] == list(range(len(passages)))
    assert opened.index.passages[len(passages) - 1] == passages[-1]
    assert opened.passage(passages[5].id) == passages[5] and opened.find_passage("p-000000000000") is None
    assert opened.by_id[passages[-1].id] == passages[-1] and "p-000000000000" not in opened.by_id


def test_answers_equal_one_fact_base_over_the_whole_build(opened: Build) -> None:
    from retrieval.answering import answer, context_for
    from retrieval.facts import FactBase

    _metas, _sections, passages, facts = load_records(opened.path)
    whole = context_for(FactBase(facts, passages, opened.plans), opened.tokenizer)
    for question, plan in QUESTIONS:
        want = answer(question, whole, opened.search, plan=plan)
        assert opened.ask(question, plan=plan) == want.to_json(question, plan, opened.settings["IRI_BASE"]), question


def test_a_worker_holds_at_most_plan_cache_plans(opened: Build) -> None:
    for question, _plan in QUESTIONS:
        for plan in opened.plan_ids():
            opened.ask(question, plan=plan)
            assert len(opened.store.cached()) <= 2
    assert opened.store.cached()[-1] == opened.plan_ids()[-1]


def test_records_that_disagree_with_the_index_are_refused(opened: Build) -> None:
    spans = {k: (int(a), int(b)) for k, (a, b) in json.loads((opened.path / "index.json").read_text())["plans"].items()}
    rows = RowPassages(PlanStore(opened.path), spans, lambda a, b: ["p-x"] * (b - a), len(opened.passages))
    with pytest.raises(StaleRecords):
        rows[0]


def test_a_build_without_records_json_asks_for_a_rebuild(opened: Build, tmp_path: Path) -> None:
    (tmp_path / "plans.jsonl").write_text("", "utf-8")
    with pytest.raises(RecordsMissing):
        PlanStore(tmp_path)
