"""Latency of /api/ask over real HTTP (gunicorn on loopback) beside the bare cost of one embed + BM25 +
dense search, measured in the same run on the same build.

Usage: .venv/bin/python bench/latency.py [--rounds 5] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import urllib.request

from common import ROOT, ensure_build, percentile, serve, stop, table


def bare_costs(settings: object, questions: list[str], rounds: int) -> dict[str, list[float]]:
    from ingest.tokenize import tokens
    from retrieval.search import _bm25_scores, _dense_ranked, hybrid_search, normalize_query
    from webchat.resources import Build

    b = Build.open(settings)
    out: dict[str, list[float]] = {"embed": [], "bm25": [], "dense": [], "hybrid_search": [], "answer (in-process)": []}
    for _ in range(rounds):
        for q in questions:
            n = normalize_query(q)
            t = time.perf_counter()
            vec = b.embedder.encode([n])
            out["embed"].append(time.perf_counter() - t)
            t = time.perf_counter()
            _bm25_scores(b.index, tokens(b.tokenizer, n), b.index.span(None))
            out["bm25"].append(time.perf_counter() - t)
            t = time.perf_counter()
            _dense_ranked(b.index, vec[0], 20, b.index.span(None))
            out["dense"].append(time.perf_counter() - t)
            t = time.perf_counter()
            hybrid_search(b.index, b.tokenizer, b.embedder, q, top_k=5)
            out["hybrid_search"].append(time.perf_counter() - t)
            t = time.perf_counter()
            b.ask(q)
            out["answer (in-process)"].append(time.perf_counter() - t)
    return out


def http_costs(url: str, questions: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            body = json.dumps({"question": q}).encode()
            req = urllib.request.Request(url + "/api/ask", body, {"Content-Type": "application/json"})
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as resp:
                resp.read()
            times.append(time.perf_counter() - t)
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--data-dir")
    args = ap.parse_args()
    questions = [json.loads(x)["question"] for x in
                 (ROOT / "tests/data/dev_questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or tmp
        settings = ensure_build(data_dir)
        proc, url = serve(data_dir, workers=1)
        try:
            http_costs(url, questions[:10], 1)  # warm
            http = http_costs(url, questions, args.rounds)
        finally:
            stop(proc)
        bare = bare_costs(settings, questions, args.rounds)
    rows = [["POST /api/ask (HTTP, gunicorn 1 worker)", len(http), f"{percentile(http, 50) * 1e3:.2f}",
             f"{percentile(http, 99) * 1e3:.2f}"]]
    rows += [[name, len(v), f"{percentile(v, 50) * 1e3:.3f}", f"{percentile(v, 99) * 1e3:.3f}"] for name, v in bare.items()]
    print(f"## Latency ({len(questions)} dev questions × {args.rounds} rounds, sequential)\n")
    print(table(["what", "n", "p50 ms", "p99 ms"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
