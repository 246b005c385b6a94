"""The walls around SPARQL workers: no network (seccomp, or a network namespace), a memory cap, and
death with the parent — each on real processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kg.sparql import QueryAborted, QueryJob, QueryRunner

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, socket, sys
sys.path.insert(0, sys.argv[1])
from kg import sandbox
wall = sandbox._unshare_network() or "netns" if sys.argv[2] == "netns" else sandbox.deny_network()
out = {"wall": wall}
for name, family in (("inet", socket.AF_INET), ("inet6", socket.AF_INET6), ("netlink", socket.AF_NETLINK)):
    try:
        s = socket.socket(family, socket.SOCK_DGRAM if family == socket.AF_NETLINK else socket.SOCK_STREAM)
        try:
            s.connect(("127.0.0.1", int(sys.argv[3]))) if family == socket.AF_INET else None
            out[name] = "connected" if family == socket.AF_INET else "created"
        except OSError as exc:
            out[name] = "created, connect failed: %s" % exc.errno
    except OSError as exc:
        out[name] = "refused %s" % exc.errno
a, b = socket.socketpair()
out["unix"] = "ok"
print(json.dumps(out))
"""
DOUBLING = ('SELECT (STRLEN(?x) AS ?n) WHERE { BIND("aaaaaaaaaaaaaaaa" AS ?a0) '
            + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(30)) + " BIND(?a30 AS ?x) }")
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def probe(mode: str, port: int, prefix: list[str] | None = None) -> dict[str, str]:
    out = subprocess.run([*(prefix or []), sys.executable, "-c", PROBE, str(ROOT), mode, str(port)],
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def port() -> Any:
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    yield srv.getsockname()[1]
    srv.close()


def test_seccomp_refuses_network_sockets_and_keeps_unix_ones(port: int) -> None:
    out = probe("seccomp", port)
    assert out == {"wall": "seccomp", "inet": "refused 1", "inet6": "refused 1", "netlink": "refused 1",
                   "unix": "ok"}  # fmt: skip


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
as_nobody = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                               reason="needs root and setpriv to drop to an unprivileged user")  # fmt: skip


@as_nobody
def test_seccomp_works_unprivileged(port: int) -> None:
    out = probe("seccomp", port, NOBODY)
    assert (out["wall"], out["inet"], out["unix"]) == ("seccomp", "refused 1", "ok")


@as_nobody
def test_network_namespace_fallback_works_unprivileged(port: int) -> None:
    out = probe("netns", port, NOBODY)
    assert out["inet"] == "created, connect failed: 101"  # ENETUNREACH: only a loopback that is down
    assert out["unix"] == "ok"


@pytest.fixture(scope="module")
def build_dir(built: Any) -> Path:
    return (Path(built["DATA_DIR"]) / "current").resolve()


def test_memory_cap_stops_a_doubling_query_and_the_runner_recovers(build_dir: Path) -> None:
    with QueryRunner(build_dir, "oxigraph", size=1, timeout=20, memory_mb=1024) as runner:
        with pytest.raises(QueryAborted) as info:
            runner.submit(QueryJob(DOUBLING))
        assert info.value.status == 503
        assert json.loads(runner.submit(QueryJob("ASK { ?s ?p ?o }")).body)["boolean"] is True


PARENT = """
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from kg.sparql import QueryJob, QueryRunner
runner = QueryRunner(Path(sys.argv[2]), "oxigraph", size=1, timeout=600)
runner.submit(QueryJob("ASK {}"))
print(runner.workers()[0].pid, flush=True)
if sys.argv[3] == "busy":
    threading.Thread(target=runner.submit, args=(QueryJob(sys.argv[4]),), daemon=True).start()
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is dead (waiting for init to reap it)
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("state", ["idle", "busy"])
def test_workers_die_with_their_parent(build_dir: Path, state: str) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(ROOT), str(build_dir), state, CARTESIAN_COUNT],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    time.sleep(0.5)  # the busy worker is now inside its query
    assert alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)


def test_a_worker_that_cannot_start_is_a_503_not_a_500(tmp_path: Path) -> None:
    """A store the worker cannot open makes it die before it is ready: replaced once, then WorkersBusy."""
    from kg.sparql import QueryJob, QueryRunner, WorkersBusy

    (tmp_path / "oxigraph").mkdir()
    (tmp_path / "oxigraph" / "CURRENT").write_text("not a store\n", encoding="utf-8")
    runner = QueryRunner(tmp_path, "oxigraph", size=1, timeout=20)
    try:
        try:
            runner.submit(QueryJob("ASK { ?s ?p ?o }", "json", None, 10))
        except WorkersBusy as exc:
            assert exc.status == 503
        else:
            raise AssertionError("a worker that cannot open its store answered")
    finally:
        runner.close()


def test_workers_start_under_a_tight_memory_cap(build_dir: Path) -> None:
    """Each engine thread (RocksDB runs one per CPU) would reserve a 64 MB malloc arena against the
    address-space cap; workers run with two arenas, so a cap far below the default still starts them.
    (Without that, a 400 MB cap killed every worker before it was ready on 2 CPUs: VmPeak 476 MB
    against 278 MB; on a many-core CI machine the default 1024 MB cap went the same way.)"""
    cap = 360 + 20 * (os.cpu_count() or 1)
    with QueryRunner(build_dir, "oxigraph", size=1, timeout=20, memory_mb=cap) as runner:
        assert json.loads(runner.submit(QueryJob("ASK { ?s ?p ?o }")).body)["boolean"] is True


def test_a_closed_runner_answers_503(build_dir: Path) -> None:
    """A request that picked a runner just before a new build replaced it gets a 503 (the app retries it
    once on the current build), never a 500."""
    from kg.sparql import RunnerClosed

    runner = QueryRunner(build_dir, "oxigraph", size=1)
    runner.close()
    with pytest.raises(RunnerClosed) as info:
        runner.submit(QueryJob("ASK {}"))
    assert info.value.status == 503


def test_workers_ignore_the_servers_working_directory(build_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``kg`` package in the directory the server runs from is not what the workers import."""
    (tmp_path / "kg").mkdir()
    (tmp_path / "kg" / "__init__.py").write_text("raise SystemExit('decoy package imported')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with QueryRunner(build_dir, "oxigraph", size=1, timeout=20) as runner:
        assert json.loads(runner.submit(QueryJob("ASK {}")).body)["boolean"] is True
