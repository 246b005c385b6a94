"""Spatial-structure formulas (“一核两轴、三廊两屏”的…格局) with their parts and members, and positioning
items. Genre rules: a quoted formula of numeral-led parts followed by its scope (…格局/结构/体系/布局), or a
quoted chain of levels joined by dashes (…—…—…) followed by N级体系; parts are defined by “X”指…
sentences, "X：" label lines, subsections titled X, or the explanation after the formula."""

from __future__ import annotations

import re

from ingest.extract_places import GENERIC_PREFIX, LINEAR, town_kind, town_name
from ingest.extract_text import CJK, Sink, Span, cjk_only, clean_item, cn_int, items, sentences
from ingest.records import Passage, Ref
from ingest.structure import match_key

_NUMERAL = "一二两三四五六七八九十百"
FORMULA = re.compile(r"[“\"]([^”\"]{2,40})[”\"](?:的|发展)?([^，。；、“”]{0,24}?(?:格局|结构|体系|布局))?")
_PART = re.compile(f"^(?:(?:[{_NUMERAL}]+|多|若干)[个条处项类种座]?[^{_NUMERAL}多、，,]+)+$")
_ELEMENT = re.compile(f"([{_NUMERAL}]+|多|若干)([个条处项类种座])?([^{_NUMERAL}多、，,]+)")
_CHAIN = re.compile(r"^[^—]{1,12}(?:—[^—]{1,12}){1,8}$")
_DEFINES = re.compile(r"[“\"]([^”\"]{1,12})[”\"]指([^。；]+)")
_TAIL_VERB = re.compile(r"^(.*?(?:轴|带|片|区|廊道|屏障))(?:串联|连接|贯穿|空间|布局|建设|核心|发展|的).*$")
_ROLE_NOUNS = ("重点镇", "一般乡镇", "一般镇", "中心城区", "中心镇")
_NAMED = ("轴", "带", "片", "区", "廊", "屏", "核", "点", "园", "域")


def formulas(sink: Sink) -> None:
    for p in sink.passages:
        positioning = _in_positioning(p)
        for s in sentences(p, "。；;\n"):
            for m in FORMULA.finditer(s.text):
                formula, scope = m.group(1), m.group(2)
                span = Span(s.start + m.start(), s.start + m.end(), m.group(0))
                parts = formula_parts_of(formula)
                if positioning and parts is not None:
                    q = Span(s.start + m.start(1), s.start + m.end(1), formula)
                    sink.add("Positioning", formula, formula, q)
                elif parts is not None and scope:
                    _structure(sink, p, span, formula, scope, parts)


def formula_parts_of(formula: str) -> list[tuple[str, int | None, str]] | None:
    """[(label, count, noun)] for “一核两轴、三廊两屏” or a dash chain; None when not a formula."""
    if _CHAIN.match(formula):
        return [(x, None, x) for x in formula.split("—")]
    pieces = re.split(r"[、，,]", formula)
    if not all(_PART.match(x) for x in pieces):
        return None
    out = []
    for piece in pieces:
        for m in _ELEMENT.finditer(piece):
            out.append((m.group(0), cn_int(m.group(1)), m.group(3)))
    return out


def _structure(sink: Sink, p: Passage, span: Span, formula: str, scope: str,
               parts: list[tuple[str, int | None, str]]) -> None:
    props: list = [("formula", formula), ("scope", scope)]
    rest = Span(span.end, p.end, sink.doc.text[span.end:p.end])
    for label, count, noun in parts:
        key = f"{formula}·{label}"
        props.append(("hasPart", Ref("StructureElement", key)))
        definition = _definition(sink, p, label)
        eprops: list = [("count", count)] if count is not None else []
        members: list[tuple[str, str]] = []
        if definition is not None:
            eprops.append(("skos:definition", definition.text))
            members = _members(sink, definition, noun, count, strict=False)
        elif count is not None:
            members = _members(sink, rest, noun, count, strict=True)
        eprops += [("member", Ref(kind, name)) for kind, name in members]
        sink.add("StructureElement", key, label, definition or span, eprops)
    sink.add("SpatialStructure", formula, formula, span, props)


