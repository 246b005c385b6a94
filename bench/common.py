"""Shared bench helpers: a real build in a temp dir, a real `plankg serve`, percentiles, tables."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    i = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[i]


def ensure_build(data_dir: str) -> Any:
    from webchat.build import build, is_stale
    from webchat.settings import load_settings

    settings = load_settings({"DATA_DIR": data_dir, "PLANS_DIR": str(ROOT / "data/plans")})
    if is_stale(settings):
        build(settings)
    return settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data_dir: str, workers: int = 2, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environ = {**os.environ, "PLANKG_DATA_DIR": data_dir, "PLANKG_PORT": str(port), "PLANKG_RATE_LIMIT": "off",
               "PLANKG_WORKERS": str(workers), **env}
    proc = subprocess.Popen([sys.executable, "-m", "webchat.cli", "serve"], env=environ, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise TimeoutError("server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
