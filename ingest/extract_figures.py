"""Every numeric figure as an Indicator: subject, value, unit, comparator, status, target year.

Genre rules: "<subject>(达到|不低于…)<number><unit>(以上|以下)" for measures, "<number><measure><noun>" and
"<noun><number><measure>" for counts, "15镇4乡" for noun units, and markdown indicator tables with one column
per year. Years, list numbers, section numbers and table serial numbers are not figures.
"""

from __future__ import annotations

import re

from ingest.extract_text import CN_NUM, LEAD_WORDS, Sink, Span, cn_int, heading_noun, sentences, strip_lead
from ingest.records import Document, Passage, Ref

MEASURE_UNITS = sorted("""平方公里 平方千米 平方米 公顷 万亩 亩 万人 亿元 万元 亿立方米 万立方米 立方米 万吨 吨 亿 %
    ‰ 公里 千米 度 倍 年一遇 千瓦 兆瓦 万千瓦 辆 床 人 分钟""".split(), key=len, reverse=True)
COUNT_UNITS = "个处项类种条座所家"
NOUN_UNITS = "镇乡"
_NUM = re.compile(r"(?<![\d.第])(\d+(?:\.\d+)?)\s*(" + "|".join(map(re.escape, MEASURE_UNITS)) + r"|["
                  + COUNT_UNITS + NOUN_UNITS + r"])")
_CN = re.compile(r"(?<![" + CN_NUM + r"第])([二两三四五六七八九]|[一二两三四五六七八九十百]{2,}|十)([个条处项类种级])")
_NOUN_STOP = re.compile(r"构成|组成|作为|需(?!求)|应(?!急|用)|要(?!素|点)|将|的|和|与|及|等|均(?!衡)|已|进行|是|"
                        r"[、，。；：:,;（()）\s“”*]")
_BEFORE_CMP = (("不低于", "≥"), ("不少于", "≥"), ("达到", "≥"), ("超过", "≥"), ("至少", "≥"), ("高于", "≥"),
               ("不超过", "≤"), ("不高于", "≤"), ("控制在", "≤"), ("低于", "≤"), ("少于", "≤"), ("保持在", "="),
               ("提高到", "="), ("提高至", "="), ("提升至", "="), ("降低到", "="), ("为", "="), ("约", "="),
               ("达", "≥"))
_AFTER_CMP = (("及以上", "≥"), ("以上", "≥"), ("以下", "≤"), ("以内", "≤"))
_CURRENT = re.compile(r"现状|现有|所辖|现辖|目前|截至|已有|基期|行政辖区|行政区划")
# A planned figure after a current one in the same sentence: 规划扩建至, 提升至, 到2035年.
_PLANNED_AFTER = re.compile(r"规划(?!范围|期限)|(?:扩建|提升|提高|增加|扩大|达到|增至)至?|(?:到|至)\s*20\d\d")
_YEAR_PHRASE = re.compile(r"^(?:到|至|于)?\s*\d{4}\s*年(?:底|末)?[，,]?\s*")
_GENERIC_NOUN = {"类型", "类", "种类", "方面", "种", "项"}


def plan_period(doc: Document) -> dict[str, int]:
    """periodStart/periodEnd/nearTermYear/visionYear/baseYear: the manifest's, else the text's."""
    text = doc.text
    out: dict[str, int] = {}
    at = text.find("规划期限")
    m = re.compile(r"(\d{4})\s*年?\s*(?:至|到|—|-|~)\s*(\d{4})\s*年?").search(text, max(at, 0))
    m = m or re.search(r"(\d{4})\s*年?\s*(?:至|到|—|-|~)\s*(\d{4})", text)
    if m:
        out["periodStart"], out["periodEnd"] = int(m.group(1)), int(m.group(2))
    for key, pat in (("nearTermYear", r"近期(?:目标年)?(?:至|到|为)?\s*(\d{4})"),
                     ("visionYear", r"远景(?:展望)?(?:至|到|为)?\s*(\d{4})"),
                     ("baseYear", r"基期年?(?:为|是)?\s*(\d{4})")):
        m = re.search(pat, text)
        if m:
            out[key] = int(m.group(1))
    meta = doc.plan
    for key, val in (("periodStart", meta.period_start), ("periodEnd", meta.period_end),
                     ("nearTermYear", meta.near_term), ("visionYear", meta.vision)):
        if val:
            out[key] = val
    return out


