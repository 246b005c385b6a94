"""Store settings (memory, oxigraph, sparql:<url>) answer alike; pushing to a real Oxigraph server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from kg_sample import BASE, PLAN_ID, make_records
from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.term import Node

from kg.build import to_graph
from kg.iri import graph_iri
from kg.store import GRAPH_FILE, OXIGRAPH_DIR, StoreError, open_store, push_to_endpoint, write_graph_files
from kg.validate import validate

# rdflib 7.6's Dataset warns about its own internal calls (RDFLib/rdflib#3475).
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")

OXIGRAPH_CLI = Path(sys.executable).with_name("oxigraph")
PREFIXES = """PREFIX plan: <https://w3id.org/plankg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
GRAPH = str(graph_iri(BASE, PLAN_ID))


def build_dataset() -> Dataset:
    r = make_records()
    return to_graph(r.meta, r.sections, r.passages, r.facts, BASE)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("build")
    write_graph_files(build_dataset(), directory)
    return directory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise RuntimeError(f"oxigraph serve did not answer at {url}")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``oxigraph serve`` on a free loopback port; yields its base URL."""
    if not OXIGRAPH_CLI.exists():
        pytest.skip("oxigraph CLI not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    args = [str(OXIGRAPH_CLI), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph"]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/query?query=ASK%7B%7D", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(oxigraph_server: str) -> dict[str, int]:
    return push_to_endpoint(build_dataset(), f"{oxigraph_server}/query", f"{oxigraph_server}/update")


def plain(term: Node | None) -> Node | None:
    """RDF 1.1: "x" and "x"^^xsd:string are the same literal; Oxigraph spells the datatype, rdflib not."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def rows(ds: Dataset, query: str) -> list[tuple[str, ...]]:
    result = ds.query(PREFIXES + query)
    return [tuple("" if v is None else plain(v).n3() for v in row) for row in result]  # type: ignore[union-attr]


def quads(ds: Dataset) -> set[tuple[Node | None, ...]]:
    return {(s, p, plain(o), getattr(g, "identifier", g)) for s, p, o, g in ds.quads()}


QUERIES = [
    pytest.param(
        "SELECT ?label WHERE { ?t a plan:Town ; rdfs:label ?label } ORDER BY ?label",
        [(Literal(x, lang="zh").n3(),) for x in sorted(["黄土梁子镇", "七沟镇", "榆树林子镇"])],
        id="towns",
    ),
    pytest.param(
        "SELECT ?key ?v ?unit WHERE { ?i a plan:Indicator ; rdfs:label ?key ; plan:value ?v ; plan:unit ?unit }"
        " ORDER BY ?v",
        [('"常住人口-现状"@zh', '"39.94"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"万人"'),
         ('"城镇化率-2035"@zh', '"65"^^<http://www.w3.org/2001/XMLSchema#integer>', '"%"')],
        id="indicators",
    ),
    pytest.param(
        'SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t rdfs:label "黄土梁子镇"@zh ; prov:wasDerivedFrom ?p }',
        [('"2"^^<http://www.w3.org/2001/XMLSchema#integer>',)],
        id="merged-sources",
    ),
    pytest.param(
        'SELECT ?heading WHERE { ?p plan:text ?t ; plan:heading ?heading FILTER(CONTAINS(?t, "城镇化率≥65%")) }',
        [('"城镇体系"@zh',)],
        id="chinese-filter",
    ),
    pytest.param(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s a plan:Passage }} }}",
        [('"3"^^<http://www.w3.org/2001/XMLSchema#integer>',)],
        id="named-graph",
    ),
    pytest.param(
        'SELECT ?i WHERE { ?i plan:unit "万人" }',
        [(f"<{BASE}/id/{PLAN_ID}/indicator/常住人口-现状>",)],
        id="plain-literal-pattern",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_memory_and_oxigraph_answer_alike(
    build_dir: Path, query: str, expected: list[tuple[str, ...]]
) -> None:
    assert rows(open_store("memory", build_dir), query) == expected
    assert rows(open_store("oxigraph", build_dir), query) == expected


@pytest.mark.slow
@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_external_endpoint_answers_alike(
    oxigraph_server: str, pushed: dict[str, int], query: str, expected: list[tuple[str, ...]]
) -> None:
    assert rows(open_store(f"sparql:{oxigraph_server}/query", Path("unused")), query) == expected


@pytest.mark.slow
def test_push_replaces_graphs_and_reports_counts(oxigraph_server: str, pushed: dict[str, int]) -> None:
    ds = build_dataset()
    assert pushed == {GRAPH: len(ds.graph(URIRef(GRAPH)))}
    again = push_to_endpoint(ds, f"{oxigraph_server}/query", f"{oxigraph_server}/update")
    assert again == pushed  # replaced, not doubled


@pytest.mark.slow
def test_push_refused_raises(oxigraph_server: str) -> None:
    with pytest.raises(StoreError, match="40"):
        push_to_endpoint(build_dataset(), f"{oxigraph_server}/query", f"{oxigraph_server}/no-such-endpoint")


def test_all_settings_hold_the_same_triples(build_dir: Path) -> None:
    expected = quads(build_dataset())
    assert len(expected) > 100
    for setting in ("memory", "oxigraph"):
        assert quads(open_store(setting, build_dir)) == expected


@pytest.mark.parametrize("setting", ["memory", "oxigraph"])
def test_opened_store_validates(build_dir: Path, setting: str) -> None:
    result = validate(open_store(setting, build_dir))
    assert result.conforms, result.report


def test_oxigraph_directory_opens_read_only_twice(build_dir: Path) -> None:
    first, second = open_store("oxigraph", build_dir), open_store("oxigraph", build_dir)
    assert len(first) == len(second) > 0
    with pytest.raises(RuntimeError, match="read-write"):
        first.add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))


def test_oxigraph_falls_back_to_trig(build_dir: Path, tmp_path: Path) -> None:
    shutil.copy(build_dir / GRAPH_FILE, tmp_path / GRAPH_FILE)
    assert not (tmp_path / OXIGRAPH_DIR).exists()
    assert len(open_store("oxigraph", tmp_path)) == len(open_store("oxigraph", build_dir))


def test_trig_is_byte_identical_across_builds(tmp_path: Path, build_dir: Path) -> None:
    write_graph_files(build_dataset(), tmp_path)
    assert (tmp_path / GRAPH_FILE).read_bytes() == (build_dir / GRAPH_FILE).read_bytes()


@pytest.mark.parametrize("setting", ["postgres", "sparql:ftp://example.org/q", "Memory"])
def test_unknown_settings_raise(build_dir: Path, setting: str) -> None:
    with pytest.raises(StoreError):
        open_store(setting, build_dir)


def test_missing_build_raises(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store("oxigraph", tmp_path)


def test_plan_files_are_bulk_loaded_in_runs_of_bounded_size(tmp_path: Path) -> None:
    from kg.store import _batches

    paths = []
    for i, n in enumerate([5, 5, 5, 20, 1]):
        paths.append(tmp_path / f"{i}.nq")
        paths[-1].write_bytes(b"x" * n)
    assert [[p.stem for p in run] for run in _batches(paths, 10)] == [["0", "1"], ["2"], ["3"], ["4"]]
    assert _batches([], 10) == []
