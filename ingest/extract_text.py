"""Shared helpers for fact extraction: offsets, sentences, enumerations and the fact sink.

Everything here is a rule of the genre (how Chinese master plans write lists, numbers and names), never a
name from one plan. Offsets always index ``Document.text``; a fact's quote is a slice of it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ingest.records import Document, Fact, Passage, Section, Value
from ingest.structure import cn_number, match_key

CJK = "\u4e00-\u9fff"
CN_NUM = "零〇一二两三四五六七八九十百"
# Verbs and fillers that open a list item or a clause ("打造A、B" → A, B). Longest first when matching.
LEAD_WORDS = sorted(
    """打造 构建 建设 形成 强化 保护 加强 优化 完善 推进 保证 围绕 依托 包括 其中 以及 即 及 和 与 建立
    构筑 牢筑 筑牢 规划 重点打造 实施 培育 发展 严格保护 严格 突出 提升 注重 挖掘 设置 布局 共 全市 全县 全域
    市域 县域 全区 划定 基本实现 实现 新建 改造 有 为 是 含 涵盖 还有 另有 等""".split(),
    key=len, reverse=True,
)
LEVELS = ("自治区级", "市县级", "国家级", "省级", "市级", "县级", "区级")
_TRAIL_STOP = re.compile(r"(?:等)?[0-9０-９" + CN_NUM + r"]+[个处项条类种座]\S*$")


@dataclass(frozen=True)
class Span:
    """A piece of the document: ``doc.text[start:end] == text``."""

    start: int
    end: int
    text: str


def cjk_only(text: str) -> bool:
    return bool(text) and re.fullmatch(f"[{CJK}]+", text) is not None


def cn_int(token: str) -> int | None:
    """Chinese or Arabic count → int; ``None`` for 多/若干/数 or anything else."""
    token = unicodedata.normalize("NFKC", token).replace("两", "二")
    if token.isdigit():
        return int(token)
    if token and all(ch in CN_NUM for ch in token):
        return cn_number(token)
    return None


def strip_lead(text: str) -> tuple[int, str]:
    """Drop leading verbs/fillers; returns (chars dropped, rest)."""
    dropped = 0
    changed = True
    while changed and text:
        changed = False
        for word in LEAD_WORDS:
            if text.startswith(word) and len(text) > len(word) + 1:
                text, dropped, changed = text[len(word):], dropped + len(word), True
                break
    return dropped, text


SENTENCE_ENDS = "。；;！？!?\n"


def sentence_bounds(text: str, seps: str = SENTENCE_ENDS, keep_end: bool = False) -> list[tuple[int, int]]:
    """The one sentence splitter of ingest and answering: ``(start, end)`` of each non-empty sentence of
    ``text``, trimmed; ``keep_end`` keeps the closing mark (never a line break) inside the sentence."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(f"[{re.escape(seps)}]|$", text):
        end = m.end() if keep_end and m.group(0) not in ("", "\n") else m.start()
        chunk = text[pos:end]
        body = chunk.strip()
        if body:
            a = pos + len(chunk) - len(chunk.lstrip())
            out.append((a, a + len(body)))
        pos = m.end()
        if m.end() == len(text):
            break
    return out


def sentences(p: Passage, seps: str = SENTENCE_ENDS) -> Iterator[Span]:
    """Non-empty sentences of a passage, trimmed, with document offsets (the separator is excluded)."""
    for a, b in sentence_bounds(p.text, seps):
        yield Span(p.start + a, p.start + b, p.text[a:b])


def items(span: Span, seps: str = "、，,和及与") -> list[Span]:
    """Split a sentence into list items at list separators; each item keeps its document offsets."""
    out: list[Span] = []
    pos = 0
    text = span.text
    for m in re.finditer(f"[{re.escape(seps)}]|$", text):
        piece = text[pos:m.start()]
        lead = len(piece) - len(piece.lstrip(" \t*：:"))
        body = piece.strip(" \t*：:。；;")
        if body:
            out.append(Span(span.start + pos + lead, span.start + pos + lead + len(body), body))
        pos = m.end()
        if m.end() == len(text):
            break
    return out


def clean_item(item: Span) -> Span:
    """Strip lead verbs and a trailing "等N个…" count from a list item."""
    dropped, rest = strip_lead(item.text)
    rest = _TRAIL_STOP.sub("", rest)
    rest = re.sub(r"等$", "", rest)
    start = item.start + dropped
    return Span(start, start + len(rest), rest)


def level_of(text: str) -> str | None:
    for lv in LEVELS:
        if lv in text:
            return lv
    return None


def heading_noun(title: str) -> str:
    """"完善镇村体系" → "镇村体系": a heading with its leading verb dropped (for subjects and scopes)."""
    title = re.sub(r"^[\d.\s、]+", "", title)
    return strip_lead(title)[1]


@dataclass
class Sink:
    """Collects facts; checks that each quote lies inside a passage and keeps document order."""

    doc: Document
    passages: list[Passage]
    sections: list[Section]
    facts: list[Fact] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.passages = sorted(self.passages, key=lambda p: p.start)
        self._starts = [p.start for p in self.passages]
        self.by_section: dict[str, list[Passage]] = {}
        for p in self.passages:
            self.by_section.setdefault(p.section_id, []).append(p)
        self.section_by_id = {s.id: s for s in self.sections}

    def passage_at(self, start: int, end: int) -> Passage | None:
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and self.passages[i].start <= start and end <= self.passages[i].end:
            return self.passages[i]
        return None

    def add(self, kind: str, key: str, label: str, span: Span,
            props: list[tuple[str, Value]] | None = None, note: str = "") -> Fact | None:
        p = self.passage_at(span.start, span.end)
        if p is None or not key or self.doc.text[span.start:span.end] != span.text:
            return None
        props = list(props or [])
        if note:
            props.append(("skos:editorialNote", note))
        fact = Fact(kind=kind, key=key, label=label, passage=p.id, quote=span.text, start=span.start,
                    end=span.end, props=tuple(props), note=note)
        self.facts.append(fact)
        return fact

    def subsections(self, section_id: str) -> list[Section]:
        return [s for s in self.sections if s.parent == section_id]

    def body(self, section_id: str) -> list[Passage]:
        return self.by_section.get(section_id, [])

    def heading_passages(self, predicate: Callable[[str], bool]) -> Iterator[tuple[Section, list[Passage]]]:
        for s in self.sections:
            if predicate(match_key(s.title)):
                yield s, self.body(s.id)



def whole(p: Passage) -> Span:
    return Span(p.start, p.end, p.text)
