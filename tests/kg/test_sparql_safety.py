"""kg.sparql: refusals (screen, lexer, Oxigraph in the worker), and the worker runner (timeout, row cap,
formats, dataset) on real stores."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import QueryRejected, QueryTimeout
from ingest.read import read_manifest, read_plan
from ingest.structure import split
from kg.build import to_graph
from kg.iri import DEFAULT_BASE
from kg.sparql import QueryJob, QueryRunner, check_query
from kg.store import write_graph_files

ROOT = Path(__file__).resolve().parents[2]
PLAN_DIR = ROOT / "data" / "plans"
PLAN = "pingquan-2021-2035"
MAX = 20_000
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SECTIONS = "PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?s WHERE { ?s a plan:Section }"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real plan's sections and passages as a graph (graph.trig + oxigraph/), no extractor needed."""
    meta = read_manifest(PLAN_DIR / f"{PLAN}.json")
    doc = read_plan(PLAN_DIR / f"{PLAN}.md", meta)
    sections, passages = split(doc)
    out = tmp_path_factory.mktemp("build")
    write_graph_files(to_graph(meta, sections, passages, []), out)
    return out


def bilingual(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message)) and bool(re.search(r"[A-Za-z]{4,}", message))


REJECTED = [
    pytest.param("INSERT DATA { <urn:a> <urn:b> <urn:c> }", id="insert-data"),
    pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete-where"),
    pytest.param("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", id="modify"),
    pytest.param("LOAD <http://example.org/data.ttl>", id="load-http"),
    pytest.param("LOAD <file:///etc/passwd> INTO GRAPH <urn:x>", id="load-file"),
    pytest.param("CLEAR ALL", id="clear"),
    pytest.param("DROP GRAPH <https://w3id.org/plankg/graph/pingquan-2021-2035>", id="drop"),
    pytest.param("CREATE GRAPH <urn:g>", id="create"),
    pytest.param("COPY DEFAULT TO <urn:g>", id="copy"),
    pytest.param("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", id="service"),
    pytest.param(
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://x/> { ?s ?q ?r } } }",
        id="service-in-optional",
    ),
    pytest.param(
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?q ?r } } }",
        id="service-in-exists",
    ),
    pytest.param(
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?q ?r } } } }",
        id="service-in-subquery",
    ),
    pytest.param("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", id="from-http"),
    pytest.param("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", id="from-file"),
    pytest.param(
        "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", id="from-named"
    ),
    pytest.param(
        "CONSTRUCT { ?s ?p ?o } FROM <https://w3id.org/plankg/id/x> WHERE { ?s ?p ?o }",
        id="from-outside-graphs",
    ),
    pytest.param("SELEKT * WHERE { ?s ?p ?o }", id="malformed"),
    pytest.param("SELECT * WHERE { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }", id="deep-nesting"),
    pytest.param("SELECT * WHERE { ?s <urn:p> \"\\u00410042\" }", id="escape-not-an-error"),
    pytest.param("SELECT * WHERE { ?s nope:p ?o }", id="unknown-prefix"),
    pytest.param("   ", id="empty"),
    pytest.param("SELECT * WHERE { ?s ?p ?o } # " + "x" * MAX, id="oversize"),
]


@pytest.mark.parametrize("query", REJECTED)
def test_refused(runner: QueryRunner, query: str) -> None:
    """Refused by the screen or lexer (check_query) or by Oxigraph in the worker, always a short 400."""
    if "00410042" in query:  # valid SPARQL: answered, not a 500
        assert runner.run(check_query(query, MAX), "json", 10).rows == 0
        return
    with pytest.raises(QueryRejected) as info:
        runner.run(check_query(query, MAX), "json", 10)
    assert bilingual(info.value.message), info.value.message
    assert info.value.status == 400 and len(info.value.message) < 400


@pytest.mark.parametrize(("query", "form"), [
    pytest.param(SECTIONS, "SELECT", id="select"),
    pytest.param("ASK { ?s ?p ?o }", "ASK", id="ask"),
    pytest.param("CONSTRUCT WHERE { ?s a ?o }", "CONSTRUCT", id="construct"),
    pytest.param("DESCRIBE <https://w3id.org/plankg/id/pingquan-2021-2035>", "DESCRIBE", id="describe"),
    pytest.param("SELECT * WHERE { ?s plan:text ?t }", "SELECT", id="bound-prefix"),
    pytest.param(f"SELECT * FROM <{DEFAULT_BASE}/graph/{PLAN}> WHERE {{ ?s ?p ?o }}", "SELECT", id="from-own-graph"),
])  # fmt: skip
def test_check_query_accepts(query: str, form: str) -> None:
    assert check_query(query, MAX).form == form


def test_from_check_follows_the_base() -> None:
    query = "SELECT * FROM <https://plans.example.org/graph/a> WHERE { ?s ?p ?o }"
    assert check_query(query, MAX, "https://plans.example.org").form == "SELECT"
    with pytest.raises(QueryRejected):
        check_query(query, MAX)


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def runner(request: pytest.FixtureRequest, build_dir: Path):
    with QueryRunner(build_dir, request.param, size=2, timeout=2.0) as r:
        yield r


