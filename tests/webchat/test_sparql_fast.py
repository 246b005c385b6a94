"""The /sparql fast path (below Flask) answers exactly as the view does, and leaves to Flask what it must."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from webchat import create_app
from webchat.sparql_fast import SparqlFastPath

SECTIONS = "PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?s ?t WHERE { ?s a plan:Section ; rdfs:label ?t }"
CONSTRUCT = "PREFIX plan: <https://w3id.org/plankg/ontology#> CONSTRUCT WHERE { ?s a plan:Section } LIMIT 3"


@pytest.fixture(scope="module")
def app(built: Any) -> Iterator[Flask]:
    config = {"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off",
              "SPARQL_MAX_ROWS": 5, "TRUSTED_PROXIES": 1}
    application = create_app(config)
    yield application
    application.extensions["plankg_sparql"].close()


@contextmanager
def slow_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as m:
        m.setattr(SparqlFastPath, "eligible", lambda self, environ: False)
        yield


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Which path answered: the fast path's ``answer`` records each call."""
    calls: list[str] = []
    real = SparqlFastPath.answer

    def answer(self: SparqlFastPath, environ: dict[str, Any]) -> Any:
        calls.append("fast")
        return real(self, environ)

    with monkeypatch.context() as m:
        m.setattr(SparqlFastPath, "answer", answer)
        yield calls


REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("get", {"query_string": {"query": SECTIONS}, "headers": {"Accept": "application/sparql-results+json"}}),
    ("post", {"data": {"query": SECTIONS}, "headers": {"Accept": "text/csv"}}),
    ("post", {"data": SECTIONS.encode(), "content_type": "application/sparql-query",
              "headers": {"Accept": "application/sparql-results+xml"}}),
    ("get", {"query_string": {"query": CONSTRUCT, "format": "turtle"}}),
    ("post", {"data": {"query": CONSTRUCT}, "headers": {"Accept": "application/n-triples"}}),
    ("get", {"query_string": {"query": "ASK { ?s ?p ?o }"}, "headers": {"Accept": "text/tab-separated-values"}}),
    # failures: each must come out exactly as the view renders it
    ("get", {"query_string": {"query": "SELECT WHERE {"}}),
    ("get", {"query_string": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}}),
    ("post", {"data": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}),
    ("post", {"data": {"nothing": "x"}}),
    ("post", {"data": b"\xff\xfe", "content_type": "application/sparql-query"}),
    ("get", {"query_string": {"query": SECTIONS}, "headers": {"Accept": "image/png"}}),
    ("get", {"query_string": {"query": CONSTRUCT, "format": "csv"}}),
    ("get", {"query_string": {"query": SECTIONS, "default-graph-uri": "http://elsewhere.example/g"}}),
]


def answer(app: Flask, method: str, kwargs: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    resp = getattr(app.test_client(), method)("/sparql", **kwargs)
    return resp.status_code, dict(resp.headers), resp.data


@pytest.mark.parametrize(("method", "kwargs"), REQUESTS)
def test_fast_and_slow_paths_answer_alike(app: Flask, monkeypatch: pytest.MonkeyPatch, method: str,
                                          kwargs: dict[str, Any]) -> None:
    with counting(monkeypatch) as calls:
        fast = answer(app, method, kwargs)
    assert calls == ["fast"]
    with slow_path(monkeypatch), counting(monkeypatch) as calls:
        slow = answer(app, method, kwargs)
    assert calls == []
    assert fast == slow
    status, headers, body = fast
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]
    if status == 200:
        assert int(headers["Content-Length"]) == len(body) and headers["Vary"] == "Accept"
    else:
        error = app.test_client().application.json.loads(body)
        assert error["ok"] is False and error["status"] == status and error["error"]


def test_truncation_headers_on_the_fast_path(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with counting(monkeypatch) as calls:
        status, headers, _body = answer(app, "get", REQUESTS[0][1])
    assert calls == ["fast"] and status == 200
    assert headers["X-PlanKG-Truncated"] == "true" and headers["X-PlanKG-Row-Limit"] == "5"
    assert headers["X-PlanKG-Rows"] == "5"


def test_what_needs_flask_goes_to_flask(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    with counting(monkeypatch) as calls:
        cors = client.get("/sparql", query_string={"query": SECTIONS}, headers={"Origin": "https://other.example"})
        page = client.get("/sparql", headers={"Accept": "text/html"})
        head = client.head("/sparql", query_string={"query": SECTIONS})
        update = client.post("/sparql", data=b"DROP ALL", content_type="application/sparql-update")
    assert calls == []
    assert cors.status_code == 200 and "Origin" in cors.headers["Vary"]
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert head.status_code == 200 and head.data == b""
    assert update.status_code == 400 and update.get_json()["status"] == 400


def test_the_fast_path_sits_inside_the_proxy_fix(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-client cap counts the address the rest of the app sees (X-Forwarded-For, 1 trusted hop)."""
    seen: list[str] = []
    runners = app.extensions["plankg_sparql"]
    real = runners.slot

    def slot(client: str) -> Any:
        seen.append(client)
        return real(client)

    monkeypatch.setattr(runners, "slot", slot)
    resp = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                 headers={"X-Forwarded-For": "203.0.113.9"})  # fmt: skip
    assert resp.status_code == 200 and seen == ["203.0.113.9"]


def test_a_rate_limited_app_counts_every_query(built: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """With an in-process rate limit the limiter's hooks see every query: no fast path, same budget."""
    limited = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "2/minute",
                          "WORKERS": 1})  # fmt: skip
    try:
        client = limited.test_client()
        with counting(monkeypatch) as calls:
            statuses = [client.get("/sparql", query_string={"query": "ASK {}"}).status_code for _ in range(3)]
        assert calls == [] and statuses == [200, 200, 429]
    finally:
        limited.extensions["plankg_sparql"].close()