def indicators(sink: Sink, place: str) -> None:
    """``place``: the plan's own area name (stripped from subjects)."""
    period = plan_period(sink.doc)
    for p in sink.passages:
        for s in sentences(p, "。；;\n"):
            if "\t" in s.text or s.text.lstrip().startswith("|"):
                continue
            for m in list(_NUM.finditer(s.text)) + list(_CN.finditer(s.text)):
                fig = _figure(sink, p, s, m, place)
                if fig:
                    _emit(sink, p, s, fig, period)
        _table(sink, p, period)


def _figure(sink: Sink, p: Passage, s: Span, m: re.Match[str], place: str) -> dict | None:
    raw, unit = m.group(1), m.group(2)
    value: int | float = cn_int(raw) or 0 if not raw[0].isdigit() else (float(raw) if "." in raw else int(raw))
    note = ""
    if unit == "级":
        return _levels(p, s, m, value, raw)
    if unit in COUNT_UNITS:
        after = s.text[m.end():]
        lead = 2 if after.startswith("列为") else 0
        stop = _NOUN_STOP.search(after, lead)
        noun = after[lead: stop.start() if stop else len(after)]
        if noun:
            subject, start, end = noun, m.start(), m.end() + lead + len(noun)
            if noun in _GENERIC_NOUN:
                subject = heading_noun(p.heading) + noun
            return dict(subject=subject, value=value, unit=unit, start=start, end=end, cmp="=", note=note,
                        raw=raw)
    if unit in NOUN_UNITS and not raw[0].isdigit():
        return None
    if unit in NOUN_UNITS:
        return dict(subject=unit, value=value, unit=unit, start=m.start(), end=m.end(), cmp="=", note="",
                    raw=raw)
    return _measure(p, s, m, place, value, unit, raw)


def _levels(p: Passage, s: Span, m: re.Match[str], value: float, raw: str) -> dict | None:
    """"五级体系" / "三级公共服务设施体系": the number of levels of a system."""
    stop = _NOUN_STOP.search(s.text, m.end())
    noun = s.text[m.end(): stop.start() if stop else len(s.text)]
    if not noun.endswith("体系"):
        return None
    heading = heading_noun(p.heading)
    subject = heading if noun == "体系" and heading.endswith("体系") else noun
    return dict(subject=subject, value=value, unit="级", start=m.start(), end=m.end() + len(noun), cmp="=",
                note="", raw=raw)


def _measure(p: Passage, s: Span, m: re.Match[str], place: str, value: float, unit: str, raw: str) -> dict:
    clause_start = max(s.text.rfind(c, 0, m.start()) for c in "，,：:、（(") + 1
    before = s.text[clause_start:m.start()]
    cmp = "="
    for word, sign in _BEFORE_CMP:
        if before.endswith(word):
            before, cmp = before[: -len(word)], sign
            break
    lead = 0
    ym = _YEAR_PHRASE.match(before)
    if ym:
        lead = ym.end()
    if place and before[lead:].startswith(place):
        lead += len(place)
    dropped, subject = strip_lead(before[lead:])
    lead += dropped
    if subject in LEAD_WORDS:
        subject = ""
    end = m.end()
    for word, sign in _AFTER_CMP:
        if s.text.startswith(word, end):
            end, cmp = end + len(word), sign
            break
    start = clause_start + lead if subject else clause_start
    subject = subject or heading_noun(p.heading)
    return dict(subject=subject, value=value, unit=unit, start=start, end=end, cmp=cmp, note="", raw=raw)


def _emit(sink: Sink, p: Passage, s: Span, fig: dict, period: dict[str, int]) -> None:
    text = sink.doc.text
    start, end = s.start + fig["start"], s.start + fig["end"]
    if fig["subject"] and not fig["subject"][0].isdigit():
        status, year = _status_year(p, s, start, period)
        _add(sink, fig["subject"], fig["value"], fig["raw"], fig["unit"], fig["cmp"], status, year,
             Span(start, end, text[start:end]), fig["note"])