def test_row_cap_truncates(runner: QueryRunner) -> None:
    out = runner.run(check_query(SECTIONS, MAX), "json", 5)
    rows = json.loads(out.body)["results"]["bindings"]
    assert (len(rows), out.rows, out.truncated) == (5, 5, True)
    out = runner.run(check_query(SECTIONS + " LIMIT 3", MAX), "json", 5)
    assert (out.rows, out.truncated) == (3, False)


def test_construct_is_capped_too(runner: QueryRunner) -> None:
    out = runner.run(check_query("CONSTRUCT WHERE { ?s a ?o }", MAX), "nt", 4)
    assert (len(out.body.decode().strip().splitlines()), out.truncated) == (4, True)


@pytest.mark.parametrize(("fmt", "media", "marker"), [
    ("json", "application/sparql-results+json", b'"bindings"'),
    ("xml", "application/sparql-results+xml", b"<sparql"),
    ("csv", "text/csv", b"s\r\n"),
    ("tsv", "text/tab-separated-values", b"?s\n<https://w3id.org/plankg/id/"),
])  # fmt: skip
def test_select_formats(runner: QueryRunner, fmt: str, media: str, marker: bytes) -> None:
    out = runner.run(check_query(SECTIONS + " LIMIT 2", MAX), fmt, 100)
    assert out.media_type == media
    assert marker in out.body


def test_tsv_escapes_literals(runner: QueryRunner) -> None:
    out = runner.run(check_query('SELECT ?x WHERE { BIND("a\\tb\\nc"@zh AS ?x) }', MAX), "tsv", 10)
    assert out.body.decode() == '?x\n"a\\tb\\nc"@zh\n'


def test_zero_and_false_literals_survive_every_format(runner: QueryRunner) -> None:
    query = check_query("SELECT ?n ?b WHERE { BIND(0 AS ?n) BIND(false AS ?b) }", MAX)
    assert b">0</literal>" in runner.run(query, "xml", 10).body
    assert b">false</literal>" in runner.run(query, "xml", 10).body
    assert runner.run(query, "csv", 10).body == b"n,b\r\n0,false\r\n"


def test_format_must_fit_the_form(runner: QueryRunner) -> None:
    assert runner.run(check_query("ASK { ?s ?p ?o }", MAX), "csv", 10).body == b"true"
    with pytest.raises(QueryRejected):
        runner.run(check_query(SECTIONS, MAX), "ttl", 10)
    with pytest.raises(QueryRejected):
        runner.run(check_query("CONSTRUCT WHERE { ?s a ?o }", MAX), "json", 10)


def count(runner: QueryRunner, query: str, **job: object) -> int:
    out = runner.submit(QueryJob(query, **job))  # type: ignore[arg-type]
    return int(json.loads(out.body)["results"]["bindings"][0]["n"]["value"])


def test_dataset_clauses_are_honoured(runner: QueryRunner) -> None:
    graph = f"{DEFAULT_BASE}/graph/{PLAN}"
    total = count(runner, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert total > 1000
    assert count(runner, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}") == total
    assert count(runner, f"SELECT (COUNT(*) AS ?n) FROM <{DEFAULT_BASE}/graph/none> WHERE {{ ?s ?p ?o }}") == 0
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(runner, named) == total
    assert count(runner, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ ?s ?p ?o }}") == 0
    assert count(runner, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=(graph,), named_graphs=()) == total
    assert count(runner, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=(), named_graphs=(graph,)) == 0
    with pytest.raises(QueryRejected):
        runner.submit(QueryJob("ASK {}", default_graphs=("http://example.org/g",), named_graphs=()))


def test_timeout_kills_the_worker_and_the_runner_recovers(runner: QueryRunner) -> None:
    with pytest.raises(QueryTimeout) as info:
        runner.run(check_query(CARTESIAN_COUNT, MAX), "json", 10, timeout=1.0)
    assert info.value.status == 503
    assert bilingual(info.value.message)
    out = runner.run(check_query("ASK { ?s a plan:Section }", MAX), "json", 10)
    assert json.loads(out.body)["boolean"] is True


def test_closed_runner_kills_its_workers(build_dir: Path) -> None:
    r = QueryRunner(build_dir, "oxigraph", size=1, timeout=5.0)
    r.run(check_query("ASK { ?s ?p ?o }", MAX), "json", 1)
    (proc,) = r.workers()
    r.close()
    assert proc.poll() is not None


@pytest.fixture(scope="module")
def external(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real `oxigraph serve-read-only --union-default-graph` over the same graph (the `sparql:` store)."""
    import subprocess
    import time
    import urllib.request

    from tests.conftest import free_port

    exe = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "oxigraph")
    location = tmp_path_factory.mktemp("external")
    subprocess.run([exe, "load", "--location", str(location), "--file", str(build_dir / "graph.trig")], check=True,
                   capture_output=True)  # fmt: skip
    port = free_port()
    proc = subprocess.Popen([exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_external_store_answers_through_the_worker(build_dir: Path, external: str) -> None:
    with QueryRunner(build_dir, "sparql:" + external, size=1, timeout=10) as remote:
        assert count(remote, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 1000
        out = remote.run(check_query("CONSTRUCT WHERE { ?s a plan:Section } LIMIT 2", MAX), "nt", 10)
        assert len(out.body.decode().strip().splitlines()) == 2
        with pytest.raises(QueryRejected):
            remote.run(check_query("SELECT * WHERE { ?s ?p ", MAX), "json", 10)
