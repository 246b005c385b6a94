"""kg.native: Oxigraph's engine and serialisers in the worker, checked against the rdflib engine on
every example query (same bindings), and its row cap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg import native, store
from kg.examples import EXAMPLES
from kg.native import graph_files, native_json, open_engine, open_native, with_prefixes
from kg.sparql import prefix_map
from kg.store import open_store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rows(data: Any) -> Any:
    """Bindings as comparable strings; a simple literal and an xsd:string literal are the same term."""
    if "boolean" in data:
        return data["boolean"]
    rows = []
    for b in data["results"]["bindings"]:
        for term in b.values():
            if term.get("datatype") == XSD_STRING:
                del term["datatype"]
        rows.append(json.dumps(b, sort_keys=True, ensure_ascii=False))
    return sorted(rows)


@pytest.fixture(scope="module")
def build_dir(built: Any) -> Path:
    return (Path(built["DATA_DIR"]) / "current").resolve()


@pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning")  # rdflib engine, GRAPH ?g
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_native_json_equals_rdflib_json(build_dir: Path, example: Any) -> None:
    dataset, engine = open_store("memory", build_dir), open_native("oxigraph", build_dir)
    reference = json.loads(dataset.query(example.query).serialize(format="json"))
    body, rows, truncated = native_json(engine, example.query, 10000, prefix_map())
    assert _rows(json.loads(body)) == _rows(reference)
    assert not truncated


def test_engines_agree(build_dir: Path) -> None:
    """The in-memory engine and store read the build's per-plan graph files (no union file) and hold
    the same quads as the build's Oxigraph directory."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    counts = [int(json.loads(native_json(open_engine(s, build_dir), query, 10)[0])["results"]["bindings"][0]["n"]
                  ["value"]) for s in ("oxigraph", "memory")]  # fmt: skip
    assert counts[0] == counts[1] > 1000
    assert len(open_store("memory", build_dir)) == counts[0]
    manifest = json.loads((build_dir / "manifest.json").read_text("utf-8"))
    assert [p.stem for p in graph_files(build_dir, "nq")] == sorted(p["id"] for p in manifest["plans"])
    assert not (build_dir / native.GRAPH_FILE).exists()


def test_native_row_cap(build_dir: Path) -> None:
    body, rows, truncated = native_json(open_native("oxigraph", build_dir), "SELECT ?s WHERE { ?s ?p ?o }", 7)
    assert rows == 7 and truncated and len(json.loads(body)["results"]["bindings"]) == 7


def test_prefixes_are_declared_only_when_used_and_missing() -> None:
    text = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT * { ?s a plan:Town ; rdfs:label ?l }"
    out = with_prefixes(text, prefix_map())
    assert out.count("PREFIX plan:") == 1 and "PREFIX rdfs:" in out and "PREFIX skos:" not in out


def test_file_names_match_the_store_module() -> None:
    assert (native.GRAPH_FILE, native.OXIGRAPH_DIR) == (store.GRAPH_FILE, store.OXIGRAPH_DIR)


def test_workers_know_the_default_base() -> None:
    from kg import iri, sparql

    assert sparql.DEFAULT_BASE == iri.DEFAULT_BASE
