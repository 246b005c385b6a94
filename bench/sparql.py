"""Bench: our /sparql (a real `plankg serve`) beside `oxigraph serve-read-only --union-default-graph` loaded
with the same plan graphs, in one run, loopback only, keep-alive connections on both sides.

    .venv/bin/python bench/sparql.py [--n 40] [--seconds 8] [--data-dir DIR] [--max-seconds 240]

Prints two Markdown tables:
1. latency per example query, p50/p99 in ms, for *new* query texts (a unique comment per request, as
   real traffic: no text cache can help) and for the *repeated* text, and the ratio of the p50s;
2. throughput (requests/s, errors) with 8 keep-alive clients sending new texts, for a light query
   (a lookup) and a heavy one (a join with aggregation), and our share of Oxigraph's;
3. where the time goes: engine in this process, through a query worker, over HTTP, beside Oxigraph;
   and gunicorn's own floor (a WSGI app that does nothing, same worker class).
Our server runs with 2 gunicorn workers, and a per-client cap of 8 with a 10 s queue wait so that
the 8 loopback clients (one address) queue instead of being refused.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, ensure_build, free_port, percentile, serve, stop, table  # noqa: E402
from kg.examples import BY_ID, EXAMPLES  # noqa: E402
from kg.native import graph_files  # noqa: E402

OXIGRAPH = ROOT / ".venv" / "bin" / "oxigraph"
LIGHT, HEAVY = "keytown-and-pole", "counts-per-plan"
_COUNTER = itertools.count()


class Client:
    """One keep-alive HTTP connection posting form-encoded queries."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, query: str) -> tuple[int, float]:
        body = urllib.parse.urlencode({"query": query})
        headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
        t0 = time.perf_counter()
        try:
            self.conn.request("POST", self.path, body, headers)
            resp = self.conn.getresponse()
            resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            return 0, (time.perf_counter() - t0) * 1000
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return resp.status, (time.perf_counter() - t0) * 1000


def fresh(query: str) -> str:
    """The same query as a text no server has seen: a unique trailing comment."""
    return f"{query}\n# request {os.getpid()}-{next(_COUNTER)}-{time.perf_counter_ns()}\n"


