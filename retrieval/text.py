"""Sentence-level helpers shared by the answer composers; quotes are always verbatim slices."""

from __future__ import annotations

import functools
import re

from ingest.extract_text import sentence_bounds
from ingest.records import Passage

WHOLE_PASSAGE_CHARS = 160
WINDOW_CHARS = 220


_NON_WORD = re.compile(r"[^\w]")


@functools.lru_cache(maxsize=1 << 16)
def bigrams(s: str) -> frozenset[str]:
    """The character bigrams of ``s`` without punctuation and spaces (a one-character ``s``: itself).
    Cached: the same passage windows, labels and headings are compared with every question."""
    s = _NON_WORD.sub("", s)
    return frozenset({s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set()))


def overlap(text: str, qb: frozenset[str] | set[str]) -> float:
    return len(bigrams(text) & qb) / (len(qb) or 1)


def spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (ingest's splitter, closing marks kept); a lead-in (``…：``) or very
    short piece joins the next one."""
    out: list[tuple[int, int]] = []
    for start, end in sentence_bounds(text, keep_end=True):
        prev = text[out[-1][0]:out[-1][1]] if out else ""
        if out and (prev.endswith(("：", ":")) or len(prev) <= 6):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in spans(text)]


def sentence_with(passage: Passage, quote: str) -> str:
    """The sentence of ``passage`` that contains ``quote`` (the quote itself if it spans sentences)."""
    for a, b in sentence_bounds(passage.text, keep_end=True):
        if quote in passage.text[a:b]:
            return passage.text[a:b]
    return quote


def best_quote(passage: Passage, qb: set[str]) -> str:
    """The whole passage when short, else the best window of one or two consecutive sentences."""
    text = passage.text
    if len(text) <= WHOLE_PASSAGE_CHARS and "\t" not in text:
        return text
    ss = spans(text)
    if not ss:
        return text
    windows = [(a[0], b[1]) for a, b in zip(ss, ss[1:], strict=False) if b[1] - a[0] <= WINDOW_CHARS] + ss
    start, end = max(windows, key=lambda w: (overlap(text[w[0]:w[1]], qb), -(w[1] - w[0])))
    return text[start:end]