def _status_year(p: Passage, s: Span, start: int, period: dict[str, int]) -> tuple[str, int | None]:
    before = p.text[: start - p.start]
    labels = re.findall(r"(?m)^\s*(\S{2,12})[：:]\s*$", before)
    # "按照村庄发展现状、区位条件…，" states a basis, not the status of a figure
    stated = re.sub(r"(?:按照|根据|结合|依据)[^，,]*[，,]", "", s.text)
    if _CURRENT.search(stated) or (labels and re.search(r"现状|概况|范围|基期", labels[-1])):
        lead = re.sub(r"(?:按照|根据|结合|依据)[^，,]*[，,]", "", s.text[: start - s.start])  # up to the figure
        now = [m.end() for m in _CURRENT.finditer(lead)]
        then = [m.end() for m in _PLANNED_AFTER.finditer(lead)]
        if not (now and then and then[-1] > now[-1]):
            return "Current", period.get("baseYear")
        # 现状供水规模1万立方米/日，规划扩建至2万立方米/日: the second figure is the planned one
    m = re.search(r"(?:到|至|于)\s*(\d{4})\s*年", s.text) or re.search(r"(\d{4})\s*年(?:目标|展望)",
                                                                     " ".join(p.path))
    if m:
        return "Planned", int(m.group(1))
    if "近期" in s.text and "nearTermYear" in period:
        return "Planned", period["nearTermYear"]
    return "Planned", period.get("periodEnd")


def _add(sink: Sink, subject: str, value: float, raw: str, unit: str, cmp: str, status: str,
         year: int | None, span: Span, note: str = "", extra: list | None = None) -> None:
    sign = "" if cmp == "=" else cmp
    shown = str(value) if isinstance(value, int) else raw
    key = f"{subject}-{sign}{shown}{unit}-{year if year else '现状'}"
    props: list = [("subject", subject), ("value", value), ("unit", unit), ("comparator", cmp),
                   ("status", Ref("Concept", status))]
    if year:
        props.append(("targetYear", year))
    props += extra or []
    sink.add("Indicator", key, span.text.strip(), span, props, note)


def _table(sink: Sink, p: Passage, period: dict[str, int]) -> None:
    """Markdown indicator table: 指标名称 | 单位 | 基期年(2020) | 2025年 | 2035年 …; a year column is the
    base year (现状) when its header says 基期/现状 or its year is the plan's base year."""
    rows = [ln for ln in sentences(p, "\n") if ln.text.startswith("|")]
    if not rows:
        return
    header = _row_cells(rows[0])
    names = [c.text for c in header]
    subj = next((i for i, n in enumerate(names) if "指标" in n), None)
    unit_col = next((i for i, n in enumerate(names) if "单位" in n), None)
    base_year = period.get("baseYear") or period.get("periodStart")
    years = [(i, int(y.group(1)), bool(re.search(r"基期|现状", n)) or int(y.group(1)) == base_year)
             for i, n in enumerate(names) if (y := re.search(r"(\d{4})", n))]
    if subj is None or unit_col is None or not years:
        return
    kind_col = next((i for i, n in enumerate(names) if n == "属性"), None)
    for row in rows[1:]:
        cells = _row_cells(row)
        if len(cells) != len(header) or set(cells[subj].text) <= set("-:— "):
            continue
        binding = cells[kind_col].text if kind_col is not None else ""
        for i, year, base in years:
            _table_cell(sink, cells, subj, unit_col, i, year, base, binding)


def _table_cell(sink: Sink, cells: list[Span], subj: int, unit_col: int, i: int, year: int,
                base: bool, binding: str = "") -> None:
    m = re.fullmatch(r"([≥≤><]?)\s*(\d+(?:\.\d+)?)", cells[i].text)
    if not m:
        return
    cmp = {"": "=", ">": "≥", "<": "≤"}.get(m.group(1), m.group(1))
    raw = m.group(2)
    value: int | float = float(raw) if "." in raw else int(raw)
    span = Span(cells[subj].start, cells[i].end, sink.doc.text[cells[subj].start:cells[i].end])
    _add(sink, cells[subj].text, value, raw, cells[unit_col].text, cmp, "Current" if base else "Planned",
         year, span, extra=[("indicatorType", binding)] if binding in ("约束性", "预期性") else [])


def _row_cells(row: Span) -> list[Span]:
    out, pos = [], 0
    parts = row.text.split("|")
    pos = len(parts[0]) + 1
    for part in parts[1:-1]:
        body = part.strip()
        lead = len(part) - len(part.lstrip())
        out.append(Span(row.start + pos + lead, row.start + pos + lead + len(body), body))
        pos += len(part) + 1
    return out
