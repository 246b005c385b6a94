"""Template questions generated from every plan's own facts: extra tuning data and a regression net
across plans (never a substitute for the blind held-out set).

Answerable templates ask what a fact states (an indicator's value with its status and year, a class list,
an entity's definition or role) and expect the fact's own words. *Not stated* templates ask a named
entity for something the genre's facts never give it (a town's population, a park's area, a corridor's
length): the honest answer is not to state one.
"""

from __future__ import annotations

import re

from ingest.records import Ref
from retrieval.answering.lexicon import lexicon
from retrieval.evaluate import Question
from retrieval.facts import FactBase

UNSTATED = {"Town": ("人口是多少？", "面积有多大？", "有多少户人家？", "到中心城区开车要多久？"),
            "Township": ("人口是多少？", "面积有多少平方公里？"),
            "ForestPark": ("面积有多少公顷？", "是哪一年设立的？"), "NatureReserve": ("面积有多少公顷？",),
            "EcologicalCorridor": ("有多长？", "有多宽？"), "District": ("面积有多少亩？", "要投资多少钱？"),
            "FeaturedTown": ("投资多少亿元？", "哪一年建成？"), "Facility": ("建设资金是多少万元？",)}


def _number(v: object) -> str:
    return re.sub(r"\.0$", "", str(v))


def template_questions(kb: FactBase) -> list[Question]:
    out: list[Question] = []

    def add(plan: str, text: str, expect: tuple[str, ...], kind: str, answerable: bool = True) -> None:
        out.append(Question(f"t{len(out):04d}", text, answerable, (), expect, kind, "template", plan))

    for e in kb.of_kind("Indicator"):
        subject, value = str(e.first("subject") or ""), e.first("value")
        quote = e.facts[0].quote
        if len(subject) < 2 or value is None or _number(value) not in quote:
            continue
        status, year = e.first("status"), e.first("targetYear")
        when = "现状" if isinstance(status, Ref) and status.key == "Current" else (f"到{year}年" if year else "")
        add(e.plan, f"{when}{subject}是多少？", (_number(value),), "value")
        if isinstance(year, int):  # a year the plan gives no figure for: not stated
            others = {v for x in kb.of_kind("Indicator", e.plan) if x.first("subject") == subject
                      for v in [x.first("targetYear")]}
            gap = next((y for y in (year - 5, year + 5, 2030) if y not in others), None)
            if gap:
                add(e.plan, f"到{gap}年{subject}是多少？", (), "not_stated", answerable=False)
    for plan in kb.plans:
        for cue in lexicon().classes:
            ents = [x for x in kb.of_kind(cue.kinds, plan) if cue.role is None or x.has_concept("hasRole", cue.role)]
            if len(ents) >= 2 and cue.kinds not in (("HeritageFigure",), ("SpatialStructure",)):
                add(plan, f"规划里有哪些{cue.words[0]}？", (ents[0].label, ents[-1].label), "list")
    for e in kb.entities.values():
        definition = e.first("skos:definition")
        if isinstance(definition, str) and len(definition) >= 8 and e.kind != "Indicator":
            add(e.plan, f"{e.label}是什么意思？", (definition[:8],), "definition")
        for ask in UNSTATED.get(e.kind, ()):
            add(e.plan, f"{e.label}的{ask}", (), "not_stated", answerable=False)
    return out
