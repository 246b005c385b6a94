"""The 目录 (table of contents) of a plan: its entries with numbers, for headings that carry none.

Genre rules only. Entries look like ``- 1.总则``, ``1 总则``, ``第一章 总则``, ``第五条 规划指标``,
``1.2 规划期限``, ``附表1 …`` or a bare ``附件``, often with dot leaders and page numbers
(``第一条 规划范围 ........ 1``). Body headings are matched to entries by their normalised
titles (:func:`title_key`), in order, so a title used twice takes the next unused entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass

CN = "一二三四五六七八九十百零〇两"
_LEADER = re.compile(r"(?:\s*[.…·．。\-—_]{2,}\s*\d*|\s+\d{1,3})\s*$")
_ENTRY = (
    ("chapter", re.compile(rf"^第([{CN}\d]+)章\s*(.+)$")),
    ("article", re.compile(rf"^(第[{CN}\d]+条)\s*(.+)$")),
    ("section", re.compile(r"^(\d+(?:\.\d+)+)\s*(.+)$")),
    ("chapter", re.compile(r"^(\d+)(?:\s*[.、．]\s*|\s+)(\D.*)$")),
    ("appendix", re.compile(rf"^(附[件表图录](?:[{CN}\d]+)?)(?:\s+(.+)|[:：](.+))?$")),
)
APPENDIX = re.compile(rf"^(附[件表图录](?:\s*[{CN}\d]+)?)(?:$|\s+|[:：])")
CHAPTER_WORDS = {"总则", "附则", "规划总则"}


def title_key(text: str) -> str:
    """A title for matching against the 目录 only (never for display or ids): width, bold, spacing and
    punctuation removed."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*#_`·:：,，。、;；!！?？“”\"'‘’()（）\[\]【】《》<>—\-.]", "", text)


def clean_heading(text: str) -> str:
    return re.sub(r"\*\*|__", "", text).strip(" \t-*")


@dataclass(frozen=True)
class TocEntry:
    kind: str  # chapter | article | section | appendix
    number: str  # "1", "第五条", "1.2", "附表1"
    title: str
    key: str


def parse_entry(line: str) -> TocEntry | None:
    text = clean_heading(unicodedata.normalize("NFKC", line))
    text = re.sub(r"^\s*[-*+]\s*", "", text).strip()
    text = _LEADER.sub("", text).strip()
    if not text or len(text) > 40 or "。" in text:
        return None
    for kind, pattern in _ENTRY:
        m = pattern.match(text)
        if m:
            title = next((g for g in m.groups()[1:] if g), "").strip() if m.lastindex and m.lastindex > 1 else ""
            number = m.group(1)
            if kind == "chapter" and not number.isdigit():
                number = str(cn_number(number))
            if kind == "appendix":
                number = re.sub(r"\s+", "", number)
            return TocEntry(kind, number, clean_heading(title), title_key(title or number))
    return None


def cn_number(token: str) -> int:
    """``十二`` → 12, ``三`` → 3, ``12`` → 12."""
    token = unicodedata.normalize("NFKC", token).replace("两", "二")
    if token.isdigit():
        return int(token)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
    total, current = 0, 0
    for ch in token:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits.get(ch, 0)
    return total + current


def toc_block(texts: list[str], start: int, stop: int) -> tuple[list[TocEntry], int]:
    """Entries of the 目录 whose lines are ``texts[start:stop]``, and the index where the list ends:
    at the first line that reads like body text or repeats a title already listed."""
    entries: list[TocEntry] = []
    seen: set[str] = set()
    for i in range(start, stop):
        raw = texts[i].strip()
        if not raw:
            continue
        entry = parse_entry(raw)
        if entry is None:
            if raw.startswith("![") or raw.startswith("<"):
                continue
            return entries, i
        if entry.key in seen and entry.kind != "appendix":
            return entries, i
        seen.add(entry.key)
        entries.append(entry)
    return entries, stop


class Toc:
    """Entries consumed in order by the headings that match them."""

    def __init__(self, entries: list[TocEntry]) -> None:
        self.entries = entries
        self._by_key: dict[str, deque[TocEntry]] = {}
        for e in entries:
            self._by_key.setdefault(e.key, deque()).append(e)

    def take(self, key: str) -> TocEntry | None:
        queue = self._by_key.get(key)
        return queue.popleft() if queue else None

    def chapters(self) -> list[str]:
        return [e.number for e in self.entries if e.kind == "chapter"]

    def __bool__(self) -> bool:
        return bool(self.entries)
