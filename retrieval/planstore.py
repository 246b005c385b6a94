"""A build's records served plan by plan, so a worker holds the plans it answers lately, not the corpus.

A build's record files (``sections.jsonl``, ``passages.jsonl``, ``facts.jsonl``) are the concatenation of
each plan's part; ``records.json`` (written by the build) holds each plan's byte range in each file
and its line counts. ``PlanStore`` reads a plan's lines on first use (the files stay in the page
cache, shared by the workers) into a bounded LRU of ``PlanRecords``: its sections, passages, facts and
its own ``FactBase``. The whole-corpus part a worker keeps is the plan list, the places routing needs
and the index's memory-mapped arrays.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from ingest.records import Fact, Passage, PlanMeta, Section
from ingest.serialize import fact_from_json, read_jsonl, record_from_json
from retrieval.facts import Entity, FactBase

RANGES_FILE = "records.json"
FILES = ("sections.jsonl", "passages.jsonl", "facts.jsonl")
T = TypeVar("T")


class RecordsMissing(Exception):
    """The build has no ``records.json`` (built by an older version): rebuild it."""


def write_ranges(out: Path, plans: Sequence[str], parts: Sequence[dict[str, Path]]) -> None:
    """``records.json`` for record files that concatenate ``parts`` (one ``{file name: part}`` per plan)."""
    offsets = dict.fromkeys(FILES, 0)
    ranges: dict[str, dict[str, list[int]]] = {}
    for plan, files in zip(plans, parts, strict=True):
        ranges[plan] = {}
        for name in FILES:
            data = files[name].read_bytes()
            size, lines = len(data), data.count(b"\n")
            ranges[plan][name] = [offsets[name], size, lines]
            offsets[name] += size
    (out / RANGES_FILE).write_text(json.dumps({"plans": ranges}, ensure_ascii=False), "utf-8")


class PlanRecords:
    """One plan's records, read from the build's files: passages at once (search hits need them),
    sections, facts and ``base`` (its ``FactBase``) on first use."""

    def __init__(self, store: PlanStore, plan: str) -> None:
        self.store, self.plan = store, plan
        self.passages = [record_from_json(Passage, d) for d in store.lines(plan, "passages.jsonl")]
        self._sections: list[Section] | None = None
        self._facts: list[Fact] | None = None
        self._base: FactBase | None = None
        self._lock = threading.Lock()

    @property
    def sections(self) -> list[Section]:
        if self._sections is None:
            self._sections = [record_from_json(Section, d) for d in self.store.lines(self.plan, "sections.jsonl")]
        return self._sections

    @property
    def facts(self) -> list[Fact]:
        if self._facts is None:
            self._facts = [fact_from_json(d) for d in self.store.lines(self.plan, "facts.jsonl")]
        return self._facts

    @property
    def base(self) -> FactBase:
        with self._lock:
            if self._base is None:
                self._base = FactBase(self.facts, self.passages, list(self.store.plans))
            return self._base


class PlanStore:
    """The plans of one build directory, read lazily, at most ``capacity`` kept in memory."""

    def __init__(self, folder: Path, capacity: int = 32) -> None:
        self.folder = folder
        try:
            head = json.loads((folder / RANGES_FILE).read_text("utf-8"))
        except FileNotFoundError:
            raise RecordsMissing(f"{folder / RANGES_FILE} is missing; rebuild with `plankg ingest`") from None
        self.ranges: dict[str, dict[str, list[int]]] = head["plans"]
        self.plans = [record_from_json(PlanMeta, d) for d in read_jsonl(folder / "plans.jsonl")]
        self.capacity = max(1, int(capacity))
        self._lru: OrderedDict[str, PlanRecords] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, name: str) -> int:
        return sum(r[name][2] for r in self.ranges.values())

    def lines(self, plan: str, name: str) -> list[dict[str, Any]]:
        """The JSON records of ``plan`` in file ``name`` (read straight from the file, not cached)."""
        start, size, _n = self.ranges[plan][name]
        with (self.folder / name).open("rb") as fh:
            fh.seek(start)
            data = fh.read(size)
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]

    def read(self, plan: str) -> PlanRecords:
        return PlanRecords(self, plan)

    def records(self, plan: str) -> PlanRecords:
        """``plan``'s records, from the LRU or read now (``KeyError`` for a plan the build lacks)."""
        if plan not in self.ranges:
            raise KeyError(plan)
        with self._lock:
            got = self._lru.get(plan)
            if got is not None:
                self._lru.move_to_end(plan)
                return got
        fresh = self.read(plan)  # outside the lock: another plan's request need not wait
        with self._lock:
            got = self._lru.setdefault(plan, fresh)
            self._lru.move_to_end(plan)
            while len(self._lru) > self.capacity:
                self._lru.popitem(last=False)
            return got

    def base(self, plan: str) -> FactBase:
        return self.records(plan).base

    def cached(self) -> list[str]:
        with self._lock:
            return list(self._lru)

    def places(self, kinds: Sequence[str]) -> list[Entity]:
        """Entities of ``kinds`` in every plan, without their facts (label: the first fact's, as
        ``FactBase`` merges them): what routing's gazetteer needs."""
        needles = [f'"kind": "{k}"' for k in kinds]
        out: dict[tuple[str, str, str], Entity] = {}
        for plan in self.ranges:
            start, size, _n = self.ranges[plan]["facts.jsonl"]
            with (self.folder / "facts.jsonl").open("rb") as fh:
                fh.seek(start)
                text = fh.read(size).decode("utf-8")
            for line in text.splitlines():
                if any(n in line for n in needles):
                    d = json.loads(line)
                    if d["kind"] in kinds:
                        out.setdefault((plan, d["kind"], d["key"]), Entity(plan, d["kind"], d["key"], d["label"]))
        return list(out.values())


