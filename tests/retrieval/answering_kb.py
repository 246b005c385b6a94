"""A small hand-built fact base of two invented counties for the answering unit tests."""

from __future__ import annotations

from ingest.records import Fact, Passage, PlanMeta, Ref
from retrieval.facts import FactBase

PLANS = [PlanMeta(id="a", title="甲山县国土空间总体规划（2021—2035年）"),
         PlanMeta(id="b", title="乙水县国土空间总体规划（2021—2035年）")]
TEXTS = {
    "pa1": ("a", "2.1", ("人口", "2.1 规划指标"), "现状常住人口30.5万人。到2035年，常住人口达到35万人，城镇化率达到65%。"),
    "pa2": ("a", "3.1", ("城镇", "3.1 城镇体系"), "规划重点镇3个：东坡镇、西岭镇、南湖镇。东坡镇建设商贸物流中心。"),
    "pa3": ("a", "4.1", ("生态", "4.1 自然保护地"), "建成5处森林公园，其中云峰森林公园为国家级森林公园。"),
    "pb1": ("b", "2.1", ("人口", "2.1 规划指标"), "到2035年，常住人口达到20万人，城镇化率达到58%。"),
    "pb2": ("b", "3.1", ("城镇", "3.1 城镇体系"), "规划重点镇2个：北川镇、清河镇。"),
}


def passages() -> list[Passage]:
    return [Passage(pid, plan, sec, sec, path[-1], path, text, 0, len(text)) for pid, (plan, sec, path, text)
            in TEXTS.items()]


def _f(kind: str, key: str, pid: str, quote: str, **props: object) -> Fact:
    text = TEXTS[pid][3]
    start = text.index(quote)
    return Fact(kind, key, key, pid, quote, start, start + len(quote), tuple(props.items()))  # type: ignore[arg-type]


def facts() -> list[Fact]:
    planned, current = Ref("Concept", "Planned"), Ref("Concept", "Current")
    out = [
        _f("Indicator", "常住人口-现状", "pa1", "常住人口30.5万人", subject="常住人口", value=30.5, unit="万人",
           status=current),
        _f("Indicator", "常住人口-2035", "pa1", "常住人口达到35万人", subject="常住人口", value=35, unit="万人",
           status=planned, targetYear=2035),
        _f("Indicator", "城镇化率-2035", "pa1", "城镇化率达到65%", subject="城镇化率", value=65, unit="%",
           status=planned, targetYear=2035),
        _f("Indicator", "城镇化率-2035", "pb1", "城镇化率达到58%", subject="城镇化率", value=58, unit="%",
           status=planned, targetYear=2035),
        _f("Indicator", "森林公园-5处", "pa3", "5处森林公园", subject="森林公园", value=5, unit="处",
           status=planned, targetYear=2035),
    ]
    for town in ("东坡镇", "西岭镇", "南湖镇"):
        out.append(_f("Town", town, "pa2", town, hasRole=Ref("Concept", "KeyTown")))
    for town in ("北川镇", "清河镇"):
        out.append(_f("Town", town, "pb2", town, hasRole=Ref("Concept", "KeyTown")))
    out.append(_f("ForestPark", "云峰森林公园", "pa3", "云峰森林公园", level="国家级"))
    return out


def factbase() -> FactBase:
    return FactBase(facts(), passages(), PLANS)
