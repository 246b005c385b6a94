"""The native JSON path gives the same results as the rdflib path, on every example query."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.examples import EXAMPLES
from kg.native import native_json, open_native, with_prefixes
from kg.sparql import check_query, execute
from kg.store import open_store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _rows(body: bytes) -> Any:
    """Bindings as comparable strings; a simple literal and an xsd:string literal are the same term."""
    data = json.loads(body)
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
def stores(built: Any) -> tuple[Any, Any]:
    path = (Path(built["DATA_DIR"]) / "current").resolve()
    native = open_native("oxigraph", path)
    assert native is not None
    return open_store("oxigraph", path), native


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_native_json_equals_rdflib_json(stores: tuple[Any, Any], example: Any) -> None:
    dataset, native = stores
    checked = check_query(example.query, 20000)
    if checked.form not in ("SELECT", "ASK"):
        pytest.skip("native path serves SELECT/ASK only")
    reference = execute(dataset, checked, "json", 10000)
    body, rows, truncated = native_json(native, checked.text, 10000)
    assert _rows(body) == _rows(reference.body)
    assert rows == reference.rows and not truncated


def test_native_row_cap(stores: tuple[Any, Any]) -> None:
    _dataset, native = stores
    body, rows, truncated = native_json(native, "SELECT ?s WHERE { ?s ?p ?o }", 7)
    assert rows == 7 and truncated and len(json.loads(body)["results"]["bindings"]) == 7


def test_prefixes_are_declared_only_when_used_and_missing() -> None:
    text = "PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT * { ?s a plan:Town ; rdfs:label ?l }"
    out = with_prefixes(text)
    assert out.count("PREFIX plan:") == 1 and "PREFIX rdfs:" in out and "PREFIX skos:" not in out
