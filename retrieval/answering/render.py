"""Readable answer text: no markdown markers, no layout spaces or blank gaps, table rows as sentences.
Citations keep the verbatim quote; only the answer text is cleaned."""

from __future__ import annotations

import functools
import re

_MARKS = re.compile(r"\*\*|__|^#+\s*|^\s*[-*+]\s+|`", re.MULTILINE)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。；：、）」』”])[ \u3000]+(?=[\u4e00-\u9fff（「『“])")
_BLANKS = re.compile(r"\n\s*\n+")


_PIPE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}.*$", re.MULTILINE)
_PIPE_ROW = re.compile(r"^[ \t]*\|(.*?)\|?[ \t]*$", re.MULTILINE)


@functools.lru_cache(maxsize=1 << 13)
def clean(text: str) -> str:
    """Answer text for reading: markers removed, cells of table rows (tabs or ``|``) joined by ``，``,
    gaps between CJK removed. Cached: the same passage windows are rendered for many questions."""
    t = _PIPE_RULE.sub("", text)
    t = _PIPE_ROW.sub(lambda m: "，".join(c.strip() for c in m.group(1).split("|") if c.strip()), t)
    t = _MARKS.sub("", t)
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
    return re.sub(r"^(?:第[一二三四五六七八九十百\d]+[章节条]|\d+[、．]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:\.\d+)+\.?|\d+(?=\s))\s*",
                  "", h)
