"""Read-only SPARQL in killable worker processes that cannot reach the network.

The calling thread only screens the text (``kg.sparql_text.screen``: size, empty, the word
``service`` after unescaping and case folding). Everything else — lexing the dataset clauses,
Oxigraph's parse and plan, execution, serialisation — happens in a worker process under the
query's timeout. Workers are fresh interpreters that, before anything else, install a seccomp
filter refusing non-Unix sockets (``kg.sandbox``), cap their address space and ask to be killed with
their parent. A query past its timeout, or one that exhausts the memory cap, loses its worker; a
fresh one takes its place. The worker side (the pipe protocol, the process itself) is ``kg.sparql_worker``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import PlankgError, QueryRejected, QueryTimeout
from kg.sparql_text import READ_ONLY, analyse, foreign_graphs, refuse_foreign, screen
from kg.sparql_worker import CHUNK, REPLY, decode_reply, encode_job, write_all

log = logging.getLogger("plankg.sparql")

DEFAULT_BASE = "https://w3id.org/plankg"  # kg.iri.DEFAULT_BASE (not imported: workers load no rdflib)
ROWS, GRAPH = "rows", "graph"
# format key -> (media type, kind of result it serialises: rows = SELECT/ASK, graph = CONSTRUCT/DESCRIBE)
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", ROWS),
    "xml": ("application/sparql-results+xml", ROWS),
    "csv": ("text/csv", ROWS),
    "tsv": ("text/tab-separated-values", ROWS),
    "ttl": ("text/turtle", GRAPH),
    "nt": ("application/n-triples", GRAPH),
    "jsonld": ("application/ld+json", GRAPH),
    "rdfxml": ("application/rdf+xml", GRAPH),
    "nq": ("application/n-quads", GRAPH),
    "trig": ("application/trig", GRAPH),
    "n3": ("text/n3", GRAPH),
}


class QueryFailed(RuntimeError):
    """The engine failed on a query that passed the checks (a server-side problem: HTTP 500)."""


class WorkerStartFailed(QueryFailed):
    """A fresh worker died or stalled before it was ready (a transient server condition)."""


class NotAcceptable(PlankgError):
    status = 406


class WorkersBusy(QueryTimeout):
    """No worker became free within the wait; the client may retry soon."""

    retry_after = 2


class RunnerClosed(WorkersBusy):
    """The runner was closed (its build replaced) after the request picked it; retry on the current one."""


class QueryAborted(QueryTimeout):
    """The worker died under the query (memory cap, stack): the query is too heavy."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE, as the text starts (Oxigraph decides in the end)


@dataclass(frozen=True)
class QueryOutput:
    body: bytes
    media_type: str
    rows: int  # rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in ``body``
    truncated: bool


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker: the text, the acceptable format per result kind, dataset and row cap."""

    text: str
    rows_format: str | None = "json"  # None: a SELECT/ASK result is not acceptable
    graph_format: str | None = "ttl"  # None: a CONSTRUCT/DESCRIBE result is not acceptable
    max_rows: int = 10_000
    default_graphs: tuple[str, ...] | None = None  # protocol default-graph-uri (overrides FROM)
    named_graphs: tuple[str, ...] | None = None  # protocol named-graph-uri (overrides FROM NAMED)
    graph_ns: str = DEFAULT_BASE + "/graph/"  # dataset graphs must start with this
    format_given: bool = False  # an unfit format is then a 400 (the client asked for it), else 406


@functools.cache
def known_prefixes() -> dict[str, Any]:
    """The prefixes bound on the plan graphs; queries may use them without declaring them."""
    from rdflib import Dataset

    from kg.build import bind_prefixes

    ds = Dataset()
    bind_prefixes(ds)
    return {prefix: ns for prefix, ns in ds.namespaces() if prefix}


@functools.cache
def prefix_map() -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in known_prefixes().items()}


def check_query(text: str, max_bytes: int, base: str = DEFAULT_BASE) -> CheckedQuery:
    """Screen ``text`` and read its form lexically (for the CLI); ``QueryRejected`` if refused."""
    screen(text, max_bytes)
    shape = analyse(text, prefix_map())
    if shape.update:
        raise QueryRejected(READ_ONLY)
    refuse_foreign(foreign_graphs(shape, base.rstrip("/") + "/graph/"), base.rstrip("/") + "/graph/")
    return CheckedQuery(text, shape.form or "SELECT")


# ---------------------------------------------------------------- worker processes


_WORKER_CODE = "import sys; from kg.sparql_worker import worker_main; worker_main(*sys.argv[1:])"
_ROOT = str(Path(__file__).resolve().parents[1])  # so the worker imports this very package


class _Spawner:
    """Starts workers from one long-lived thread: PR_SET_PDEATHSIG fires when the *thread* that started
    a process ends, so short-lived request threads must not start them."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._jobs: queue.SimpleQueue[tuple[list[str], dict[str, Any], threading.Event, dict[str, Any]]] = (
            queue.SimpleQueue())  # fmt: skip
        threading.Thread(target=self._loop, name="plankg-sparql-spawner", daemon=True).start()

    def _loop(self) -> None:
        while True:
            args, kwargs, done, box = self._jobs.get()
            try:
                box["proc"] = subprocess.Popen(args, **kwargs)  # noqa: S603 - our own interpreter and code
            except OSError as exc:
                box["error"] = exc
            done.set()

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        done, box = threading.Event(), {}  # type: ignore[var-annotated]
        self._jobs.put((args, kwargs, done, box))
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["proc"]  # type: ignore[no-any-return]


