"""Tables as rows of cells, and the facts of three genre tables.

Every format reaches extraction with its tables as ``|`` rows (Markdown, and what the PDF, DOCX and HTML
readers and Markdown's HTML ``<table>``s give) or, in some published texts, as tab-separated lines;
``row_cells`` reads either form, with each cell's document offsets.

Genre tables, recognised by their header cells, not by any plan's words:
- land-use structure (地类 | 2022年面积（公顷） | 2022年比例 | 2035年面积 | 比例 …): one ``LandUseArea`` per
  class and year, with value, unit, share, status and year;
- heritage items (名称 | 类别 | 级别 | 所在村 …) under a heritage heading: one ``HeritageItem`` each;
- facilities with counts (设施名称 | 现状数量 | 规划数量 | 建设方式): ``Facility`` with the counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.extract_text import CJK, Sink, Span, sentences
from ingest.records import Passage, Ref, Value

_SEPARATOR = re.compile(r"^[\s:：\-—–]*$")
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(公顷|平方公里|平方千米|亩|万亩|平方米|%)\s*[）)]")
_NUMBER = re.compile(r"^[≥≤><约]?\s*(\d+(?:\.\d+)?)\s*(%?)$")
_HERITAGE_CONTEXT = re.compile(r"文物|历史|遗产|古迹|文化保护|传统")


@dataclass(frozen=True)
class Table:
    """Consecutive rows of one passage: the first row is the header; separator rows are dropped."""

    passage: Passage
    header: list[Span]
    rows: list[list[Span]]

    def column(self, pattern: str) -> int | None:
        rx = re.compile(pattern)
        return next((i for i, c in enumerate(self.header) if rx.search(c.text)), None)


def row_cells(line: Span) -> list[Span] | None:
    """The cells of a table row with their offsets (empty cells kept, so columns line up with the
    header): a ``| a | b |`` row or a tab-separated line; None when ``line`` is not a row."""
    text = line.text
    if text.startswith("|"):
        parts = text.split("|")[1:]
        if text.rstrip().endswith("|"):
            parts = parts[:-1]
        pos = 1
    elif "\t" in text:
        parts, pos = text.split("\t"), 0
    else:
        return None
    out: list[Span] = []
    for part in parts:
        body = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append(Span(line.start + pos + lead, line.start + pos + lead + len(body), body))
        pos += len(part) + 1
    return out


def is_separator(cells: list[Span]) -> bool:
    return all(_SEPARATOR.match(c.text) for c in cells) and any(c.text for c in cells)


def tables(p: Passage) -> Iterator[Table]:
    rows: list[list[Span]] = []
    for line in [*sentences(p, "\n"), None]:
        cells = row_cells(line) if line is not None else None
        if cells is not None:
            if not is_separator(cells):
                rows.append(cells)
            continue
        if len(rows) >= 2:
            yield Table(p, rows[0], rows[1:])
        rows = []


def _span(sink: Sink, a: Span, b: Span) -> Span:
    start, end = min(a.start, b.start), max(a.end, b.end)
    return Span(start, end, sink.doc.text[start:end])


def _number(text: str) -> float | int | None:
    m = _NUMBER.match(text.replace(",", ""))
    if not m:
        return None
    raw = m.group(1)
    return float(raw) if "." in raw else int(raw)


def genre_tables(sink: Sink, period: dict[str, int]) -> None:
    for p in sink.passages:
        for t in tables(p):
            if t.column(r"地类|用地类型|用地分类") is not None:
                _land_use(sink, t, period)
            elif t.column(r"设施") is not None and t.column(r"数量|个数|处数") is not None:
                _facilities(sink, t)
            elif t.column(r"名称") is not None and t.column(r"级别|等级|类别|类型") is not None \
                    and _HERITAGE_CONTEXT.search(" ".join(p.path) + p.text[: t.header[0].start - p.start]):
                _heritage(sink, t)


def _year_of(header: str, period: dict[str, int]) -> tuple[int | None, bool]:
    """(year, is the base year) of a column header: 2022年…, 基期年…/现状…, 规划年…/目标年…"""
    base = period.get("baseYear") or period.get("periodStart")
    m = re.search(r"(\d{4})", header)
    if m:
        year = int(m.group(1))
        return year, bool(re.search(r"基期|现状", header)) or year == base
    if re.search(r"基期|现状", header):
        return base, True
    if re.search(r"规划|目标", header):
        return period.get("periodEnd"), False
    return None, False


def _land_use(sink: Sink, t: Table, period: dict[str, int]) -> None:
    name_col = t.column(r"地类|用地类型|用地分类")
    assert name_col is not None
    columns: list[tuple[int, int | None, bool, str, int | None]] = []  # (area col, year, base, unit, share col)
    for i, cell in enumerate(t.header):
        if i == name_col or re.search(r"比例|占比|比重", cell.text):
            continue
        if re.search(r"面积|规模|数量", cell.text):
            um = _UNIT_IN_HEADER.search(cell.text)
            year, base = _year_of(cell.text, period)
            nxt = i + 1 < len(t.header) and re.search(r"比例|占比|比重", t.header[i + 1].text)
            columns.append((i, year, base, um.group(1) if um else "", i + 1 if nxt else None))
    for row in t.rows:
        if len(row) != len(t.header) or not re.search(f"[{CJK}]", row[name_col].text):
            continue
        for col, year, base, unit, share_col in columns:
            _land_use_cell(sink, row, name_col, col, year, base, unit, share_col)


def _land_use_cell(sink: Sink, row: list[Span], name_col: int, col: int, year: int | None, base: bool,
                   unit: str, share_col: int | None) -> None:
    value = _number(row[col].text)
    if value is None or not unit or year is None:
        return
    cls = row[name_col].text
    props: list[tuple[str, Value]] = [("landUseClass", cls), ("value", value), ("unit", unit),
                                      ("status", Ref("Concept", "Current" if base else "Planned")),
                                      ("targetYear", year)]
    last = row[col]
    share = _number(row[share_col].text) if share_col is not None else None
    if share is not None and share_col is not None:
        props.append(("share", float(share)))
        last = row[share_col]
    sink.add("LandUseArea", f"{cls}-{year}", f"{cls}（{year}年）", _span(sink, row[name_col], last), props)


def _facilities(sink: Sink, t: Table) -> None:
    name_col = t.column(r"设施")
    assert name_col is not None
    current, planned = t.column(r"现状.*(?:数量|个数|处数)"), t.column(r"规划.*(?:数量|个数|处数)")
    if planned is None and current is None:
        planned = t.column(r"数量|个数|处数")
    mode = t.column(r"建设方式|建设类型|方式")
    for row in t.rows:
        if len(row) != len(t.header) or not re.fullmatch(f"[{CJK}（）()]+", row[name_col].text):
            continue
        props: list[tuple[str, Value]] = []
        for name, col in (("currentCount", current), ("plannedCount", planned)):
            value = _number(row[col].text) if col is not None else None
            if isinstance(value, int):
                props.append((name, value))
        if mode is not None and row[mode].text:
            props.append(("constructionMode", row[mode].text))
        if props:
            last = max((c for c in (current, planned, mode) if c is not None), default=name_col)
            name = row[name_col].text
            sink.add("Facility", name, name, _span(sink, row[name_col], row[last]), props)


def _heritage(sink: Sink, t: Table) -> None:
    name_col = t.column(r"名称")
    assert name_col is not None
    category, level = t.column(r"类别|类型"), t.column(r"级别|等级")
    place = t.column(r"所在|位置|地点|村")
    villages = {f.key for f in sink.facts if f.kind == "NaturalVillage"}
    for row in t.rows:
        if len(row) != len(t.header) or not re.search(f"[{CJK}]", row[name_col].text):
            continue
        props: list[tuple[str, Value]] = []
        if category is not None and row[category].text:
            props.append(("heritageCategory", row[category].text))
        if level is not None and row[level].text:
            props.append(("protectionLevel", row[level].text))
        if place is not None and row[place].text in villages:
            props.append(("inVillage", Ref("NaturalVillage", row[place].text)))
        used = [c for c in (category, level, place) if c is not None] or [name_col]
        name = row[name_col].text
        sink.add("HeritageItem", name, name, _span(sink, row[name_col], row[max(used)]), props)
