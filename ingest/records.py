"""Frozen records that flow through the pipeline: Document → Section/Passage → Fact."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    """A reference from one fact to another entity, by class and key."""

    kind: str
    key: str


Value = str | int | float | bool | Ref


@dataclass(frozen=True)
class PlanMeta:
    """A plan's manifest (``data/plans/<id>.json``)."""

    id: str
    title: str
    publisher: str = ""
    issued: str = ""  # "2023-12"
    period_start: int | None = None
    period_end: int | None = None
    near_term: int | None = None
    vision: int | None = None
    source: str = ""  # file name of the text, relative to the manifest
    level: str | None = None  # planning level: 省 / 市 / 县 / 乡镇 / 村庄
    region: tuple[str, ...] = ()  # administrative names from the largest down, e.g. ("某省", "某市", "某县")


@dataclass(frozen=True)
class Correction:
    """A source correction (``<id>.corrections.json``): ``find`` is read as ``replace`` for matching.

    ``replace`` None: nothing changes, the facts touching ``find`` get ``reason`` as a note.
    ``occurrence``: 1-based, which occurrence of ``find``; 0 = it must be unique."""

    find: str
    replace: str | None
    reason: str
    occurrence: int = 0
    source: str = ""  # the corrections file
    optional: bool = False  # may be absent (a layout fix for one edition, e.g. the Markdown one)


@dataclass(frozen=True)
class FactCorrection:
    """Set properties of the ``kind`` facts whose quote lies inside the published text ``within``."""

    kind: str
    within: str
    values: tuple[tuple[str, Value], ...]
    reason: str
    source: str = ""


@dataclass(frozen=True)
class Document:
    """A decoded plan text. ``text`` is exactly what the file says, decoded."""

    plan: PlanMeta
    path: str
    text: str
    encoding: str
    sha256: str
    corrections: tuple[Correction, ...] = ()
    fact_corrections: tuple[FactCorrection, ...] = ()
    page_starts: tuple[int, ...] = ()  # offset in ``text`` where page 1, 2, … begins (PDF); empty: no pages

    def pages(self, start: int, end: int) -> tuple[int, ...]:
        """1-based pages that ``text[start:end]`` lies on."""
        if not self.page_starts:
            return ()
        first = bisect.bisect_right(self.page_starts, start)
        last = bisect.bisect_right(self.page_starts, max(start, end - 1))
        return tuple(range(max(first, 1), max(last, 1) + 1))


@dataclass(frozen=True)
class Section:
    """A heading of the plan: chapter (level 1), section (2), subsection (3+)."""

    id: str  # stable: "ch1", "1.2", or "pre-前言"; unique within a plan
    number: str | None  # "1", "1.2"; None before chapter 1
    title: str  # heading text as published (stripped of markup)
    level: int
    parent: str | None  # parent Section.id
    start: int  # offset of the heading line in Document.text
    end: int  # end of the section's content (exclusive)
    plan: str = ""  # PlanMeta.id
    note: str = ""  # a source oddity about this heading, kept as published


@dataclass(frozen=True)
class Passage:
    """A citable unit of text: a paragraph group under its nearest heading."""

    id: str  # content hash (see passage_id)
    plan: str
    section: str | None  # nearest numbered section, "4.2"; None before chapter 1
    section_id: str  # Section.id of the nearest heading of any level
    heading: str  # nearest heading's title
    path: tuple[str, ...]  # heading trail from chapter to nearest heading
    text: str  # verbatim slice of Document.text[start:end]
    start: int
    end: int
    pages: tuple[int, ...] = ()  # 1-based page numbers the passage lies on (paged sources: PDF)


def passage_id(plan: str, section: str | None, text: str) -> str:
    """Content hash: stable across rebuilds as long as the passage text is unchanged."""
    h = hashlib.sha1(f"{plan}\x1f{section or ''}\x1f{text}".encode()).hexdigest()
    return f"p-{h[:12]}"




@dataclass(frozen=True)
class Fact:
    """One extracted entity or figure with the evidence that states it.

    ``kind`` is an ontology class local name (``Town``, ``Indicator`` ...); ``key`` is the stable
    local key that, with ``kind`` and the plan id, makes the IRI. ``quote`` is
    ``Document.text[start:end]`` and occurs verbatim in the passage ``passage``.
    ``props`` are ``(property local name, value)`` pairs; the property names are terms of
    ``ontology/plan.ttl``.
    """

    kind: str
    key: str
    label: str
    passage: str  # Passage.id
    quote: str
    start: int
    end: int
    props: tuple[tuple[str, Value], ...] = field(default=())
    note: str = ""  # e.g. "ambiguous: listed both as key town and general township"

    def get(self, name: str) -> list[Value]:
        return [v for k, v in self.props if k == name]
