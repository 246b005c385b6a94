"""Build orchestration: plans → records → graph + indexes in a fresh directory, validated, then swapped in.

No Flask here: the CLI and tests call ``build()``; the web app only reads what it writes.
Each plan's artifacts are computed once and cached by content (``webchat.plancache``); a build
computes (and validates) only new or changed plans, then assembles the build directory from the
cached parts: the costs of adding or changing one plan follow that plan, plus a linear assembly.
A failure at any step leaves ``<data_dir>/current`` pointing at the previous build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.read import discover_plans, plan_meta_for
from ingest.records import PlanMeta
from webchat.plancache import (
    FEW,
    RECORD_FILES,
    BuildFailed,
    EmbedderProcess,
    Entry,
    code_version,
    compute_all,
    entry_for,
    vectors_name,
)

KEEP_BUILDS = 3
__all__ = ["BuildFailed", "BuildResult", "build", "current_build", "is_stale", "plan_sources", "swap_current"]


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    path: Path
    counts: dict[str, int]
    seconds: float


def plan_sources(settings: Mapping[str, Any], paths: Sequence[str] = (),
                 only: bool = False) -> list[tuple[PlanMeta, Path]]:
    """The plans to build: every manifest in PLANS_DIR plus (or, with ``only``, just) the files or
    folders in ``paths``; a path's plan replaces a PLANS_DIR plan with the same id."""
    given: list[tuple[PlanMeta, Path]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            given.extend(discover_plans(p))
        elif p.with_suffix(".json").exists():
            given.extend(m for m in discover_plans(p.parent) if m[1].resolve() == p.resolve())
        else:
            given.append((plan_meta_for(p), p))  # no manifest: what the document says (id: a slug)
    base = [] if only and paths else discover_cached(Path(settings["PLANS_DIR"]), Path(settings["DATA_DIR"]))
    merged = {meta.id: (meta, path) for meta, path in [*base, *given]}
    return sorted(merged.values(), key=lambda t: t[0].id)


META_CACHE = Path("cache") / "meta.json"


def discover_cached(folder: Path, data_dir: Path) -> list[tuple[PlanMeta, Path]]:
    """``ingest.read.discover_plans(folder)``, with what each document says about itself cached by
    the code version and the sha256 of its bytes (reading 1000 plan texts for their titles took
    ~2 s of every build)."""
    from dataclasses import asdict, replace

    from ingest.corrections import SUFFIX
    from ingest.meta import complete
    from ingest.read import load_source, meta_from_text, read_manifest
    from ingest.serialize import record_from_json

    cache_file = data_dir / META_CACHE
    try:
        cache: dict[str, Any] = json.loads(cache_file.read_text("utf-8"))
    except (OSError, ValueError):
        cache = {}
    out, used = [], {}
    for mf in sorted(folder.glob("*.json")):
        if mf.name.endswith(SUFFIX):
            continue
        given = read_manifest(mf)
        path = mf.parent / given.source
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = ""  # load_source names the file and the reason
        key = f"{code_version()}|{path.stem}|{path.suffix}|{digest}"
        if key in cache and digest:
            text_meta = record_from_json(PlanMeta, cache[key])
        else:
            text_meta = meta_from_text(load_source(path).text, path.stem)
        used[key] = asdict(text_meta)
        out.append((complete(given, replace(text_meta, source=given.source)), path))
    if used != cache:
        _write_atomic(cache_file, json.dumps(used, ensure_ascii=False, sort_keys=True))
    return sorted(out, key=lambda t: t[0].id)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def source_fingerprint(sources: list[tuple[PlanMeta, Path]], settings: Mapping[str, Any]) -> str:
    """Hash of everything a build depends on: the plans' keys (texts, manifests, code) and the embedder."""
    return _fingerprint([entry_for(Path(settings["DATA_DIR"]), meta, path, settings["IRI_BASE"])
                         for meta, path in sources], settings)


def _fingerprint(entries: list[Entry], settings: Mapping[str, Any]) -> str:
    h = hashlib.sha256(f"{code_version()}|{settings['EMBEDDER']}|{settings['IRI_BASE']}".encode())
    for e in entries:
        h.update(e.key.encode())
    return h.hexdigest()


def current_build(data_dir: str | Path) -> Path | None:
    cur = Path(data_dir) / "current"
    return cur.resolve() if (cur / "manifest.json").exists() else None


def _manifest(build_dir: Path | None) -> dict[str, Any]:
    if build_dir is None:
        return {}
    try:
        return dict(json.loads((build_dir / "manifest.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def is_stale(settings: Mapping[str, Any]) -> bool:
    manifest = _manifest(current_build(settings["DATA_DIR"]))
    return not manifest or manifest.get("fingerprint") != source_fingerprint(plan_sources(settings), settings)


def _workers(settings: Mapping[str, Any]) -> int:
    return int(settings.get("BUILD_WORKERS") or os.cpu_count() or 1)


def build(settings: Mapping[str, Any], paths: Sequence[str] = (),
          progress: Callable[[str], None] | None = None, only: bool = False) -> BuildResult:
    """Build every plan into ``DATA_DIR/builds/<id>``, validate, and point ``DATA_DIR/current`` at it."""
    from retrieval.embed import model_id_for

    step = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    # Adding or changing a plan is the common build: its embedder starts loading now, in a process of
    # its own, while this one lists the plans and reads the new one (ended unused if none is new).
    embedder = EmbedderProcess(str(settings["EMBEDDER"])) if _workers(settings) > 1 else None
    try:
        sources = plan_sources(settings, paths, only)
        if not sources:
            raise IngestError(str(settings["PLANS_DIR"]), "no plans found (expected <id>.json manifests)")
        data_dir = Path(settings["DATA_DIR"])
        entries = [entry_for(data_dir, meta, path, settings["IRI_BASE"]) for meta, path in sources]
        model_id = model_id_for(str(settings["EMBEDDER"]))
        vectors = vectors_name(model_id)
        todo = [(e, e.done) for e in entries if not (e.done and (e.dir / vectors).is_file())]
        if embedder is not None and len(todo) >= FEW:
            embedder.close()  # the pool's workers load their own
            embedder = None
        compute_all(todo, settings, _workers(settings), step, embedder)
    finally:
        if embedder is not None:
            embedder.close()
    step("graph")
    step("validate")
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = data_dir / "builds" / f".tmp-{build_id}"
    tmp.mkdir(parents=True)
    try:
        summaries = [e.summary() for e in entries]
        counts = assemble(settings, entries, tmp, model_id, step, summaries)
        manifest = {
            "build": build_id, "code_version": code_version(), "model": model_id,
            "fingerprint": _fingerprint(entries, settings),
            "plans": [s["meta"] | {"sha256": s["sha256"], "key": e.key} for e, s in zip(entries, summaries, strict=True)],
            "iri_base": settings["IRI_BASE"], "store": settings["STORE"], "counts": counts,
            "pushed_to": push_target(settings),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        final = tmp.with_name(build_id)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_current(data_dir, final)
    prune(data_dir)
    return BuildResult(build_id, final, counts, time.perf_counter() - t0)


def _stale_graphs(entries: list[Entry], previous: dict[str, Any], base: str) -> set[str]:
    """Graph IRIs of plans that are new, changed or removed since the ``previous`` manifest."""
    from kg.iri import graph_iri

    before = {p["id"]: p.get("key") for p in previous.get("plans", [])}
    now = {e.meta.id: e.key for e in entries}
    ids = {i for i, k in now.items() if before.get(i) != k} | (set(before) - set(now))
    return {str(graph_iri(base, i)) for i in ids}


def assemble(settings: Mapping[str, Any], entries: list[Entry], out: Path, model_id: str,
             step: Callable[[str], None], summaries: list[dict[str, Any]] | None = None) -> dict[str, int]:
    """The build directory from the plans' cached parts; returns the counts per class."""
    from kg.iri import graph_iri
    from kg.native import GRAPHS_DIR
    from kg.store import OXIGRAPH_DIR, push_plans, remote_graphs, write_store
    from retrieval.index import PlanPart
    from retrieval.index import assemble as assemble_index
    from retrieval.planstore import write_ranges

    for name in RECORD_FILES:
        _concatenate(out / name, [e.dir / name for e in entries])
    write_ranges(out, [e.meta.id for e in entries], [{n: e.dir / n for n in RECORD_FILES} for e in entries])
    (out / GRAPHS_DIR).mkdir()
    graphs: dict[str, Path] = {}
    for e in entries:  # no union file: kg.native.graph_files reads the plans' graphs
        for suffix in ("nq", "trig"):
            os.link(e.dir / f"graph.{suffix}", out / GRAPHS_DIR / f"{e.meta.id}.{suffix}")
        graphs[str(graph_iri(settings["IRI_BASE"], e.meta.id))] = out / GRAPHS_DIR / f"{e.meta.id}.nq"
    step("store")
    prev_dir = current_build(settings["DATA_DIR"])
    previous = _manifest(prev_dir)
    stale = _stale_graphs(entries, previous, settings["IRI_BASE"])
    incremental = (prev_dir is not None and (prev_dir / OXIGRAPH_DIR).is_dir()
                   and previous.get("iri_base") == settings["IRI_BASE"] and len(stale) * 2 < len(entries))
    # The store is written by Oxigraph (Rust, outside the GIL) in a thread while this one assembles
    # the index (numpy), so the two share the cores.
    with ThreadPoolExecutor(1) as pool:
        store = pool.submit(write_store, out, graphs, prev_dir / OXIGRAPH_DIR if incremental and prev_dir else None,
                            stale)  # fmt: skip
        step("index")
        words = sorted({w for e in entries for w in e.words()})
        (out / "userdict.txt").write_text("".join(f"{w} {max(1000, 200 * len(w))}\n" for w in words), "utf-8")
        vectors = vectors_name(model_id)
        parts = [PlanPart.read(e.dir, vectors) for e in entries]
        dim = int(parts[0].vectors.shape[1]) if len(parts[0].vectors.shape) == 2 else 0
        assemble_index(parts, out, model_id, dim)
        store.result()
    if push_target(settings):
        query_url = str(settings["STORE"])[len("sparql:"):]
        pushed = {str(graph_iri(settings["IRI_BASE"], e.meta.id)): e.dir / "graph.trig" for e in entries}
        if previous.get("pushed_to") != push_target(settings):
            stale = stale | set(pushed)  # the server was not kept by the previous build: push all
        missing = set(pushed) - remote_graphs(query_url)  # e.g. a server emptied since
        push_plans(query_url, settings["STORE_UPDATE_URL"], pushed, stale | missing)
    return count_entities(entries, summaries)


def _concatenate(out: Path, parts: list[Path]) -> None:
    """``out`` = the bytes of ``parts`` one after another, copied by the kernel (``copy_file_range``:
    a build's record files grow with every plan), through Python where the kernel cannot."""
    with out.open("wb", buffering=0) as sink:
        for part in parts:
            with part.open("rb", buffering=0) as source:
                left = os.fstat(source.fileno()).st_size
                try:
                    while left > 0:
                        n = os.copy_file_range(source.fileno(), sink.fileno(), left)
                        if n == 0:
                            break
                        left -= n
                except OSError:
                    shutil.copyfileobj(source, sink, 1 << 20)  # from the source's current position


def push_target(settings: Mapping[str, Any]) -> str:
    """The update endpoint a build keeps in step (``STORE=sparql:…`` with ``STORE_UPDATE_URL``), or ''."""
    if str(settings["STORE"]).startswith("sparql:") and settings.get("STORE_UPDATE_URL"):
        return str(settings["STORE_UPDATE_URL"])
    return ""


def count_entities(entries: list[Entry], summaries: list[dict[str, Any]] | None = None) -> dict[str, int]:
    counts: dict[str, int] = {"Section": 0, "Passage": 0}
    seen: set[tuple[str, str]] = set()
    for summary in summaries if summaries is not None else [e.summary() for e in entries]:
        counts["Section"] += int(summary["sections"])
        counts["Passage"] += int(summary["passages"])
        for kind, key in summary["keys"]:
            if (kind, key) not in seen:
                seen.add((kind, key))
                counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def swap_current(data_dir: Path, target: Path) -> None:
    """Atomically repoint ``data_dir/current`` (rename of a symlink over the old one)."""
    link = data_dir / f".current-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path("builds") / target.name)
    os.replace(link, data_dir / "current")


def prune(data_dir: Path, keep: int = KEEP_BUILDS) -> None:
    builds = sorted((p for p in (data_dir / "builds").iterdir() if not p.name.startswith(".")),
                    key=lambda p: p.name)
    current = current_build(data_dir)
    for old in builds[:-keep]:
        if current is None or old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
    prune_cache(data_dir)


def prune_cache(data_dir: Path) -> None:
    """Drop cached plans that no kept build uses (a plan's older versions keep their vectors until
    the builds that use them are pruned)."""
    from webchat.plancache import CACHE_DIR

    keep: set[tuple[str, str]] = set()
    for b in (data_dir / "builds").iterdir():
        keep.update((p["id"], p.get("key", "")) for p in _manifest(b).get("plans", []))
    root = data_dir / CACHE_DIR
    for plan_dir in root.iterdir() if root.is_dir() else []:
        for entry in plan_dir.iterdir():
            if not entry.name.startswith(".") and (plan_dir.name, entry.name) not in keep:
                shutil.rmtree(entry, ignore_errors=True)
