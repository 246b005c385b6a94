"""English → Chinese terms of the planning genre, so English questions reach the Chinese text.

The terms are data (``retrieval/answering/lexicon/glossary.tsv``): genre vocabulary only.
"""

from __future__ import annotations

import functools
import re

_LATIN = re.compile(r"[A-Za-z]{3,}")


def _spaced(term: str) -> str:
    """``term`` as a pattern whose spaces match any run of spaces or hyphens (tap-water is tap water)."""
    return r"[\s-]+".join(re.escape(w) for w in _words(term).split())


def _words(term: str) -> str:
    """``term`` lower-cased, its hyphens and runs of spaces one space each."""
    return " ".join(term.lower().replace("-", " ").split())


@functools.cache
def _pattern() -> tuple[dict[str, str], re.Pattern[str]]:
    from retrieval.answering.lexicon import lexicon

    terms = {_words(k): v for k, v in lexicon().glossary.items()}
    alts = "|".join(rf"\b{_spaced(k)}(?:s|es)?\b" for k in sorted(terms, key=len, reverse=True))
    return terms, re.compile(alts, re.IGNORECASE)


def expand(query: str) -> str:
    """Append the Chinese genre terms of an English question; Chinese questions pass unchanged."""
    if not _LATIN.search(query):
        return query
    terms, pattern = _pattern()
    found = [_lookup(terms, m.group(0)) for m in pattern.finditer(query)]
    zh = list(dict.fromkeys(t for t in found if t))
    return f"{query} {' '.join(zh)}" if zh else query


def matched(query: str) -> list[str]:
    """The English genre terms ``expand`` renders in ``query``, as written there."""
    return [m.group(0) for m in _pattern()[1].finditer(query)] if _LATIN.search(query) else []


def _lookup(terms: dict[str, str], found: str) -> str | None:
    word = _words(found)
    for cut in (0, 1, 2):
        key = word[: len(word) - cut] if cut else word
        if key in terms:
            return terms[key]
    return None
