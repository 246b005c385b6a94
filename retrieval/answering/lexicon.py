"""Genre lexicons as data (``lexicon/*.tsv``): answer-type cues, constraint cues, class words, entity
predicates, the English glossary, residents' everyday words and out-of-scope topics. Each file says in its header where its words
come from; this module only reads them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

LEXICON_DIR = Path(__file__).with_name("lexicon")


@dataclass(frozen=True)
class ClassCue:
    words: tuple[str, ...]
    kinds: tuple[str, ...]
    role: str | None


@dataclass(frozen=True)
class Lexicon:
    answer_types: tuple[tuple[str, re.Pattern[str]], ...]
    constraints: tuple[tuple[str, str, re.Pattern[str]], ...]  # (name, value, pattern)
    classes: tuple[ClassCue, ...]
    predicates: tuple[tuple[re.Pattern[str], str], ...]
    out_of_scope: re.Pattern[str]
    glossary: dict[str, str]
    quantity_kinds: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = ()
    everyday: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = ()  # resident words → plan terms
    things: tuple[tuple[str, ...], ...] = ()  # the names of one thing a plan may or may not speak of

    @functools.cached_property
    def _thing_names(self) -> tuple[re.Pattern[str], dict[str, int]]:
        names = {n: i for i, line in enumerate(self.things) for n in line}
        alternation = "|".join(map(re.escape, sorted(names, key=len, reverse=True))) or r"(?!x)x"
        return re.compile(alternation), names

    def things_named(self, text: str) -> list[tuple[str, ...]]:
        """The things ``text`` names (longest name first), each as all of its names."""
        pattern, names = self._thing_names
        return [self.things[i] for i in dict.fromkeys(names[m.group(0)] for m in pattern.finditer(text))]

    def plan_terms(self, text: str) -> list[str]:
        """The plan terms of the everyday words in ``text`` that ``text`` does not already use."""
        found = [t for pat, terms in self.everyday if pat.search(text) for t in terms]
        return [t for t in dict.fromkeys(found) if t not in text]

    def constraint(self, name: str, text: str) -> str | None:
        """The first value of constraint ``name`` whose cue occurs in ``text``."""
        return next((v for n, v, pat in self.constraints if n == name and pat.search(text)), None)

    def scope(self, text: str) -> str | None:
        """``Urban`` or ``Rural`` when ``text`` speaks of one and not the other (城镇 vs 农村)."""
        found = {v for n, v, pat in self.constraints if n == "scope" and pat.search(text)}
        return found.pop() if len(found) == 1 else None


def rows(name: str) -> list[list[str]]:
    """The data lines of ``lexicon/<name>``, split at tabs; ``#`` lines are the header."""
    text = (LEXICON_DIR / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@functools.cache
def lexicon() -> Lexicon:
    return Lexicon(
        answer_types=tuple((t, _rx(p)) for t, p in rows("answer_types.tsv")),
        constraints=tuple((n, v, _rx(p)) for n, v, p in rows("constraints.tsv")),
        classes=tuple(ClassCue(tuple(w.split("|")), tuple(k.split()), None if r == "-" else r)
                      for w, k, r in rows("classes.tsv")),
        predicates=tuple((_rx(c), prop) for c, prop in rows("predicates.tsv")),
        out_of_scope=_rx("|".join(f"(?:{r[0]})" for r in rows("out_of_scope.tsv"))),
        glossary={en.lower(): zh for en, zh in rows("glossary.tsv")},
        quantity_kinds=tuple((k, _rx(c), tuple(u.split())) for k, c, u in rows("quantity_kinds.tsv")),
        everyday=tuple((_rx(w), tuple(t.split())) for w, t in rows("everyday.tsv")),
        things=tuple(tuple(r[0].split("|")) for r in rows("genre_things.tsv")),
    )
