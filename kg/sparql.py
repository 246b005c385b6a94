"""Read-only SPARQL: a safety check on the query text, and a runner with a hard per-query timeout.

``check_query`` parses with rdflib's parser (never the engine) and refuses updates, ``SERVICE``,
dataset clauses naming anything but this server's plan graphs, and oversize text (docs: /work/shared
NOTES, "SPARQL safety"). ``QueryRunner`` executes checked queries in a few worker processes that
open the build's store themselves; a query running past its timeout has its worker killed and
replaced, so the serving process keeps answering. Results come back serialised, cut at a row cap.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result

from ingest.errors import QueryRejected, QueryTimeout
from kg.iri import DEFAULT_BASE

rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> must never fetch (also set in workers)

log = logging.getLogger("plankg.sparql")

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}  # fmt: skip

# format key -> (media type, kind of result it serialises: "rows" = SELECT/ASK, "graph" = CONSTRUCT/DESCRIBE)
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", "rows"),
    "xml": ("application/sparql-results+xml", "rows"),
    "csv": ("text/csv", "rows"),
    "tsv": ("text/tab-separated-values", "rows"),
    "ttl": ("text/turtle", "graph"),
    "nt": ("application/n-triples", "graph"),
    "jsonld": ("application/ld+json", "graph"),
}
_RDFLIB_FORMAT = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
}


class QueryFailed(RuntimeError):
    """The engine failed on a query that passed the checks (a server-side problem: HTTP 500)."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE


@dataclass(frozen=True)
class QueryOutput:
    body: bytes
    media_type: str
    rows: int  # rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in ``body``
    truncated: bool


@functools.cache
def known_prefixes() -> dict[str, Any]:
    """The prefixes bound on the plan graphs; queries may use them without declaring them."""
    from kg.build import bind_prefixes

    ds = Dataset()
    bind_prefixes(ds)
    return {prefix: ns for prefix, ns in ds.namespaces() if prefix}


def _walk(node: Any) -> Any:
    """Every CompValue in a parse tree (including those inside FILTER EXISTS and subqueries)."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _walk(value)


# rdflib's pyparsing grammar is not thread-safe (concurrent parses corrupt it for the process; RDFLib
# issue #1282): every parse in this process goes through one lock. Parsing is ~1 ms; execution is not locked.
_PARSE_LOCK = threading.Lock()


def _reject_update(text: str) -> None:
    """Raise QueryRejected if ``text`` parses as a SPARQL Update (it is not a query then)."""
    try:
        with _PARSE_LOCK:
            parser.parseUpdate(text)
    except ParseException:
        return
    raise QueryRejected(
        "只读端点不接受更新操作（INSERT/DELETE/LOAD/CLEAR/DROP/CREATE 等）。"
        " / This endpoint is read-only: SPARQL Update is not accepted."
    )


def check_query(text: str, max_bytes: int, base: str = DEFAULT_BASE) -> CheckedQuery:
    """Parse and check a query; return its text and form or raise ``QueryRejected``."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryRejected(
            f"查询过长：{size} 字节，最多 {max_bytes} 字节。"
            f" / Query too long: {size} bytes, at most {max_bytes}."
        )
    if not text.strip():
        raise QueryRejected("缺少查询语句。 / The query is empty.")
    return _check_cached(text, base)


@functools.lru_cache(maxsize=512)
def _check_cached(text: str, base: str) -> CheckedQuery:
    try:
        with _PARSE_LOCK:
            parsed = parser.parseQuery(text)
    except ParseException as exc:
        _reject_update(text)
        raise QueryRejected(
            f"查询语法错误（第 {exc.lineno} 行第 {exc.col} 列）。"
            f" / SPARQL syntax error at line {exc.lineno}, column {exc.col}."
        ) from None
    graphs = base.rstrip("/") + "/graph/"
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise QueryRejected("不允许 SERVICE（联邦查询）。 / SERVICE (federated query) is not allowed.")
        if node.name == "DatasetClause":
            iri = str(node.get("default") or node.get("named"))
            if not iri.startswith(graphs):
                raise QueryRejected(
                    f"FROM / FROM NAMED 只能指向本服务的规划图（{graphs}…），不允许 <{iri}>。"
                    f" / FROM / FROM NAMED may only name this server's plan graphs."
                )
    try:
        algebra.translateQuery(parsed, initNs=known_prefixes())
    except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for unknown prefixes and similar
        raise QueryRejected(f"查询无法解析：{exc} / The query cannot be translated: {exc}") from None
    return CheckedQuery(text, FORMS[parsed[1].name])


