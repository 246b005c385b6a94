"""The owned jieba tokenizer shared by ingest and retrieval.

Never touches jieba's global default tokenizer: each caller gets its own ``jieba.Tokenizer`` with a
user dictionary of the names the plan itself defines (extracted entity labels), so that
``<名称>省级自然保护区`` or ``永久基本农田`` stay whole.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

# Tokens that carry no retrieval signal.
STOP_WORDS = frozenset(
    "的 了 和 与 及 等 是 在 为 对 将 以 其 之 中 上 下 有 我 我家 你 他 吗 呢 啊 吧 么 什么 哪些 哪个 怎么 怎样 如何 "
    "多少 几个 几 请问 规划 里 会 要 都 能 这 那 个 也 就 还 被 把 并 或 而 于 由 从 到 向 可以 一下".split()
)
_WORD = re.compile(r"\w", re.UNICODE)


def normalize(text: str) -> str:
    """Normalise for matching only: NFKC (full-width → half-width), lower case, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def make_tokenizer(words: Iterable[str] = (), dict_path: Path | None = None) -> jieba.Tokenizer:
    """A fresh jieba tokenizer with ``words`` added as a user dictionary.

    ``dict_path``: where to write the user dictionary (kept in the build for inspection); a temp file
    otherwise.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    unique = sorted({w.strip() for w in words if w and w.strip() and " " not in w.strip()})
    if unique:
        lines = "".join(f"{w} {max(1000, 200 * len(w))}\n" for w in unique)
        if dict_path is None:
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
                fh.write(lines)
                dict_path = Path(fh.name)
        else:
            dict_path.write_text(lines, encoding="utf-8")
        tok.load_userdict(str(dict_path))
    return tok


def tokens(tok: jieba.Tokenizer, text: str) -> list[str]:
    """Search tokens of ``text``: normalised, segmented (search mode), stop words dropped."""
    out: list[str] = []
    for word, _start, _end in tok.tokenize(normalize(text), mode="search"):
        w = word.strip()
        if w and w not in STOP_WORDS and _WORD.search(w):
            out.append(w)
    return out
