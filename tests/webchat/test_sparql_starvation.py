"""/sparql cannot starve the server: a per-client cap on running queries (429) and a bounded wait for
a worker (503 within the wait), while pages and the API keep answering — over a real threaded server."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from webchat import create_app

CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def app(built: Any) -> Iterator[Flask]:
    application = create_app({"DATA_DIR": built["DATA_DIR"], "PLANS_DIR": built["PLANS_DIR"], "RATE_LIMIT": "off",
                              "SPARQL_TIMEOUT": 4, "SPARQL_WORKERS": 1, "SPARQL_PER_CLIENT": 1,
                              "SPARQL_QUEUE_WAIT": 0.3})  # fmt: skip
    yield application
    application.extensions["plankg_sparql"].close()


@pytest.fixture(scope="module")
def server(app: Flask) -> Iterator[str]:
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)
    srv.server_close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sparql(base: str, query: str) -> tuple[int, dict[str, str], bytes]:
    return get(base + "/sparql?" + urllib.parse.urlencode({"query": query}))


def with_slow_query(base: str, check: Any) -> tuple[int, Any]:
    slow: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: slow.update(r=sparql(base, CARTESIAN_COUNT)))
    thread.start()
    time.sleep(0.5)  # the slow query holds the only worker
    try:
        result = check()
        assert thread.is_alive()  # checked while it still ran
    finally:
        thread.join(30)
    return slow["r"][0], result


def test_a_client_runs_one_query_at_a_time_and_pages_keep_answering(server: str) -> None:
    def check() -> Any:
        return sparql(server, "ASK {}"), get(server + "/api/health"), get(server + "/")

    slow_status, (second, health, page) = with_slow_query(server, check)
    assert slow_status == 503  # the timeout stopped it
    status, headers, body = second
    assert status == 429 and json.loads(body)["status"] == 429 and headers["Retry-After"]
    assert health[0] == 200 and page[0] == 200
    assert sparql(server, "ASK {}")[0] == 200


def test_a_query_waits_briefly_for_a_busy_worker(app: Flask, server: str) -> None:
    app.config["SPARQL_PER_CLIENT"] = 2
    try:
        def check() -> Any:
            t0 = time.monotonic()
            return sparql(server, "ASK {}"), time.monotonic() - t0  # for the report in a failure

        _slow, ((status, headers, body), waited) = with_slow_query(server, check)
    finally:
        app.config["SPARQL_PER_CLIENT"] = 1
    assert status == 503 and json.loads(body)["status"] == 503 and headers["Retry-After"]
