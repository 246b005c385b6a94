"""The extracted facts as an in-memory entity base for answering (the same facts the graph holds).

Entities are merged by ``(plan, kind, key)`` exactly as ``kg.build`` merges them into one IRI; each
keeps every fact (and so every passage) that states it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.records import Fact, Passage, PlanMeta, Ref, Value

ADMIN_SUFFIXES = ("镇", "乡", "县", "市", "区", "村")
# Genre type words: "X省级自然保护区" is also called "X".
_TYPE_WORDS = ("国家级自然保护区", "省级自然保护区", "自然保护区", "国家森林公园", "省级森林公园", "森林公园",
               "自然公园", "湿地公园", "地质公园", "生态景观廊道", "生态廊道", "生态屏障")
_CN_NUM = {"五": "5", "十": "10", "十五": "15", "二十": "20", "三十": "30"}


@dataclass
class Entity:
    plan: str
    kind: str
    key: str
    label: str
    facts: list[Fact] = field(default_factory=list)

    def values(self, prop: str) -> list[Value]:
        out: list[Value] = []
        for f in self.facts:
            out.extend(v for v in f.get(prop) if v not in out)
        return out

    def first(self, prop: str) -> Value | None:
        vals = self.values(prop)
        return vals[0] if vals else None

    def has_concept(self, prop: str, concept: str) -> bool:
        return Ref("Concept", concept) in self.values(prop)

    @property
    def notes(self) -> list[str]:
        return sorted({f.note for f in self.facts if f.note} | {str(v) for v in self.values("skos:editorialNote")})


def aliases(label: str) -> set[str]:
    """Ways a resident may name an entity: the label, its stem without an administrative suffix, and
    Arabic minutes for Chinese ones (``十五分钟生活圈`` → ``15分钟生活圈``)."""
    out = {label}
    if label.endswith(ADMIN_SUFFIXES) and len(label) >= 3:
        out.add(label[:-1])
    for word in _TYPE_WORDS:
        if label.endswith(word) and len(label) - len(word) >= 2:
            out.add(label[: -len(word)])
            break
    m = re.match(r"^(五|十|十五|二十|三十)分钟(.*)$", label)
    if m:
        out.add(f"{_CN_NUM[m.group(1)]}分钟{m.group(2)}")
    return out


_UNIT = r"[\u4e00-\u9fff]{1,7}?[省市县区镇乡村]"
# A plan's title: its chain of administrative units, outermost first, then what kind of plan it is.
_TITLE_CHAIN = re.compile(rf"^((?:{_UNIT})+?)(?=国土空间|村庄规划|村庄建设规划|乡村规划|总体规划|详细规划|规划)")


def title_units(title: str) -> list[str]:
    """The administrative units a plan title names, outermost first: ``甲江县乙坪镇丙塘村村庄规划`` →
    [``甲江县``, ``乙坪镇``, ``丙塘村``]. A chain the units cannot tile (a suffix character inside a name,
    ``新乡市``) is one unit."""
    m = _TITLE_CHAIN.match(title.strip())
    if not m:
        m = re.match(r"^([\u4e00-\u9fff]{2,8}?[省市县区镇乡])", title.strip())
        return [m.group(1)] if m else []
    chain = m.group(1)
    units = re.findall(_UNIT, chain)
    return units if "".join(units) == chain else [chain]


def place_names(title: str) -> set[str]:
    """The jurisdiction a plan title names, its innermost unit and that unit's stem: ``甲山县国土空间总体
    规划`` → {``甲山县``, ``甲山``}; a township plan ``甲山县乙镇…`` → {``乙镇``} (a one-character stem is no
    name)."""
    units = title_units(title)
    return aliases(units[-1]) if units else set()


class FactBase:
    def __init__(self, facts: list[Fact], passages: list[Passage], plans: list[PlanMeta]) -> None:
        self.passages = {p.id: p for p in passages}
        self.plans = {m.id: m for m in plans}
        self.entities: dict[tuple[str, str, str], Entity] = {}
        for f in facts:
            plan = self.passages[f.passage].plan if f.passage in self.passages else ""
            ent = self.entities.setdefault((plan, f.kind, f.key), Entity(plan, f.kind, f.key, f.label))
            ent.facts.append(f)
        self.by_kind: dict[str, list[Entity]] = defaultdict(list)
        self._alias: dict[str, list[Entity]] = defaultdict(list)
        places = {p for m in plans for p in place_names(m.title)}
        for ent in self.entities.values():
            self.by_kind[ent.kind].append(ent)
            if ent.kind in ("Indicator", "Passage", "Section"):
                continue
            for a in aliases(ent.label):
                if a == ent.label or a not in places:  # "甲山" names the county, not 甲山镇
                    self._alias[a].append(ent)
        self._alias_re = re.compile("|".join(re.escape(a) for a in sorted(self._alias, key=len, reverse=True))) \
            if self._alias else None
        self.memo: dict[str, Any] = {}  # data derived from this base by its users (answering's vocabularies)

    def for_plan(self, plan: str) -> FactBase:
        """The base that holds ``plan``'s entities: this one (it holds every plan it was given)."""
        return self

    def of_kind(self, kinds: tuple[str, ...] | str, plan: str | None = None) -> list[Entity]:
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        return [e for k in kinds for e in self.by_kind.get(k, []) if plan is None or e.plan == plan]

    def resolve(self, ref: Ref, plan: str) -> Entity | None:
        return self.entities.get((plan, ref.kind, ref.key))

    def mentioned(self, text: str, plan: str | None = None, rank: dict[str, int] | None = None) -> list[Entity]:
        """Entities named in ``text``, longest names first, no overlapping matches. Where one name fits
        several entities (``三区`` in two structures), the one whose passage ranks best in ``rank``."""
        if self._alias_re is None:
            return []
        rank = rank or {}
        out: list[Entity] = []
        for m in self._alias_re.finditer(text):
            cands = [e for e in self._alias[m.group(0)] if plan is None or e.plan == plan]
            if len({e.plan for e in cands}) <= 1 and len(cands) > 1:
                cands = [min(cands, key=lambda e: min(rank.get(f.passage, 10**6) for f in e.facts))]
            out.extend(e for e in cands if e not in out)
        return out

    def passage_of(self, fact: Fact) -> Passage | None:
        return self.passages.get(fact.passage)


