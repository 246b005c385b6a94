"""No query reaches the network: every SERVICE spelling, trick and placement against a real TCP listener.

Two walls, each tested alone: the screen in the request thread (``service`` after unescaping and
case folding), and the worker processes' seccomp filter (queries sent straight to a worker).
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import QueryRejected
from kg.sparql import QueryJob, QueryRunner
from kg.sparql_text import screen


class Listener:
    """A real TCP server on loopback that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: 40\r\n\r\n" + b'{"head":{"vars":[]},"results":{"bindings":[]}}'[:40])
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    srv = Listener()
    yield srv
    srv.close()


def placements(service: str) -> list[str]:
    """``service`` (a SERVICE clause) in every position a query can hold it."""
    return [
        f"SELECT ?x WHERE {{ {service} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {service} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {service} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ {service} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?x WHERE {{ {service} }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ {service} }} }}",
        f"ASK {{ {{ ?s ?p ?o }} UNION {{ {service} }} }}",
        f"CONSTRUCT {{ ?s ?p ?x }} WHERE {{ {service} }}",
    ]


def services(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/"
    esc_url = "".join(f"\\u{ord(c):04X}" for c in url)
    keywords = ["SERVICE", "service", "SeRvIcE", "sErViCe SILENT", "\\u0053ERVICE", "SERV\\u0049CE", "\\U00000053ERVICE",
                "\\u0073\\u0065\\u0072\\u0076\\u0069\\u0063\\u0065"]  # fmt: skip
    iris = [f"<{url}>", f"<{esc_url}>", "ex:", "ex:sparql"]
    out = []
    for kw, iri in itertools.product(keywords, iris):
        out.append(f"{kw} {iri} {{ ?s ?p ?x }}")
    return out


def tricks(port: int) -> list[str]:
    """The two bypasses of the old rdflib check, and relatives: comment and string lexing differences."""
    url = f"<http://127.0.0.1:{port}/>"
    body = f"SERVICE {url} {{ ?s ?p ?x }}"
    double_escaped = body.replace("SERVICE", "\\u005Cu0053ERVICE")
    return [
        f"SELECT ?x WHERE {{ # \r {body} \n }}",
        f"SELECT ?x WHERE {{ # \r\n {body} \n }}",
        f"SELECT ?x WHERE {{ # \f {body} \n }}",
        f"SELECT ?x WHERE {{ #\r{body} }}",
        f'SELECT ?x WHERE {{ BIND("a\\u0022 AS ?y) # " ) {body} }}',
        f"SELECT ?x WHERE {{ BIND('a\\u0027 AS ?y) # ' ) {body} }}",
        f'SELECT ?x WHERE {{ BIND("""a\\u0022\\u0022\\u0022 AS ?y) # """ ) {body} }}',
        f"SELECT ?x WHERE {{ BIND(<urn:a\\u003E AS ?y) # > ) {body} }}",
        f"PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT ?x WHERE {{ SERVICE ex: {{ ?s ?p ?x }} }}",
        f"SELECT ?x WHERE {{ {body.replace('SERVICE', 'ſervice')} }}",
        f"SELECT ?x WHERE {{ {body.replace('SERVICE', 'SERVİCE')} }}",
        f"SELECT ?x WHERE {{ {double_escaped} }}",
    ]


def corpus(port: int) -> list[str]:
    prefix = f"PREFIX ex: <http://127.0.0.1:{port}/>\n"
    return [prefix + q for s in services(port) for q in placements(s)] + tricks(port)


def send(client: Any, how: str, query: str) -> Any:
    if how == "get":
        return client.get("/sparql", query_string={"query": query})
    if how == "form":
        return client.post("/sparql", data={"query": query})
    return client.post("/sparql", data=query.encode("utf-8"), content_type="application/sparql-query")


def test_corpus_is_large_and_varied(listener: Listener) -> None:
    queries = corpus(listener.port)
    assert len(queries) > 250
    assert any("\r" in q for q in queries) and any("\f" in q for q in queries)


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_every_service_query_is_refused_and_nothing_connects(client: Any, listener: Listener, how: str) -> None:
    statuses = set()
    for query in corpus(listener.port):
        resp = send(client, how, query)
        body = resp.get_json()
        assert 400 <= resp.status_code < 500, (query, resp.status_code, body)
        assert body["ok"] is False and body["status"] == resp.status_code
        statuses.add(resp.status_code)
    assert listener.accepted == 0
    assert statuses == {400}


def test_load_and_updates_are_refused_and_nothing_connects(client: Any, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    for query in (f"LOAD <{url}>", f"load <{url}> INTO GRAPH <urn:g>", f"PREFIX a: <urn:a>\nLOAD SILENT <{url}>",
                  f"# c\rLOAD <{url}>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL"):  # fmt: skip
        for how in ("get", "form", "direct"):
            resp = send(client, how, query)
            assert resp.status_code == 400, (query, resp.get_json())
    for data, media in ((f"LOAD <{url}>", "application/sparql-update"),):
        assert client.post("/sparql", data=data, content_type=media).status_code == 400
    assert client.post("/sparql", data={"update": f"LOAD <{url}>"}).status_code == 400
    assert listener.accepted == 0


def test_screen_refuses_each_corpus_query(listener: Listener) -> None:
    for query in corpus(listener.port):
        with pytest.raises(QueryRejected):
            screen(query, 100_000)


@pytest.fixture(scope="module")
def runner(built: Any) -> Iterator[QueryRunner]:
    with QueryRunner((Path(built["DATA_DIR"]) / "current").resolve(), "oxigraph", size=1, timeout=5) as r:
        yield r


def test_the_worker_wall_holds_without_the_screen(runner: QueryRunner, listener: Listener) -> None:
    """Straight to a worker (no screen): Oxigraph tries SERVICE and the seccomp filter stops it."""
    url = f"http://127.0.0.1:{listener.port}/"
    with pytest.raises(QueryRejected, match="network"):
        runner.submit(QueryJob(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
    for query in (f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
                  f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"):  # fmt: skip
        try:
            runner.submit(QueryJob(query))
        except QueryRejected:
            pass
    assert listener.accepted == 0
    assert runner.workers() and all(p.poll() is None for p in runner.workers())
