"""Extract facts from a plan: ``extract(doc, sections, passages) -> list[Fact]``.

The rules live in ``extract_places`` (towns, featured towns, protected areas, corridors, districts),
``extract_structure`` (formulas, positioning), ``extract_topics`` (village types, control lines, strategies,
life circles, heritage), ``extract_village`` (villages), ``extract_tables`` (land-use, heritage and
facility tables) and ``extract_figures`` (indicators). They are rules of the genre only.

Here: run them in order, then merge what several rules said about one entity (one Fact per kind and key:
the first statement gives the quote, later ones add roles, parts and members), then mark source oddities.
"""

from __future__ import annotations

import re

from ingest import (
    extract_figures,
    extract_places,
    extract_structure,
    extract_tables,
    extract_topics,
    extract_village,
)
from ingest.corrections import (
    apply_fact_corrections,
    corrected,
    facts_back,
    passages_forward,
    sections_to,
)
from ingest.extract_text import CJK, Sink
from ingest.records import Document, Fact, Passage, Ref, Section, Value

# Properties that may hold several values; every other property keeps the first value stated.
MULTI = {"hasRole", "hasPart", "member", "memberOf", "skos:editorialNote"}
_WORD_KINDS = {"Town", "Township", "NatureReserve", "ForestPark", "NaturePark", "ProtectedAreaSystem",
               "EcologicalCorridor", "EcologicalBarrier", "District", "FeaturedTown", "VillageType",
               "LifeCircle", "ControlLine", "Strategy", "StructureElement", "Positioning", "HeritageItem"}


def extract(doc: Document, sections: list[Section], passages: list[Passage]) -> list[Fact]:
    """All facts of ``doc``, one per (kind, key), in document order. Rules read the corrected copy
    (``ingest.corrections``); quotes and offsets are the published text's."""
    fixed, omap = corrected(doc)
    if omap.edits:
        sections = sections_to(sections, omap, orig=False)
        passages = passages_forward(passages, omap, fixed.text)
    facts = [_mark_oddities(f) for f in merge(facts_back(_extract(fixed, sections, passages), omap, doc.text))]
    if doc.fact_corrections:
        facts = merge(apply_fact_corrections(facts, doc))
    return sorted(facts, key=lambda f: (f.start, f.end, f.kind, f.key))


def _extract(doc: Document, sections: list[Section], passages: list[Passage]) -> list[Fact]:
    sink = Sink(doc, passages, sections)
    extract_places.towns(sink)
    extract_structure.formulas(sink)
    extract_places.featured_towns(sink, extract_places.known_towns(sink))
    extract_places.protected_areas(sink)
    extract_places.linear_features(sink)
    extract_places.districts(sink)
    extract_structure.positioning(sink)
    extract_topics.village_types(sink)
    extract_topics.control_lines(sink)
    extract_topics.strategies(sink)
    extract_topics.life_circles(sink)
    extract_topics.heritage(sink)
    extract_village.villages(sink)
    extract_tables.genre_tables(sink, extract_figures.plan_period(doc))
    extract_figures.indicators(sink, plan_place(doc, sections))
    return sink.facts


def plan_place(doc: Document, sections: list[Section]) -> str:
    """The planned area's own name (X县 from "X县国土空间总体规划"), stripped from indicator subjects."""
    for title in [doc.plan.title, *(s.title for s in sections[:3])]:
        m = re.match(f"^([{CJK}]{{2,10}}?[市县区旗])", title or "")
        if m and "国土空间" in title:
            return m.group(1)
    return ""


def merge(facts: list[Fact]) -> list[Fact]:
    """One fact per (kind, key). The primary statement (first without a note, else first) gives the
    quote; props are united (single-valued ones keep the primary's value, then the first seen)."""
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        groups.setdefault((f.kind, f.key), []).append(f)
    out = []
    for group in groups.values():
        primary = next((f for f in group if not f.note), group[0])
        ordered = [primary, *(f for f in group if f is not primary)]
        props: list[tuple[str, Value]] = []
        for f in ordered:
            for name, value in f.props:
                if (name, value) in props or (name not in MULTI and any(n == name for n, _ in props)):
                    continue
                props.append((name, value))
        notes = [n for n in dict.fromkeys(f.note for f in ordered) if n]
        out.append(Fact(primary.kind, primary.key, primary.label, primary.passage, primary.quote,
                        primary.start, primary.end, tuple(props), "; ".join(notes)))
    return out


def _mark_oddities(f: Fact) -> Fact:
    notes: list[str] = []
    if f.kind in ("Town", "Township"):
        roles = set(f.get("hasRole"))
        if {Ref("Concept", "KeyTown"), Ref("Concept", "GeneralTownship")} <= roles:
            notes.append("listed both as a 重点镇 (key town) and among the 一般乡镇 (general townships); "
                         "both roles kept as published")
    if not notes:
        return f
    props = f.props + tuple(("skos:editorialNote", n) for n in notes)
    return Fact(f.kind, f.key, f.label, f.passage, f.quote, f.start, f.end, props,
                "; ".join([x for x in (f.note, *notes) if x]))


def dictionary_words(facts: list[Fact]) -> list[str]:
    """Names for the jieba user dictionary: entity labels, indicator subjects, district functions."""
    words: set[str] = set()
    for f in facts:
        if f.kind in _WORD_KINDS:
            words.add(f.label)
        for name in ("subject", "function", "theme", "heritageType"):
            words.update(v for v in f.get(name) if isinstance(v, str))
    ok = re.compile(f"^[{CJK}A-Za-z0-9（）]{{2,20}}$")
    return sorted(w for w in words if ok.match(w))
