"""Plan metadata from the document itself: title, issuing body, date, period, level, region, id.

Genre rules: the cover (the lines before 目录/前言/the first chapter) holds the title ("…国土空间总体规划",
"…村庄规划"), the issuing body (a line ending 人民政府/自然资源局/…), and a date (2023年12月, 二〇二三年十二月);
the 规划期限 text holds the period, near term, vision and base years. A manifest's fields override these.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, replace

from ingest.records import PlanMeta

CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}
_ISSUER = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}?(?:人民政府|自然资源和规划局|自然资源局|规划局|规划和自然资源局|"
                     r"管理委员会|村民委员会|委员会|办公室)$")
_DATE = re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月|[-./](\d{1,2})(?![\d-]))")
_TITLE = re.compile(r"规划")
_PERIOD = re.compile(r"(\d{4})\s*年?\s*(?:至|到|—|－|-|~|～|–)+\s*(\d{4})\s*年?")
_STOP = re.compile(r"^(?:目录|前言|第[一二三四五六七八九十\d]+章|总则|规划概况)$")
_ADMIN = re.compile(r"[\u4e00-\u9fff]+?(?:自治区|自治州|特别行政区|省|市|自治县|县|区|旗|镇|乡|街道|社区|村)")
_PLAN_WORDS = re.compile(r"(?:国土空间|村庄|乡村|镇村|总体|详细|专项|实用性).*$|规划.*$")
_SUB_TOWNS = re.compile(r"\d+\s*镇\s*\d+\s*乡|[一二三四五六七八九十\d]+个(?:镇|乡|乡镇)")
_SUB_COUNTIES = re.compile(r"辖[^。]{0,20}?(?:\d+|[一二三四五六七八九十]+)个?(?:区|县)|市辖区")


def _plain(line: str) -> str:
    line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
    line = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|\*\*|__", "", line)
    return line.strip()


def cover_lines(text: str, limit: int = 40) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        line = _plain(raw)
        if not line:
            continue
        if _STOP.match(re.sub(r"\s", "", unicodedata.normalize("NFKC", line))) or len(out) >= limit:
            break
        out.append(line)
    return out


def cn_date(line: str) -> str:
    """"二〇二三年十一月" → "2023年11月"; other text unchanged."""
    m = re.match(r"^([〇零○O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月", line)
    if not m:
        return line
    year = "".join(CN_DIGIT[c] for c in m.group(1))
    mm = m.group(2)
    month = 10 + ("一二".index(mm[1]) + 1 if len(mm) == 2 else 0) if mm.startswith("十") else \
        "一二三四五六七八九".index(mm[0]) + 1
    return f"{year}年{month}月"


def period(text: str) -> dict[str, int]:
    """periodStart/periodEnd/nearTermYear/visionYear/baseYear from the 规划期限 text (else the first
    year span in the text)."""
    out: dict[str, int] = {}
    at = text.find("规划期限")
    m = _PERIOD.search(text, max(at, 0)) or _PERIOD.search(text)
    if m:
        out["periodStart"], out["periodEnd"] = int(m.group(1)), int(m.group(2))
    for key, pat in (("nearTermYear", r"近期(?:目标年)?(?:至|到|为)?\s*(\d{4})"),
                     ("visionYear", r"远景(?:展望)?(?:至|到|为)?\s*(\d{4})"),
                     ("baseYear", r"基期年?(?:为|是)?\s*(\d{4})")):
        found = re.search(pat, text)
        if found:
            out[key] = int(found.group(1))
    return out


def title_of(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if _TITLE.search(line) and len(line) <= 60 and not _ISSUER.match(line):
            title = line
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            span = _PERIOD.fullmatch(unicodedata.normalize("NFKC", nxt).strip("() "))
            if span and not _PERIOD.search(title):
                title = f"{title}（{span.group(1)}—{span.group(2)}年）"
            return title
    return ""


def region_of(title: str) -> tuple[str, ...]:
    """Administrative names in the title, largest first: "A县B镇C村村庄规划" → (A县, B镇, C村)."""
    place = _PLAN_WORDS.sub("", re.sub(r"[（(].*$", "", title))
    return tuple(_ADMIN.findall(place))


def level_of(region: tuple[str, ...], title: str, text: str) -> str | None:
    """省 / 市 / 县 / 乡镇 / 村庄 from the title's place; a 市 that directly administers towns and
    townships (and no districts or counties) is a county-level city: 县."""
    if "村庄规划" in title or (region and region[-1].endswith(("村", "社区"))):
        return "村庄"
    if not region:
        return None
    last = region[-1]
    if last.endswith(("镇", "乡", "街道")):
        return "乡镇"
    if last.endswith(("省", "自治区")):
        return "省"
    if last.endswith(("县", "旗", "区")):
        return "县"
    if last.endswith("市"):
        return "县" if _SUB_TOWNS.search(text) and not _SUB_COUNTIES.search(text) else "市"
    return None


def slug(region: tuple[str, ...], start: int | None, end: int | None, fallback: str) -> str:
    """"pingquan-2021-2035": pinyin of the plan's own place (its suffix dropped) and its period."""
    from pypinyin import lazy_pinyin

    name = re.sub(r"(?:自治区|自治州|自治县|省|市|县|区|旗|镇|乡|街道|社区|村)$", "", region[-1]) if region else ""
    base = "".join(lazy_pinyin(name)) if name else ""
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or re.sub(r"[^A-Za-z0-9]+", "-", fallback).strip("-")
    years = f"-{start}-{end}" if start and end else ""
    return (base or "plan") + years


def from_text(text: str, name: str) -> PlanMeta:
    """Metadata read from the document; ``name`` (the file's stem) is the last resort for title and id."""
    lines = cover_lines(text)
    title = title_of(lines) or name
    issuer = next((x for x in lines if _ISSUER.match(x.replace(" ", ""))), "")
    issued = ""
    for line in lines:
        m = _DATE.match(cn_date(unicodedata.normalize("NFKC", line).replace(" ", "")))
        if m:
            month = m.group(2) or m.group(3)
            issued = f"{m.group(1)}-{int(month):02d}" if month else m.group(1)
            break
    years = period(text)
    region = region_of(title)
    return PlanMeta(id=slug(region, years.get("periodStart"), years.get("periodEnd"), name), title=title,
                    publisher=issuer.replace(" ", ""), issued=issued, period_start=years.get("periodStart"),
                    period_end=years.get("periodEnd"), near_term=years.get("nearTermYear"),
                    vision=years.get("visionYear"), level=level_of(region, title, text), region=region)


def complete(given: PlanMeta | None, found: PlanMeta, placeholder: str = "") -> PlanMeta:
    """The manifest's values where it gives them, the document's elsewhere (an empty id too). A title
    equal to ``placeholder`` (the file stem a caller used for lack of one) counts as not given."""
    if given is None:
        return found
    values = {}
    for f in fields(PlanMeta):
        mine = getattr(given, f.name)
        if f.name == "title" and mine == placeholder:
            mine = ""
        values[f.name] = mine if mine not in ("", None, ()) else getattr(found, f.name)
    return replace(given, **values)
