"""/sparql over the real Pingquan build: protocol methods × formats, refusals, row cap, timeout under load."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from werkzeug.serving import make_server

from webchat import create_app

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = "PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?s ?t WHERE { ?s a plan:Section ; rdfs:label ?t }"
CONSTRUCT = "PREFIX plan: <https://w3id.org/plankg/ontology#> CONSTRUCT WHERE { ?s a plan:Section } LIMIT 3"
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_ROWS = 50


@pytest.fixture(scope="module")
def app(built: Any) -> Iterator[Flask]:
    """The session build, served with a short timeout, a small row cap and a small query limit."""
    config = {"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off",
              "SPARQL_TIMEOUT": 2, "SPARQL_MAX_ROWS": MAX_ROWS, "SPARQL_MAX_QUERY_BYTES": 2000}
    application = create_app(config)
    yield application
    application.extensions["plankg_sparql"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def check_error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body  # type: ignore[no-any-return]


def send(client: FlaskClient, method: str, query: str, **kw: Any) -> Any:
    if method == "get":
        return client.get("/sparql", query_string={"query": query, **kw.pop("args", {})}, **kw)
    if method == "form":
        return client.post("/sparql", data={"query": query}, query_string=kw.pop("args", {}), **kw)
    return client.post(
        "/sparql",
        data=query.encode(),
        content_type="application/sparql-query",
        query_string=kw.pop("args", {}),
        **kw,
    )


def parse_rows(fmt: str, body: bytes) -> int:
    text = body.decode("utf-8")
    if fmt == "json":
        return len(json.loads(text)["results"]["bindings"])
    if fmt == "xml":
        return text.count("<result>")
    return len(text.strip().splitlines()) - 1  # csv / tsv: header line


METHODS = ["get", "form", "direct"]
SELECT_FORMATS = [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                  ("csv", "text/csv"), ("tsv", "text/tab-separated-values")]  # fmt: skip
GRAPH_FORMATS = [("ttl", "text/turtle", "turtle"), ("nt", "application/n-triples", "nt"),
                 ("jsonld", "application/ld+json", "json-ld")]  # fmt: skip


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("fmt", "media"), SELECT_FORMATS)
@pytest.mark.parametrize("by", ["accept", "param"])
def test_select_every_method_and_format(
    client: FlaskClient, method: str, fmt: str, media: str, by: str
) -> None:
    query = SECTIONS + " LIMIT 7"
    kw: dict[str, Any] = {"headers": {"Accept": media}} if by == "accept" else {"args": {"format": fmt}}
    resp = send(client, method, query, **kw)
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == media
    assert parse_rows(fmt, resp.data) == 7
    assert resp.headers["X-PlanKG-Rows"] == "7"
    assert "X-PlanKG-Truncated" not in resp.headers


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("fmt", "media", "rdflib_format"), GRAPH_FORMATS)
def test_construct_every_method_and_format(
    client: FlaskClient, method: str, fmt: str, media: str, rdflib_format: str
) -> None:
    resp = send(client, method, CONSTRUCT, headers={"Accept": media})
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == media
    if fmt == "jsonld":  # rdflib's JSON-LD parser warns (ConjunctiveGraph); read it with Oxigraph
        assert len(list(ox.parse(resp.data, format=ox.RdfFormat.JSON_LD))) == 3
    else:
        assert len(Graph().parse(data=resp.data, format=rdflib_format)) == 3


def test_defaults_without_accept(client: FlaskClient) -> None:
    assert send(client, "get", SECTIONS).mimetype == "application/sparql-results+json"
    assert send(client, "get", CONSTRUCT).mimetype == "text/turtle"
    assert send(client, "get", "ASK { ?s a plan:Passage }").get_json()["boolean"] is True
    ask = send(client, "get", "ASK { ?s a plan:Passage }", headers={"Accept": "text/csv"})
    assert (ask.mimetype, ask.data) == ("text/csv", b"true")  # as Oxigraph answers


def test_row_cap_header(client: FlaskClient) -> None:
    resp = send(client, "get", SECTIONS)
    assert resp.status_code == 200
    assert resp.headers["X-PlanKG-Truncated"] == "true"
    assert resp.headers["X-PlanKG-Row-Limit"] == str(MAX_ROWS)
    assert parse_rows("json", resp.data) == MAX_ROWS


def test_named_graph_and_union_default(client: FlaskClient) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { %s }"
    union = send(client, "get", count % "?s ?p ?o").get_json()
    named = send(
        client, "get", count % "GRAPH <https://w3id.org/plankg/graph/pingquan-2021-2035> { ?s ?p ?o }"
    )
    n_union = int(union["results"]["bindings"][0]["n"]["value"])
    assert n_union > 1000
    assert int(named.get_json()["results"]["bindings"][0]["n"]["value"]) == n_union


@pytest.mark.parametrize(("kwargs", "status"), [
    pytest.param({"query_string": {"update": "CLEAR ALL"}}, 400, id="get-update"),
    pytest.param({"method": "POST", "data": {"update": "CLEAR ALL"}}, 400, id="form-update"),
    pytest.param({"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"}, 400,
                 id="direct-update"),
    pytest.param({"query_string": {"query": "DROP ALL"}}, 400, id="update-as-query"),
    pytest.param({"query_string": {"query": "LOAD <http://example.org/x>"}}, 400, id="load"),
    pytest.param({"query_string": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
                 400, id="service"),
    pytest.param({"query_string": {"query": "SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }"}}, 400,
                 id="from-http"),
    pytest.param({"query_string": {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}}, 400,
                 id="from-file"),
    pytest.param({"query_string": {"query": SECTIONS, "default-graph-uri": "http://example.org/"}}, 400,
                 id="default-graph-uri-foreign"),
    pytest.param({"method": "POST", "data": SECTIONS.encode(), "content_type": "application/sparql-query",
                  "query_string": {"named-graph-uri": "file:///etc/passwd"}}, 400, id="direct-named-graph-uri-foreign"),
    pytest.param({"method": "POST", "data": b"ASK { \xff }", "content_type": "application/sparql-query"}, 400,
                 id="direct-invalid-utf8"),
    pytest.param({"path": "/sparql?query=ASK%20%7B%7D%FF"}, 400, id="get-invalid-utf8"),
    pytest.param({"query_string": {"query": SECTIONS}, "headers": {"Accept": "image/png"}}, 406, id="accept-nothing"),
    pytest.param({"query_string": {"query": SECTIONS}, "headers": {"Accept": "text/turtle"}}, 406,
                 id="accept-graph-for-select"),
    pytest.param({"headers": {"Accept": "image/png"}}, 406, id="description-accept-nothing"),
    pytest.param({"query_string": {"query": "SELECT * WHERE { " + "{ " * 300 + "}" * 300 + " }"}}, 400,
                 id="deep-nesting"),
    pytest.param({"query_string": {"query": 'SELECT * WHERE { ?s ?p "\\u00410042" }'}}, 200, id="escape-valid"),
    pytest.param({"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000}}, 400, id="oversize"),
    pytest.param({"query_string": {"query": "SELECT * WHERE { ?s ?p "}}, 400, id="malformed"),
    pytest.param({"query_string": {"query": SECTIONS, "format": "ttl"}}, 400, id="format-mismatch"),
    pytest.param({"method": "POST", "data": b"{}", "content_type": "application/json"}, 415, id="bad-content-type"),
    pytest.param({"method": "POST", "data": {"other": "1"}}, 400, id="post-without-query"),
    pytest.param({"method": "PUT"}, 405, id="put"),
])  # fmt: skip
def test_refusals_have_the_error_shape(client: FlaskClient, kwargs: dict[str, Any], status: int) -> None:
    resp = client.open(kwargs.pop("path", "/sparql"), **kwargs)
    if status == 200:  # inputs that used to be 500s or 38 s of CPU in the request thread
        assert resp.status_code == 200, resp.data
        return
    check_error(resp, status)


@pytest.mark.parametrize("query", [
    pytest.param("SELECT * WHERE { ?s ?p " + ",".join(["1"] * 900) + " }", id="many-objects"),
    pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 250) + ") } LIMIT 1", id="or-chain"),
    pytest.param("SELECT * WHERE { ?s ?p " + "[ ?p " * 150 + "1" + " ]" * 150 + " }", id="nested-blank-nodes"),
    pytest.param("SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(100)) + " }", id="100-patterns"),
])  # fmt: skip
def test_heavy_texts_are_answered_or_stopped_never_500(client: FlaskClient, query: str) -> None:
    """Texts that cost the old request thread minutes of CPU or a RecursionError: now the worker's problem."""
    resp = send(client, "get", query)
    assert resp.status_code in (200, 400, 503), resp.data
    if resp.status_code != 200:
        check_error(resp, resp.status_code)


