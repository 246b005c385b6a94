"""Per-plan build artifacts, keyed by content: a build only computes the plans that are new or changed.

``<DATA_DIR>/cache/plans/<plan id>/<key>/`` holds everything one plan contributes to a build, computed
once and then only read (builds hard-link or concatenate these files):
- ``plans.jsonl`` ``sections.jsonl`` ``passages.jsonl`` ``facts.jsonl``: the plan's records, the lines
  a build's record files are the concatenation of;
- ``graph.nq`` and ``graph.trig``: the plan's named graph (pyoxigraph serialisers, sorted lines; a build
  hard-links both into its ``graphs/``);
- ``words.json``: the plan's jieba dictionary words; ``summary.json``: meta, source sha256, entity keys;
- the index part (``retrieval.index.PlanPart``: ids, term counts) and ``vectors-<model>.npy``.

``key`` = sha256 of the code version (``CODE_VERSION`` + a hash of the ingest/kg/ontology/index sources
and jieba's version), the IRI base, the manifest, the source text and its corrections file. The
entry is written aside and renamed into place only after the plan's graph validated, so an entry
that exists is a valid plan. Vectors are encoded in content-defined batches of passage ids
(``retrieval.index.batch_bounds``, ~16 passages: twice as fast as one call per passage): a changed
plan reuses every batch an older entry of the same plan already encoded, so cached == fresh.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.corrections import corrections_path
from ingest.errors import IngestError
from ingest.records import Fact, Passage, PlanMeta, Section
from ingest.serialize import fact_to_json, read_jsonl, record_from_json, write_jsonl

CODE_VERSION = "3"  # bump when a change outside the hashed sources must invalidate cached plans
CACHE_DIR = Path("cache") / "plans"
DONE = "summary.json"
FEW = 4  # fewer plans to compute than this: in the building process, not in a pool
RECORD_FILES = ("plans.jsonl", "sections.jsonl", "passages.jsonl", "facts.jsonl")
_ROOT = Path(__file__).resolve().parents[1]
_HASHED = ("ingest", "ontology", "kg/build.py", "kg/iri.py", "kg/validate.py", "retrieval/index.py")


class BuildFailed(IngestError):
    """Validation of a new build failed; the previous build keeps serving."""


@functools.cache
def code_version() -> str:
    """``CODE_VERSION`` plus a hash of the sources whose output a cached plan holds."""
    h = hashlib.sha256(f"{CODE_VERSION}|jieba=={importlib.metadata.version('jieba')}".encode())
    for name in _HASHED:
        root = _ROOT / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for f in files:
            if f.is_file() and f.suffix in (".py", ".ttl", ".txt", ".json", ".jsonl", ".tsv"):
                h.update(str(f.relative_to(_ROOT)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def plan_key(meta: PlanMeta, path: Path, iri_base: str) -> str:
    h = hashlib.sha256(f"{code_version()}|{iri_base}|".encode())
    h.update(json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False).encode())
    for source in (path, corrections_path(path.parent, meta.id)):
        try:
            h.update(b"|" + source.read_bytes())
        except OSError:
            h.update(b"|missing")
    return h.hexdigest()[:32]


VECTORS_LAYOUT = "batches-1"  # how a plan's vectors are encoded (retrieval.index.batch_bounds)


def vectors_name(model_id: str) -> str:
    return f"vectors-{hashlib.sha256(f'{model_id}|{VECTORS_LAYOUT}'.encode()).hexdigest()[:12]}.npy"


@dataclass(frozen=True)
class Entry:
    """One plan's cached artifacts."""

    meta: PlanMeta
    path: Path  # the plan's text
    key: str
    dir: Path

    @property
    def done(self) -> bool:
        return (self.dir / DONE).is_file()

    def summary(self) -> dict[str, Any]:
        return dict(json.loads((self.dir / DONE).read_text("utf-8")))

    def words(self) -> list[str]:
        return list(json.loads((self.dir / "words.json").read_text("utf-8")))


def entry_for(data_dir: Path, meta: PlanMeta, path: Path, iri_base: str) -> Entry:
    key = plan_key(meta, path, iri_base)
    return Entry(meta, path, key, data_dir / CACHE_DIR / meta.id / key)