# ---------------------------------------------------------------- serialisation (runs in workers)


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term)
    for a, b in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(a, b)
    if isinstance(term, Literal) and term.language:
        return f'"{text}"@{term.language}'
    if isinstance(term, Literal) and term.datatype:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _tsv(variables: list[Any], rows: list[dict[Any, Any]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(row.get(v)) for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize_result(result: Result, fmt: str, max_rows: int) -> QueryOutput:
    """Serialise an rdflib ``Result`` in ``fmt`` (a ``FORMATS`` key), cut at ``max_rows``."""
    media = FORMATS[fmt][0]
    if result.type == "ASK":
        out = Result("ASK")
        out.askAnswer = bool(result.askAnswer)
        return QueryOutput(out.serialize(format=_RDFLIB_FORMAT[fmt]) or b"", media, 1, False)
    if result.type == "SELECT":
        variables = list(result.vars or [])
        rows: list[dict[Any, Any]] = [
            {v: t for v, t in zip(variables, row, strict=True) if t is not None}  # type: ignore[arg-type]
            for row in itertools.islice(result, max_rows + 1)
        ]
        truncated, rows = len(rows) > max_rows, rows[:max_rows]
        if fmt == "tsv":
            return QueryOutput(_tsv(variables, rows), media, len(rows), truncated)
        out = Result("SELECT")
        out.vars, out.bindings = variables, rows  # type: ignore[assignment]
        return QueryOutput(out.serialize(format=_RDFLIB_FORMAT[fmt]) or b"", media, len(rows), truncated)
    assert result.graph is not None
    graph = Graph()
    for prefix, ns in known_prefixes().items():
        graph.bind(prefix, ns)
    for triple in itertools.islice(result.graph, max_rows + 1):
        graph.add(triple)
    truncated = len(graph) > max_rows
    if truncated:
        graph.remove(next(iter(graph)))
    body = graph.serialize(format=_RDFLIB_FORMAT[fmt], encoding="utf-8")
    return QueryOutput(body, media, len(graph), truncated)


def execute(dataset: Dataset, query: CheckedQuery, fmt: str, max_rows: int) -> QueryOutput:
    """Run a checked query on ``dataset`` in this process (no timeout: workers and the CLI use it)."""
    if FORMATS[fmt][1] != ("rows" if query.form in ("SELECT", "ASK") else "graph"):
        raise QueryRejected(f"{fmt} 不适用于 {query.form} 查询。 / {fmt} does not fit a {query.form} query.")
    if query.form == "ASK" and fmt in ("csv", "tsv"):
        raise QueryRejected("ASK 查询结果只支持 JSON 或 XML。 / ASK results come as JSON or XML only.")
    return serialize_result(dataset.query(query.text), fmt, max_rows)


# ---------------------------------------------------------------- worker processes


def worker_main(read_fd: str, write_fd: str, store: str, build_path: str) -> None:
    """Worker loop: open the store, then answer (query, form, fmt, max_rows) messages until EOF."""
    from kg.native import native_json, open_native
    from kg.store import open_store

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    inbox, outbox = Connection(int(read_fd), writable=False), Connection(int(write_fd), readable=False)
    dataset = open_store(store, Path(build_path))
    native = open_native(store, Path(build_path))
    outbox.send(("ready",))
    while True:
        try:
            text, form, fmt, max_rows = inbox.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            if native is not None and fmt == "json" and form in ("SELECT", "ASK"):
                body, rows, truncated = native_json(native, text, max_rows)
                outbox.send(("ok", QueryOutput(body, FORMATS["json"][0], rows, truncated)))
                continue
            outbox.send(("ok", execute(dataset, CheckedQuery(text, form), fmt, max_rows)))
        except QueryRejected as exc:
            outbox.send(("rejected", exc.message))
        except SyntaxError as exc:  # Oxigraph's own parser is stricter than rdflib's on a few points
            outbox.send(("rejected", f"查询被存储引擎拒绝：{exc} / The store rejected the query: {exc}"))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises QueryFailed (500)
            outbox.send(("failed", f"{type(exc).__name__}: {exc}"))


_WORKER_CODE = "import sys; from kg.sparql import worker_main; worker_main(*sys.argv[1:])"
_ROOT = str(Path(__file__).resolve().parents[1])  # so the worker imports this very package


class _Worker:
    """One worker: a fresh Python process (no fork of a threaded server) talking over two pipes."""

    def __init__(self, store: str, build_path: Path) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH"))))
        )
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and code
                [
                    sys.executable,
                    "-c",
                    _WORKER_CODE,
                    str(to_child_r),
                    str(from_child_w),
                    store,
                    str(build_path),
                ],
                pass_fds=(to_child_r, from_child_w),
                env=env,
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.send = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        self.ready = False

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise QueryFailed(f"SPARQL worker did not start within {seconds:.0f} s")
        try:
            message = self.conn.recv()
        except EOFError:
            raise QueryFailed(f"SPARQL worker exited with {self.proc.wait()} before it was ready") from None
        if message != ("ready",):
            raise QueryFailed(f"SPARQL worker sent {message!r} instead of ready")
        self.ready = True

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.send.close()
        self.conn.close()


class QueryRunner:
    """A small pool of worker processes for one build; ``run`` enforces a hard timeout per query."""

    STARTUP_SECONDS = 60.0

    def __init__(self, build_path: Path, store: str, *, size: int = 2, timeout: float = 10.0) -> None:
        self.build_path, self.store = Path(build_path), store
        self.size, self.timeout = max(1, size), float(timeout)
        self._cond = threading.Condition()
        self._idle: list[_Worker] = [_Worker(store, self.build_path)]  # warm one at once
        self._count = 1
        self._closed = False

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise QueryFailed("the query runner is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    return _Worker(self.store, self.build_path)
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    raise QueryTimeout(
                        "查询繁忙，请稍后再试。 / All query workers are busy; try again later."
                    )

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

    def run(self, query: CheckedQuery, fmt: str, max_rows: int, timeout: float | None = None) -> QueryOutput:
        """Execute in a worker; kill it and raise ``QueryTimeout`` after ``timeout`` seconds."""
        seconds = self.timeout if timeout is None else timeout
        worker = self._acquire(time.monotonic() + seconds)
        try:
            status, payload = self._exchange(worker, query, fmt, max_rows, seconds)
        except BaseException:
            worker.kill()
            self._release(None)
            self._replace()
            raise
        self._release(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        if status == "rejected":
            raise QueryRejected(payload)
        raise QueryFailed(payload)

    def _exchange(
        self, worker: _Worker, query: CheckedQuery, fmt: str, max_rows: int, seconds: float
    ) -> tuple[str, Any]:
        worker.wait_ready(self.STARTUP_SECONDS)
        worker.send.send((query.text, query.form, fmt, max_rows))
        if not worker.conn.poll(seconds):
            raise QueryTimeout(
                f"查询超时（超过 {seconds:g} 秒）已被终止。"
                f" / The query ran longer than {seconds:g} s and was stopped."
            )
        status, payload = worker.conn.recv()
        return str(status), payload

    def _replace(self) -> None:
        """Start a fresh worker in place of a killed one so the next query does not pay the start-up."""
        with self._cond:
            if not self._closed and self._count < self.size and not self._idle:
                self._count += 1
                self._idle.append(_Worker(self.store, self.build_path))
                self._cond.notify()

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