_SPAWNER: _Spawner | None = None
_SPAWNER_LOCK = threading.Lock()


def spawner() -> _Spawner:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None or _SPAWNER.pid != os.getpid():  # a forked process has no threads
            _SPAWNER = _Spawner()
        return _SPAWNER


class _Worker:
    """One worker: a fresh Python process (no fork of a threaded server) talking over two pipes."""

    def __init__(self, store: str, build_path: Path, memory_mb: int) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        path = os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH"))))
        # few malloc arenas: each thread's 64 MB arena counts against the worker's address-space cap
        env = dict(os.environ, PYTHONPATH=path, RUST_BACKTRACE="0", MALLOC_ARENA_MAX="2")
        # -P: the server's working directory is not on the worker's sys.path (this package is, via PYTHONPATH)
        args = [sys.executable, "-P", "-c", _WORKER_CODE, str(to_child_r), str(from_child_w), store, str(build_path),
                str(os.getpid()), str(memory_mb), json.dumps(prefix_map())]  # fmt: skip
        try:
            self.proc = spawner().popen(args, pass_fds=(to_child_r, from_child_w), env=env,
                                        stdin=subprocess.DEVNULL)  # fmt: skip
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.to_child, self.from_child = to_child_w, from_child_r
        self.poller = select.poll()  # one per worker, reused for every reply
        self.poller.register(from_child_r, select.POLLIN)
        self.wall: str | None = None
        self._closed = False

    def send(self, job: QueryJob) -> None:
        write_all(self.to_child, encode_job(job))

    def receive(self, seconds: float) -> tuple[str, Any] | None:
        """The next reply, or None if it is not complete within ``seconds``; EOFError if the worker died."""
        deadline = time.monotonic() + seconds
        buf = bytearray()
        need = REPLY.size
        while len(buf) < need:
            left = deadline - time.monotonic()
            if left <= 0 or not self.poller.poll(max(1, int(left * 1000 + 0.999))):
                return None
            chunk = os.read(self.from_child, max(CHUNK, need - len(buf)))
            if not chunk:
                raise EOFError("the worker closed its pipe")
            buf += chunk
            if need == REPLY.size and len(buf) >= REPLY.size:
                head_len, body_len = REPLY.unpack_from(buf)
                need += head_len + body_len
        return decode_reply(buf)

    def wait_ready(self, seconds: float) -> None:
        if self.wall is not None:
            return
        try:
            message = self.receive(seconds)
        except EOFError:
            raise WorkerStartFailed(f"SPARQL worker exited with {self.proc.wait()} before it was ready") from None
        except (ValueError, struct.error) as exc:
            raise WorkerStartFailed(f"SPARQL worker sent a garbled ready message ({exc})") from None
        if message is None:
            raise WorkerStartFailed(f"SPARQL worker did not start within {seconds:.0f} s")
        if message[0] != "ready":
            raise WorkerStartFailed(f"SPARQL worker sent {message!r} instead of ready")
        self.wall = str(message[1])

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        if not self._closed:
            self._closed = True
            os.close(self.to_child)
            os.close(self.from_child)


