"""Split a plan into a heading tree (chapters → sections → subsections) and citable passages.

Genre rules, no plan names: chapter numbers come from the 目录 list when headings carry none, or from
``第X章`` headings; sections carry their own numbers (``4.2``) or are articles (``第12条``); unnumbered
headings nest under the nearest numbered section. Offsets always index the text as published.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from ingest.corrections import corrected, passages_back, sections_to
from ingest.errors import IngestError
from ingest.records import Document, Passage, Section, passage_id
from ingest.toc import APPENDIX, CHAPTER_WORDS, Toc, clean_heading, cn_number, title_key, toc_block

TARGET_CHARS = 360  # merge short paragraphs up to this size
MAX_CHARS = 700  # split longer blocks at line (then sentence) boundaries

_MD = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_NUM = re.compile(r"^(\d+(?:\.\d+)+)\s*(.*)$")
_CHAPTER = re.compile(r"^第([一二三四五六七八九十百零〇\d]+)章\s*(.*)$")
_ARTICLE = re.compile(r"^\s*(?:[-*]\s*)?(第[一二三四五六七八九十百零〇\d]+条)\s*(.*)$")
_NAV_ITEM = re.compile(r"^\s*(?:[-*+]\s*)?(\d+(?:\.\d+)+)\s+(\S.*?)\s*$")
_NAV_LINE = re.compile(r"^\s*(?:[-*+]\s*)?\d+(?:\.\d+)+\s*\S")
_COVER = re.compile(r"^\d{4}\s*[-—–~至]\s*\d{4}年?$|国土空间.*规划|村庄规划|规划\s*[（(]\d{4}")


def match_key(text: str) -> str:
    """Normalise a heading for matching only (never for display)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*#_`·:：]", "", text)


@dataclass
class _Line:
    start: int
    end: int  # without the line break
    text: str


@dataclass
class _Head:
    line: int  # index into lines
    md_level: int  # 0 for non-markdown headings (articles, 第X章 lines)
    title: str
    number: str | None = None
    level: int = 1
    parent: int | None = None  # index into heads
    chapter: bool = False
    inline: bool = False  # an article line: the line is content too


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


def _toc(lines: list[_Line], heads: list[_Head]) -> tuple[Toc, int | None]:
    """The 目录 entries and the index of the 目录 heading; heads found inside the list are dropped
    (its ``第一章 …``/``第五条 …`` lines are navigation, not headings)."""
    for i, h in enumerate(heads):
        if match_key(h.title) != "目录":
            continue
        nxt = next((j for j in range(i + 1, len(heads)) if heads[j].md_level), len(heads))
        stop = heads[nxt].line if nxt < len(heads) else len(lines)
        entries, end = toc_block([ln.text for ln in lines], h.line + 1, stop)
        heads[i + 1:] = [x for x in heads[i + 1:] if not h.line < x.line < end]
        return Toc(entries), i
    return Toc([]), None


def _find_heads(lines: list[_Line]) -> list[_Head]:
    heads: list[_Head] = []
    for i, ln in enumerate(lines):
        m = _MD.match(ln.text)
        if m:
            title = clean_heading(m.group(2))
            if title:
                heads.append(_Head(i, len(m.group(1)), title))
            continue
        plain = clean_heading(ln.text)
        if (_CHAPTER.match(plain) and len(plain) <= 40) or match_key(plain) == "目录":
            heads.append(_Head(i, 0, plain))
        elif _ARTICLE.match(ln.text):
            heads.append(_Head(i, 0, plain, inline=True))
        elif APPENDIX.match(plain) and len(plain) <= 30 and not re.search(r"[。；，]", plain):
            heads.append(_Head(i, 0, plain))
    return heads


