"""Typo correction against a plan's own vocabulary: a homophone (same toneless pinyin) or a one-character
slip of a plan term is replaced by that term, only when the term occurs in the plan and the written form
does not (and is not an ordinary word of jieba's dictionary)."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
MAX_TERM = 6
_QUESTION_CHARS = re.compile(r"[几哪啥吗呢么谁怎咋多少]")
COMMON_FREQ = 20  # jieba dictionary frequency above which a written word is an ordinary word, not a slip


@functools.lru_cache(maxsize=65536)
def char_pinyin(c: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(c, style=Style.NORMAL)[0]


def pinyin_key(text: str) -> str:
    return " ".join(char_pinyin(c) for c in text)


@dataclass
class Vocabulary:
    """Terms of one plan (or several), indexed by pinyin and by one-character masks."""

    corpus: str
    common: Mapping[str, int] = field(default_factory=dict)  # ordinary words (jieba's dictionary)
    by_pinyin: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_mask: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    terms: set[str] = field(default_factory=set)
    protected: frozenset[str] = frozenset()  # the jurisdiction's names: 甲山 + 种 is not a slip of 甲山镇
    _spelled: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)
    _sounds: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_terms(cls, terms: Iterable[str], corpus: str, common: Mapping[str, int] | None = None) -> Vocabulary:
        v = cls(corpus, common or {})
        for t in sorted(set(terms)):
            if not 2 <= len(t) <= MAX_TERM or not _CJK_RUN.fullmatch(t):
                continue
            v.terms.add(t)
            v.by_pinyin[pinyin_key(t)].append(t)
            if len(t) >= 3:
                for i in range(len(t)):
                    v.by_mask[t[:i] + "*" + t[i + 1:]].append(t)
        return v

    def occurs(self, text: str) -> bool:
        return text in self.corpus

    def spelled(self, word: str) -> list[str]:
        """The plan's names an English question spells in pinyin (``Jiashan`` → 甲山): the beginnings of
        two to four characters of its terms whose toneless pinyin, run together, is ``word``."""
        if self._spelled is None:
            index: dict[str, set[str]] = defaultdict(set)
            for key, terms in self.by_pinyin.items():
                syllables = key.split()
                for t in terms:
                    for n in range(2, min(4, len(t)) + 1):
                        index["".join(syllables[:n])].add(t[:n])
            self._spelled = index
        return sorted(self._spelled.get(word.lower(), ()))

    def suggest(self, window: str) -> str | None:
        """The plan term ``window`` is a slip of, if exactly one fits."""
        if self.occurs(window) or self.common.get(window, 0) > COMMON_FREQ:
            return None
        found = {t for t in self.by_pinyin.get(pinyin_key(window), ()) if t != window}
        if len(window) >= 3 and not found:  # one slipped character that sounds alike (same initial)
            found = {t for i in range(len(window))
                     for t in self.by_mask.get(window[:i] + "*" + window[i + 1:], ())
                     if t != window and _initial(t[i]) == _initial(window[i])}
        if len(window) == 3 and not found:  # a word and a one-character noun the segmenter splits off (隐患点)
            found = {window[:k] + c + window[k + 1:] for k, rest in ((2, window[:2]), (0, window[1:]))
                     if rest in self.terms for c in self.sounds_like(window[k])
                     if self.occurs(window[:k] + c + window[k + 1:])}
        return found.pop() if len(found) == 1 else None

    def sounds_like(self, char: str) -> list[str]:
        """The plan's characters that sound like ``char`` (toneless pinyin), other than itself."""
        if self._sounds is None:
            index: dict[str, list[str]] = defaultdict(list)
            for c in sorted(set(_CJK_CHAR.findall(self.corpus))):
                index[char_pinyin(c)].append(c)
            self._sounds = index
        return [c for c in self._sounds.get(char_pinyin(char), ()) if c != char]


