"""Per-plan validation: SHACL without the whole-graph queries, plus the record-level evidence checks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from kg_sample import BASE, make_records
from rdflib.namespace import SH

from kg.build import to_graph
from kg.validate import check_records, plan_shapes, validate, validate_plan

pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")


def test_sample_plan_conforms_both_ways() -> None:
    r = make_records()
    ds = to_graph(r.meta, r.sections, r.passages, r.facts, BASE)
    assert validate_plan(ds, r.passages, r.facts).conforms
    assert validate(ds).conforms
    assert check_records(r.passages, r.facts) == []
    assert not list(plan_shapes().subject_objects(SH.sparql))


def test_a_quote_missing_from_its_passage_is_caught() -> None:
    r = make_records()
    bad = replace(r.facts[0], quote="不在段落里的话")
    problems = check_records(r.passages, [bad, *r.facts[1:]])
    assert len(problems) == 1 and "occurs verbatim in none" in problems[0]
    ds = to_graph(r.meta, r.sections, r.passages, [bad, *r.facts[1:]], BASE)
    assert not validate_plan(ds, r.passages, [bad, *r.facts[1:]]).conforms
    assert not validate(ds).conforms  # the full-union SPARQL shape says the same


def test_shifted_offsets_and_bad_values_are_caught() -> None:
    r = make_records()
    shifted = replace(r.facts[0], start=r.facts[0].start + 1, end=r.facts[0].end + 1)
    short = replace(r.passages[0], end=r.passages[0].end - 1)
    problems = check_records([short, *r.passages[1:]], [shifted, *r.facts[1:]])
    assert any("does not hold its quote" in m for m in problems)
    assert any("endOffset - startOffset" in m for m in problems)
    valued = replace(r.facts[0], props=(("value", "很多"),))
    assert any("neither xsd:decimal" in m for m in check_records(r.passages, [valued]))