def _definition(sink: Sink, p: Passage, label: str) -> Span | None:
    """“X”指… in the section; a "X：" label line; or the body of a subsection titled X."""
    same = [q for q in sink.passages if q.section_id == p.section_id]
    for q in same:
        for s in sentences(q, "。；;"):
            for m in _DEFINES.finditer(s.text):
                if m.group(1) == label:
                    return Span(s.start + m.start(2), s.start + m.end(2), m.group(2).strip())
    for q in same:
        found = re.search(rf"(?m)^\s*{re.escape(label)}\s*[：:][ \t]*\n?[ \t]*(\S[^\n]*)", q.text)
        if found:
            m = found
            body = m.group(1).rstrip()
            return Span(q.start + m.start(1), q.start + m.start(1) + len(body), body)
    for sec in sink.subsections(p.section_id):
        if match_key(sec.title) == match_key(label):
            body = sink.body(sec.id)
            if body:
                return Span(body[0].start, body[0].end, body[0].text)
    return None


def _members(sink: Sink, text: Span, noun: str, count: int | None, strict: bool) -> list[tuple[str, str]]:
    """Entities a part names, by the part's noun (极 → towns, 廊 → corridors, 心/核 → the central city …).
    From free explanation (strict) only when their number equals the part's count."""
    c = noun[0]
    found: list[tuple[str, str]] = []
    for kind, name in _named_items(sink, text):
        if kind == "Concept":
            ok = c in "心核"
        elif kind in ("Town", "Township"):
            ok = c == "极" or noun in _ROLE_NOUNS
        else:
            ok = c in name[-4:] and c not in "心核"
        if ok and (kind, name) not in found:
            found.append((kind, name))
    if strict and count is not None and len(found) != count:
        return []
    for kind, name in found:
        if kind in ("District", "StructureElement"):
            sink.add(kind, name, name, _locate(text, name))
        if kind in ("Town", "Township") and c == "极":
            sink.add(kind, name, name, _locate(text, name), [("hasRole", Ref("Concept", "DevelopmentPole"))])
    return [("Concept", "CentralCity") if k == "Concept" else (k, n) for k, n in found]


def _locate(text: Span, name: str) -> Span:
    i = text.text.find(name)
    return Span(text.start + i, text.start + i + len(name), name)


def _named_items(sink: Sink, text: Span) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pieces = [Span(text.start + m.start(), text.start + m.end(), m.group(0))
              for m in re.finditer(r"[^\n。；;]+", text.text)]
    for piece in pieces:
        for it in items(piece, "、，,和及与"):
            it = clean_item(it)
            body = next((x for x in re.split(r"[：:]", it.text) if x), "")
            kind = _classify(body)
            if kind:
                name = town_name(body) if kind in ("Town", "Township") else _trim_tail(body)
                out.append((kind, "中心城区" if kind == "Concept" else name or body))
    return out


def _classify(body: str) -> str | None:
    if "中心城区" in body:
        return "Concept"
    name = town_name(body)
    if name:
        return town_kind(name)
    body = _trim_tail(body)
    if not cjk_only(body) or len(body) < 3 or "个" in body:
        return None
    for suffix, kind in LINEAR:
        if body.endswith(suffix):
            prefix = body[: -len(suffix)].removesuffix("生态")
            return kind if len(prefix) >= 2 and not prefix.startswith(GENERIC_PREFIX) else None
    if body.endswith("区"):
        return "District"
    if body[-1] in _NAMED:
        return "StructureElement"
    return None


def _trim_tail(body: str) -> str:
    m = _TAIL_VERB.match(body)
    return m.group(1) if m else body


def _in_positioning(p: Passage) -> bool:
    return any("定位" in t for t in p.path[1:])


def positioning(sink: Sink) -> None:
    """Positioning items: short stand-alone lines under a 定位 heading, or "定位为：A、B、C"."""
    for p in sink.passages:
        if not _in_positioning(p):
            continue
        for s in sentences(p, "\n"):
            if re.search(r"[，。；：:“”,]", s.text) or re.match(r"^第\S+条", s.text):
                continue
            if 4 <= len(s.text) <= 30 and re.fullmatch(f"[{CJK}A-Za-z0-9（）()·]+", s.text):
                sink.add("Positioning", s.text, s.text, s)
        for s in sentences(p, "。；;\n"):
            m = re.search(r"定位(?:为|是)[：:]?", s.text)
            if m:
                tail = Span(s.start + m.end(), s.end, s.text[m.end():])
                for it in items(tail, "、，,；"):
                    it = clean_item(it)
                    if cjk_only(it.text) and len(it.text) >= 4:
                        sink.add("Positioning", it.text, it.text, it)