class _Passages(Mapping[str, Passage]):
    """Passage id → passage over a whole build, looked up (not held) through ``find``."""

    def __init__(self, find: Callable[[str], Passage | None], count: int) -> None:
        self._find, self._count = find, count

    def __getitem__(self, pid: str) -> Passage:
        p = self._find(pid)
        if p is None:
            raise KeyError(pid)
        return p

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the passages of a whole build are not iterated: use the plan's base (for_plan)")

    def __len__(self) -> int:
        return self._count


class PlanBases:
    """A ``FactBase`` for a whole build that holds no plan's records: ``plans`` (every plan),
    ``entities`` (only the place entities routing needs, without facts) and ``passages`` (looked up);
    every call naming a plan goes to that plan's own ``FactBase`` (``base_of``, e.g. a bounded LRU).
    Answering routes first, then asks ``for_plan(target)`` for everything about the plan."""

    def __init__(self, plans: Sequence[PlanMeta], base_of: Callable[[str], FactBase], places: Sequence[Entity],
                 find: Callable[[str], Passage | None], passage_count: int) -> None:
        self.plans = {m.id: m for m in plans}
        self.entities = {(e.plan, e.kind, e.key): e for e in places}
        self.passages: Mapping[str, Passage] = _Passages(find, passage_count)
        self._base_of = base_of
        self.memo: dict[str, Any] = {}

    def for_plan(self, plan: str) -> FactBase:
        return self._base_of(plan)

    def of_kind(self, kinds: tuple[str, ...] | str, plan: str | None = None) -> list[Entity]:
        plans = [plan] if plan is not None else list(self.plans)
        return [e for p in plans if p in self.plans for e in self._base_of(p).of_kind(kinds, p)]

    def resolve(self, ref: Ref, plan: str) -> Entity | None:
        return self._base_of(plan).resolve(ref, plan) if plan in self.plans else None

    def mentioned(self, text: str, plan: str | None = None, rank: dict[str, int] | None = None) -> list[Entity]:
        plans = [plan] if plan is not None else list(self.plans)
        return [e for p in plans if p in self.plans for e in self._base_of(p).mentioned(text, p, rank)]

    def passage_of(self, fact: Fact) -> Passage | None:
        return self.passages.get(fact.passage)