def _initial(c: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(c, style=Style.INITIALS, strict=False)[0] or char_pinyin(c)[:1]


def _covered(run: str, vocab: Vocabulary) -> set[int]:
    """Positions of ``run`` inside a plan term (a whole term, three or more characters) written right."""
    out: set[int] = set()
    for i in range(len(run)):
        for n in range(min(MAX_TERM, len(run) - i), 2, -1):
            if run[i:i + n] in vocab.terms:
                out.update(range(i, i + n))
                break
    return out


def _boundaries(run: str, tokenizer: object) -> set[int] | None:
    """Word boundaries of ``run`` by the tokenizer (``None``: no tokenizer, any position will do)."""
    if tokenizer is None:
        return None
    cuts = {0, len(run)}
    for _w, a, b in tokenizer.tokenize(run):  # type: ignore[attr-defined]
        cuts.update((a, b))
    return cuts


def _mends(run: str, i: int, window: str, term: str, tokenizer: object) -> bool:
    """Whether writing ``term`` for ``window`` at ``i`` mends the segmentation around it: over the words
    either segmentation puts across the slip, the term comes out a word of its own and fewer lone characters
    are left (四|大明|片 → 四大|名片; but 在|孩子 → 灾害|子 and 飞机|起降 → 小飞|基期|降 leave as many).
    Dictionary words only (no HMM guesses, which glue lone characters into unknown words)."""
    fixed = run[:i] + term + run[i + len(window):]
    before = [(a, b) for _w, a, b in tokenizer.tokenize(run, HMM=False)]  # type: ignore[attr-defined]
    after = [(a, b) for _w, a, b in tokenizer.tokenize(fixed, HMM=False)]  # type: ignore[attr-defined]
    lo, hi = i, i + len(window)
    while True:  # widen to whole words of both segmentations
        spans = [(a, b) for a, b in [*before, *after] if a < hi and b > lo]
        new_lo, new_hi = min([lo, *(a for a, _b in spans)]), max([hi, *(b for _a, b in spans)])
        if (new_lo, new_hi) == (lo, hi):
            break
        lo, hi = new_lo, new_hi

    def lone(words: list[tuple[int, int]]) -> int:
        return sum(b - a == 1 for a, b in words if lo <= a and b <= hi)

    return (i, i + len(term)) in after and lone(after) < lone(before)


_FUNCTION_CHARS = frozenset("的地得是了在有就都而及与要以里起打到给把被从对向将会能可也还又很")
_ADMIN_CHARS = frozenset("省市县区镇乡村")


def correct(text: str, vocab: Vocabulary, tokenizer: object = None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with slips of plan terms repaired, and the ``(written, corrected)`` pairs. Never touches
    question words or characters that belong to a plan term written right; with a ``tokenizer``, a slip
    is a run of whole words (在孩子 is 在 + 孩子, not a slip of 灾害)."""
    fixes: list[tuple[str, str]] = []
    out = text
    for run in _CJK_RUN.findall(text):
        keep = _covered(run, vocab)
        cuts = _boundaries(run, tokenizer)
        i = 0
        while i < len(run) - 1:
            for n in range(min(MAX_TERM, len(run) - i), 1, -1):
                window = run[i:i + n]
                if vocab.occurs(window) or keep & set(range(i, i + n)) or _QUESTION_CHARS.search(window):
                    continue
                if any(window.startswith(p) and len(window) == len(p) + 1 for p in vocab.protected):
                    continue
                astride = cuts is not None and (i not in cuts or (i + n not in cuts and n < 3))
                if astride and n > 2:
                    continue  # a slip starts a word; a two-character one is a whole word …
                term = vocab.suggest(window)
                if term and astride and not _mends(run, i, window, term, tokenizer):
                    continue  # … unless the slip is what broke the words around it (四大明片 → 四|大明|片)
                if term and any(a != b and (a in _ADMIN_CHARS or a in _FUNCTION_CHARS or b in _FUNCTION_CHARS)
                                for a, b in zip(window, term, strict=False)):
                    # 县, 镇, 村 are words of their own (咱们县有 is not 现有), and a grammar word differs by
                    # grammar, not by a slip (保护的 is not 保护地, 里是 not 历史, 依山 not 以山)
                    term = None
                if term:
                    fixes.append((window, term))
                    out = out.replace(window, term, 1)
                    i += n - 1
                    break
            i += 1
    return out, tuple(fixes)
