"""Readable answer text: no markdown markers, no layout spaces or blank gaps, table rows as sentences.
Citations keep the verbatim quote; only the answer text is cleaned."""

from __future__ import annotations

import re

_MARKS = re.compile(r"\*\*|__|^#+\s*|^\s*[-*+]\s+|`", re.MULTILINE)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。；：、）」』”])[ \u3000]+(?=[\u4e00-\u9fff（「『“])")
_BLANKS = re.compile(r"\n\s*\n+")


def clean(text: str) -> str:
    """Answer text for reading: markers removed, tabs of table rows as ``，``, gaps between CJK removed."""
    t = _MARKS.sub("", text)
    t = re.sub(r"[ \u3000]*\t+[ \u3000]*", "，", t)
    t = _CJK_GAP.sub("", t)
    t = _BLANKS.sub("\n", t)
    t = re.sub(r"[ \u3000]{2,}", " ", t)
    return t.strip()


def sentence(text: str) -> str:
    """``text`` as one sentence ending in ``。``."""
    t = clean(text).rstrip("。；;，, ")
    return t + "。" if t and not t.endswith(("？", "！", "”", "）")) else t


def heading_title(heading: str) -> str:
    """A heading without its number (``6.2 完善…`` → ``完善…``, ``第三条 …`` → ``…``)."""
    h = clean(heading)
    return re.sub(r"^(?:第[一二三四五六七八九十百\d]+[章节条]|[\d.]+|\d+[、.．]|[一二三四五六七八九十]+、)\s*", "", h)
