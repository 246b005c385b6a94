"""Places: towns and townships with their roles, featured towns, protected areas, corridors, barriers,
districts. Genre rules only: role lists (重点镇/一般乡镇/中心城区 headings or cue words), coverage words
(全域/部分区域), name suffixes (镇/乡/小镇/自然保护区/森林公园/生态廊道/生态屏障 …)."""

from __future__ import annotations

import re

from ingest.extract_text import (
    CJK,
    CN_NUM,
    Sink,
    Span,
    cjk_only,
    clean_item,
    items,
    level_of,
    sentences,
)
from ingest.records import Ref
from ingest.structure import match_key

ROLE_HEADINGS = {"重点镇": "KeyTown", "一般乡镇": "GeneralTownship", "一般镇": "GeneralTownship",
                 "一般乡": "GeneralTownship", "一般镇乡": "GeneralTownship"}
_ROLE_CUE = re.compile(r"(重点镇|一般乡镇|一般镇|一般乡)(?:[0-9" + CN_NUM + r"]+个)?(?:为|包括|有|是|即|：|:)")
_ROLE_AFTER = re.compile(r"(?:等)?[0-9" + CN_NUM + r"]+个(重点发展极|发展极|重点镇|一般乡镇)")
_CENTRAL_CUE = re.compile(r"中心城区(?:范围)?(?:包括|涵盖|含|由)")
_COVERAGE = re.compile(r"的?(全域|部分区域|部分地区|局部区域|局部)")
_TOWN = re.compile(f"^([{CJK}]{{1,10}}?[镇乡])(?:等.*|的?(?:全域|部分区域|部分地区|局部区域|局部).*)?$")
_GENERIC_TOWN = re.compile(r"(?:乡镇|小镇|集镇|村镇|之乡|镇乡)$|^(?:[各其该本每]|全[镇乡]$|小?城镇$|重点|中心镇$|特色|建制|一般)")
_POLE_DEF = re.compile(r"[“\"]([^”\"]{1,8}极)[”\"]指([^。；]+)")
_FEATURED = re.compile(f"^([{CJK}]{{2,16}}?小镇)(?:[（(]([^）)]+)[）)])?$")
PROTECTED = (("自然保护区", "NatureReserve"), ("森林公园", "ForestPark"), ("湿地公园", "NaturePark"),
             ("地质公园", "NaturePark"), ("自然公园", "NaturePark"), ("风景名胜区", "NaturePark"),
             ("沙漠公园", "NaturePark"), ("海洋公园", "NaturePark"))
_PA_COUNT = re.compile(r"[0-9" + CN_NUM + r"]+个(" + "|".join(("国家级", "省级", "市级", "县级", "市县级"))
                       + r")?(" + "|".join(s for s, _ in PROTECTED) + ")")
LINEAR = (("生态廊道", "EcologicalCorridor"), ("景观廊道", "EcologicalCorridor"),
          ("生态屏障", "EcologicalBarrier"))
# a verb before the name, or a quoted part's definition (“两屏”指西部…生态屏障)
_INNER_VERB = re.compile(r".*(?:建设|打造|构建|形成|围绕|保证|依托|串联|筑牢|牢筑|保护|加强|[”\"」』](?:指|即|为|是|包括))")
GENERIC_PREFIX = ("若干", "重要", "主要", "区域", "滨水", "多条", "各类", "沿河", "城市", "绿色", "生态",
                   "安全", "一条", "两条", "各")
_DISTRICT_LINE = re.compile(f"^([{CJK}]{{1,8}}(?:城区|片区|组团|新区|园区))[：:]\\s*([{CJK}]{{2,12}}区)$")


def town_kind(name: str) -> str:
    return "Town" if name.endswith("镇") else "Township"


def town_name(text: str) -> str | None:
    m = _TOWN.match(text)
    if not m:
        return None
    name = m.group(1)
    if len(name) < 2 or _GENERIC_TOWN.search(name):
        return None
    return name