def _write_records(folder: Path, meta: PlanMeta, sections: list[Section], passages: list[Passage],
                   facts: list[Fact]) -> None:
    write_jsonl(folder / "plans.jsonl", [asdict(meta)])
    write_jsonl(folder / "sections.jsonl", (asdict(s) for s in sections))
    write_jsonl(folder / "passages.jsonl", (asdict(p) for p in passages))
    write_jsonl(folder / "facts.jsonl", (fact_to_json(f) for f in facts))


def entry_passages(entry: Entry) -> list[Passage]:
    return [record_from_json(Passage, d) for d in read_jsonl(entry.dir / "passages.jsonl")]


def _old_batches(entry: Entry, name: str) -> dict[str, np.ndarray]:
    """Encoded batches by key from the other cached entries of the same plan (same model)."""
    from retrieval.index import known_batches

    found: dict[str, np.ndarray] = {}
    for sibling in sorted(entry.dir.parent.iterdir()) if entry.dir.parent.is_dir() else []:
        if sibling == entry.dir or not (sibling / name).is_file() or not (sibling / "ids.json").is_file():
            continue
        ids = json.loads((sibling / "ids.json").read_text("utf-8"))["ids"]
        found.update(known_batches(ids, np.load(sibling / name, mmap_mode="r")))
    return found


def plan_vectors(entry: Entry, passages: list[Passage], embedder: Any) -> np.ndarray:
    """The passages' vectors in content-defined batches (``retrieval.index.batch_bounds``): a batch
    an older entry of the plan already encoded is reused, the others are encoded."""
    from retrieval.index import encode_batched, index_text

    return encode_batched(embedder, [p.id for p in passages], [index_text(p) for p in passages],
                          _old_batches(entry, vectors_name(embedder.model_id)))


