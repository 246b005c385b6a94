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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import NotFound, Unavailable
from ingest.records import Fact, Passage, PlanMeta, Section
from ingest.serialize import load_records

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
    path: Path
    manifest: dict[str, Any]
    plans: list[PlanMeta]
    sections: list[Section]
    passages: list[Passage]
    facts: list[Fact]
    dataset: Any
    index: Any
    tokenizer: Any
    embedder: Any
    settings: Any
    by_id: dict[str, Passage] = field(default_factory=dict)
    _kb: Any = None
    _catalog: Any = None

    @classmethod
    def open(cls, settings: Any, path: Path | None = None) -> Build:
        from ingest.tokenize import make_tokenizer
        from kg.store import open_store
        from retrieval.index import StaleIndexError, load_index
        from retrieval.search import warm_up

        data_dir = Path(settings["DATA_DIR"])
        path = path or (data_dir / "current").resolve()
        mf = path / "manifest.json"
        if not mf.exists():
            raise Unavailable("no plan data has been built yet: run `plankg ingest` first")
        manifest = json.loads(mf.read_text(encoding="utf-8"))
        plans, sections, passages, facts = load_records(path)
        embedder = shared_embedder(settings["EMBEDDER"])
        tok = make_tokenizer(dict_path=None)
        userdict = path / "userdict.txt"
        if userdict.exists() and userdict.stat().st_size:
            tok.load_userdict(str(userdict))
        try:
            index = load_index(path, embedder, passages)
        except StaleIndexError as exc:
            raise Unavailable(f"index in {path} does not match: {exc}; run `plankg ingest`") from exc
        dataset = open_store(settings["STORE"], path)
        warm_up(index, tok, embedder)
        return cls(path, manifest, plans, sections, passages, facts, dataset, index, tok, embedder,
                   settings, {p.id: p for p in passages})

    @property
    def build_id(self) -> str:
        return str(self.manifest["build"])

    def plan_ids(self) -> list[str]:
        return [p.id for p in self.plans]

    def check_plan(self, plan: str | None) -> str | None:
        if plan and plan not in self.plan_ids():
            raise NotFound(f"未知的规划：{plan}")
        return plan or None

    def passage(self, pid: str) -> Passage:
        try:
            return self.by_id[pid]
        except KeyError:
            raise NotFound(f"没有这个段落：{pid}") from None

    @property
    def catalog(self) -> Any:
        """The plan picker's catalogue (``retrieval.plans.PlanCatalog``), built on first use."""
        if self._catalog is None:
            from retrieval.plans import PlanCatalog

            self._catalog = PlanCatalog(self.plans)
        return self._catalog

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from retrieval.facts import FactBase

            self._kb = FactBase(self.facts, self.passages, self.plans)
        return self._kb

    def search(self, query: str, top_k: int = 5, plan: str | None = None) -> Any:
        from retrieval.search import hybrid_search

        return hybrid_search(self.index, self.tokenizer, self.embedder, query, top_k=top_k, plan=plan)

    def ask(self, question: str, plan: str | None = None, top_k: int = 5, lang: str | None = None) -> dict[str, Any]:
        from retrieval.answering import answer, context_for

        plan = self.check_plan(plan)
        ctx = context_for(self.kb, self.tokenizer)
        result = answer(question, ctx, lambda q, k, p: self.search(q, k, p), plan=plan, top_k=top_k, lang=lang)
        return result.to_json(question, plan, self.settings["IRI_BASE"])


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
