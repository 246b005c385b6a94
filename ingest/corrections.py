"""Source corrections as data: ``<plans dir>/<plan id>.corrections.json`` beside the manifest.

A plan as published has its typos (a missing character, a stray one), stray characters and odd layouts. They are
repaired here from a per-plan file, each with its reason, never by code that knows one plan.

Choice (docs/ARCHITECTURE.md, "Corrections"): the published text stays the text of record. Structure
recovery and extraction run on a *corrected copy*; an :class:`OffsetMap` carries every section, passage
and fact offset back to the published text, so ``Passage.text == doc.text[start:end]`` and
``Fact.quote == doc.text[start:end]`` still hold and citations quote the plan verbatim. Facts whose
span touches a correction get the reason as ``skos:editorialNote``.

File shape::

    {"plan": "<id>",
     "text": [{"find": "12个中村", "replace": "12个中心村", "reason": "...", "occurrence": 1}],
     "facts": [{"kind": "FeaturedTown", "within": "<published text>", "set": {"theme": "茶叶"},
                "reason": "..."}]}

``text`` entries with ``"optional": true`` may be absent (a fix for one edition's layout);
entries without ``replace`` change nothing and only mark the facts they touch. ``find`` must
occur exactly once unless ``occurrence`` (1-based) says which. ``facts`` entries set properties of the
facts of ``kind`` whose quote lies inside the one occurrence of ``within``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.records import Correction, Document, Fact, FactCorrection, Passage, Section, Value, passage_id

SUFFIX = ".corrections.json"


def corrections_path(folder: str | Path, plan_id: str) -> Path:
    return Path(folder) / f"{plan_id}{SUFFIX}"


def load_corrections(path: str | Path) -> tuple[tuple[Correction, ...], tuple[FactCorrection, ...]]:
    """Read a corrections file; a missing file means no corrections."""
    p = Path(path)
    if not p.exists():
        return (), ()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IngestError(str(p), f"corrections file is not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise IngestError(str(p), "corrections file must be a JSON object with 'text' and 'facts' lists")
    text = tuple(_text_entry(p, i, e) for i, e in enumerate(data.get("text", [])))
    facts = tuple(_fact_entry(p, i, e) for i, e in enumerate(data.get("facts", [])))
    return text, facts


def _text_entry(p: Path, i: int, e: Any) -> Correction:
    if not isinstance(e, dict) or not e.get("find") or not e.get("reason"):
        raise IngestError(str(p), f"text[{i}] needs 'find' and 'reason'")
    rep = e.get("replace")
    return Correction(str(e["find"]), None if rep is None else str(rep), str(e["reason"]),
                      int(e.get("occurrence", 0)), str(p), bool(e.get("optional", False)))


def _fact_entry(p: Path, i: int, e: Any) -> FactCorrection:
    if not isinstance(e, dict) or not all(e.get(k) for k in ("kind", "within", "set", "reason")):
        raise IngestError(str(p), f"facts[{i}] needs 'kind', 'within', 'set' and 'reason'")
    values = tuple((str(k), v) for k, v in dict(e["set"]).items() if isinstance(v, str | int | float))
    return FactCorrection(str(e["kind"]), str(e["within"]), values, str(e["reason"]), str(p))


@dataclass(frozen=True)
class Edit:
    """One correction in place: ``orig[a:b]`` became ``new[c:d]``."""

    a: int
    b: int
    c: int
    d: int
    correction: Correction


@dataclass(frozen=True)
class OffsetMap:
    edits: tuple[Edit, ...]

    def to_orig(self, pos: int, end: bool = False) -> int:
        return _map(pos, end, [(e.c, e.d, e.a, e.b) for e in self.edits])

    def to_new(self, pos: int, end: bool = False) -> int:
        return _map(pos, end, [(e.a, e.b, e.c, e.d) for e in self.edits])


def _map(pos: int, end: bool, edits: list[tuple[int, int, int, int]]) -> int:
    """Map a position through edits (src a..b → dst c..d); inside an edit, a start goes to its start and
    an end to its end, so a span touching a correction covers all of it on the other side."""
    delta = 0
    for a, b, c, d in edits:
        if pos <= a:
            break
        if pos < b:
            return d if end else c
        delta = d - b
    return pos + delta


def locate(text: str, find: str, occurrence: int, where: str) -> int:
    """Offset of the chosen occurrence of ``find``; it must be unambiguous."""
    hits, at = [], text.find(find)
    while at >= 0:
        hits.append(at)
        at = text.find(find, at + 1)
    if not hits:
        raise IngestError(where, f"correction text not found in the plan: {find!r}")
    if occurrence:
        if occurrence > len(hits):
            raise IngestError(where, f"{find!r} occurs {len(hits)} times, not {occurrence}")
        return hits[occurrence - 1]
    if len(hits) > 1:
        raise IngestError(where, f"{find!r} occurs {len(hits)} times; say which with 'occurrence'")
    return hits[0]


def apply(text: str, corrections: tuple[Correction, ...]) -> tuple[str, OffsetMap]:
    """The corrected copy of ``text`` and the map between the two."""
    present = [c for c in corrections if not c.optional or c.find in text]
    placed = sorted(((locate(text, c.find, c.occurrence, c.source), c) for c in present), key=lambda t: t[0])
    out: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for at, c in placed:
        if at < pos:
            raise IngestError(c.source, f"correction {c.find!r} overlaps another one")
        out.append(text[pos:at])
        new_at = sum(len(x) for x in out)
        rep = c.find if c.replace is None else c.replace
        out.append(rep)
        edits.append(Edit(at, at + len(c.find), new_at, new_at + len(rep), c))
        pos = at + len(c.find)
    out.append(text[pos:])
    return "".join(out), OffsetMap(tuple(edits))


def corrected(doc: Document) -> tuple[Document, OffsetMap]:
    """The document as extraction reads it (the published one when there is nothing to correct)."""
    if not doc.corrections:
        return doc, OffsetMap(())
    text, omap = apply(doc.text, doc.corrections)
    return replace(doc, text=text), omap


def sections_to(sections: list[Section], omap: OffsetMap, orig: bool) -> list[Section]:
    f = omap.to_orig if orig else omap.to_new
    return [replace(s, start=f(s.start), end=f(s.end, True)) for s in sections]


def passages_back(passages: list[Passage], omap: OffsetMap, text: str) -> list[Passage]:
    """Passages of the corrected copy as slices of the published text (ids from the published text)."""
    out = []
    for p in passages:
        a, b = omap.to_orig(p.start), omap.to_orig(p.end, True)
        body = text[a:b]
        out.append(replace(p, id=passage_id(p.plan, p.section, body), text=body, start=a, end=b))
    return out


def passages_forward(passages: list[Passage], omap: OffsetMap, text: str) -> list[Passage]:
    """Published passages as slices of the corrected copy (same ids)."""
    out = []
    for p in passages:
        a, b = omap.to_new(p.start), omap.to_new(p.end, True)
        out.append(replace(p, text=text[a:b], start=a, end=b))
    return out


def facts_back(facts: list[Fact], omap: OffsetMap, text: str) -> list[Fact]:
    """Facts of the corrected copy with published quotes; those touching a correction get its note."""
    out = []
    for f in facts:
        a, b = omap.to_orig(f.start), omap.to_orig(f.end, True)
        notes = [_note(e, text) for e in omap.edits if e.a < b and a < e.b and _about(f, e)]
        out.append(with_notes(replace(f, quote=text[a:b], start=a, end=b), notes))
    return out


def _about(f: Fact, e: Edit) -> bool:
    """A fact is about a correction when it lies inside it or names the corrected words (label, key or a
    text value), not merely when its quote is a sentence that contains them."""
    c = e.correction
    words = c.find if c.replace is None else c.replace
    if e.c <= f.start and f.end <= e.d:
        return True
    texts = [f.label, f.key, *(v for _, v in f.props if isinstance(v, str))]
    return any(words in t or (c.replace is not None and _core(c) in t) for t in texts)


def _core(c: Correction) -> str:
    """The replacement without the context it shares with ``find`` ("设置的12个中心村" → "12个中心村")."""
    rep, find = c.replace or "", c.find
    i = 0
    while i < min(len(rep), len(find)) and rep[i] == find[i]:
        i += 1
    return rep[max(0, i - 3):] if i < len(rep) else rep


def _note(e: Edit, text: str) -> str:
    c = e.correction
    if c.replace is None:
        return c.reason
    return f"the text reads “{text[e.a:e.b]}”; read as “{c.replace}” ({c.reason})"


def with_notes(f: Fact, notes: list[str]) -> Fact:
    notes = [n for n in notes if ("skos:editorialNote", n) not in f.props]
    if not notes:
        return f
    props = f.props + tuple(("skos:editorialNote", n) for n in notes)
    note = "; ".join(x for x in (f.note, *notes) if x)
    return replace(f, props=props, note=note)


def apply_fact_corrections(facts: list[Fact], doc: Document) -> list[Fact]:
    """Set properties named by the ``facts`` entries (published-text coordinates)."""
    out = list(facts)
    for fc in doc.fact_corrections:
        at = locate(doc.text, fc.within, 0, fc.source)
        end = at + len(fc.within)
        hit = False
        for i, f in enumerate(out):
            if f.kind == fc.kind and at <= f.start and f.end <= end:
                out[i], hit = _set(f, fc.values, fc.reason), True
        if not hit:
            raise IngestError(fc.source, f"no {fc.kind} fact inside {fc.within!r} to correct")
    return out


def _set(f: Fact, values: tuple[tuple[str, Value], ...], reason: str) -> Fact:
    names = {k for k, _ in values}
    key = f.key
    for k, v in values:
        old = f.get(k)
        if k == "subject" and old and isinstance(old[0], str) and key.startswith(f"{old[0]}-"):
            key = f"{v}{key[len(old[0]):]}"  # indicator keys begin with their subject
    given = dict(values)
    props = tuple((k, given.pop(k)) if k in given else (k, v) for k, v in f.props
                  if k not in names or k in given) + tuple(given.items())
    return with_notes(replace(f, key=key, props=props), [reason])
