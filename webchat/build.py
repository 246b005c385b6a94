"""Build orchestration: plans → records → graph + indexes in a fresh directory, validated, then swapped in.

No Flask here: the CLI and tests call ``build()``; the web app only reads what it writes.
A failure at any step leaves ``<data_dir>/current`` pointing at the previous build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.extract import dictionary_words, extract
from ingest.read import discover_plans, read_plan
from ingest.records import Fact, Passage, PlanMeta, Section
from ingest.serialize import dump_records
from ingest.structure import split
from ingest.tokenize import make_tokenizer

CODE_VERSION = "2"  # bump when a change to ingest must invalidate existing builds
KEEP_BUILDS = 3


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    path: Path
    counts: dict[str, int]
    seconds: float


class BuildFailed(IngestError):
    """Validation of a new build failed; the previous build keeps serving."""


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
            given.append((PlanMeta(id=p.stem, title=p.stem, source=p.name), p))
    base = [] if only and paths else discover_plans(settings["PLANS_DIR"])
    merged = {meta.id: (meta, path) for meta, path in [*base, *given]}
    return sorted(merged.values(), key=lambda t: t[0].id)


def source_fingerprint(sources: list[tuple[PlanMeta, Path]], settings: Mapping[str, Any]) -> str:
    """Hash of everything a build depends on: texts, manifests, embedder, code version."""
    h = hashlib.sha256(f"{CODE_VERSION}|{settings['EMBEDDER']}|{settings['IRI_BASE']}".encode())
    for meta, path in sources:
        h.update(json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()


def current_build(data_dir: str | Path) -> Path | None:
    cur = Path(data_dir) / "current"
    return cur.resolve() if (cur / "manifest.json").exists() else None


def is_stale(settings: Mapping[str, Any]) -> bool:
    cur = current_build(settings["DATA_DIR"])
    if cur is None:
        return True
    manifest = json.loads((cur / "manifest.json").read_text(encoding="utf-8"))
    return manifest.get("fingerprint") != source_fingerprint(plan_sources(settings), settings)


@dataclass(frozen=True)
class PlanRecords:
    meta: PlanMeta
    sha256: str  # of the source file as read
    sections: list[Section]
    passages: list[Passage]
    facts: list[Fact]


def extract_plan(meta: PlanMeta, path: Path) -> PlanRecords:
    doc = read_plan(path, meta)
    sections, passages = split(doc)
    return PlanRecords(meta, doc.sha256, sections, passages, extract(doc, sections, passages))


def build(settings: Mapping[str, Any], paths: Sequence[str] = (),
          progress: Callable[[str], None] | None = None, only: bool = False) -> BuildResult:
    """Build every plan into ``DATA_DIR/builds/<id>``, validate, and point ``DATA_DIR/current`` at it."""
    from rdflib import Dataset

    from kg.build import to_graph
    from kg.store import push_to_endpoint, write_graph_files
    from kg.validate import validate
    from retrieval.embed import load_embedder
    from retrieval.index import build_index

    step = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    sources = plan_sources(settings, paths, only)
    if not sources:
        raise IngestError(str(settings["PLANS_DIR"]), "no plans found (expected <id>.json manifests)")
    plans: list[PlanRecords] = []
    for meta, path in sources:
        step(f"read {meta.id}")
        plans.append(extract_plan(meta, path))
    metas = [r.meta for r in plans]
    sections = [s for r in plans for s in r.sections]
    passages = [p for r in plans for p in r.passages]
    facts = [f for r in plans for f in r.facts]
    step("graph")
    dataset = Dataset(default_union=True)
    for r in plans:  # one named graph per plan in one dataset
        to_graph(r.meta, r.sections, r.passages, r.facts, settings["IRI_BASE"], dataset=dataset)
    step("validate")
    result = validate(dataset)
    if not result.conforms:
        raise BuildFailed(str(sources[0][1]), f"SHACL validation failed with {result.violations} "
                          f"violation(s):\n{result.report}")
    data_dir = Path(settings["DATA_DIR"])
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    tmp = data_dir / "builds" / f".tmp-{build_id}"
    tmp.mkdir(parents=True)
    try:
        dump_records(tmp, metas, sections, passages, facts)
        write_graph_files(dataset, tmp)
        step("index")
        tok = make_tokenizer(dictionary_words(facts), dict_path=tmp / "userdict.txt")
        embedder = load_embedder(settings["EMBEDDER"])
        build_index(passages, tok, embedder, tmp)
        step("store")
        if str(settings["STORE"]).startswith("sparql:") and settings.get("STORE_UPDATE_URL"):
            push_to_endpoint(dataset, str(settings["STORE"])[len("sparql:"):], settings["STORE_UPDATE_URL"])
        counts = count_facts(facts, passages, sections)
        manifest = {
            "build": build_id, "code_version": CODE_VERSION, "model": embedder.model_id,
            "fingerprint": source_fingerprint(sources, settings),
            "plans": [asdict(r.meta) | {"sha256": r.sha256} for r in plans],
            "iri_base": settings["IRI_BASE"], "store": settings["STORE"], "counts": counts,
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


def count_facts(facts: list[Fact], passages: list[Passage], sections: list[Section]) -> dict[str, int]:
    counts: dict[str, int] = {"Section": len(sections), "Passage": len(passages)}
    seen: set[tuple[str, str]] = set()
    for f in facts:
        if (f.kind, f.key) not in seen:
            seen.add((f.kind, f.key))
            counts[f.kind] = counts.get(f.kind, 0) + 1
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
