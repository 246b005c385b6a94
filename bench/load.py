"""Sustained load on a real `plankg serve` (gunicorn, 2 workers) over loopback: closed-loop client threads
on keep-alive connections, first POST /api/ask with the dev questions, then POST /sparql with the example
queries. Reports req/s, errors, p50/p99 latency and the RSS of each gunicorn worker before and after.

Usage: .venv/bin/python bench/load.py [--duration 30] [--clients 8] [--workers 2] [--threads 4] [--data-dir DIR]
The soak run is `--duration 600`. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, ensure_build, percentile, serve, stop, table

Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def ask_requests() -> list[Request]:
    lines = (ROOT / "tests/data/dev_questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [("POST", "/api/ask", json.dumps({"question": json.loads(x)["question"]}).encode(),
             {"Content-Type": "application/json"}) for x in lines if x.strip()]


def sparql_requests() -> list[Request]:
    from kg.examples import EXAMPLES

    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Accept": "application/sparql-results+json"}
    return [("POST", "/sparql", urllib.parse.urlencode({"query": e.query}).encode(), headers) for e in EXAMPLES]


def client_loop(url: str, requests: list[Request], offset: int, deadline: float, tally: Tally) -> None:
    """One closed-loop client: send, read, repeat until ``deadline``; reconnect after a failure."""
    split = urllib.parse.urlsplit(url)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(split.hostname, split.port, timeout=60)

    conn, i = connect(), offset
    while time.monotonic() < deadline:
        method, path, body, headers = requests[i % len(requests)]
        i += 1
        t = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException) as exc:
            tally.error(type(exc).__name__)
            conn.close()
            conn = connect()
            continue
        if resp.status == 200:
            tally.latencies.append(time.perf_counter() - t)
        else:
            tally.error(str(resp.status))
    conn.close()


def run_load(url: str, requests: list[Request], clients: int, duration: float) -> tuple[Tally, float]:
    tallies = [Tally() for _ in range(clients)]
    deadline = time.monotonic() + duration
    threads = [threading.Thread(target=client_loop, args=(url, requests, k * 7, deadline, tallies[k]))
               for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    total = Tally()
    for tl in tallies:
        total.latencies += tl.latencies
        for k, v in tl.errors.items():
            total.errors[k] = total.errors.get(k, 0) + v
    return total, elapsed


def children(pid: int) -> list[int]:
    """Child process ids of ``pid`` (field 4 of /proc/<child>/stat is the parent id)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_rss(master: int) -> dict[int, tuple[float, float]]:
    """RSS (MB) of each gunicorn worker and of its helper processes (SPARQL query runners) together."""
    out = {}
    for pid in children(master):
        try:
            helpers = sum(rss_mb(c) for c in children(pid))
            out[pid] = (rss_mb(pid), helpers)
        except FileNotFoundError:
            continue
    return out


def fmt_rss(rss: dict[int, tuple[float, float]]) -> str:
    return "<br>".join(f"{pid}: {own:.0f}" + (f" (+{helpers:.0f} helpers)" if helpers else "")
                       for pid, (own, helpers) in sorted(rss.items()))


def phase(name: str, url: str, master: int, requests: list[Request], args: argparse.Namespace,
          warm: Callable[[], None]) -> list[object]:
    warm()
    before = worker_rss(master)
    tally, elapsed = run_load(url, requests, args.clients, args.duration)
    after = worker_rss(master)
    n, errors = len(tally.latencies), sum(tally.errors.values())
    err = str(errors) + (f" ({', '.join(f'{k}×{v}' for k, v in sorted(tally.errors.items()))})" if errors else "")
    return [name, args.clients, f"{elapsed:.1f}", n, f"{n / elapsed:.1f}", err,
            f"{percentile(tally.latencies, 50) * 1e3:.1f}", f"{percentile(tally.latencies, 99) * 1e3:.1f}",
            fmt_rss(before), fmt_rss(after)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per endpoint (soak: 600)")
    ap.add_argument("--clients", type=int, default=8, help="closed-loop client threads")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    ap.add_argument("--data-dir", help="an existing data dir (built if stale); default: a temporary one")
    args = ap.parse_args()
    asks, queries = ask_requests(), sparql_requests()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or tmp
        ensure_build(data_dir)
        proc, url = serve(data_dir, workers=args.workers, PLANKG_HOST="127.0.0.1",
                          PLANKG_THREADS=str(args.threads))
        try:
            rows = [
                phase("POST /api/ask", url, proc.pid, asks, args,
                      lambda: run_load(url, asks, args.clients, 2.0)),
                phase("POST /sparql", url, proc.pid, queries, args,
                      lambda: run_load(url, queries, args.clients, 2.0)),
            ]
        finally:
            stop(proc)
    print(f"## Load ({args.workers} gunicorn workers × {args.threads} threads, {args.clients} closed-loop keep-alive clients, "
          f"{args.duration:g} s per endpoint, loopback)\n")
    print(table(["endpoint", "clients", "s", "ok requests", "req/s", "errors", "p50 ms", "p99 ms",
                 "worker RSS MB before", "worker RSS MB after"], rows))
    print(f"\n{len(asks)} dev questions; {len(queries)} SPARQL examples from kg/examples.py, "
          "cycled. RSS from /proc/<pid>/status VmRSS; helpers = the worker's SPARQL query processes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