def test_head_is_like_get(client: FlaskClient) -> None:
    get = send(client, "get", SECTIONS + " LIMIT 2")
    head = client.head("/sparql", query_string={"query": SECTIONS + " LIMIT 2"})
    assert (head.status_code, head.mimetype, head.data) == (200, get.mimetype, b"")
    assert head.headers["X-PlanKG-Rows"] == "2"


@pytest.mark.parametrize(("query", "value", "media"), [
    (SECTIONS, "json", "application/sparql-results+json"), (SECTIONS, "xml", "application/sparql-results+xml"),
    (SECTIONS, "csv", "text/csv"), (SECTIONS, "tsv", "text/tab-separated-values"),
    (CONSTRUCT, "turtle", "text/turtle"), (CONSTRUCT, "xml", "application/rdf+xml"),
    (CONSTRUCT, "rdf+xml", "application/rdf+xml"), (CONSTRUCT, "json-ld", "application/ld+json"),
    (CONSTRUCT, "n3", "text/n3"), (CONSTRUCT, "json", "application/ld+json"),
    (CONSTRUCT, "nt", "application/n-triples"), (CONSTRUCT, "trig", "application/trig"),
])  # fmt: skip
def test_sparqlwrapper_format_values(client: FlaskClient, query: str, value: str, media: str) -> None:
    resp = send(client, "get", query, args={"format": value})
    assert (resp.status_code, resp.mimetype) == (200, media), resp.data


