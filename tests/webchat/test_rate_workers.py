"""One rate budget across gunicorn workers, against a real `plankg serve` with 2 workers:
with a real redis-server as shared store exactly the limit passes; without one, each worker enforces
its share and the total never exceeds the limit."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.slow

LIMIT = 6
REQUESTS = 30
REDIS = shutil.which("redis-server")


def status_of(url: str) -> int:
    req = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def burst(url: str) -> tuple[int, int]:
    """REQUESTS fresh connections (spread over the workers); (passed, limited)."""
    statuses = [status_of(url + "/api/plans") for _ in range(REQUESTS)]
    return statuses.count(200), statuses.count(429)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if REDIS is None:
        pytest.skip("redis-server not installed (.ci/run installs it with apt)")
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def serve(built: Any, **env: str) -> tuple[Any, str]:
    return start_server(str(built["DATA_DIR"]), PLANKG_WORKERS="2", PLANKG_RATE_LIMIT=f"{LIMIT}/minute", **env)


def workers_answering(proc: Any) -> set[str]:
    import json

    pids = set()
    for line in list(proc.log_lines):
        if line.startswith("{") and '"/api/plans"' in line:
            pids.add(str(json.loads(line)["pid"]))
    return pids


def test_shared_redis_store_holds_one_budget_across_two_workers(built: Any, redis_url: str) -> None:
    proc, url = serve(built, PLANKG_RATE_LIMIT_STORAGE=redis_url)
    try:
        passed, limited = burst(url)
        time.sleep(0.5)
        pids = workers_answering(proc)
        extra = []
        # the kernel may hand every connection to one worker: keep asking (each must be refused, the
        # budget being spent) until the other worker has answered too
        while len(pids) < 2 and len(extra) < 300:
            extra.append(status_of(url + "/api/plans"))
            if len(extra) % 20 == 0:
                time.sleep(0.2)
                pids = workers_answering(proc)
        time.sleep(0.5)
        pids = workers_answering(proc)
    finally:
        stop_server(proc)
    print(f"\n[measure] redis store, 2 workers, {LIMIT}/minute: {passed} of {REQUESTS} passed, "
          f"{limited} limited, {len(pids)} workers answered")
    assert passed == LIMIT and limited == REQUESTS - LIMIT
    assert set(extra) <= {429}
    assert len(pids) == 2  # both workers took requests, and still one budget


def test_without_a_store_each_worker_enforces_its_share(built: Any) -> None:
    proc, url = serve(built)
    try:
        passed, limited = burst(url)
    finally:
        stop_server(proc)
    print(f"\n[measure] memory store, 2 workers, {LIMIT}/minute: {passed} of {REQUESTS} passed")
    assert 1 <= passed <= LIMIT and passed + limited == REQUESTS
