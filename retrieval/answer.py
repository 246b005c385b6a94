"""Answer composition: from the graph's facts when the question asks for them, else extractive
quotes of the best passages, else an honest decline. Every number in an answer is checked to occur
verbatim in a cited passage before the answer is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.records import Fact, Passage, Ref
from retrieval.facts import Entity, FactBase
from retrieval.search import Hit, confidence, normalize_query

# Genre vocabulary → what a question about it asks for: (kinds, role concept or None).
CLASS_INTENTS: list[tuple[tuple[str, ...], tuple[str, ...], str | None]] = [
    (("特色小镇",), ("FeaturedTown",), None),
    (("森林公园", "自然公园"), ("ForestPark", "NaturePark"), None),
    (("自然保护地",), ("NatureReserve", "ForestPark", "NaturePark"), None),
    (("自然保护区",), ("NatureReserve",), None),
    (("重点镇",), ("Town", "Township"), "KeyTown"),
    (("一般乡镇",), ("Town", "Township"), "GeneralTownship"),
    (("发展极", "增长极"), ("Town", "Township"), "DevelopmentPole"),
    (("中心城区范围", "中心城区包括", "中心城区由"), ("Town", "Township"), "CentralCity"),
    (("生态廊道", "廊道"), ("EcologicalCorridor",), None),
    (("生态屏障", "屏障"), ("EcologicalBarrier",), None),
    (("村庄类型", "类村庄", "村庄分类", "村庄分为"), ("VillageType",), None),
    (("功能分区", "城区分区"), ("District",), None),
    (("控制线",), ("ControlLine",), None),
    (("战略",), ("Strategy",), None),
    (("城市定位", "发展定位", "定位是"), ("Positioning",), None),
    (("文物保护单位", "文物", "非物质文化遗产", "非遗"), ("HeritageFigure",), None),
    (("空间格局", "总体格局", "空间结构"), ("SpatialStructure",), None),
    (("乡镇",), ("Town", "Township"), None),
]
_FIGURE_CUES = re.compile(r"多少|几|百分|比例|比率|率|面积|人口|总量|规模|达到|目标|%|万人|平方公里")
_ASK_LIST = re.compile(r"哪些|哪几|有几|几个|多少个|多少处|多少项|什么|列出|包括|分为|有哪|是什么|是哪")
_SENT_END = re.compile(r"(?<=[。；！？!?;])|\n+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
DECLINE = "规划文本中没有找到与这个问题直接相关的内容，无法据此回答。"


@dataclass
class Citation:
    passage: Passage
    quote: str


@dataclass
class Answer:
    answered: bool
    text: str
    citations: list[Citation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mode: str = "extractive"  # graph | extractive | declined

    def to_json(self, question: str, plan: str | None, base: str) -> dict[str, Any]:
        from kg.iri import entity_iri

        return {
            "question": question, "plan": plan, "answered": self.answered, "answer": self.text,
            "mode": self.mode,
            "citations": [{"id": c.passage.id, "plan": c.passage.plan, "section": c.passage.section,
                           "heading": c.passage.heading, "path": list(c.passage.path), "quote": c.quote,
                           "text": c.passage.text, "url": None} for c in self.citations],
            "entities": [{"iri": str(entity_iri(base, e.plan, e.kind, e.key)), "label": e.label,
                          "kind": e.kind} for e in self.entities],
        }


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_END.split(text) if s and s.strip()]


def sentence_with(passage: Passage, quote: str) -> str:
    """The sentence of ``passage`` that contains ``quote`` (the quote itself if it spans sentences)."""
    for s in sentences(passage.text):
        if quote in s:
            return s
    return quote


def numbers_verified(text: str, citations: Sequence[Citation]) -> bool:
    """Every number in ``text`` occurs verbatim in a cited passage."""
    corpus = "\n".join(c.passage.text for c in citations)
    return all(n in corpus for n in _NUMBER.findall(text))


# ---------------------------------------------------------------------------------------------- graph

def _cite_facts(kb: FactBase, facts: list[Fact], hits: Sequence[Hit]) -> list[Citation]:
    rank = {h.passage.id: i for i, h in enumerate(hits)}
    by_passage: dict[str, list[Fact]] = {}
    for f in facts:
        by_passage.setdefault(f.passage, []).append(f)
    order = sorted(by_passage, key=lambda pid: (rank.get(pid, len(rank)), list(by_passage).index(pid)))
    out = []
    for pid in order:
        p = kb.passages.get(pid)
        if p is not None:
            out.append(Citation(p, sentence_with(p, by_passage[pid][0].quote)))
    return out


def _plan_prefix(kb: FactBase, plan: str, several: bool) -> str:
    return f"【{kb.plans[plan].title}】" if several and plan in kb.plans else ""


def _describe(e: Entity, kb: FactBase) -> str:
    """One line about an entity, from its properties, wording only what the graph holds."""
    parts = []
    roles = {"CentralCity": "中心城区", "KeyTown": "重点镇", "GeneralTownship": "一般乡镇",
             "DevelopmentPole": "重点发展极"}
    for concept, word in roles.items():
        if e.has_concept("hasRole", concept):
            cov = e.first("centralCityCoverage") if concept == "CentralCity" else None
            parts.append(f"{cov}属于{word}" if cov else f"列为{word}")
    for prop, word in (("function", "功能定位"), ("level", "级别"), ("theme", "特色")):
        v = e.first(prop)
        if isinstance(v, str) and v:
            parts.append(f"{word}：{v}")
    loc = e.first("locatedIn")
    if isinstance(loc, Ref):
        target = kb.resolve(loc, e.plan)
        parts.append(f"位于{target.label if target else loc.key}")
    d = e.first("skos:definition")
    if isinstance(d, str) and d:
        parts.append(d.rstrip("。"))
    featured = [x.label for x in kb.of_kind("FeaturedTown", e.plan)
                if Ref(e.kind, e.key) in x.values("locatedIn")]
    if featured:
        parts.append("规划打造" + "、".join(featured))
    return f"{e.label}：" + "；".join(parts) + "。" if parts else ""


def _related_facts(e: Entity, kb: FactBase) -> list[Fact]:
    facts = list(e.facts)
    for x in kb.of_kind("FeaturedTown", e.plan):
        if Ref(e.kind, e.key) in x.values("locatedIn"):
            facts.extend(x.facts)
    return facts


def _class_intent(q: str) -> tuple[tuple[str, ...], str | None] | None:
    for words, kinds, role in CLASS_INTENTS:
        if any(w in q for w in words):
            return kinds, role
    return None


def _list_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    intent = _class_intent(q)
    if intent is None or not _ASK_LIST.search(q):
        return None
    kinds, role = intent
    ents = [e for e in kb.of_kind(kinds, plan) if role is None or e.has_concept("hasRole", role)]
    if not ents:
        return None
    plans = sorted({e.plan for e in ents})
    lines, facts = [], []
    for pl in plans:
        group = [e for e in ents if e.plan == pl]
        prefix = _plan_prefix(kb, pl, len(plans) > 1)
        if kinds == ("HeritageFigure",) or kinds == ("SpatialStructure",):
            quotes = list(dict.fromkeys(f.quote for e in group for f in e.facts))
            lines.append(prefix + "；".join(quotes) + "。")
        else:
            labels = [e.label + (f"（{e.first('centralCityCoverage')}）" if role == "CentralCity"
                                 and e.first("centralCityCoverage") else "") for e in group]
            n = len(group)
            count = f"共{n}个：" if any(f"{n}" in (kb.passage_of(f) or Passage("", "", None, "", "", (), "", 0, 0)).text
                                       for e in group for f in e.facts) else ""
            lines.append(f"{prefix}{count}" + "、".join(labels) + "。")
        for e in group:
            facts.extend(e.facts if role is None else [f for f in e.facts if Ref("Concept", role) in f.get("hasRole")]
                         or e.facts)
    return Answer(True, "\n".join(lines), _cite_facts(kb, facts, hits), ents, "graph")


def _entity_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    ents = [e for e in kb.mentioned(q, plan)]
    if not ents:
        return None
    lines, facts, used = [], [], []
    for e in ents[:3]:
        line = _describe(e, kb)
        if line:
            lines.append(line)
            facts.extend(_related_facts(e, kb))
            used.append(e)
    if not lines:
        return None
    return Answer(True, "\n".join(lines), _cite_facts(kb, facts, hits), used, "graph")


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\w]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _figure_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    if not _FIGURE_CUES.search(q):
        return None
    qb = _bigrams(q)
    scored = []
    for e in kb.of_kind("Indicator", plan):
        subject = str(e.first("subject") or e.label)
        sb = _bigrams(subject)
        if not sb:
            continue
        overlap = len(sb & qb) / len(sb)
        if overlap >= 0.6:
            scored.append((overlap, len(sb & qb), e))
    if not scored:
        return None
    best = max(s[0] for s in scored)
    top = [e for o, _n, e in sorted(scored, key=lambda t: (-t[0], -t[1])) if o >= best - 1e-9][:4]
    facts = [f for e in top for f in e.facts[:1]]
    text = "；".join(dict.fromkeys(f.quote for f in facts)) + "。"
    return Answer(True, text, _cite_facts(kb, facts, hits), top, "graph")


# ------------------------------------------------------------------------------------------ extractive

def _overlap(sentence: str, qb: set[str]) -> float:
    sb = _bigrams(sentence)
    return len(sb & qb) / (len(qb) or 1)


def _extractive(q: str, hits: Sequence[Hit]) -> Answer:
    qb = _bigrams(q)
    cites: list[Citation] = []
    for h in hits[:2]:
        sents = sentences(h.passage.text)
        if not sents:
            continue
        best = max(sents, key=lambda s: (_overlap(s, qb), -sents.index(s)))
        if h is hits[0] or _overlap(best, qb) >= 0.3:
            cites.append(Citation(h.passage, best))
    text = "规划中写道：" + "……".join(f"“{c.quote}”" for c in cites[:2])
    return Answer(True, text, cites, [], "extractive")


def is_confident(hits: Sequence[Hit], min_coverage: float = 0.34, min_cosine: float = 0.42) -> bool:
    coverage, cosine = confidence(hits[:3])
    return coverage >= min_coverage or cosine >= min_cosine


def _decline(hits: Sequence[Hit]) -> Answer:
    near = [Citation(h.passage, sentences(h.passage.text)[0] if h.passage.text else "") for h in hits[:3]]
    headings = "、".join(dict.fromkeys(
        (f"{c.passage.section} {c.passage.heading}" if c.passage.section else c.passage.heading) for c in near))
    text = DECLINE + (f"相近的章节有：{headings}。" if headings else "")
    if not numbers_verified(text, near):
        text = DECLINE
    return Answer(False, text, near, [], "declined")


def answer(question: str, kb: FactBase, search: Callable[[str, int], Sequence[Hit]],
           plan: str | None = None, top_k: int = 5) -> Answer:
    """Answer ``question`` from the plan(s); never invents a number."""
    q = normalize_query(question)
    hits = search(q, max(top_k, 5))
    confident = is_confident(hits)
    for compose in (_figure_answer, _list_answer, _entity_answer):
        result = compose(q, kb, plan, hits)
        if result is not None and result.citations and numbers_verified(result.text, result.citations):
            result.citations = result.citations[:top_k]
            return result
    if not hits or not confident:
        return _decline(hits)
    result = _extractive(q, hits)
    if not numbers_verified(result.text, result.citations):  # cannot happen for verbatim quotes; kept as a guard
        return _decline(hits)
    return result