def test_construct_as_rdf_xml_is_rdf_xml(client: FlaskClient) -> None:
    resp = send(client, "get", CONSTRUCT, headers={"Accept": "application/rdf+xml"})
    assert resp.mimetype == "application/rdf+xml"
    assert len(list(ox.parse(resp.data, format=ox.RdfFormat.RDF_XML))) == 3


def test_protocol_dataset_on_every_method(client: FlaskClient) -> None:
    graph = "https://w3id.org/plankg/graph/pingquan-2021-2035"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = send(client, "get", query).get_json()["results"]["bindings"][0]["n"]["value"]
    for method in METHODS:
        own = send(client, method, query, args={"default-graph-uri": graph})
        assert own.get_json()["results"]["bindings"][0]["n"]["value"] == union
        none = send(client, method, query, args={"named-graph-uri": graph})
        assert none.get_json()["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize(("accept", "page"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True), ("text/html", True),
    ("*/*", False), (None, False), ("text/turtle", False), ("application/rdf+xml", False),
])  # fmt: skip
def test_page_only_for_explicit_html(client: FlaskClient, accept: str | None, page: bool) -> None:
    resp = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert (resp.mimetype == "text/html") is page
    if not page:
        assert resp.mimetype in ("text/turtle", "application/rdf+xml")


def test_browser_gets_the_query_page(client: FlaskClient) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert 'id="yasgui"' in html and 'class="example-query" data-id="keytown-and-pole"' in html
    assert "既是重点镇又是发展极的镇" in html


@pytest.mark.parametrize("path", ["/sparql", "/sparql/description"])
def test_service_description(client: FlaskClient, path: str) -> None:
    resp = client.get(path, headers={"Accept": "text/turtle"})
    assert resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.data, format="turtle")
    rows = list(
        g.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?name ?n WHERE {
          ?svc a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
               sd:defaultDataset/sd:namedGraph ?ng .
          ?ng sd:name ?name ; sd:graph/void:triples ?n .
        }""")
    )
    assert [(str(e).rsplit("/", 1)[1], str(name)) for e, name, _n in rows] == [
        ("sparql", "https://w3id.org/plankg/graph/pingquan-2021-2035")
    ]
    total = send(client, "get", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").get_json()
    assert int(rows[0][2]) == int(total["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[str]:
    """The app on a real threaded HTTP server on loopback."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}/sparql"
    srv.shutdown()
    thread.join(5)
    srv.server_close()


def http_get(url: str, query: str) -> tuple[int, bytes, float]:
    t0 = time.monotonic()
    req = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read(), time.monotonic() - t0
    except urllib.error.HTTPError as err:
        return err.code, err.read(), time.monotonic() - t0


def test_slow_query_times_out_while_cheap_queries_are_answered(server: str) -> None:
    slow: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: slow.update(result=http_get(server, CARTESIAN_COUNT)))
    thread.start()
    time.sleep(0.3)  # let the slow query take its worker
    cheap = [http_get(server, "ASK { ?s a plan:Section }") for _ in range(3)]
    slow_was_running = thread.is_alive()
    thread.join(30)
    status, body, _ = slow["result"]
    assert status == 503
    assert json.loads(body) == {"ok": False, "status": 503, "error": json.loads(body)["error"]}
    assert [(s, json.loads(b)["boolean"]) for s, b, _ in cheap] == [(200, True)] * 3
    assert slow_was_running  # the cheap answers came while the slow query still ran
    status, body, _ = http_get(server, "ASK { ?s a plan:Section }")  # and the endpoint still answers
    assert status == 200
