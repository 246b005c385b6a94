"""English → Chinese terms of the planning genre, so English questions reach the Chinese text.

The terms are data (``retrieval/answering/lexicon/glossary.tsv``): genre vocabulary only.
"""

from __future__ import annotations

import functools
import re

_LATIN = re.compile(r"[A-Za-z]{3,}")


@functools.cache
def _pattern() -> tuple[dict[str, str], re.Pattern[str]]:
    from retrieval.answering.lexicon import lexicon

    terms = lexicon().glossary
    alts = "|".join(rf"\b{re.escape(k)}(?:s|es)?\b" for k in sorted(terms, key=len, reverse=True))
    return terms, re.compile(alts, re.IGNORECASE)


def expand(query: str) -> str:
    """Append the Chinese genre terms of an English question; Chinese questions pass unchanged."""
    if not _LATIN.search(query):
        return query
    terms, pattern = _pattern()
    found = [_lookup(terms, m.group(0)) for m in pattern.finditer(query)]
    zh = list(dict.fromkeys(t for t in found if t))
    return f"{query} {' '.join(zh)}" if zh else query


def _lookup(terms: dict[str, str], found: str) -> str | None:
    word = found.lower()
    for cut in (0, 1, 2):
        key = word[: len(word) - cut] if cut else word
        if key in terms:
            return terms[key]
    return None
