"""Heavy resources, loaded once per process from the current build, reloaded when the build changes.

``Build`` is everything one build directory serves: records, the graph store, the search index, the
tokenizer and the embedder. ``Resources`` holds the current ``Build`` and swaps it when
``DATA_DIR/current`` is repointed by a new ingest (checked at most once a second per process); a
request in flight keeps the build it started with.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import NotFound, Unavailable
from ingest.records import Fact, Passage, PlanMeta, Section

log = logging.getLogger("plankg")
_EMBEDDERS: dict[str, Any] = {}  # one embedder per process and spec, shared across builds
_EMBED_LOCK = threading.Lock()


def shared_embedder(spec: str) -> Any:
    from retrieval.embed import load_embedder

    with _EMBED_LOCK:
        if spec not in _EMBEDDERS:
            _EMBEDDERS[spec] = load_embedder(spec)
        return _EMBEDDERS[spec]


@dataclass
class Build:
    """One build directory as served. Records are read plan by plan (``retrieval.planstore``): a
    worker holds the plan list, the places routing needs, the memory-mapped index and the last
    ``PLAN_CACHE`` plans it used; ``passages``/``sections``/``facts`` read the files when iterated."""

    path: Path
    manifest: dict[str, Any]
    plans: list[PlanMeta]
    sections: Sequence[Section]
    passages: Sequence[Passage]
    facts: Sequence[Fact]
    dataset: Any
    index: Any
    tokenizer: Any
    embedder: Any
    settings: Any
    store: Any = None
    bases: Any = None  # retrieval.facts.PlanBases: what answering is given
    _kb: Any = None
    _catalog: Any = None

    @classmethod
    def open(cls, settings: Any, path: Path | None = None) -> Build:
        from ingest.tokenize import make_tokenizer
        from kg.store import open_store
        from retrieval.index import StaleIndexError, load_index
        from retrieval.planstore import RecordsMissing

        data_dir = Path(settings["DATA_DIR"])
        path = path or (data_dir / "current").resolve()
        mf = path / "manifest.json"
        if not mf.exists():
            raise Unavailable("no plan data has been built yet: run `plankg ingest` first")
        manifest = json.loads(mf.read_text(encoding="utf-8"))
        try:
            store, sections, facts, ids = _open_records(path, int(settings.get("PLAN_CACHE") or 32))
        except RecordsMissing as exc:
            raise Unavailable(str(exc)) from exc
        embedder = shared_embedder(settings["EMBEDDER"])
        tok = make_tokenizer(dict_path=None)
        userdict = path / "userdict.txt"
        if userdict.exists() and userdict.stat().st_size:
            tok.load_userdict(str(userdict))
        passages = _row_passages(store, path, ids)
        try:
            index = load_index(path, embedder, passages)
        except StaleIndexError as exc:
            raise Unavailable(f"index in {path} does not match: {exc}; run `plankg ingest`") from exc
        dataset = open_store(settings["STORE"], path)
        build = cls(path, manifest, store.plans, sections, passages, facts, dataset, index, tok, embedder,
                    settings, store)
        build.bases = _plan_bases(build)
        build.warm()
        return build

    def warm(self) -> None:
        """What the first requests would otherwise pay, paid now (at start, or in the reload thread
        before the swap): the routing context, the plan picker, one answer on the default plan and one
        search over every row (the first touch of the mapped index pages); the English dictionary is read
        in the background."""
        from retrieval.answering import context_for
        from retrieval.dictionary import preload
        from retrieval.search import hybrid_search

        preload()  # the English–Chinese dictionary, in the background
        context_for(self.bases, self.tokenizer)
        _ = self.catalog
        default = self.settings.get("DEFAULT_PLAN") or ""
        plan = default if default in self.plan_ids() else (self.plans[0].id if self.plans else None)
        if plan is not None:
            self.ask("预热 warm-up", plan=plan)
        hybrid_search(self.index, self.tokenizer, self.embedder, "预热 warm-up", top_k=1)  # maps every page

    @property
    def build_id(self) -> str:
        return str(self.manifest["build"])

    def plan_ids(self) -> list[str]:
        return [p.id for p in self.plans]

    def check_plan(self, plan: str | None) -> str | None:
        if plan and plan not in self.store.ranges:
            raise NotFound(f"未知的规划：{plan}")
        return plan or None

    @property
    def by_id(self) -> Mapping[str, Passage]:
        """Passage id → passage (looked up through the index's ids; not iterable)."""
        return self.bases.passages  # type: ignore[no-any-return]

    def find_passage(self, pid: str) -> Passage | None:
        row = self.index.row(pid)
        return self.passages[row] if row >= 0 else None

    def passage(self, pid: str) -> Passage:
        found = self.find_passage(pid)
        if found is None:
            raise NotFound(f"没有这个段落：{pid}")
        return found

    def plan_passages(self, plan: str) -> list[Passage]:
        """``plan``'s passages in build order (from the plan cache)."""
        return self.store.records(plan).passages  # type: ignore[no-any-return]

    def plan_sections(self, plan: str) -> list[Section]:
        return self.store.records(plan).sections if plan in self.store.ranges else []  # type: ignore[no-any-return]

    def facts_of_iri(self, node: Any, base: str) -> list[Fact]:
        """The facts of the plan whose IRIs ``node`` falls under (an entity's facts are among them)."""
        from kg.iri import plan_iri

        text = str(node)
        for plan in self.plan_ids():
            if text.startswith(f"{plan_iri(base, plan)}/"):
                return self.store.records(plan).facts  # type: ignore[no-any-return]
        return []

    @property
    def catalog(self) -> Any:
        """The plan picker's catalogue (``retrieval.plans.PlanCatalog``), built on first use."""
        if self._catalog is None:
            from retrieval.plans import PlanCatalog

            self._catalog = PlanCatalog(self.plans)
        return self._catalog

    @property
    def kb(self) -> Any:
        """One ``FactBase`` over every record (for tools and tests; requests use ``bases``)."""
        if self._kb is None:
            from retrieval.facts import FactBase

            self._kb = FactBase(list(self.facts), list(self.passages), self.plans)
        return self._kb

    def search(self, query: str, top_k: int = 5, plan: str | None = None, lexical: str | None = None,
               depth: int | None = None) -> Any:
        from retrieval.search import hybrid_search

        return hybrid_search(self.index, self.tokenizer, self.embedder, query, top_k=top_k, plan=plan,
                             lexical=lexical, depth=depth)

    def ask(self, question: str, plan: str | None = None, top_k: int = 5, lang: str | None = None) -> dict[str, Any]:
        from retrieval.answering import answer, context_for

        plan = self.check_plan(plan)
        ctx = context_for(self.bases, self.tokenizer)
        result = answer(question, ctx, self.search, plan=plan, top_k=top_k, lang=lang)
        return result.to_json(question, plan, self.settings["IRI_BASE"])


def _open_records(path: Path, capacity: int) -> tuple[Any, Any, Any, Any]:
    import numpy as np

    from ingest.serialize import fact_from_json, record_from_json
    from retrieval.planstore import AllRecords, PlanStore

    store = PlanStore(path, capacity)
    if store.plans:
        store.records(store.plans[0].id)  # a broken record file fails here, before the slow steps
    sections = AllRecords(store, "sections.jsonl", lambda d: record_from_json(Section, d))
    facts = AllRecords(store, "facts.jsonl", fact_from_json)
    try:
        ids_sorted = np.load(path / "ids_sorted.npy", mmap_mode="r")
        rows = np.load(path / "ids_rows.npy", mmap_mode="r")
    except FileNotFoundError:
        from retrieval.planstore import RecordsMissing

        raise RecordsMissing(f"index ids in {path} are missing; rebuild with `plankg ingest`") from None
    ids = np.empty_like(ids_sorted)
    ids[np.asarray(rows)] = ids_sorted
    return store, sections, facts, ids


def _row_passages(store: Any, path: Path, ids: Any) -> Any:
    from retrieval.planstore import RowPassages

    spans = json.loads((path / "index.json").read_text("utf-8")).get("plans", {})
    return RowPassages(store, {k: (int(v[0]), int(v[1])) for k, v in spans.items()},
                       lambda a, b: [str(x) for x in ids[a:b]], len(ids))


def _plan_bases(build: Build) -> Any:
    from retrieval.answering.routing import PLACE_KINDS
    from retrieval.facts import PlanBases

    return PlanBases(build.plans, build.store.base, build.store.places(PLACE_KINDS), build.find_passage,
                     len(build.passages))


class Resources:
    """The process's current build, reloaded when ``DATA_DIR/current`` changes.

    Only the first build is opened on the request path; a newer one is opened by a background
    thread while requests keep the build they have, then swapped in by one reference assignment
    (no lock on the request path). Indexes are memory-mapped, so workers share their pages."""

    CHECK_EVERY = 1.0

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._build: Build | None = None
        self._target: Path | None = None
        self._checked = 0.0
        self._failed: Path | None = None
        self._loading: Path | None = None
        self.error: str | None = None

    def warm(self) -> None:
        try:
            self.current()
        except Unavailable as exc:
            self.error = exc.message

    def _first(self) -> Build:
        with self._lock:
            if self._build is None:
                target = (Path(self.settings["DATA_DIR"]) / "current").resolve()
                self._build, self._target = Build.open(self.settings, target), target
                self._checked, self.error = time.monotonic(), None
            return self._build

    def current(self) -> Build:
        build = self._build
        if build is None:
            return self._first()
        now = time.monotonic()
        if now - self._checked < self.CHECK_EVERY:
            return build
        self._checked = now
        target = (Path(self.settings["DATA_DIR"]) / "current").resolve()
        if target not in (self._target, self._failed, self._loading):
            self._loading = target
            threading.Thread(target=self._load, args=(target,), name="plankg-reload", daemon=True).start()
        elif target == self._target and self.error is not None:
            self.error = self._failed = None  # `current` points back at the build being served
        return build

    def _load(self, target: Path) -> None:
        try:
            fresh = Build.open(self.settings, target)
        except Exception as exc:  # a broken new build must not take the old one down
            self._failed = target  # not retried until `current` moves again
            kept = self._build.build_id if self._build is not None else "none"
            self.error = f"kept build {kept}: {exc}"
            log.exception("new build %s not loaded; still serving %s", target, kept)
        else:
            self._build, self._target = fresh, target
            self.error = self._failed = None
        finally:
            self._loading = None