def compute(entry: Entry, iri_base: str, tok: Any, embedder: Any) -> None:
    """Extract, graph, validate, tokenise and embed one plan; write its entry (atomically)."""
    from ingest.extract import dictionary_words, extract
    from ingest.read import read_plan
    from ingest.structure import split
    from ingest.tokenize import tokens
    from kg.build import plan_files, to_graph
    from kg.validate import validate_plan
    from retrieval.index import PlanPart, index_text, plan_words

    doc = read_plan(entry.path, entry.meta)
    sections, passages = split(doc)
    facts = extract(doc, sections, passages)
    dataset = to_graph(entry.meta, sections, passages, facts, iri_base)
    result = validate_plan(dataset, passages, facts)
    if not result.conforms:
        raise BuildFailed(str(entry.path), f"SHACL validation failed with {result.violations} "
                          f"violation(s):\n{result.report}")
    tmp = entry.dir.with_name(f".tmp-{entry.key}-{id(entry)}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        _write_records(tmp, entry.meta, sections, passages, facts)
        nq, trig = plan_files(dataset)
        (tmp / "graph.nq").write_bytes(nq)
        (tmp / "graph.trig").write_bytes(trig)
        words = dictionary_words(facts)
        (tmp / "words.json").write_text(json.dumps(words, ensure_ascii=False), "utf-8")
        with plan_words(tok, words):
            token_lists = [tokens(tok, index_text(p)) for p in passages]
        vectors = plan_vectors(entry, passages, embedder)
        PlanPart.from_tokens(entry.meta.id, [p.id for p in passages], token_lists, vectors).write(
            tmp, vectors_name(embedder.model_id))
        keys = sorted({(f.kind, f.key) for f in facts})
        summary = {"meta": asdict(entry.meta), "sha256": doc.sha256, "keys": keys,
                   "sections": len(sections), "passages": len(passages), "triples": nq.count(b"\n")}
        (tmp / DONE).write_text(json.dumps(summary, ensure_ascii=False), "utf-8")
        if entry.dir.exists():
            shutil.rmtree(entry.dir)
        tmp.rename(entry.dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def add_vectors(entry: Entry, embedder: Any) -> None:
    """Vectors of a cached plan for another model (the records and terms stay)."""
    name = vectors_name(embedder.model_id)
    vectors = plan_vectors(entry, entry_passages(entry), embedder)
    tmp = entry.dir / f".{name}.tmp.npy"
    np.save(tmp, vectors)
    tmp.rename(entry.dir / name)


# ---------------------------------------------------------------- worker processes

_WORKER: dict[str, Any] = {}


def _init_worker(embedder_spec: str) -> None:
    from ingest.tokenize import make_tokenizer
    from retrieval.embed import load_embedder

    if _WORKER.get("spec") != embedder_spec:
        _WORKER.update(tok=make_tokenizer(), embedder=load_embedder(embedder_spec), spec=embedder_spec)


def _serve_embedder(embedder_spec: str, conn: Any) -> None:
    """In an embedder process: load the embedder, send its dimension, then answer each list of texts
    with their vectors until ``None`` (an error goes back as its message)."""
    from retrieval.embed import load_embedder

    try:
        embedder = load_embedder(embedder_spec)
        conn.send(("ok", int(embedder.dim)))
        while (texts := conn.recv()) is not None:
            conn.send(("ok", np.asarray(embedder.encode(texts))))
    except EOFError:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the building process, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


class EmbedderProcess:
    """An embedder loading in a process of its own from construction on (~3 s: as long as reading
    the plan list, jieba and one plan's extraction, which the building process does meanwhile);
    ``dim`` and ``encode`` wait for it. ``close`` ends the process."""

    def __init__(self, embedder_spec: str) -> None:
        import multiprocessing

        from retrieval.embed import model_id_for

        self.model_id = model_id_for(embedder_spec)
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve_embedder, args=(embedder_spec, child), daemon=True)
        self._proc.start()
        child.close()

    def _reply(self) -> Any:
        try:
            kind, value = self._conn.recv()
        except EOFError:
            kind, value = "error", f"the embedder process ended (exit code {self._proc.exitcode})"
        if kind != "ok":
            raise IngestError("embedder", str(value))
        return value

    @functools.cached_property
    def dim(self) -> int:
        return int(self._reply())

    def encode(self, texts: list[str]) -> np.ndarray:
        _ = self.dim  # the first message is the dimension
        self._conn.send(list(texts))
        return np.asarray(self._reply())

    def close(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(10)
        self._conn.close()


def _run_here(todo: list[tuple[Entry, bool]], iri_base: str, step: Any) -> None:
    for entry, vectors_only in todo:
        step(f"read {entry.meta.id}")
        failed = _run_one(entry, iri_base, vectors_only)
        if failed:
            _raise(*failed)


def _run_one(entry: Entry, iri_base: str, vectors_only: bool) -> tuple[str, str] | None:
    """In a worker: compute the entry; an ingest error comes back as ``(class name, message)``
    (our exceptions take several constructor arguments and do not pickle)."""
    try:
        if vectors_only:
            add_vectors(entry, _WORKER["embedder"])
        else:
            compute(entry, iri_base, _WORKER["tok"], _WORKER["embedder"])
    except IngestError as exc:
        return type(exc).__name__, exc.message
    return None


def _raise(kind: str, message: str) -> None:
    cls = BuildFailed if kind == "BuildFailed" else IngestError
    err = cls.__new__(cls)
    err.message = message
    Exception.__init__(err, message)
    raise err


def compute_all(todo: list[tuple[Entry, bool]], settings: Mapping[str, Any], workers: int,
                progress: Any = None, embedder: EmbedderProcess | None = None) -> None:
    """Compute ``(entry, vectors_only)`` pairs: in this process for a few (encoding with ``embedder``
    where given), in a process pool for many."""
    step = progress or (lambda _msg: None)
    if not todo:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    if workers <= 1 or len(todo) < FEW:
        if embedder is None:
            _init_worker(str(settings["EMBEDDER"]))
        else:  # a few plans: read here while the embedder process loads
            from ingest.tokenize import make_tokenizer

            _WORKER.update(tok=make_tokenizer(), embedder=embedder, spec=None)
        try:
            return _run_here(todo, str(settings["IRI_BASE"]), step)
        finally:
            if embedder is not None:
                _WORKER.clear()
    with ProcessPoolExecutor(min(workers, len(todo)), mp_context=ctx, initializer=_init_worker,
                             initargs=(str(settings["EMBEDDER"]),)) as pool:
        futures = [(e, pool.submit(_run_one, e, str(settings["IRI_BASE"]), v)) for e, v in todo]
        for entry, future in futures:
            step(f"read {entry.meta.id}")
            failed = future.result()
            if failed:
                pool.shutdown(cancel_futures=True)
                _raise(*failed)