class QueryRunner:
    """A small pool of worker processes for one build; ``submit`` enforces a hard timeout per query.

    ``wait`` bounds how long a query waits for a free worker (then ``WorkersBusy``, 503), so queries
    queue briefly instead of holding a server thread for a whole timeout.
    """

    STARTUP_SECONDS = 60.0

    def __init__(self, build_path: Path, store: str, *, size: int = 2, timeout: float = 10.0,
                 memory_mb: int = 1024, wait: float | None = None) -> None:
        self.build_path, self.store = Path(build_path), store
        self.size, self.timeout, self.memory_mb = max(1, size), float(timeout), int(memory_mb)
        self.wait = self.timeout if wait is None else float(wait)
        self._cond = threading.Condition()
        self._idle: list[_Worker] = [self._new_worker()]  # warm one at once
        self._count = 1
        self._closed = False

    def _new_worker(self) -> _Worker:
        return _Worker(self.store, self.build_path, self.memory_mb)

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RunnerClosed("查询服务正在切换数据版本，请重试。 / The query service is switching builds; "
                                       "try again.")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    raise WorkersBusy("查询繁忙，请稍后再试。 / All query workers are busy; try again later.")
        try:
            return self._new_worker()
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        with self._cond:
            if worker is None:
                self._count -= 1
            elif self._closed:
                worker.kill()
                self._count -= 1
            else:
                self._idle.append(worker)
            self._cond.notify()

    def submit(self, job: QueryJob, timeout: float | None = None, wait: float | None = None,
               retry: bool = True) -> QueryOutput:
        """Execute ``job`` in a worker; kill it and raise ``QueryTimeout`` after ``timeout`` seconds. A
        worker that dies before it is ready is replaced once; twice is ``WorkersBusy`` (503), not a 500."""
        seconds = self.timeout if timeout is None else timeout
        worker = self._acquire(time.monotonic() + (self.wait if wait is None else wait))
        try:
            status, payload = self._exchange(worker, job, seconds)
        except WorkerStartFailed as exc:
            worker.kill()
            self._release(None)
            log.warning("%s; %s", exc, "starting another" if retry else "giving up on this query")
            if retry:
                return self.submit(job, timeout, wait, retry=False)
            raise WorkersBusy("查询服务暂时不可用，请稍后再试。 / The query service is briefly unavailable; "
                              "try again.") from exc
        except BaseException:
            worker.kill()
            self._release(None)
            self._replace()
            raise
        if status == "aborted":
            worker.kill()
            self._release(None)
            self._replace()
        else:
            self._release(worker)
        return _result(status, payload, job)

    def run(self, query: CheckedQuery, fmt: str, max_rows: int, timeout: float | None = None) -> QueryOutput:
        """One query in the format ``fmt`` (a ``FORMATS`` key); a format that does not fit is a 400."""
        rows = FORMATS[fmt][1] == ROWS
        job = QueryJob(query.text, fmt if rows else None, None if rows else fmt, max_rows, format_given=True)
        return self.submit(job, timeout)

    def _exchange(self, worker: _Worker, job: QueryJob, seconds: float) -> tuple[str, Any]:
        worker.wait_ready(self.STARTUP_SECONDS)
        try:
            worker.send(job)
            reply = worker.receive(seconds)
        except (EOFError, BrokenPipeError):  # the worker died under the query: memory cap or stack exhausted
            code = worker.proc.wait()
            log.warning("SPARQL worker died under a query (exit %s); replaced", code)
            return "aborted", code
        except (ValueError, struct.error, IndexError) as exc:  # a garbled reply: never trust that worker again
            log.warning("SPARQL worker sent a garbled reply (%s); replaced", exc)
            return "aborted", -1
        if reply is None:
            raise QueryTimeout(
                f"查询超时（超过 {seconds:g} 秒）已被终止。 / The query ran longer than {seconds:g} s and was stopped."
            )
        return reply

    def _replace(self) -> None:
        """Start a fresh worker in place of a killed one so the next query does not pay the start-up."""
        with self._cond:
            if self._closed or self._count >= self.size or self._idle:
                return
            self._count += 1
        try:
            worker = self._new_worker()
        except OSError:
            self._release(None)
            raise
        self._release(worker)

    def workers(self) -> list[subprocess.Popen[bytes]]:
        """The processes of the idle workers (for tests and diagnostics)."""
        with self._cond:
            return [w.proc for w in self._idle]

    def close(self) -> None:
        """Kill idle workers now; busy ones are killed when their query ends."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    def __enter__(self) -> QueryRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _result(status: str, payload: Any, job: QueryJob) -> QueryOutput:
    if status == "ok":
        return QueryOutput(*payload)
    if status == "rejected":
        raise QueryRejected(str(payload))
    if status == "aborted":
        raise QueryAborted("查询耗尽了资源限制（内存或嵌套深度）已被终止。 / The query exhausted the memory or "
                           "nesting limit and was stopped.")  # fmt: skip
    if status == "unfit":
        message = (f"所请求的结果格式不适用于 {payload} 查询。 / The requested result format does not fit a "
                   f"{payload} query.")  # fmt: skip
        raise QueryRejected(message) if job.format_given else NotAcceptable(message)
    raise QueryFailed(str(payload))
