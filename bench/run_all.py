"""Every bench on one shared build, as one Markdown document (machine, date, all tables).

Usage: .venv/bin/python bench/run_all.py [--soak] [--duration 20] [--data-dir DIR] [--only NAME ...]
`make bench` runs it. Each bench runs as its own process (eval_answers, latency, sparql, load) against
the same build directory; `--soak` runs the load bench for 600 s per endpoint.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, ensure_build

BENCH = Path(__file__).resolve().parent


def benches(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    duration = 600.0 if args.soak else args.duration
    out = [("eval_answers", []), ("latency", []), ("sparql", []), ("load", ["--duration", f"{duration:g}"])]
    return [(name, extra) for name, extra in out
            if (BENCH / f"{name}.py").exists() and (not args.only or name in args.only)]


def machine() -> list[str]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal:")), 0)
    return [f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
            f"{mem / 1024 / 1024:.1f} GiB memory",
            f"- {platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"- commit: {commit()}"]


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "unknown"
    return (out.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty else "")


def run_bench(name: str, extra: list[str], data_dir: str) -> tuple[str, bool, float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--data-dir", data_dir, *extra],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-20:])
        return f"## {name}: FAILED (exit {proc.returncode})\n\n```\n{tail}\n```", False, seconds
    text = proc.stdout.strip()
    return (text if text.startswith("#") else f"## {name}\n\n{text}"), True, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--soak", action="store_true", help="load bench for 600 s per endpoint")
    ap.add_argument("--duration", type=float, default=20.0, help="load bench seconds per endpoint")
    ap.add_argument("--data-dir", help="an existing data dir (built if stale); default: a temporary one")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these benches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or tmp
        t = time.perf_counter()
        settings = ensure_build(data_dir)
        build_s = time.perf_counter() - t
        parts, ok, timings = [], True, []
        for name, extra in benches(args):
            print(f"bench: running {name} …", file=sys.stderr, flush=True)
            text, passed, seconds = run_bench(name, extra, data_dir)
            parts.append(text)
            ok &= passed
            timings.append(f"{name} {seconds:.0f} s")
    print("# plankg benchmarks\n")
    print("\n".join(machine()))
    print(f"- build: plans in `{Path(settings['PLANS_DIR']).relative_to(ROOT)}`, embedder `{settings['EMBEDDER']}`, "
          f"store `{settings['STORE']}`, built/checked in {build_s:.1f} s; bench wall time: {', '.join(timings)}\n")
    print("\n\n".join(parts))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