def _town_items(span: Span) -> list[tuple[str, Span]]:
    out = []
    for it in items(span):
        it = clean_item(it)
        name = town_name(it.text)
        if name:
            out.append((name, Span(it.start, it.start + len(name), name)))
    return out


def _add_town(sink: Sink, name: str, quote: Span, props: list) -> None:  # noqa: ANN001
    kind = town_kind(name)
    sink.add(kind, name, name, quote, props)


def towns(sink: Sink) -> None:
    """Central city coverage, then key towns and general townships, then development poles (the first
    statement about a town gives its quote)."""
    for _sec, body in sink.heading_passages(lambda t: t == "中心城区"):
        for p in body:
            for s in sentences(p, "。；;\n"):
                _central(sink, s, 0)
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            m = _CENTRAL_CUE.search(s.text)
            if m:
                _central(sink, s, m.end())
    for wanted in (("KeyTown", "GeneralTownship"), ("DevelopmentPole",)):
        for p in sink.passages:
            heading_role = ROLE_HEADINGS.get(match_key(p.heading))
            for s in sentences(p, "。；;\n"):
                for role, tail, quote in _role_lists(s, heading_role):
                    if role in wanted:
                        for name, _span in _town_items(tail):
                            _add_town(sink, name, quote, [("hasRole", Ref("Concept", role))])


def _role_lists(s: Span, heading_role: str | None) -> list[tuple[str, Span, Span]]:
    """(role, text holding the names, quote) for each role list in a sentence."""
    out: list[tuple[str, Span, Span]] = []
    m = _ROLE_CUE.search(s.text)
    if m:
        role = ROLE_HEADINGS[m.group(1)]
        out.append((role, _sub(s, m.end(), len(s.text)), _sub(s, m.start(), len(s.text))))
    m2 = _ROLE_AFTER.search(s.text)
    if m2:
        role = "DevelopmentPole" if m2.group(1).endswith("极") else ROLE_HEADINGS[m2.group(1)]
        tail = _sub(s, 0, m2.start())
        names = _town_items(tail)
        first = names[0][1].start - s.start if names else 0
        out.append((role, tail, _sub(s, first, m2.end())))
    for m3 in _POLE_DEF.finditer(s.text):
        out.append(("DevelopmentPole", _sub(s, m3.start(2), m3.end(2)), _sub(s, m3.start(), m3.end())))
    if not out and heading_role and not _CENTRAL_CUE.search(s.text):
        out.append((heading_role, s, s))
    return out


def _sub(s: Span, a: int, b: int) -> Span:
    return Span(s.start + a, s.start + b, s.text[a:b])


def _central(sink: Sink, s: Span, offset: int) -> None:
    """"包括A镇全域及B镇、C镇的部分区域" → A 全域, B/C 部分区域."""
    pos = offset
    found = False
    for m in _COVERAGE.finditer(s.text, offset):
        group = Span(s.start + pos, s.start + m.start(), s.text[pos:m.start()])
        coverage = "全域" if m.group(1) == "全域" else "部分区域"
        for name, _span in _town_items(group):
            found = True
            _add_town(sink, name, s, [("hasRole", Ref("Concept", "CentralCity")),
                                      ("centralCityCoverage", coverage)])
        pos = m.end()
    if not found and offset:
        for name, _span in _town_items(Span(s.start + offset, s.end, s.text[offset:])):
            _add_town(sink, name, s, [("hasRole", Ref("Concept", "CentralCity"))])


def featured_towns(sink: Sink, known: dict[str, str]) -> None:
    """"打造A茶叶小镇、B文化小镇（C镇）…等N个特色小镇" → FeaturedTown with locatedIn and theme."""
    text = sink.doc.text
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            if "小镇" not in s.text:
                continue
            for it in items(s, "、，,和及与"):
                it = clean_item(it)
                m = _FEATURED.match(it.text)
                if not m or m.group(1).endswith("特色小镇") or m.group(1) == "小镇":
                    continue
                name, bracket = m.group(1), m.group(2)
                props: list = []
                located = town_name(bracket) if bracket else None
                if located:
                    _add_town(sink, located, it, [])
                core = name[:-2]
                place, stem_town = _place_prefix(core, known, text, it)
                located = located or stem_town
                if located:
                    props.append(("locatedIn", Ref(town_kind(located), located)))
                if place and len(core) > len(place):
                    props.append(("theme", core[len(place):]))
                sink.add("FeaturedTown", name, name, it, props)