class AllRecords(Sequence[T], Generic[T]):
    """Every record of one file across the plans, in build order, read plan by plan when iterated
    (for pages and tools that scan the corpus; nothing is kept)."""

    def __init__(self, store: PlanStore, name: str, parse: Callable[[dict[str, Any]], T]) -> None:
        self.store, self.name, self.parse = store, name, parse
        self._len = store.count(name)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        for plan in self.store.ranges:
            yield from (self.parse(d) for d in self.store.lines(plan, self.name))

    def of_plan(self, plan: str) -> list[T]:
        return [self.parse(d) for d in self.store.lines(plan, self.name)] if plan in self.store.ranges else []

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...

    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return list(self)[i]
        i = i + self._len if i < 0 else i
        for plan, r in self.store.ranges.items():
            n = r[self.name][2]
            if i < n:
                return self.of_plan(plan)[i]
            i -= n
        raise IndexError(i)


class RowPassages(Sequence[Passage]):
    """The index's rows as passages, read plan by plan from the store (row ``i`` = ``ids[i]``).

    A plan's passages are checked against the index's ids for its rows when first read, so a
    build whose records and index disagree fails on its first read (``StaleRecords``)."""

    lazy = True

    def __init__(self, store: PlanStore, spans: dict[str, tuple[int, int]], ids: Callable[[int, int], list[str]],
                 count: int) -> None:
        self.store, self._ids, self._count = store, ids, count
        order = sorted(spans.items(), key=lambda kv: kv[1][0])
        self._plans = [plan for plan, _ in order]
        self._starts = [span[0] for _, span in order]
        self._spans = dict(spans)
        self._checked: set[str] = set()

    def __len__(self) -> int:
        return self._count

    def plan_of(self, row: int) -> str:
        import bisect

        if not 0 <= row < self._count:
            raise IndexError(row)
        return self._plans[bisect.bisect_right(self._starts, row) - 1]

    def of_plan(self, plan: str) -> list[Passage]:
        passages = self.store.records(plan).passages
        if plan not in self._checked:
            a, b = self._spans[plan]
            if [p.id for p in passages] != self._ids(a, b):
                raise StaleRecords(f"passages of {plan} do not match the index rows {a}..{b}; rebuild")
            self._checked.add(plan)
        return passages

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Passage]: ...

    def __getitem__(self, i: int | slice) -> Passage | Sequence[Passage]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        i = i + self._count if i < 0 else i
        plan = self.plan_of(i)
        return self.of_plan(plan)[i - self._spans[plan][0]]

    def __iter__(self) -> Iterator[Passage]:
        for plan in self._plans:
            yield from self.store.records(plan).passages


class StaleRecords(Exception):
    """A build's record files and its index disagree."""
