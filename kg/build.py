"""Records → RDF: one named graph per plan (docs/ARCHITECTURE.md, "Pipeline functions").

Every fact becomes a node ``entity_iri(base, plan, kind, key)`` typed ``plan:<kind>`` with its label,
its plan, the passage it is derived from and the quote (``plan:sourceSpan``) with offsets. Two facts
with the same ``(kind, key)`` are one node with several sources. No blank nodes, so the output
depends only on the records.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS, DefinedNamespace

from ingest.records import Fact, Passage, PlanMeta, Ref, Section, Value
from kg.iri import DEFAULT_BASE, entity_iri, graph_iri, passage_iri, plan_iri, section_iri
from ontology import FACT_KINDS, PLAN

_PREFIXES: dict[str, type[DefinedNamespace]] = {"skos": SKOS, "dcterms": DCTERMS, "schema": SDO, "rdfs": RDFS}

# String-valued properties whose values are codes or symbols, not Chinese text: plain xsd:string.
_PLAIN_STRING = frozenset({PLAN.unit, PLAN.comparator, PLAN.sectionNumber})

# Notes may be written in English by the extractor or quoted in Chinese from the plan.
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_ISSUED = ((re.compile(r"\d{4}"), XSD.gYear), (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
           (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date))  # fmt: skip


@contextmanager
def quiet_dataset_deprecations() -> Iterator[None]:
    """Silence the deprecation warnings rdflib 7.6's Dataset raises about its *own* internal calls
    (``default_context``/``contexts``, RDFLib/rdflib#3475; its TriG parser builds a ConjunctiveGraph).
    Not thread-safe (it swaps the global filters): for loading and serializing, not per request."""
    with warnings.catch_warnings():
        for message in (
            r"Dataset\.(default_context|contexts) is deprecated",
            "ConjunctiveGraph is deprecated",
        ):
            warnings.filterwarnings("ignore", message, DeprecationWarning)
        yield


def bind_prefixes(graph: Graph) -> None:
    """Bind the prefixes the plan graphs use (for readable TriG and SPARQL)."""
    for prefix, ns in (("plan", PLAN), ("prov", PROV), ("dcterms", DCTERMS), ("skos", SKOS),
                       ("schema", SDO), ("rdfs", RDFS), ("xsd", XSD)):  # fmt: skip
        graph.bind(prefix, URIRef(str(ns)), override=True, replace=True)


def predicate(name: str) -> URIRef:
    """The property IRI of a ``Fact.props`` name: a ``plan:`` local name or a CURIE."""
    try:
        if ":" in name:
            prefix, local = name.split(":", 1)
            return _PREFIXES[prefix][local]
        return PLAN[name]
    except (KeyError, AttributeError) as err:
        raise ValueError(f"unknown property name {name!r}") from err


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def decimal(x: float) -> Literal:
    """A float as ``xsd:decimal`` with its shortest repr digits (57.16 stays "57.16")."""
    return Literal(format(Decimal(repr(x)), "f"), datatype=XSD.decimal)


def to_term(pred: URIRef, value: Value, base: str, plan: str) -> URIRef | Literal:
    """Map a ``Fact.props`` value to an RDF term (docs/ARCHITECTURE.md, "Records")."""
    if isinstance(value, Ref):
        return entity_iri(base, plan, value.kind, value.key)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float):
        return decimal(value)
    if pred in _PLAIN_STRING:
        return Literal(value)
    if pred == SKOS.editorialNote and not _CJK.search(value):
        return Literal(value, lang="en")
    return zh(value)


def _issued(issued: str) -> Literal:
    for pattern, datatype in _ISSUED:
        if pattern.fullmatch(issued):
            return Literal(issued, datatype=datatype)
    return Literal(issued)


def add_plan(g: Graph, meta: PlanMeta, base: str) -> URIRef:
    node = plan_iri(base, meta.id)
    g.add((node, RDF.type, PLAN.Plan))
    g.add((node, DCTERMS.identifier, Literal(meta.id)))
    g.add((node, DCTERMS.title, zh(meta.title)))
    g.add((node, RDFS.label, zh(meta.title)))
    if meta.publisher:
        g.add((node, DCTERMS.publisher, zh(meta.publisher)))
    if meta.issued:
        g.add((node, DCTERMS.issued, _issued(meta.issued)))
    years = ((PLAN.periodStart, meta.period_start), (PLAN.periodEnd, meta.period_end),
             (PLAN.nearTermYear, meta.near_term), (PLAN.visionYear, meta.vision))  # fmt: skip
    for pred, year in years:
        if year is not None:
            g.add((node, pred, integer(year)))
    return node


def add_section(g: Graph, section: Section, plan: str, base: str) -> None:
    node = section_iri(base, plan, section.id)
    g.add((node, RDF.type, PLAN.Section))
    g.add((node, PLAN.inPlan, plan_iri(base, plan)))
    g.add((node, DCTERMS.title, zh(section.title)))
    g.add((node, RDFS.label, zh(section.title)))
    g.add((node, PLAN.sectionLevel, integer(section.level)))
    g.add((node, PLAN.startOffset, integer(section.start)))
    g.add((node, PLAN.endOffset, integer(section.end)))
    if section.number is not None:
        g.add((node, PLAN.sectionNumber, Literal(section.number)))
    if section.parent is not None:
        g.add((node, PLAN.parentSection, section_iri(base, plan, section.parent)))
    if section.note:
        g.add((node, SKOS.editorialNote, Literal(section.note, lang="en")))


def add_passage(g: Graph, passage: Passage, base: str) -> None:
    node = passage_iri(base, passage.plan, passage.id)
    g.add((node, RDF.type, PLAN.Passage))
    g.add((node, PLAN.inPlan, plan_iri(base, passage.plan)))
    g.add((node, PLAN.inSection, section_iri(base, passage.plan, passage.section_id)))
    g.add((node, PLAN.text, zh(passage.text)))
    g.add((node, PLAN.heading, zh(passage.heading)))
    g.add((node, PLAN.headingPath, zh(" > ".join(passage.path))))
    g.add((node, PLAN.startOffset, integer(passage.start)))
    g.add((node, PLAN.endOffset, integer(passage.end)))
    if passage.section is not None:
        g.add((node, PLAN.sectionNumber, Literal(passage.section)))


def add_fact(g: Graph, fact: Fact, plan: str, base: str) -> None:
    """Add one fact; a node already labelled differently keeps its label and gains skos:altLabel."""
    if fact.kind not in FACT_KINDS:
        raise ValueError(f"fact {fact.key!r}: unknown kind {fact.kind!r}")
    node = entity_iri(base, plan, fact.kind, fact.key)
    g.add((node, RDF.type, PLAN[fact.kind]))
    label = zh(fact.label)
    if g.value(node, RDFS.label) in (None, label):
        g.add((node, RDFS.label, label))
    else:
        g.add((node, SKOS.altLabel, label))
    g.add((node, PLAN.inPlan, plan_iri(base, plan)))
    g.add((node, PROV.wasDerivedFrom, passage_iri(base, plan, fact.passage)))
    g.add((node, PLAN.sourceSpan, zh(fact.quote)))
    g.add((node, PLAN.spanStart, integer(fact.start)))
    g.add((node, PLAN.spanEnd, integer(fact.end)))
    for name, value in fact.props:
        pred = predicate(name)
        try:
            g.add((node, pred, to_term(pred, value, base, plan)))
        except AttributeError as err:  # Ref("Concept", <not a concept>)
            raise ValueError(f"fact {fact.kind}/{fact.key}: bad value {value!r} for {name}") from err
    if fact.note:
        g.add((node, SKOS.editorialNote, to_term(SKOS.editorialNote, fact.note, base, plan)))


def _check_passages(facts: Iterable[Fact], passages: Sequence[Passage]) -> None:
    known = {p.id for p in passages}
    for fact in facts:
        if fact.passage not in known:
            raise ValueError(f"fact {fact.kind}/{fact.key}: unknown passage {fact.passage!r}")


def to_graph(
    meta: PlanMeta,
    sections: Sequence[Section],
    passages: Sequence[Passage],
    facts: Sequence[Fact],
    base: str = DEFAULT_BASE,
    *,
    dataset: Dataset | None = None,
) -> Dataset:
    """Build the plan's named graph ``graph_iri(base, meta.id)``.

    Pass ``dataset`` to add this plan to an existing dataset (one graph per plan). The returned
    dataset has ``default_union=True``: its default graph is the union of the plan graphs.
    Raises ``ValueError`` for an unknown kind, property, concept or passage id.
    """
    _check_passages(facts, passages)
    ds = dataset if dataset is not None else Dataset(default_union=True)
    bind_prefixes(ds)
    g = ds.graph(graph_iri(base, meta.id))
    g.remove((None, None, None))  # rebuilding a plan replaces its graph
    add_plan(g, meta, base)
    for section in sections:
        add_section(g, section, meta.id, base)
    for passage in passages:
        add_passage(g, passage, base)
    for fact in facts:
        add_fact(g, fact, meta.id, base)
    return ds


def plan_graphs(dataset: Dataset) -> list[Graph]:
    """The dataset's named graphs that hold triples, sorted by graph IRI."""
    graphs = [
        g
        for g in dataset.graphs()
        if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g) > 0
    ]
    return sorted(graphs, key=lambda g: str(g.identifier))


def _ox_term(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unexpected term {term!r} (the plan graphs hold no blank nodes)")


def _sorted_lines(data: bytes | None) -> list[str]:
    return sorted((data or b"").decode("utf-8").splitlines())


def plan_files(dataset: Dataset) -> tuple[bytes, bytes]:
    """The dataset's plan graphs as ``(N-Quads, TriG)`` bytes, serialised by pyoxigraph, lines sorted.

    The TriG holds one ``<graph> { … }`` block per graph with N-Triples lines inside, so the TriG of
    several plans is the concatenation of their TriG. Both depend only on the triples."""
    import pyoxigraph as ox

    nq_parts, trig_parts = [], []
    for graph in plan_graphs(dataset):
        name = ox.NamedNode(str(graph.identifier))
        triples = [ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph]
        nt = _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        nq = _sorted_lines(ox.serialize([ox.Quad(t.subject, t.predicate, t.object, name) for t in triples],
                                        format=ox.RdfFormat.N_QUADS))
        nq_parts.append("".join(line + "\n" for line in nq))
        trig_parts.append(f"{name} {{\n" + "".join(line + "\n" for line in nt) + "}\n")
    return "".join(nq_parts).encode("utf-8"), "".join(trig_parts).encode("utf-8")