def _classify(doc: Document, lines: list[_Line], heads: list[_Head]) -> None:
    toc, toc_index = _toc(lines, heads)
    seen_chapter = False
    current_chapter: int | None = None
    current_numbered: int | None = None
    appendix_root: int | None = None
    for i, h in enumerate(heads):
        if i == toc_index:
            continue
        norm = unicodedata.normalize("NFKC", h.title)
        chap, num, art = _CHAPTER.match(norm), _NUM.match(norm), _ARTICLE.match(h.title)
        app = APPENDIX.match(norm)
        rest = (chap.group(2) if chap else num.group(2) if num else art.group(2) if art else "") or h.title
        entry = toc.take(title_key(rest)) or (toc.take(title_key(h.title)) if rest != h.title else None)
        kind = entry.kind if entry else None
        if chap or kind == "chapter" or (not seen_chapter and not toc and title_key(h.title) in CHAPTER_WORDS):
            h.chapter, h.level, seen_chapter = True, 1, True
            h.number = str(cn_number(chap.group(1))) if chap else entry.number if entry else None
            if chap and chap.group(2):
                h.title = chap.group(2).strip()
            current_chapter, current_numbered, appendix_root = i, i, None
        elif app or kind == "appendix":
            label = re.sub(r"\s+", "", app.group(1)) if app else entry.number  # type: ignore[union-attr]
            bare = label in ("附件", "附表", "附图", "附录")
            h.number, h.level = label, 1
            if app:
                h.title = norm[app.end():].strip(" :：") or h.title
            if not bare and appendix_root is not None:
                h.parent, h.level = appendix_root, 2
            elif bare:
                appendix_root = i
            seen_chapter, current_chapter, current_numbered = True, i, i
        elif (num and seen_chapter) or kind == "section":
            h.number = num.group(1) if num else entry.number  # type: ignore[union-attr]
            h.title = (num.group(2).strip() if num else h.title) or h.number
            h.level = h.number.count(".") + 1
            h.parent = _numbered_parent(heads, h.number, current_chapter)
            current_numbered = i
        elif (art and seen_chapter) or kind == "article":
            h.number = art.group(1) if art else entry.number  # type: ignore[union-attr]
            body = art.group(2).strip() if art else h.title
            h.title = re.split(r"[，。；：,;:]", body, maxsplit=1)[0][:24] if h.inline else body or h.number
            h.level, h.parent, current_numbered = 2, current_chapter, i
        elif seen_chapter:
            h.parent = _unnumbered_parent(heads, i, current_numbered)
            h.level = heads[h.parent].level + 1 if h.parent is not None else 1
        # else: front matter before chapter 1 — level 1, no number
    _check_toc(doc, lines, heads, toc, toc_index)


def _check_toc(doc: Document, lines: list[_Line], heads: list[_Head], toc: Toc, toc_index: int | None) -> None:
    listed = toc.chapters()
    if not listed:
        return
    ln = lines[heads[toc_index].line].start if toc_index is not None else None
    line_no = doc.text.count("\n", 0, ln) + 1 if ln is not None else None
    if not any(h.chapter for h in heads):
        raise IngestError(doc.path, "the 目录 list names chapters but none of them was found", line_no)
    found = {h.number for h in heads if h.chapter}
    missing = sorted(set(listed) - found, key=int)
    if missing:
        raise IngestError(doc.path, f"chapters {', '.join(missing)} listed in 目录 are missing "
                          "(is the file truncated?)", line_no)


def _numbered_parent(heads: list[_Head], number: str, chapter: int | None) -> int | None:
    prefix = number.rsplit(".", 1)[0]
    for j in range(len(heads) - 1, -1, -1):
        if heads[j].number == prefix and (heads[j].chapter or "." in prefix):
            return j
    return chapter


def _unnumbered_parent(heads: list[_Head], i: int, numbered: int | None) -> int | None:
    """Nest under the previous unnumbered heading if it is shallower markdown, else the numbered one."""
    j = i - 1
    while j >= 0 and numbered is not None and j > numbered:
        prev = heads[j]
        if prev.number is None and prev.parent is not None and 0 < prev.md_level < heads[i].md_level:
            return j
        j -= 1
    return numbered


def split(doc: Document) -> tuple[list[Section], list[Passage]]:
    """The section tree and the passages of ``doc``, read from its corrected copy
    (``ingest.corrections``) with every offset in the published text."""
    fixed, omap = corrected(doc)
    sections, passages = _split(fixed)
    if omap.edits:
        sections = sections_to(sections, omap, orig=True)
        passages = _dedupe(passages_back(passages, omap, doc.text))
    if doc.page_starts:
        passages = [replace(p, pages=doc.pages(p.start, p.end)) for p in passages]
    return sections, passages


