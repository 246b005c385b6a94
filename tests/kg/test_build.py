"""Records → RDF (kg.build) and SHACL validation (kg.validate) on small hand-made records."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from kg_sample import BASE, PLAN_ID, Records, make_records
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from ingest.records import Fact, Ref
from kg.build import plan_graphs, to_graph
from kg.iri import entity_iri, graph_iri, passage_iri, plan_iri, section_iri
from kg.validate import validate
from ontology import PLAN

# rdflib 7.6's Dataset warns about its own internal calls (RDFLib/rdflib#3475).
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")

TOWN = URIRef(f"{BASE}/id/{PLAN_ID}/town/黄土梁子镇")


@pytest.fixture
def records() -> Records:
    return make_records()


def build(records: Records) -> Dataset:
    return to_graph(records.meta, records.sections, records.passages, records.facts, BASE)


def indicator(ds: Dataset, key: str) -> URIRef:
    return entity_iri(BASE, PLAN_ID, "Indicator", key)


def test_one_named_graph_per_plan_and_union_default(records: Records) -> None:
    ds = build(records)
    assert [g.identifier for g in plan_graphs(ds)] == [graph_iri(BASE, PLAN_ID)]
    assert (TOWN, RDF.type, PLAN.Town) in ds.graph(graph_iri(BASE, PLAN_ID))
    assert ds.default_union
    rows = list(ds.query("SELECT ?t WHERE { ?t a <https://w3id.org/plankg/ontology#Town> }"))
    assert len(rows) == 3


def test_two_builds_give_the_same_iris_and_triples() -> None:
    first, second = build(make_records()), build(make_records())
    assert set(first.quads()) == set(second.quads())
    assert TOWN in set(first.subjects())


def test_every_fact_carries_its_evidence(records: Records) -> None:
    ds = build(records)
    for fact in records.facts:
        node = entity_iri(BASE, PLAN_ID, fact.kind, fact.key)
        assert (node, RDF.type, PLAN[fact.kind]) in ds
        assert (node, RDFS.label, Literal(fact.label, lang="zh")) in ds
        assert (node, PLAN.inPlan, plan_iri(BASE, PLAN_ID)) in ds
        assert (node, PROV.wasDerivedFrom, passage_iri(BASE, PLAN_ID, fact.passage)) in ds
        assert (node, PLAN.sourceSpan, Literal(fact.quote, lang="zh")) in ds
        assert (node, PLAN.spanStart, Literal(fact.start, datatype=XSD.integer)) in ds
        assert (node, PLAN.spanEnd, Literal(fact.end, datatype=XSD.integer)) in ds


def test_prop_values_map_per_contract(records: Records) -> None:
    ds = build(records)
    now, planned = indicator(ds, "常住人口-现状"), indicator(ds, "城镇化率-2035")
    value = ds.value(now, PLAN.value)
    assert value.datatype == XSD.decimal and str(value) == "39.94" and value.toPython() == Decimal("39.94")
    assert ds.value(planned, PLAN.value) == Literal(65, datatype=XSD.integer)
    assert ds.value(planned, PLAN.targetYear) == Literal(2035, datatype=XSD.integer)
    assert ds.value(now, PLAN.unit) == Literal("万人")
    assert ds.value(planned, PLAN.comparator) == Literal("≥")
    assert ds.value(now, PLAN.subject) == Literal("常住人口", lang="zh")
    assert ds.value(now, PLAN.status) == PLAN.Current
    assert ds.value(TOWN, PLAN.hasRole) == PLAN.KeyTown
    featured = entity_iri(BASE, PLAN_ID, "FeaturedTown", "蘑菇特色小镇")
    assert ds.value(featured, PLAN.locatedIn) == entity_iri(BASE, PLAN_ID, "Town", "榆树林子镇")
    assert ds.value(featured, SKOS.definition) == Literal("以蘑菇为主题", lang="zh")
    note = ds.value(entity_iri(BASE, PLAN_ID, "Town", "七沟镇"), SKOS.editorialNote)
    assert note == Literal("ambiguous: also listed as a key town", lang="en")


def test_same_kind_and_key_merge_into_one_node_with_two_sources(records: Records) -> None:
    ds = build(records)
    sources = set(ds.objects(TOWN, PROV.wasDerivedFrom))
    assert len(sources) == 2
    assert len(set(ds.objects(TOWN, RDFS.label))) == 1


def test_a_second_label_becomes_alt_label(records: Records) -> None:
    extra = replace(records.facts[2], label="黄土梁子")
    ds = to_graph(records.meta, records.sections, records.passages, [*records.facts, extra], BASE)
    assert list(ds.objects(TOWN, RDFS.label)) == [Literal("黄土梁子镇", lang="zh")]
    assert list(ds.objects(TOWN, SKOS.altLabel)) == [Literal("黄土梁子", lang="zh")]


def test_passages_sections_and_plan(records: Records) -> None:
    ds = build(records)
    p = records.passages[0]
    node = passage_iri(BASE, PLAN_ID, p.id)
    assert ds.value(node, PLAN.text) == Literal(p.text, lang="zh")
    assert ds.value(node, PLAN.sectionNumber) == Literal("1.1")
    assert ds.value(node, PLAN.headingPath) == Literal("立足核心优势 > 发展定位", lang="zh")
    assert ds.value(node, PLAN.inSection) == section_iri(BASE, PLAN_ID, "1.1")
    assert ds.value(node, PLAN.startOffset).toPython() == p.start
    sec = section_iri(BASE, PLAN_ID, "1.1")
    assert ds.value(sec, PLAN.parentSection) == section_iri(BASE, PLAN_ID, "ch1")
    assert ds.value(sec, PLAN.sectionLevel) == Literal(2, datatype=XSD.integer)
    plan = plan_iri(BASE, PLAN_ID)
    assert ds.value(plan, DCTERMS.title) == Literal(records.meta.title, lang="zh")
    assert ds.value(plan, DCTERMS.issued) == Literal("2023-12", datatype=XSD.gYearMonth)
    assert ds.value(plan, PLAN.visionYear) == Literal(2050, datatype=XSD.integer)


def test_two_plans_share_one_dataset(records: Records) -> None:
    ds = build(records)
    other = replace(records.meta, id="other-2021-2035")
    to_graph(other, [], [], [], BASE, dataset=ds)
    assert {g.identifier for g in plan_graphs(ds)} == {graph_iri(BASE, PLAN_ID), graph_iri(BASE, other.id)}


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(Fact("Village", "x", "x", "p", "q", 0, 1), id="unknown-kind"),
        pytest.param(Fact("Town", "x", "x", "p-unknown", "q", 0, 1), id="unknown-passage"),
        pytest.param(("props", (("hasrole", Ref("Concept", "KeyTown")),)), id="unknown-property"),
        pytest.param(("props", (("dc:title", "x"),)), id="unknown-prefix"),
        pytest.param(("props", (("hasRole", Ref("Concept", "Capital")),)), id="unknown-concept"),
    ],
)
def test_bad_records_raise(records: Records, bad: Fact | tuple) -> None:
    fact = bad if isinstance(bad, Fact) else replace(records.facts[2], **{bad[0]: bad[1]})
    if fact.passage == "p":
        fact = replace(fact, passage=records.passages[0].id)
    with pytest.raises(ValueError):
        to_graph(records.meta, records.sections, records.passages, [fact], BASE)


def test_shacl_conforms_on_good_records(records: Records) -> None:
    result = validate(build(records))
    assert result.conforms, result.report
    assert result.violations == 0


def test_shacl_reports_a_span_missing_from_its_passage(records: Records) -> None:
    wrong = replace(records.facts[0], quote="常住人口40万人")
    result = validate(to_graph(records.meta, records.sections, records.passages, [wrong], BASE))
    assert not result.conforms
    assert result.violations == 1
    assert "常住人口40万人" in result.report and "sourceSpan" in result.report


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        pytest.param(lambda f: replace(f, props=(("value", "39.94"), ("unit", "万人"))), "value", id="value-string"),
        pytest.param(lambda f: replace(f, props=(("value", 39.94),)), "unit", id="no-unit"),
        pytest.param(lambda f: replace(f, props=(*f.props, ("comparator", ">"))), "comparator", id="comparator"),
        pytest.param(lambda f: replace(f, props=(*f.props, ("status", Ref("Concept", "KeyTown")))), "status",
                     id="status-concept"),
    ],
)  # fmt: skip
def test_shacl_reports_bad_indicators(records: Records, change: object, needle: str) -> None:
    bad = change(records.facts[0])  # type: ignore[operator]
    result = validate(to_graph(records.meta, records.sections, records.passages, [bad], BASE))
    assert not result.conforms
    assert result.violations >= 1
    assert needle in result.report


def test_shacl_reports_dangling_reference(records: Records) -> None:
    featured = records.facts[5]  # located in 榆树林子镇, whose own fact is left out
    facts = [f for f in records.facts if f.key != "榆树林子镇"]
    assert featured in facts
    result = validate(to_graph(records.meta, records.sections, records.passages, facts, BASE))
    assert not result.conforms
    assert "locatedIn" in result.report
