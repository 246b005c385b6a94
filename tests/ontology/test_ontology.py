"""The vocabulary file, its Python constants and its shapes agree."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SH, SKOS

from ontology import CONCEPTS, FACT_KINDS, NAMESPACE, ONTOLOGY_IRI, PLAN, ontology_graph, shapes_graph

ONTOLOGY = ontology_graph()
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)


def ttl_terms() -> set[str]:
    return {str(s)[len(NAMESPACE) :] for s in ONTOLOGY.subjects() if str(s).startswith(NAMESPACE)}


def test_defined_namespace_lists_exactly_the_turtle_terms() -> None:
    assert set(PLAN.__annotations__) == ttl_terms()


def test_every_term_is_declared_with_a_known_type() -> None:
    for name in ttl_terms():
        types = set(ONTOLOGY.objects(PLAN[name], RDF.type))
        assert types & set(TERM_TYPES), name


@pytest.mark.parametrize("name", sorted(ttl_terms()))
def test_every_term_has_zh_and_en_label_and_en_comment(name: str) -> None:
    term = PLAN[name]
    labels = {lit.language for lit in ONTOLOGY.objects(term, RDFS.label)}
    assert {"zh", "en"} <= labels
    assert any(lit.language == "en" for lit in ONTOLOGY.objects(term, RDFS.comment))


def test_misspelt_term_raises() -> None:
    with pytest.raises(AttributeError):
        _ = PLAN.Twon
    with pytest.raises(AttributeError):
        _ = PLAN["hasrole"]


def test_contract_terms_exist() -> None:
    classes = set(ONTOLOGY.subjects(RDF.type, OWL.Class))
    assert {PLAN[k] for k in (*FACT_KINDS, "Plan", "Section", "Passage")} <= classes
    concepts = set(ONTOLOGY.subjects(RDF.type, SKOS.Concept))
    assert {PLAN[c] for c in CONCEPTS} == concepts
    for concept in concepts:
        scheme = ONTOLOGY.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ONTOLOGY


def test_class_hierarchy() -> None:
    assert (PLAN.ForestPark, RDFS.subClassOf, PLAN.NaturePark) in ONTOLOGY
    assert (PLAN.Town, RDFS.subClassOf, PLAN.AdministrativeUnit) in ONTOLOGY
    assert (PLAN.Township, RDFS.subClassOf, PLAN.AdministrativeUnit) in ONTOLOGY


def test_ontology_header() -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ONTOLOGY


def test_every_class_is_targeted_by_a_shape() -> None:
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    classes = {c for c in ONTOLOGY.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert classes - {PLAN.AdministrativeUnit} <= targeted
