"""Bench: the example queries against our /sparql (a real `plankg serve`) and against
`oxigraph serve-read-only` loaded with the same graph.trig, in the same run, loopback only.

    .venv/bin/python bench/sparql.py [--n 50] [--data-dir DIR] [--max-seconds 120]

Prints a Markdown table: p50/p99 per example and side (ms, whole HTTP round trip, one new
connection per request on both sides) and the ratio of the p50s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, ensure_build, free_port, percentile, serve, stop  # noqa: E402
from kg.examples import EXAMPLES  # noqa: E402

OXIGRAPH = ROOT / ".venv" / "bin" / "oxigraph"


def post(url: str, query: str) -> float:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(
        url,
        data=body,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{url} answered {resp.status}")
    return (time.perf_counter() - t0) * 1000


def start_oxigraph(trig: Path, location: Path) -> tuple[subprocess.Popen[bytes], str]:
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(trig)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            post(url, "ASK {}")
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise TimeoutError("oxigraph did not start")


def measure(urls: dict[str, str], n: int, budget: float) -> dict[str, dict[str, list[float]]]:
    """Interleave the two sides per example; stop early (fewer samples) when the budget runs out."""
    deadline = time.monotonic() + budget
    out: dict[str, dict[str, list[float]]] = {}
    for ex in EXAMPLES:
        out[ex.id] = {side: [] for side in urls}
        for url in urls.values():
            for _ in range(3):  # warm-up: worker start, caches
                post(url, ex.query)
        for _ in range(n):
            for side, url in urls.items():
                out[ex.id][side].append(post(url, ex.query))
            if time.monotonic() > deadline:
                break
    return out


def table(results: dict[str, dict[str, list[float]]]) -> str:
    lines = [
        "| example | n | plankg p50 | plankg p99 | oxigraph p50 | oxigraph p99 | p50 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for ex_id, sides in results.items():
        ours, theirs = sides["plankg"], sides["oxigraph"]
        p50o, p50x = percentile(ours, 50), percentile(theirs, 50)
        lines.append(
            f"| {ex_id} | {len(ours)} | {p50o:.2f} | {percentile(ours, 99):.2f} | {p50x:.2f} | "
            f"{percentile(theirs, 99):.2f} | {p50o / p50x:.1f}× |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=50, help="requests per example and side")
    parser.add_argument("--data-dir", help="build directory (default: a fresh build in a temp dir)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time budget for the measurements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or str(Path(tmp) / "data")
        ensure_build(data_dir)
        trig = (Path(data_dir) / "current").resolve() / "graph.trig"
        ours, base = serve(data_dir, workers=1)
        theirs, ox_url = start_oxigraph(trig, Path(tmp) / "oxigraph")
        try:
            results = measure({"plankg": base + "/sparql", "oxigraph": ox_url}, args.n, args.max_seconds)
        finally:
            stop(ours)
            theirs.terminate()
            theirs.wait(10)
    print("Latency in ms per HTTP request (loopback, JSON results).\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
