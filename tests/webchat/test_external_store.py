"""Scale-out path: the graph served by a real external `oxigraph serve`, kept in step plan by plan.

A build with ``STORE=sparql:<query-url>`` and ``STORE_UPDATE_URL`` pushes every plan graph on the
first build; after one plan changes, the next build drops and loads that plan's graph only (the update
requests are recorded by a small forwarding proxy in front of the server), the other graphs keep
their triples, and /api/ask and /sparql answer through the external server."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.iri import graph_iri
from tests.conftest import free_port, settings_for, wait_http
from tests.webchat.test_incremental import CHANGED, change_one_plan, copy_plans
from webchat.build import build

OXIGRAPH_CLI = Path(sys.executable).with_name("oxigraph")
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")


class Recorder(http.server.ThreadingHTTPServer):
    """Forwards every request to ``upstream`` and keeps the bodies of the update requests."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream = upstream
        self.updates: list[str] = []
        self.queries = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        return

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        if self.path.startswith("/update") and body is not None:
            self.server.updates.append(body.decode("utf-8"))
        elif self.path.startswith("/query"):
            self.server.queries += 1
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(self.server.upstream + self.path, data=body, method=self.command,
                                         headers=headers)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                status, out, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as err:
            status, out, kind = err.code, err.read(), err.headers.get("Content-Type", "")
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = _forward
    do_POST = _forward


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorder]:
    """A real `oxigraph serve --union-default-graph` behind a recording proxy."""
    if not OXIGRAPH_CLI.exists():
        pytest.skip("oxigraph CLI not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen([str(OXIGRAPH_CLI), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    recorder = Recorder(f"http://127.0.0.1:{port}")
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    try:
        wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 60, proc)
        yield recorder
    finally:
        recorder.shutdown()
        recorder.server_close()
        proc.terminate()
        proc.wait(timeout=10)


def graph_counts(query_url: str) -> dict[str, int]:
    import json
    import urllib.parse

    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    url = query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
        rows = json.loads(response.read())["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def ask_server(query_url: str, graph: str, text: str) -> bool:
    import json
    import urllib.parse

    query = f'ASK {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{text}")) }} }}'
    url = query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
        return bool(json.loads(response.read())["boolean"])


def local_counts(build_dir: Path) -> dict[str, int]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build_dir / "oxigraph"))
    return {str(g.value): len(list(store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()}


def graphs_named(updates: list[str]) -> set[str]:
    return {m for u in updates for m in re.findall(r"GRAPH <([^>]+)>", u)}


@pytest.fixture(scope="module")
def builds(server: Recorder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    plans = copy_plans(tmp_path_factory.mktemp("plans"))
    settings = settings_for(tmp_path_factory.mktemp("var"), PLANS_DIR=str(plans),
                            STORE=f"sparql:{server.url}/query", STORE_UPDATE_URL=f"{server.url}/update")  # fmt: skip
    first = build(settings)
    first_updates, first_counts = list(server.updates), graph_counts(f"{server.url}/query")
    server.updates.clear()
    had = ask_server(f"{server.url}/query", str(graph_iri(settings["IRI_BASE"], CHANGED)), "全县森林覆盖率")
    change_one_plan(plans)
    second = build(settings)
    return {"settings": settings, "first": first, "second": second, "first_updates": first_updates,
            "first_counts": first_counts, "second_updates": list(server.updates), "first_had_edit": had}  # fmt: skip


def test_first_build_pushes_every_plan_graph(builds: dict[str, Any]) -> None:
    local = local_counts(builds["first"].path)
    assert len(local) == 3
    assert builds["first_counts"] == local
    assert graphs_named(builds["first_updates"]) == set(local)


def test_a_changed_plan_replaces_only_its_graph(builds: dict[str, Any], server: Recorder) -> None:
    changed = str(graph_iri(builds["settings"]["IRI_BASE"], CHANGED))
    updates = builds["second_updates"]
    assert updates[0] == f"DROP SILENT GRAPH <{changed}>"
    assert all(u.startswith(f"INSERT DATA {{ GRAPH <{changed}> {{") for u in updates[1:]) and len(updates) > 1
    assert graphs_named(updates) == {changed}
    now = graph_counts(f"{server.url}/query")
    assert now == local_counts(builds["second"].path)
    before = builds["first_counts"]
    assert {g: n for g, n in now.items() if g != changed} == {g: n for g, n in before.items() if g != changed}
    assert ask_server(f"{server.url}/query", changed, "全县森林覆盖率")  # the edited text is there
    assert not builds["first_had_edit"]


def test_an_unchanged_rebuild_sends_no_update(builds: dict[str, Any], server: Recorder) -> None:
    server.updates.clear()
    build(builds["settings"])
    assert server.updates == []


def test_ask_and_sparql_answer_through_the_external_server(builds: dict[str, Any], server: Recorder) -> None:
    from webchat import create_app

    s = builds["settings"]
    app = create_app({"DATA_DIR": s["DATA_DIR"], "PLANS_DIR": s["PLANS_DIR"], "RATE_LIMIT": "off",
                      "STORE": s["STORE"], "STORE_UPDATE_URL": s["STORE_UPDATE_URL"]})  # fmt: skip
    client = app.test_client()
    ask = client.post("/api/ask", json={"question": "森林覆盖率是多少？", "plan": CHANGED})
    assert ask.status_code == 200, ask.get_json()
    answer = ask.get_json()
    assert "58.3" in str(answer) or "60" in str(answer), answer  # the changed plan's own figure
    changed = str(graph_iri(s["IRI_BASE"], CHANGED))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{changed}> {{ ?s ?p ?o }} }}"
    before, asked = len(server.updates), server.queries
    out = client.get("/sparql", query_string={"query": query},
                     headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert out.status_code == 200, out.get_data(as_text=True)
    assert server.queries > asked  # the query went to the external server
    n = int(out.get_json()["results"]["bindings"][0]["n"]["value"])
    assert n == graph_counts(f"{server.url}/query")[changed]
    union = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert int(union.get_json()["results"]["bindings"][0]["n"]["value"]) == sum(graph_counts(f"{server.url}/query").values())
    assert len(server.updates) == before  # reads only


def test_a_removed_plan_drops_its_graph_only(builds: dict[str, Any], server: Recorder) -> None:
    s = builds["settings"]
    gone = str(graph_iri(s["IRI_BASE"], "synthetic-county-a"))
    before = graph_counts(f"{server.url}/query")
    (Path(s["PLANS_DIR"]) / "synthetic-county-a.json").unlink()
    server.updates.clear()
    after_build = build(s)
    assert server.updates == [f"DROP SILENT GRAPH <{gone}>"]
    now = graph_counts(f"{server.url}/query")
    assert now == {g: n for g, n in before.items() if g != gone} == local_counts(after_build.path)
