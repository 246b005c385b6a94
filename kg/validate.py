"""SHACL validation of the plan graphs against ``ontology/shapes.ttl``.

``validate_plan``: what a build runs, once per new or changed plan (linear in the plan).
``validate``: the whole union at once with every shape (``plankg validate --full``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import XSD, Dataset, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from ingest.records import Fact, Passage
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


_PLAN_SHAPES: Graph | None = None


def plan_shapes() -> Graph:
    """``shapes.ttl`` without its SHACL-SPARQL constraints (the evidence queries that scan a whole
    graph); ``check_records`` does their work on the records, in O(facts)."""
    global _PLAN_SHAPES
    if _PLAN_SHAPES is None:
        shapes = shapes_graph()
        for node, constraint in list(shapes.subject_objects(SH.sparql)):
            shapes.remove((node, SH.sparql, constraint))
            shapes.remove((constraint, None, None))
        _PLAN_SHAPES = shapes
    return _PLAN_SHAPES


def check_records(passages: Sequence[Passage], facts: Sequence[Fact]) -> list[str]:
    """The evidence checks on the records: every fact's quote lies in its passage at its offsets,
    every passage's offsets span its text, every ``value`` is a number. One message per problem."""
    by_id = {p.id: p for p in passages}
    problems = [f"{p.id}: endOffset - startOffset = {p.end - p.start} but its text has {len(p.text)} characters"
                for p in passages if p.end - p.start != len(p.text)]
    for f in facts:
        where = f"{f.kind}/{f.key}"
        p = by_id.get(f.passage)
        if p is None:
            problems.append(f"{where}: derived from unknown passage {f.passage}")
        elif f.quote not in p.text:
            problems.append(f'{where}: sourceSpan "{f.quote}" occurs verbatim in none of the passages it is derived from')
        elif not (p.start <= f.start <= f.end <= p.end and p.text[f.start - p.start : f.end - p.start] == f.quote):
            problems.append(f"{where}: span {f.start}-{f.end} does not hold its quote in passage {p.id}")
        problems.extend(f"{where}: plan:value {v!r} is neither xsd:decimal nor xsd:integer"
                        for v in f.get("value") if isinstance(v, bool) or not isinstance(v, int | float))
    return problems


def validate_plan(dataset: Dataset, passages: Sequence[Passage], facts: Sequence[Fact]) -> ValidationResult:
    """One plan's graph: SHACL without the whole-graph queries, then the record-level evidence checks.
    Plan graphs are disjoint, so a build validates only its new or changed plans."""
    import pyshacl

    conforms, report_graph, report_text = pyshacl.validate(
        union_graph(dataset), shacl_graph=plan_shapes(), ont_graph=ontology_graph(),
        inference="none", inplace=True, allow_warnings=True,
    )
    violations = sum(1 for _ in report_graph.subjects(SH.resultSeverity, SH.Violation))
    problems = check_records(passages, facts)
    report = str(report_text) if not conforms else ""
    if problems:
        report += "Record checks:\n" + "\n".join(f"  {m}" for m in problems[:50])
    return ValidationResult(conforms=bool(conforms) and not problems, report=report,
                            violations=violations + len(problems))


def validate_build(build_dir: Path, passages: Sequence[Passage], facts: Sequence[Fact]) -> ValidationResult:
    """Every plan of a build on its own (``validate_plan`` on ``graphs/<plan>.nq``): linear in the build."""
    from kg.build import quiet_dataset_deprecations

    plan_of = {p.id: p.plan for p in passages}
    reports, violations, conforms = [], 0, True
    for nq in sorted((build_dir / "graphs").glob("*.nq")):
        ds = Dataset(default_union=True)
        with quiet_dataset_deprecations():
            ds.parse(nq, format="nquads")
        plan = nq.stem
        result = validate_plan(ds, [p for p in passages if p.plan == plan],
                               [f for f in facts if plan_of.get(f.passage) == plan])
        conforms, violations = conforms and result.conforms, violations + result.violations
        if not result.conforms:
            reports.append(f"{plan}:\n{result.report}")
    return ValidationResult(conforms=conforms, report="\n".join(reports), violations=violations)