def _place_prefix(core: str, known: dict[str, str], text: str, it: Span) -> tuple[str | None, str | None]:
    """The place part of a featured-town name: a known town's stem, or the longest prefix the text names
    elsewhere."""
    stems = sorted(((n[:-1], n) for n in known if len(n) >= 3 and core.startswith(n[:-1])),
                   key=lambda t: -len(t[0]))
    if stems:
        return stems[0]
    outside = text[:it.start] + "\n" + text[it.end:]
    for n in range(len(core) - 1, 1, -1):
        prefix = core[:n]
        if prefix in outside:
            return prefix, None
    return None, None


def protected_areas(sink: Sink) -> None:
    """Reserves and parks listed by name; level from the name or the system sentence."""
    levels: dict[str, str] = {}
    system: Span | None = None
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            counts = list(_PA_COUNT.finditer(s.text))
            if counts and "自然保护地" in s.text:
                system = system or s
                for m in counts:
                    if m.group(1):
                        levels.setdefault(m.group(2), m.group(1))
    if system:
        sink.add("ProtectedAreaSystem", "自然保护地体系", "自然保护地体系", system)
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            for it in items(s, "、，,和及与"):
                _protected_item(sink, clean_item(it), levels, system is not None)


def _protected_item(sink: Sink, it: Span, levels: dict[str, str], member: bool) -> None:
    if not cjk_only(it.text):
        return
    for suffix, kind in PROTECTED:
        if not it.text.endswith(suffix):
            continue
        prefix = it.text[: -len(suffix)]
        level = level_of(prefix)
        bare = prefix.replace(level, "") if level else prefix
        if len(bare) < 2 or bare.startswith(GENERIC_PREFIX):
            return
        props: list = [("level", level or levels.get(suffix, ""))] if (level or suffix in levels) else []
        if member:
            props.append(("memberOf", Ref("ProtectedAreaSystem", "自然保护地体系")))
        sink.add(kind, it.text, it.text, it, props)
        return


def linear_features(sink: Sink) -> None:
    """Named ecological corridors and barriers from enumerations."""
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            for it in items(s, "、，,和及与"):
                it = clean_item(it)
                m = _INNER_VERB.match(it.text)
                if m:
                    it = Span(it.start + m.end(), it.end, it.text[m.end():])
                _linear_item(sink, it)


def _linear_item(sink: Sink, it: Span) -> None:
    if not cjk_only(it.text):
        return
    for suffix, kind in LINEAR:
        if it.text.endswith(suffix):
            prefix = it.text[: -len(suffix)]
            if prefix.endswith("生态"):
                prefix = prefix[:-2]
            if len(prefix) >= 2 and not prefix.startswith(GENERIC_PREFIX):
                sink.add(kind, it.text, it.text, it)
            return


def districts(sink: Sink) -> None:
    """"东城区：商贸服务区" lines → District with function; definition from the subsection so titled."""
    titled = {match_key(s.title): s for s in sink.sections}
    for p in sink.passages:
        for s in sentences(p, "\n。；;"):
            m = _DISTRICT_LINE.match(s.text)
            if not m:
                continue
            props: list = [("function", m.group(2))]
            sec = titled.get(match_key(s.text))
            body = sink.body(sec.id) if sec else []
            if body:
                props.append(("skos:definition", "\n".join(x.text for x in body)))
            sink.add("District", m.group(1), m.group(1), s, props)


def known_towns(sink: Sink) -> dict[str, str]:
    return {f.key: f.kind for f in sink.facts if f.kind in ("Town", "Township")}
