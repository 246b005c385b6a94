"""Real SPARQL clients against a real `plankg serve`: SPARQLWrapper (GET and POST; SELECT, ASK, CONSTRUCT in
every return format it offers) and rdflib's SPARQLStore (XML and JSON results)."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import GET, JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.slow
PREFIX = "PREFIX plan: <https://w3id.org/plankg/ontology#>\n"
SELECT = PREFIX + "SELECT (COUNT(?p) AS ?n) (0 AS ?zero) (false AS ?no) WHERE { ?p a plan:ForestPark }"
ASK = PREFIX + "ASK { ?t a plan:Town }"
CONSTRUCT = PREFIX + "CONSTRUCT { ?t a plan:Town } WHERE { ?t a plan:Town }"


def client(live_server: str, method: str, fmt: str, query: str) -> Any:
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setMethod(method)
    sw.setReturnFormat(fmt)
    sw.setQuery(query)
    return sw.query().convert()


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json_and_xml(live_server: str, method: str) -> None:
    rows = client(live_server, method, JSON, SELECT)["results"]["bindings"]
    assert [(r["n"]["value"], r["zero"]["value"], r["no"]["value"]) for r in rows] == [("6", "0", "false")]
    doc = client(live_server, method, XML, SELECT)
    values = [lit.firstChild.data for lit in doc.getElementsByTagName("literal")]
    assert values == ["6", "0", "false"]  # 0 and false are not printed empty


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_ask(live_server: str, method: str) -> None:
    assert client(live_server, method, JSON, ASK)["boolean"] is True


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, XML, N3, JSONLD])
def test_sparqlwrapper_construct(live_server: str, method: str, fmt: str) -> None:
    graph = client(live_server, method, fmt, CONSTRUCT)
    if not isinstance(graph, Graph):  # Turtle / N3 / JSON-LD come back as bytes
        graph = Graph().parse(data=graph, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}[fmt])
    assert len(graph) == 12


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's SPARQLStore on ConjunctiveGraph
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore_reads_counts(live_server: str, fmt: str) -> None:
    graph = Graph(store=SPARQLStore(live_server + "/sparql", returnFormat=fmt))
    rows = list(graph.query(SELECT))
    assert [(int(r[0]), r[1], r[2]) for r in rows] == [(6, Literal(0), Literal(False))]
    assert graph.query(ASK).askAnswer is True
