"""Candidates from passage text: sentence windows, whole enumerations (a lead-in ``…：`` with its items)
and short passages, from the best-ranked passages; and section outlines (the subsection headings of a
section whose title the question names)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from retrieval.answering.analysis import QuestionFrame
from retrieval.answering.candidates_graph import asked_noun
from retrieval.answering.render import clean, heading_title, sentence
from retrieval.answering.types import Candidate, Citation
from retrieval.facts import FactBase
from retrieval.text import bigrams, spans

if TYPE_CHECKING:
    from retrieval.search import Hit

TEXT_HITS = 4
WINDOW_CHARS = 220
ENUM_CHARS = 360
SHORT_PASSAGE = 160


@functools.lru_cache(maxsize=1 << 13)
def _window_table(text: str, path: tuple[str, ...], whole: bool) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """The passage's candidate windows with their bigrams, without heading lines (a heading line inside
    the passage says nothing by itself). Derived from the passage alone, so kept across questions."""
    heads = {re.sub(r"\s+", "", x) for x in path}
    return tuple((a, b, bigrams(text[a:b])) for a, b in _windows(text, whole)
                 if re.sub(r"\s+", "", text[a:b]).rstrip("。：:") not in heads)


def _windows(text: str, whole: bool = False) -> list[tuple[int, int]]:
    ss = spans(text)
    wins = list(ss)
    wins += [(a[0], b[1]) for a, b in zip(ss, ss[1:], strict=False) if b[1] - a[0] <= WINDOW_CHARS]
    for i, (a, b) in enumerate(ss):  # a lead-in and the items it introduces
        if text[a:b].rstrip().endswith(("：", ":")) or re.search(r"[：:]\s*$", text[a:b]):
            end = b
            for _, nb in ss[i + 1:]:
                if nb - a > ENUM_CHARS:
                    break
                end = nb
            wins.append((a, end))
    if len(text) <= SHORT_PASSAGE or (whole and len(text) <= ENUM_CHARS):
        wins.append((0, len(text)))
    return list(dict.fromkeys(wins))


_CURRENT = re.compile(r"现状|目前|现有|基期")
_PLANNED = re.compile(r"规划|(?:到|至)\s*20\d\d|目标|将")
# a planned figure after the current one (现状…0.3万立方米/日，规划扩建至0.8万立方米/日): the window states both
_THEN_PLANNED = re.compile(r"[，,；;]\s*(?:规划|远期|近期|(?:到|至)\s*20\d\d\s*年?)[^。；;，,]{0,12}?(?:至|到|达到|为)\s*(?!(?:19|20)\d\d\s*年)[\d.]+")
_TARGET_YEAR = re.compile(r"(?:到|至|于)\s*(20\d\d)\s*年")
_YEAR_WORD = re.compile(r"(20\d\d)\s*年")
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")
PERIOD_END = re.compile(r"规划期末|规划末期|规划期满|规划到期|\bby the end of the plan")


def text_violations(frame: QuestionFrame, quote: str, passage: str = "") -> tuple[str, ...]:
    """Status and year constraints a passage window breaks: a 现状 window for a target-year question, a
    window about another target year. A window that names no year is read in its passage: where the
    passage (its lead, a table's header) names target years and not the one asked, so is the window."""
    out = []
    if frame.status == "Planned" and _CURRENT.search(quote[:12]) and not _THEN_PLANNED.search(quote):
        out.append("status")
    elif frame.status == "Current" and _PLANNED.search(quote) and not _CURRENT.search(quote):
        out.append("status")  # 现在有多少张床位 is not answered by 规划床位60张
    years = {int(y) for y in _TARGET_YEAR.findall(quote)}
    if frame.year and PERIOD_END.search(quote):
        pass  # 至规划期末: the year the plan runs to, which a target-year question asks about
    elif frame.year and years and frame.year not in years:
        out.append("year")
    elif frame.year and not years and not _ANY_YEAR.search(quote):
        around = {int(y) for y in _YEAR_WORD.findall(passage)}
        if around and frame.year not in around:
            out.append("year")
    return tuple(out)


def year_fit(frame: QuestionFrame, quote: str) -> float:
    if not frame.year:
        return 0.5
    return 1.0 if str(frame.year) in quote else 0.0


def _without_heading(quote: str, heads: set[str]) -> str:
    """``quote`` without a first line that is the passage's own heading (legal layouts inline it)."""
    first, _, rest = quote.partition("\n")
    return rest.strip() if rest.strip() and re.sub(r"\s+", "", first) in heads else quote


LABELLED_CHARS = 60  # a passage this short under a term of its own defines that term
# a term, perhaps with its count (``集聚提升类（12个）``), not a numbered heading (``5.3 分类推进乡村振兴``)
_LABEL = re.compile(r"[\u4e00-\u9fff]{2,10}(?:[（(]\d+[个处项类种条座所]?[）)])?")


def text_candidates(frame: QuestionFrame, hits: Sequence[Hit], extra: Sequence[Hit] = ()) -> list[Candidate]:
    """Quotes from the top ``TEXT_HITS`` hits and from ``extra`` hits below them (a passage BM25 puts
    first, one whose heading names the year asked: see ``pipeline.gather``)."""
    tb = bigrams(frame.topic) or bigrams(frame.text)
    qb = bigrams(frame.text)
    cands = []
    for i, h in enumerate([*hits[:TEXT_HITS], *extra]):
        text = h.passage.text
        trail = bigrams("".join(h.passage.path))
        scored = []
        heads = {re.sub(r"\s+", "", x) for x in h.passage.path}
        for a, b, wb in _window_table(text, h.passage.path, frame.answer_type in ("list", "overview")):
            # on a tie a list question wants the whole enumeration and an overview the whole statement (a
            # goal or a vision takes several sentences), any other the shortest window
            size = (b - a) if frame.answer_type in ("list", "overview") else -(b - a)
            scored.append((len(wb & tb) / (len(tb) or 1), len(wb & qb) / (len(qb) or 1), size, a, b))
        if not scored:
            continue
        for over, qover, _neg, a, b in sorted(scored, reverse=True)[:3]:
            shown = _without_heading(text[a:b], heads)
            if len(re.sub(r"[^\u4e00-\u9fff\w]", "", shown)) < 6:
                continue  # a label (``一心：``) or a stray line, not an answer
            quote = text[a:b]
            has_num = 1.0 if re.search(r"\d", clean(quote)) else 0.0
            said = sentence(shown)
            label = h.passage.heading
            if len(text) <= LABELLED_CHARS and _LABEL.fullmatch(label) and label not in said:
                said = f"{label}：{said}"  # a one-line definition under its term (城郊融合型) says the term too,
                # the names listed under a class (集聚提升类（12个）) their class
                wb = bigrams(said)
                over, qover = len(wb & tb) / (len(tb) or 1), len(wb & qb) / (len(qb) or 1)
            cands.append(Candidate(
                "text", said, [Citation(h.passage, quote)], h.passage.plan, [],
                {"match": over, "cover": qover, "rank": 1.0 / (1 + i), "coverage": h.coverage,
                 "cosine": h.cosine, "number": has_num, "trail": len(trail & tb) / (len(tb) or 1),
                 "agree": 1.0 if h.bm25_rank == 1 and h.dense_rank == 1 else 0.0,
                 "long": min((b - a) / ENUM_CHARS, 1.0), "year": year_fit(frame, quote + label),
                 "table": 1.0 if "\t" in quote else 0.0},
                text_violations(frame, quote, text + "\n" + " ".join(h.passage.path))))  # (its heading: 2050年展望)
    return cands


OUTLINE_PART = 80  # characters of a part's own text said after its heading


def outline_candidates(frame: QuestionFrame, kb: FactBase, hits: Sequence[Hit]) -> list[Candidate]:
    """``X包括哪些``: the subsection headings of the best-ranked numbered section the question names."""
    if frame.answer_type not in ("list", "overview", "count") or not hits:
        return []
    # a section whose subsections two or more of the top hits come from: the question asks about its
    # parts (哪几个方面修复生态 → 森林生态修复；水生态环境修复；矿山生态修复 …) even in other words
    parts: dict[tuple[str, str | None], set[str]] = {}
    for h in hits[:5]:
        if h.passage.section is not None and len(h.passage.path) > 2:
            parts.setdefault((h.passage.plan, h.passage.section), set()).add(h.passage.heading)
    spread = {key for key, heads in parts.items() if len(heads) >= 2}
    for i, h in enumerate(hits[:5]):
        top = h.passage
        if top.section is None or len(top.path) < 2:
            continue
        title = heading_title(top.path[1])
        tb = bigrams(title)
        named = len(tb & bigrams(frame.text)) / len(tb) if tb else 0.0
        if not (i < 2 and named >= 0.5) and (top.plan, top.section) not in spread:
            continue
        children = [p for p in kb.passages.values()
                    if p.plan == top.plan and p.section == top.section and len(p.path) > 2]
        headings = list(dict.fromkeys(p.heading for p in children))
        if len(headings) < 2:
            continue
        shown = [heading_title(x) for x in headings]
        firsts = list({p.heading: p for p in reversed(children)}.values())[::-1]
        cites = [Citation(p, p.text[:80]) for p in firsts]
        text = sentence(f"{title}包括：" + "；".join(shown))
        if all(x in frame.text for x in shown):  # the question names the parts (“一带两区”分别是啥): what each is
            said = [re.sub(r"\s*\n\s*", "，", p.text.strip()).rstrip("。；; ") for p in firsts]
            text = sentence(f"{title}：" + "；".join(f"{x}：{t[:OUTLINE_PART]}" for x, t in zip(shown, said, strict=False)))
            cites = [Citation(p, p.text[:OUTLINE_PART]) for p in firsts]
        asked = asked_noun(frame)
        # 南城区培育哪几类产业 is not answered by the districts' list: it asks for other things than its parts
        other = asked is not None and asked not in text and not any(x.endswith(asked[-1]) for x in shown)
        return [Candidate("outline", text, cites, top.plan, [],
                          {"match": max(named, 0.5), "cover": 0.5, "rank": 1.0 / (1 + i)},
                          ("asks for other things",) if other else ())]
    return []