def _split(doc: Document) -> tuple[list[Section], list[Passage]]:
    lines = _lines(doc.text)
    heads = _find_heads(lines)
    if not heads:
        raise IngestError(doc.path, "no headings found; expected a plan with chapter and section headings")
    _classify(doc, lines, heads)
    listed = _listed_titles(lines)
    ids = _section_ids(heads)
    sections: list[Section] = []
    passages: list[Passage] = []
    order = list(range(len(heads)))
    for pos, i in enumerate(order):
        h = heads[i]
        nxt = heads[order[pos + 1]].line if pos + 1 < len(order) else len(lines)
        body_from = h.line if h.inline else h.line + 1
        end = lines[nxt - 1].end if nxt > 0 else 0
        parent = ids[h.parent] if h.parent is not None else None
        sections.append(Section(ids[i], h.number, h.title, h.level, parent, lines[h.line].start, end,
                                plan=doc.plan.id, note=_note(h, listed)))
        if match_key(h.title) == "目录" or (h.level == 1 and h.number is None and h.parent is None
                                           and not any(x.chapter for x in heads[:i]) and _COVER.search(h.title)):
            continue  # navigation and the cover page (title, period, publisher) are not citable passages
        for start, stop in _blocks(lines[body_from:nxt]):
            text = doc.text[start:stop]
            section = _nearest_number(heads, i)
            path = _path(heads, i)
            passages.append(Passage(passage_id(doc.plan.id, section, text), doc.plan.id, section, ids[i],
                                    h.title, path, text, start, stop))
    return sections, _dedupe(passages)


def _listed_titles(lines: list[_Line]) -> dict[str, str]:
    """Section titles as a chapter's own navigation list gives them (``- 8.2 强化规划实施保障政策``)."""
    listed: dict[str, str] = {}
    for ln in lines:
        m = _NAV_ITEM.match(unicodedata.normalize("NFKC", ln.text))
        if m and not _MD.match(ln.text):
            listed.setdefault(m.group(1), clean_heading(m.group(2)))
    return listed


def _note(h: _Head, listed: dict[str, str]) -> str:
    other = listed.get(h.number or "")
    if other and match_key(other) != match_key(h.title):
        return f"the chapter's own list calls {h.number} “{other}”; the heading reads “{h.title}” (kept as published)"
    return ""


def _section_ids(heads: list[_Head]) -> dict[int, str]:
    ids: dict[int, str] = {}
    used: set[str] = set()
    for i, h in enumerate(heads):
        if h.number:
            base = h.number if not h.chapter else f"ch{h.number}"
        else:
            parent = ids.get(h.parent, "front") if h.parent is not None else "front"
            base = f"{parent}/{match_key(h.title)[:40]}"
        sid, n = base, 2
        while sid in used:
            sid, n = f"{base}~{n}", n + 1
        used.add(sid)
        ids[i] = sid
    return ids


def _nearest_number(heads: list[_Head], i: int | None) -> str | None:
    while i is not None:
        if heads[i].number:
            return heads[i].number
        i = heads[i].parent
    return None


def _path(heads: list[_Head], i: int | None) -> tuple[str, ...]:
    trail = []
    while i is not None:
        h = heads[i]
        trail.append(f"{h.number} {h.title}" if h.number and not h.chapter and h.title != h.number
                     else h.title)
        i = h.parent
    return tuple(reversed(trail))


def _blocks(lines: list[_Line]) -> list[tuple[int, int]]:
    """Offsets of passages: paragraphs merged up to TARGET_CHARS, long ones split at MAX_CHARS."""
    paragraphs: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in [*lines, _Line(0, 0, "")]:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            if not all(_NAV_LINE.match(x.text) for x in cur):
                paragraphs.extend(_split_long(cur))
            cur = []
    merged: list[list[_Line]] = []
    for para in paragraphs:
        size = sum(len(x.text) for x in para)
        if merged and sum(len(x.text) for x in merged[-1]) + size <= TARGET_CHARS:
            merged[-1].extend(para)
        else:
            merged.append(list(para))
    return [_trim(block) for block in merged]


def _split_long(para: list[_Line]) -> list[list[_Line]]:
    """Split a long paragraph at line boundaries; a table restarts a chunk at a repeated header row."""
    header = para[0].text.split("\t")[1:] if "\t" in para[0].text else None
    chunks: list[list[_Line]] = [[]]
    for ln in para:
        size = sum(len(x.text) for x in chunks[-1])
        repeated = header and ln.text.split("\t")[1:] == header and chunks[-1]
        if chunks[-1] and (repeated or size + len(ln.text) > MAX_CHARS):
            chunks.append([])
        chunks[-1].append(ln)
    return chunks


def _trim(block: list[_Line]) -> tuple[int, int]:
    first, last = block[0], block[-1]
    lead = len(first.text) - len(first.text.lstrip())
    trail = len(last.text) - len(last.text.rstrip())
    return first.start + lead, last.end - trail


def _dedupe(passages: list[Passage]) -> list[Passage]:
    """Identical text under the same section number gets one id; keep the first occurrence."""
    seen: set[str] = set()
    out = []
    for p in passages:
        if p.id not in seen:
            seen.add(p.id)
            out.append(p)
    return out
