"""Our /sparql (a real `plankg serve`) beside real `oxigraph serve-read-only` servers on the same export:
dataset semantics (union default, FROM, FROM NAMED, GRAPH, protocol graphs) and every format give the
same results.

Oxigraph's ``--union-default-graph`` applies the union even to a query with ``FROM`` (it overrides the
query's dataset); we use the union only when neither the query nor the request names graphs. So queries
with a dataset clause are compared with a second Oxigraph server without that flag, which honours them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.native import graph_files
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow
OXIGRAPH = ROOT / ".venv" / "bin" / "oxigraph"
G = "https://w3id.org/plankg/graph/pingquan-2021-2035"
NONE = "https://w3id.org/plankg/graph/none"
PREFIXES = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
COUNT = "SELECT (COUNT(*) AS ?n) "


@pytest.fixture(scope="module")
def oxigraph(built: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two read-only Oxigraph servers on one loaded directory: ``union`` and ``plain``."""
    exe = str(OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph") or pytest.fail("no oxigraph CLI"))
    location = tmp_path_factory.mktemp("oxigraph-ro")
    files = graph_files((Path(built["DATA_DIR"]) / "current").resolve(), "nq")
    subprocess.run([exe, "load", "--location", str(location), "--file", *map(str, files)], check=True,
                   capture_output=True)  # fmt: skip
    procs, urls = [], {}
    for name, flags in (("union", ["--union-default-graph"]), ("plain", [])):
        port = free_port()
        procs.append(subprocess.Popen([exe, "serve-read-only", "--location", str(location), "--bind",
                                       f"127.0.0.1:{port}", *flags], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))  # fmt: skip
        urls[name] = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(urls[name], "ASK {}", "application/sparql-results+json")
                break
            except OSError:
                time.sleep(0.1)
    yield urls
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def fetch(url: str, query: str, accept: str, method: str = "get", **params: str) -> tuple[int, str, bytes]:
    pairs = [("query", query), *[(k.replace("_", "-"), v) for k, v in params.items()]]
    if method == "get":
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode(pairs), headers={"Accept": accept})
    else:
        req = urllib.request.Request(url, data=urllib.parse.urlencode(pairs).encode(), headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


@pytest.fixture(scope="module")
def both(live_server: str, oxigraph: dict[str, str]) -> dict[str, str]:
    return {"ours": live_server + "/sparql", "oxigraph": oxigraph["union"], "plain": oxigraph["plain"]}


DATASET = [
    pytest.param(COUNT + "WHERE { ?s ?p ?o }", {}, id="union-default"),
    pytest.param(COUNT + f"FROM <{G}> WHERE {{ ?s ?p ?o }}", {}, id="from-own"),
    pytest.param(COUNT + f"FROM <{NONE}> WHERE {{ ?s ?p ?o }}", {}, id="from-missing"),
    pytest.param(COUNT + f"FROM NAMED <{G}> WHERE {{ ?s ?p ?o }}", {}, id="from-named-only-default-empty"),
    pytest.param(f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{G}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {},
                 id="from-named-graph"),
    pytest.param(f"SELECT ?g (COUNT(*) AS ?n) FROM <{G}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {},
                 id="from-hides-named"),
    pytest.param("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}, id="graph-var"),
    pytest.param(COUNT + f"WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}", {}, id="graph-iri"),
    pytest.param(COUNT + "WHERE { ?s ?p ?o }", {"default_graph_uri": G}, id="protocol-default"),
    pytest.param(COUNT + "WHERE { ?s ?p ?o }", {"named_graph_uri": G}, id="protocol-named-default-empty"),
    pytest.param("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {"named_graph_uri": G},
                 id="protocol-named-graph"),
    pytest.param(COUNT + f"FROM <{NONE}> WHERE {{ ?s ?p ?o }}", {"default_graph_uri": G}, id="protocol-overrides-from"),
]  # fmt: skip


def solutions(body: bytes, media: str) -> Any:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    result = ox.parse_query_results(body, format=fmt)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    names = [v.value for v in result.variables]
    return sorted(tuple(str(row[n]) for n in names) for row in result)


@pytest.mark.parametrize("method", ["get", "form"])
@pytest.mark.parametrize(("query", "params"), DATASET)
def test_dataset_semantics_match(both: dict[str, str], query: str, params: dict[str, str], method: str) -> None:
    reference = "plain" if " FROM " in query else "oxigraph"
    urls = {"ours": both["ours"], "oxigraph": both[reference]}
    got = {side: fetch(url, query, "application/sparql-results+json", method, **params) for side, url in urls.items()}
    assert got["ours"][0] == got["oxigraph"][0] == 200, got
    assert solutions(got["ours"][2], got["ours"][1]) == solutions(got["oxigraph"][2], got["oxigraph"][1])


SELECT = PREFIXES + 'SELECT ?t ?label ?n WHERE { ?t a plan:Town ; rdfs:label ?label BIND(0 AS ?n) } ORDER BY ?label'
ASK = PREFIXES + "ASK { ?t a plan:Town }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?t rdfs:label ?l ; plan:n 0 } WHERE { ?t a plan:Town ; rdfs:label ?l }"
DESCRIBE = PREFIXES + "DESCRIBE ?t WHERE { ?t a plan:Town } LIMIT 1"


@pytest.mark.parametrize("query", [SELECT, ASK], ids=["select", "ask"])
@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])  # fmt: skip
def test_result_formats_match(both: dict[str, str], query: str, media: str) -> None:
    ours, theirs = (fetch(both[side], query, media) for side in ("ours", "oxigraph"))
    assert ours[:2] == theirs[:2] == (200, media)
    if media == "application/sparql-results+json":  # same terms, our writer spaces its JSON differently
        assert solutions(ours[2], media) == solutions(theirs[2], media)
    else:
        assert ours[2] == theirs[2]


def triples(body: bytes, media: str) -> set[str]:
    return {str(q.triple) for q in ox.parse(body, format=ox.RdfFormat.from_media_type(media))}


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/rdf+xml",
                                   "application/ld+json", "application/n-quads", "application/trig"])  # fmt: skip
def test_graph_formats_match(both: dict[str, str], query: str, media: str) -> None:
    ours, theirs = (fetch(both[side], query, media) for side in ("ours", "oxigraph"))
    assert ours[:2] == theirs[:2] == (200, media)
    assert triples(ours[2], media) == triples(theirs[2], media) != set()


def test_nothing_acceptable_is_406_on_both(both: dict[str, str]) -> None:
    assert [fetch(url, SELECT, "image/png")[0] for url in both.values()] == [406, 406, 406]
