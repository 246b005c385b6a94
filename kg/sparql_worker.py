"""The worker side of ``kg.sparql``: the pipe protocol, and the process that answers queries.

Parent -> worker: one frame, a 4-byte length and the job's fields (marshal: the parent is trusted).
Worker -> parent: an 8-byte header (lengths of head and body), the head as JSON (status and metadata)
and the result body as raw bytes, written in one go. The parent never unpickles anything a worker
sends: a worker runs untrusted queries. Imports nothing from ``kg.sparql`` at module level (that
module imports this one).
"""

from __future__ import annotations

import errno
import json
import marshal
import os
import re
import struct
import sys
from pathlib import Path
from typing import Any

from ingest.errors import QueryRejected
from kg.sparql_text import MAX_DEPTH, READ_ONLY, analyse, foreign_graphs, refuse_foreign, shape_of


def _syntax_message(detail: str) -> str:
    where = re.search(r"at (\d+):(\d+)", detail)
    if where is None:
        short = detail.splitlines()[0][:200] if detail else ""
        return f"查询语法错误：{short} / SPARQL syntax error: {short}"
    line, col = where.groups()
    return f"查询语法错误（第 {line} 行第 {col} 列）。 / SPARQL syntax error at line {line}, column {col}."


def _answer(engine: Any, job: Any, prefixes: dict[str, str]) -> tuple[str, Any]:
    """Run one job in the worker; the reply for the parent."""
    from kg.native import Unfit, run_query

    shape = shape_of(job.text, prefixes)
    if shape.depth > MAX_DEPTH:
        return "rejected", (f"查询嵌套过深（{shape.depth} 层，最多 {MAX_DEPTH} 层）。"
                            f" / The query nests {shape.depth} levels deep, at most {MAX_DEPTH}.")
    foreign = foreign_graphs(shape, job.graph_ns)
    foreign += [g for g in (*(job.default_graphs or ()), *(job.named_graphs or ())) if not g.startswith(job.graph_ns)]
    try:
        refuse_foreign(foreign, job.graph_ns)
        out = run_query(engine, job, shape, prefixes)
    except QueryRejected as exc:
        return "rejected", exc.message
    except SyntaxError as exc:  # an update is not a query either: say so
        return "rejected", READ_ONLY if analyse(job.text).update else _syntax_message(str(exc))
    except Unfit as exc:
        return "unfit", exc.form
    except (ValueError, TypeError) as exc:  # evaluation errors caused by the query itself
        detail = str(exc)[:300]
        return "rejected", f"查询无法执行：{detail} / The query cannot be evaluated: {detail}"
    except PermissionError as exc:  # the network wall held (SERVICE is screened out before this)
        return "rejected", f"查询不能访问网络。 / Queries cannot use the network ({exc})."
    except OSError as exc:  # the store itself failed: a server problem (500, logged by the parent) ...
        if exc.errno == errno.ENOMEM or "alloc" in str(exc).lower():  # ... unless the memory cap did it
            return "aborted", "memory"
        return "failed", f"{type(exc).__name__}: {exc}"
    except MemoryError:
        return "aborted", "memory"
    return "ok", (out.body, out.media_type, out.rows, out.truncated)


_LEN = struct.Struct("!I")
REPLY = struct.Struct("!II")
CHUNK = 1 << 20


def encode_job(job: Any) -> bytes:
    """A ``kg.sparql.QueryJob`` as one frame."""
    payload = marshal.dumps(tuple(job.__dict__.values()))  # the fields in order (not deep-copied)
    return _LEN.pack(len(payload)) + payload


def encode_reply(status: str, payload: Any) -> bytes:
    """One reply frame: ``ok`` carries ``(body, media type, rows, truncated)``, others a JSON-able detail."""
    if status == "ok":
        body, media, rows, truncated = payload
        head = json.dumps([status, media, rows, truncated]).encode()
    else:
        body, head = b"", json.dumps([status, payload]).encode()
    return REPLY.pack(len(head), len(body)) + head + body


def decode_reply(frame: bytes | bytearray) -> tuple[str, Any]:
    head_len, _body_len = REPLY.unpack_from(frame)
    head = json.loads(bytes(frame[REPLY.size : REPLY.size + head_len]))
    if head[0] == "ok":
        body = bytes(frame[REPLY.size + head_len :])
        return "ok", (body, str(head[1]), int(head[2]), bool(head[3]))
    return str(head[0]), head[1]


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_job(fd: int) -> tuple[Any, ...] | None:
    """The next job from the parent (blocking); None when the parent has closed the pipe."""
    buf = bytearray()
    need = _LEN.size
    while len(buf) < need:
        chunk = os.read(fd, CHUNK)
        if not chunk:
            return None
        buf += chunk
        if need == _LEN.size and len(buf) >= _LEN.size:
            need += _LEN.unpack_from(buf)[0]
    return tuple(marshal.loads(bytes(buf[_LEN.size : need])))


def worker_main(read_fd: str, write_fd: str, store: str, build_path: str, parent: str, memory_mb: str,
                prefixes_json: str) -> None:
    """Worker: walls first (no network, memory cap, die with parent), then the engine, then jobs."""
    from kg import sandbox

    sandbox.die_with_parent(int(parent))
    wall = "none (sparql: store forwards over the network)"
    if not store.startswith("sparql:"):
        try:
            wall = sandbox.deny_network()
        except OSError:
            if sys.platform.startswith("linux"):
                raise  # fail closed: no worker without a network wall on Linux
            wall = "none (not Linux)"
    sandbox.cap_memory(int(memory_mb))
    from kg.native import open_engine
    from kg.sparql import QueryJob

    inbox, outbox = int(read_fd), int(write_fd)
    prefixes = json.loads(prefixes_json)
    engine = open_engine(store, Path(build_path))
    write_all(outbox, encode_reply("ready", wall))
    while True:
        try:
            fields = _read_job(inbox)
        except KeyboardInterrupt:
            return
        if fields is None:
            return
        write_all(outbox, encode_reply(*_answer(engine, QueryJob(*fields), prefixes)))