def start_oxigraph(graphs: list[Path], location: Path) -> tuple[subprocess.Popen[bytes], str]:
    subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", *map(str, graphs)],
                   check=True, capture_output=True)  # fmt: skip
    port = free_port()
    proc = subprocess.Popen([str(OXIGRAPH), "serve-read-only", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Client(url).post("ASK {}")[0] == 200:
            return proc, url
        time.sleep(0.1)
    proc.kill()
    raise TimeoutError("oxigraph did not start")


def floor_app(environ: dict[str, object], start_response: object) -> list[bytes]:
    """A WSGI app that does nothing: reads the body, answers 2 bytes. Served by the same gunicorn worker
    class as ``plankg serve``, it shows the server's own per-request cost, which no change to our view can
    remove."""
    length = str(environ.get("CONTENT_LENGTH") or "0")
    environ["wsgi.input"].read(int(length) if length.isdigit() else 0)  # type: ignore[attr-defined]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])  # type: ignore[operator]
    return [b"ok"]


def gunicorn_floor(n: int) -> float:
    """p50 ms of ``ASK {}`` posts to :func:`floor_app` under gunicorn with our worker class and threads."""
    from webchat.serve import gunicorn_options
    from webchat.settings import load_settings

    opts = gunicorn_options(load_settings({}))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-k", str(opts["worker_class"]),
                             "--threads", str(opts["threads"]), "-b", f"127.0.0.1:{port}", "bench.sparql:floor_app"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        client, deadline = Client(f"http://127.0.0.1:{port}/"), time.monotonic() + 30
        while client.post("ASK {}")[0] != 200:
            if time.monotonic() > deadline:
                raise TimeoutError("gunicorn did not start")
            time.sleep(0.1)
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            client.post(fresh("ASK {}"))
            samples.append((time.perf_counter() - t0) * 1000)
        return percentile(samples, 50)
    finally:
        stop(proc)


def latency(urls: dict[str, str], n: int, budget: float) -> list[list[str]]:
    """Per example: p50/p99 of new and repeated texts on each side, interleaved request by request."""
    deadline = time.monotonic() + budget
    clients = {side: Client(url) for side, url in urls.items()}
    rows = []
    for ex in EXAMPLES:
        samples: dict[tuple[str, str], list[float]] = {(s, m): [] for s in urls for m in ("new", "repeated")}
        for client in clients.values():
            for _ in range(3):  # warm-up: worker start, caches
                client.post(ex.query)
        for _ in range(n):
            for (side, mode), values in samples.items():
                status, ms = clients[side].post(fresh(ex.query) if mode == "new" else ex.query)
                if status == 200:
                    values.append(ms)
            if time.monotonic() > deadline:
                break
        row = [ex.id, str(len(samples[("plankg", "new")]))]
        for mode in ("new", "repeated"):
            ours, theirs = samples[("plankg", mode)], samples[("oxigraph", mode)]
            row += [f"{percentile(ours, 50):.2f} / {percentile(ours, 99):.2f}",
                    f"{percentile(theirs, 50):.2f} / {percentile(theirs, 99):.2f}",
                    f"{percentile(ours, 50) / percentile(theirs, 50):.2f}×"]  # fmt: skip
        rows.append(row)
    return rows


def throughput(url: str, query: str, clients: int, seconds: float) -> tuple[float, int, int]:
    """``(requests/s, ok, errors)`` of ``clients`` keep-alive clients sending new texts for ``seconds``."""
    ok, errors, lock = [0], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop() -> None:
        client = Client(url)
        while time.monotonic() < stop_at:
            status, _ms = client.post(fresh(query))
            with lock:
                (ok if status == 200 else errors)[0] += 1

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (ok[0] + errors[0]) / (time.monotonic() - t0), ok[0], errors[0]


def breakdown(build: Path, urls: dict[str, str], n: int) -> list[list[str]]:
    """Where a query's time goes (p50 ms, new texts): the engine and Oxigraph's serialiser in this
    process, the same through a query worker (``QueryRunner.submit``: the pipe round trip), then HTTP on
    each side; ``ASK {}`` shows the fixed cost alone."""
    from kg.native import open_engine, run_query
    from kg.sparql import QueryJob, QueryRunner, prefix_map
    from kg.sparql_text import shape_of

    engine, prefixes = open_engine("oxigraph", build), prefix_map()
    clients = {side: Client(url) for side, url in urls.items()}
    rows = []

    def in_process(text: str) -> object:
        return run_query(engine, QueryJob(text), shape_of(text), prefixes)

    with QueryRunner(build, "oxigraph", size=1) as runner:

        def through_worker(text: str) -> object:
            return runner.submit(QueryJob(text))

        for name, query in (("ASK {}", "ASK {}"), (LIGHT, BY_ID[LIGHT].query), (HEAVY, BY_ID[HEAVY].query)):
            row = [name]
            for step in (in_process, through_worker, clients["plankg"].post, clients["oxigraph"].post):
                samples = []
                for i in range(n + 3):
                    text = fresh(query)
                    t0 = time.perf_counter()
                    step(text)
                    if i >= 3:  # warm-up
                        samples.append((time.perf_counter() - t0) * 1000)
                row.append(f"{percentile(samples, 50):.3f}")
            rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=40, help="requests per example, mode and side")
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each throughput run")
    parser.add_argument("--data-dir", help="build directory (default: a fresh build in a temp dir)")
    parser.add_argument("--max-seconds", type=float, default=240.0, help="time budget for the latency table")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or str(Path(tmp) / "data")
        ensure_build(data_dir)
        build_dir = (Path(data_dir) / "current").resolve()
        graphs = graph_files(build_dir, "nq")
        ours, base = serve(data_dir, workers=2, PLANKG_SPARQL_PER_CLIENT="8", PLANKG_SPARQL_QUEUE_WAIT="10")
        theirs, ox_url = start_oxigraph(graphs, Path(tmp) / "oxigraph")
        urls = {"plankg": base + "/sparql", "oxigraph": ox_url}
        try:
            lat = latency(urls, args.n, args.max_seconds)
            tput = []
            for name in (LIGHT, HEAVY):
                got = {side: throughput(url, BY_ID[name].query, 8, args.seconds) for side, url in urls.items()}
                (ro, _oko, eo), (rx, _okx, ex) = got["plankg"], got["oxigraph"]
                tput.append([name, f"{ro:.0f} ({eo} errors)", f"{rx:.0f} ({ex} errors)", f"{ro / rx:.0%}"])
            parts = breakdown(build_dir, urls, 4 * args.n)
            floor = gunicorn_floor(4 * args.n)
        finally:
            stop(ours)
            theirs.terminate()
            theirs.wait(10)
    print("Latency in ms per HTTP request, p50 / p99 (loopback, keep-alive, JSON results).\n")
    print(table(["example", "n", "new: plankg", "new: oxigraph", "new: ratio", "repeated: plankg",
                 "repeated: oxigraph", "repeated: ratio"], lat))  # fmt: skip
    print(f"\nThroughput, 8 keep-alive clients, new query texts, {args.seconds:g} s per run.\n")
    print(table(["query", "plankg req/s", "oxigraph req/s", "plankg / oxigraph"], tput))
    print(f"\nWhere the time goes, p50 ms of {4 * args.n} new texts each (one client, sequential).\n")
    print(table(["query", "engine in-process", "+ worker round trip", "plankg HTTP", "oxigraph HTTP"], parts))
    print(f"\ngunicorn's own floor: p50 {floor:.3f} ms for `ASK {{}}` posted to a WSGI app that does nothing "
          "(`floor_app`), same worker class and threads as `plankg serve`.")
    load_after = os.getloadavg()
    print(f"\nLoad average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} CPUs; other work on the machine "
          "shows here).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
