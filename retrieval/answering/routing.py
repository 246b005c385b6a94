"""Plan routing: which plan(s) a question is about. A gazetteer of every plan's jurisdiction (from its
title and region), its towns, townships and villages (from the graph), with pinyin for English; a named
place routes to the plan(s) it belongs to, else the page's plan, else the only plan, else a question back
naming the few candidate plans."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ingest.records import PlanMeta
from retrieval.facts import Entity, aliases, place_names

PLACE_KINDS = ("Town", "Township", "Village", "AdministrativeVillage", "NaturalVillage")
_ADMIN_SUFFIX = re.compile(r"[省市县区镇乡村]$")
MAX_NAME = 12
CLARIFY_MAX = 5


@dataclass(frozen=True)
class Route:
    plans: tuple[str, ...]  # the plan(s) to answer from (one, unless clarifying)
    clarify: bool = False  # several plans fit and the question does not say which: ask
    named: tuple[str, ...] = ()  # place names found in the question


@dataclass
class Gazetteer:
    jurisdictions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    places: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    latin: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def build(cls, plans: Iterable[PlanMeta], entities: Iterable[Entity]) -> Gazetteer:
        from retrieval.answering.typos import pinyin_key

        g = cls()
        for m in plans:
            for name in place_names(m.title) | set(getattr(m, "region", ()) or ()):
                g.jurisdictions[name].add(m.id)
                stem = _ADMIN_SUFFIX.sub("", name)
                if len(stem) >= 2:
                    g.latin[pinyin_key(stem).replace(" ", "")].add(m.id)
        for e in entities:
            if e.kind in PLACE_KINDS:
                for a in aliases(e.label):
                    if len(a) >= 2:
                        g.places[a].add(e.plan)
        return g

    def is_jurisdiction(self, name: str) -> bool:
        """A plan's own jurisdiction (or its pinyin), not a town or village within one."""
        return name in self.jurisdictions or name.lower() in self.latin

    def find(self, text: str) -> list[tuple[str, set[str], bool]]:
        """``(name, plans, is_jurisdiction)`` for names in ``text``, longest first, not overlapping."""
        out = []
        i = 0
        while i < len(text):
            for n in range(min(MAX_NAME, len(text) - i), 1, -1):
                name = text[i:i + n]
                hit = self.jurisdictions.get(name) or self.places.get(name)
                if hit:
                    out.append((name, set(hit), name in self.jurisdictions))
                    i += n - 1
                    break
            i += 1
        for word in re.findall(r"[A-Za-z]+", text):
            plans = self.latin.get(word.lower())
            if plans:
                out.append((word, set(plans), True))
        return out


def route(text: str, gazetteer: Gazetteer, page_plan: str | None, served: Sequence[str],
          ranked_plans: Sequence[str] = ()) -> Route:
    """The plan(s) for a question. ``ranked_plans``: plans of the best unfiltered search hits, used only to
    order the candidates of a question back."""
    found = gazetteer.find(text)
    named = tuple(n for n, _, _ in found)
    juris = [p for _, p, j in found if j]
    places = [p for _, p, j in found if not j]
    for groups in (juris, places):
        if not groups:
            continue
        fits = set.intersection(*groups) or set.union(*groups)
        if page_plan in fits:
            return Route((page_plan,), named=named)
        if len(fits) == 1:
            return Route((fits.pop(),), named=named)
        return Route(_ordered(fits, ranked_plans)[:CLARIFY_MAX], clarify=True, named=named)
    if page_plan:
        return Route((page_plan,))
    if len(served) == 1:
        return Route((served[0],))
    return Route(_ordered(set(served), ranked_plans)[:CLARIFY_MAX], clarify=True)


def _ordered(plans: set[str], ranked: Sequence[str]) -> tuple[str, ...]:
    first = [p for p in dict.fromkeys(ranked) if p in plans]
    return tuple(first + sorted(plans - set(first)))


# "甲县国土空间总体规划", "甲县的规划里…" (a plan named outright), not "甲县中心城区规划了…", "北城区规划打造…"
# (规划 as a verb): the noun 规划 ends the phrase or is followed by where or what in it is asked
_PLAN_NAMED = re.compile(r"([\u4e00-\u9fff]{2,6}?[省市县区旗])(?:的)?(?:国土空间|总体规划|规划(?=[里中上内说提对怎是吗呢？?，,。]|$))")


def foreign_plan(text: str, gazetteer: Gazetteer) -> str | None:
    """A jurisdiction whose plan the question names outright and that no served plan covers."""
    for m in _PLAN_NAMED.finditer(text):
        name = m.group(1)
        stem = _ADMIN_SUFFIX.sub("", name)
        if name not in gazetteer.jurisdictions and stem not in gazetteer.jurisdictions \
                and name not in gazetteer.places and not gazetteer.find(name):  # 甲山中心城区 is 甲山's
            return name
    return None
