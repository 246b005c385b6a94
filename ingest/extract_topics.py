"""Defined terms of the genre: village types (…型 under an N类村庄 section), the three control lines,
strategies (headings ending 战略), life circles and their facilities, heritage figures."""

from __future__ import annotations

import re

from ingest.extract_tables import row_cells
from ingest.extract_text import (
    CN_NUM,
    LEVELS,
    Sink,
    Span,
    cjk_only,
    clean_item,
    cn_int,
    items,
    sentences,
    whole,
)
from ingest.records import Ref
from ingest.structure import match_key

CONTROL_LINES = ("永久基本农田", "生态保护红线", "城镇开发边界")
_CIRCLE = re.compile(r"^((?:[0-9" + CN_NUM + r"]+)分钟(?:社区)?生活圈)")
_LAND_USE = re.compile(r"^(应独立占地|宜独立占地|可联合建设|独立占地|联合建设|可独立占地)$")
_HERITAGE = re.compile(r"([0-9]+|[" + CN_NUM + r"]+)(处|项|个)(?:列为)?(" + "|".join(LEVELS)
                       + r")([^、，。；和]{0,12}?)(文物保护单位|保护单位|非物质文化遗产|历史建筑|传统村落)")


def village_types(sink: Sink) -> None:
    """Subsections titled …型 under a section about village categories (N类村庄)."""
    for sec in sink.sections:
        title = match_key(sec.title)
        if not (title.endswith("型") and 3 <= len(title) <= 8 and sec.parent):
            continue
        parent = sink.section_by_id.get(sec.parent)
        context = (parent.title if parent else "") + "".join(p.text for p in sink.body(sec.parent))
        if not re.search(r"类村庄|村庄分类|村庄类型|村庄布局", context):
            continue
        body = sink.body(sec.id)
        if body:
            text = "\n".join(p.text for p in body)
            sink.add("VillageType", sec.title, sec.title, whole(body[0]), [("skos:definition", text)])


def control_lines(sink: Sink) -> None:
    """"永久基本农田是…" sentences → ControlLine with the sentence as definition."""
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            for name in CONTROL_LINES:
                if re.match(rf"^{name}(?:是指|是|指)", s.text):
                    sink.add("ControlLine", name, name, s, [("skos:definition", s.text)])


def strategies(sink: Sink) -> None:
    """Headings ending 战略: the body under the heading is the definition."""
    for sec in sink.sections:
        title = re.sub(r"^[\d.、\s]+", "", sec.title)
        if not title.endswith("战略") or len(title) > 24 or sec.level < 2:
            continue
        body = sink.body(sec.id)
        if not body or any(match_key(c.title).endswith("战略") for c in sink.subsections(sec.id)):
            continue
        first = next(sentences(body[0], "\n"), None)
        if first:
            text = "\n".join(p.text for p in body)
            sink.add("Strategy", title, title, first, [("skos:definition", text)])


def life_circles(sink: Sink) -> None:
    for p in sink.passages:
        for line in sentences(p, "\n"):
            cells = _cells(line) or [line]
            m = _CIRCLE.match(cells[0].text)
            if m and len(cells) > 1:
                _circle(sink, m.group(1), Span(cells[0].start, cells[0].start + len(m.group(1)), m.group(1)))
            elif m and re.match(r"^\S+生活圈[：:]", line.text):
                _inline_circle(sink, m.group(1), line)
    _tables(sink)


def _circle(sink: Sink, label: str, span: Span) -> None:
    minutes = cn_int(label.split("分钟")[0])
    sink.add("LifeCircle", label, label, span, [("minutes", minutes)] if minutes else [])


def _inline_circle(sink: Sink, label: str, line: Span) -> None:
    """"十五分钟生活圈：中学、卫生服务中心…" (no category or land use given)."""
    _circle(sink, label, Span(line.start, line.start + len(label), label))
    cut = re.search(r"[：:]", line.text).end()  # type: ignore[union-attr]
    for it in items(Span(line.start + cut, line.end, line.text[cut:]), "、，,和及"):
        it = clean_item(it)
        if cjk_only(it.text):
            sink.add("Facility", f"{label}-{it.text}", it.text, it, [("lifeCircle", Ref("LifeCircle", label))])


def _tables(sink: Sink) -> None:
    """生活圈 tables, tab-separated or ``|`` rows (``extract_tables.row_cells``): a header row per circle,
    rows of 类别/序号 then item/remark pairs."""
    circle: str | None = None
    for p in sink.passages:
        for line in sentences(p, "\n"):
            cells = _cells(line)
            m = _CIRCLE.match(cells[0].text) if cells else None
            if m and len(cells) > 1:
                circle = m.group(1)
            elif circle and row_cells(line) is not None:
                _row(sink, circle, cells)
            elif row_cells(line) is None:
                circle = None


def _row(sink: Sink, circle: str, cells: list[Span]) -> None:
    seq = next((i for i, c in enumerate(cells) if c.text.isdigit()), None)
    if seq is None:
        return
    category = next((c.text for c in cells[:seq] if cjk_only(c.text)), None)
    first = True
    rest = cells[seq + 1:]
    for i, cell in enumerate(rest):
        if _LAND_USE.match(cell.text) or not cjk_only(cell.text.replace("、", "").replace("（", "")
                                                            .replace("）", "")):
            continue
        land = rest[i + 1].text if i + 1 < len(rest) and _LAND_USE.match(rest[i + 1].text) else None
        end = rest[i + 1].end if land else cell.end
        quote = Span(cell.start, end, sink.doc.text[cell.start:end])
        for name in cell.text.split("、"):
            props: list = [("lifeCircle", Ref("LifeCircle", circle))]
            if category and first:
                props.append(("category", category))
            if land:
                props.append(("landUse", land))
            sink.add("Facility", f"{circle}-{name}", name, quote, props)
        first = False


def _cells(line: Span) -> list[Span]:
    """The non-empty cells of a table row (misaligned rows leave empty cells); [] for a plain line."""
    return [c for c in row_cells(line) or [] if c.text]


def heritage(sink: Sink) -> None:
    """"4处国家级文物保护单位" → HeritageFigure(count 4, level 国家级, heritageType 文物保护单位)."""
    for p in sink.passages:
        for m in _HERITAGE.finditer(p.text):
            count = cn_int(m.group(1))
            level, htype = m.group(3), m.group(5)
            htype = "文物保护单位" if htype == "保护单位" else htype
            span = Span(p.start + m.start(), p.start + m.end(), m.group(0))
            props: list = [("count", count), ("level", level), ("heritageType", htype)]
            sink.add("HeritageFigure", f"{level}{m.group(4)}{htype}", m.group(0), span, props)
