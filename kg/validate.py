"""SHACL validation of the plan graphs against ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import XSD, Dataset, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kg.build import bind_prefixes, plan_graphs
from ontology import ontology_graph, shapes_graph


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    report: str  # pyshacl's text report
    violations: int  # number of sh:ValidationResult nodes


def _plain(term: Node) -> Node:
    # RDF 1.1: "x" and "x"^^xsd:string are one literal; rdflib tells them apart, Oxigraph always
    # returns the latter, and shapes compare with rdflib (sh:in, sh:hasValue).
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def union_graph(dataset: Dataset) -> Graph:
    """All triples of the dataset's plan graphs in one in-memory graph, xsd:string made plain."""
    union = Graph()
    bind_prefixes(union)
    for graph in plan_graphs(dataset):
        union.addN((s, p, _plain(o), union) for s, p, o in graph)
    return union


def validate(dataset: Dataset) -> ValidationResult:
    """Validate the union of the plan graphs, with ``plan.ttl`` mixed in (no inference)."""
    import pyshacl  # heavy import, only needed at build time

    conforms, report_graph, report_text = pyshacl.validate(
        union_graph(dataset),
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        inplace=True,  # the union is our own copy: skip pyshacl's clone
        allow_warnings=True,
    )
    violations = sum(1 for _ in report_graph.subjects(SH.resultSeverity, SH.Violation))
    return ValidationResult(conforms=bool(conforms), report=str(report_text), violations=violations)
