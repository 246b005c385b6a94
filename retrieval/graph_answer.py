"""Answers composed from the graph's facts: named entities, lists of a class or role, and figures.

Wording uses only labels and verbatim quotes from the facts; numbers come from the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.records import Fact, Passage, Ref
from retrieval.facts import Entity, FactBase
from retrieval.text import best_quote, bigrams, sentence_with

if TYPE_CHECKING:
    from retrieval.answer import Answer
    from retrieval.search import Hit

# Genre vocabulary → what a question about it asks for: (words, kinds, role concept or None).
CLASS_INTENTS: list[tuple[tuple[str, ...], tuple[str, ...], str | None]] = [
    (("特色小镇",), ("FeaturedTown",), None),
    (("森林公园", "自然公园"), ("ForestPark", "NaturePark"), None),
    (("自然保护地",), ("NatureReserve", "ForestPark", "NaturePark"), None),
    (("自然保护区",), ("NatureReserve",), None),
    (("重点镇",), ("Town", "Township"), "KeyTown"),
    (("一般乡镇",), ("Town", "Township"), "GeneralTownship"),
    (("发展极", "增长极"), ("Town", "Township"), "DevelopmentPole"),
    (("中心城区范围", "中心城区包括", "中心城区由", "中心城区含"), ("Town", "Township"), "CentralCity"),
    (("生态廊道",), ("EcologicalCorridor",), None),
    (("生态屏障",), ("EcologicalBarrier",), None),
    (("村庄类型", "类村庄", "村庄分类", "村庄分为", "村庄分几"), ("VillageType",), None),
    (("功能分区",), ("District",), None),
    (("控制线",), ("ControlLine",), None),
    (("战略",), ("Strategy",), None),
    (("城市定位", "发展定位", "城市性质"), ("Positioning",), None),
    (("文物保护单位", "文物", "非物质文化遗产", "非遗"), ("HeritageFigure",), None),
    (("格局", "空间结构"), ("SpatialStructure",), None),
]
# Words that narrow a list to the entities whose label carries them (levels and heritage types).
NARROWING = {"市县级": "市县级", "国家级": "国家级", "省级": "省级", "市级": "市级", "县级": "县级",
             "非遗": "非物质文化遗产", "非物质": "非物质文化遗产", "文物": "文物保护单位"}
LEVEL = re.compile(r"市县级|国家级|省级|市级|县级")
FIGURE_CUES = re.compile(r"多少|几|百分|比例|比率|率|面积|人口|总量|规模|达到|目标|%|万人|平方公里")
ASK_LIST = re.compile(r"哪些|哪几|有几|几个|几类|几种|几级|多少个|多少处|多少项|什么|啥|列出|包括|分为|有哪|是哪|由哪|构成")
ROLE_WORDS = {"CentralCity": "中心城区", "KeyTown": "重点镇", "GeneralTownship": "一般乡镇",
              "DevelopmentPole": "重点发展极"}
SENTENCE_CHARS = 120


def cite_facts(kb: FactBase, facts: Sequence[Fact], hits: Sequence[Hit]) -> list[tuple[Passage, str]]:
    """(passage, sentence quoted) for the passages the facts came from, best-ranked passages first."""
    rank = {h.passage.id: i for i, h in enumerate(hits)}
    by_passage: dict[str, list[Fact]] = {}
    for f in facts:
        by_passage.setdefault(f.passage, []).append(f)
    order = sorted(by_passage, key=lambda pid: (rank.get(pid, len(rank)), list(by_passage).index(pid)))
    return [(kb.passages[pid], sentence_with(kb.passages[pid], by_passage[pid][0].quote))
            for pid in order if pid in kb.passages]


def _answer(text: str, kb: FactBase, facts: Sequence[Fact], hits: Sequence[Hit], ents: list[Entity]) -> Answer:
    from retrieval.answer import Answer, Citation

    cites = [Citation(p, q) for p, q in cite_facts(kb, facts, hits)]
    return Answer(True, text, cites, ents, "graph")


def class_intent(q: str) -> tuple[tuple[str, ...], str | None] | None:
    for words, kinds, role in CLASS_INTENTS:
        if any(w in q for w in words):
            return kinds, role
    return None


# ------------------------------------------------------------------------------------------- entities

def describe(e: Entity, kb: FactBase) -> tuple[str, list[Fact]]:
    """A line about one entity from its properties, and the facts it rests on."""
    parts: list[str] = []
    facts = list(e.facts)
    for concept, word in ROLE_WORDS.items():
        if e.has_concept("hasRole", concept):
            cov = e.first("centralCityCoverage") if concept == "CentralCity" else None
            parts.append(f"{cov}属于{word}" if cov else f"列为{word}")
    for prop, word in (("function", "功能"), ("level", "级别"), ("theme", "特色")):
        v = e.first(prop)
        if isinstance(v, str) and v:
            parts.append(f"{word}：{v}")
    loc = e.first("locatedIn")
    if isinstance(loc, Ref):
        target = kb.resolve(loc, e.plan)
        parts.append(f"位于{target.label if target else loc.key}")
    members = [kb.resolve(m, e.plan) for m in e.values("member") if isinstance(m, Ref)]
    members_text = "、".join(m.label for m in members if m is not None)
    definition = e.first("skos:definition")
    if isinstance(definition, str) and definition:
        parts.append(definition.rstrip("。").strip())
    elif members_text:
        parts.append(members_text)
    for kind, prop in (("FeaturedTown", "locatedIn"), ("Facility", "lifeCircle")):
        linked = [x for x in kb.of_kind(kind, e.plan) if Ref(e.kind, e.key) in x.values(prop)]
        if linked:
            parts.append(("规划打造" if kind == "FeaturedTown" else "配置设施：") + "、".join(x.label for x in linked))
            facts += [f for x in linked for f in x.facts]
    if not parts:
        return "", facts
    return f"{e.label}：" + "；".join(parts) + "。", facts


def entity_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    ents = kb.mentioned(q, plan, rank={h.passage.id: i for i, h in enumerate(hits)})
    intent = class_intent(q)
    if intent is not None and ASK_LIST.search(q):  # a list question names a class: the list answers it
        ents = [e for e in ents if e.kind in intent[0]]
    if not ents:
        return None
    lines: list[str] = []
    facts: list[Fact] = []
    for e in ents[:3]:
        line, used = describe(e, kb)
        if not line:  # nothing structured: quote the passage that names it
            p = kb.passages.get(e.facts[0].passage)
            if p is None:
                continue
            line = best_quote(p, bigrams(q))
        lines.append(line)
        facts += used
    if not lines:
        return None
    return _answer("\n".join(lines), kb, facts, hits, ents[:3])


# ---------------------------------------------------------------------------------------------- lists

def _narrow(q: str, ents: list[Entity]) -> list[Entity]:
    for word, mark in NARROWING.items():
        if word in q:
            keep = [e for e in ents if mark in e.label]
            if keep and len(keep) < len(ents):
                ents = keep
    return ents


def _best_structure(q: str, ents: list[Entity]) -> list[Entity]:
    qb = bigrams(q)
    scored = [(len(qb & bigrams(f"{e.first('scope') or ''}{e.label}")), e) for e in ents]
    best = max(s for s, _ in scored)
    return [e for s, e in scored if s == best] if best > 0 else ents


def list_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    intent = class_intent(q)
    if intent is None or not ASK_LIST.search(q):
        return None
    kinds, role = intent
    ents = [e for e in kb.of_kind(kinds, plan) if role is None or e.has_concept("hasRole", role)]
    if not ents:
        return None
    ents = _narrow(q, ents)
    if kinds == ("SpatialStructure",):
        ents = _best_structure(q, ents)
    plans = sorted({e.plan for e in ents})
    lines: list[str] = []
    facts: list[Fact] = []
    for pl in plans:
        group = [e for e in ents if e.plan == pl]
        prefix = f"【{kb.plans[pl].title}】" if len(plans) > 1 and pl in kb.plans else ""
        used = [f for e in group for f in e.facts
                if role is None or Ref("Concept", role) in f.get("hasRole")] or [f for e in group for f in e.facts]
        facts += used
        if kinds in (("HeritageFigure",), ("SpatialStructure",)):
            lines.append(prefix + "；".join(dict.fromkeys(f.quote for f in used)) + "。")
            continue
        labels = [e.label + (f"{e.first('centralCityCoverage')}" if role == "CentralCity"
                             and e.first("centralCityCoverage") else "") for e in group]
        systems = {v for e in group for v in e.values("memberOf") if isinstance(v, Ref)}
        lead = ""
        for ref in sorted(systems, key=lambda r: r.key):
            system = kb.resolve(ref, pl)
            if system is not None:
                lead += system.facts[0].quote + "："
                facts += system.facts[:1]
        count = _stated_count(kb, group, q)
        if count and count.rstrip("：") in lead:  # the system sentence already states the count
            count = ""
        lines.append(f"{prefix}{lead}{count}" + "、".join(labels) + "。")
    return _answer("\n".join(lines), kb, facts, hits, ents)


def _stated_count(kb: FactBase, group: list[Entity], q: str) -> str:
    """The text's own count phrase (``4个特色小镇``, ``6个省级森林公园``) when it states one for this class,
    else ``共N个：`` when the number occurs beside a counter word; else nothing."""
    n = str(len(group))
    texts = [kb.passages[f.passage].text for e in group for f in e.facts if f.passage in kb.passages]
    words = [w for ws, _k, _r in CLASS_INTENTS for w in ws if w in q]
    for w in words:
        for t in texts:
            m = re.search(rf"(?<!\d){n}\s*[个处项条类种][\u4e00-\u9fff]{{0,3}}?{re.escape(w)}", t)
            if m:
                return m.group(0) + "："
    return f"共{n}个：" if any(re.search(rf"(?<!\d){n}\s*[个处项条类]", t) for t in texts) else ""


# -------------------------------------------------------------------------------------------- figures

def figure_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    if not FIGURE_CUES.search(q):
        return None
    qb = bigrams(q)
    q_levels = set(LEVEL.findall(q))
    scored = []
    for e in kb.of_kind("Indicator", plan):
        subject = str(e.first("subject") or e.label)
        s_levels = set(LEVEL.findall(subject))
        if q_levels and s_levels and not q_levels & s_levels:
            continue
        if len(subject) == 1:  # "镇", "乡": only "几个镇" / "多少个乡" asks for it
            if re.search(rf"(几|多少)个?{subject}", q):
                scored.append((1.0, e))
            continue
        sb = bigrams(subject)
        if sb:
            scored.append((len(sb & qb) / len(sb), e))
    if not scored:
        return None
    best = max(o for o, _ in scored)
    if best < 0.6:
        return None
    ranked = [e for o, e in sorted(scored, key=lambda t: -t[0]) if o >= max(0.6, best - 0.25)]
    plans = sorted({e.plan for e in ranked})
    top = [e for pl in plans for e in [x for x in ranked if x.plan == pl][:4]]  # compare across plans
    lines: list[str] = []
    for pl in plans:
        quotes = []
        for e in (x for x in top if x.plan == pl):
            f = e.facts[0]
            p = kb.passages.get(f.passage)
            sentence = sentence_with(p, f.quote) if p is not None else f.quote
            quotes.append((sentence if len(sentence) <= SENTENCE_CHARS else f.quote).rstrip("。") + "。")
        prefix = f"【{kb.plans[pl].title}】" if len(plans) > 1 and pl in kb.plans else ""
        lines.append(prefix + "".join(dict.fromkeys(quotes)))
    return _answer("\n".join(lines), kb, [e.facts[0] for e in top], hits, top)


# -------------------------------------------------------------------------------------------- outline

def outline_answer(q: str, kb: FactBase, plan: str | None, hits: Sequence[Hit]) -> Answer | None:
    """"X包括哪些/分哪几类": the subsection headings of the best-matching numbered section."""
    if not hits or not ASK_LIST.search(q):
        return None
    top = hits[0].passage
    if top.section is None or len(top.path) < 2:
        return None
    section_title = re.sub(r"^[\d.]+\s*", "", top.path[1]) if len(top.path) > 1 else ""
    tb = bigrams(section_title)
    if not tb or len(tb & bigrams(q)) / len(tb) < 0.5:
        return None
    children = [p for p in kb.passages.values()
                if p.plan == top.plan and p.section == top.section and len(p.path) > 2]
    headings = list(dict.fromkeys(p.heading for p in children))
    if len(headings) < 2:
        return None
    from retrieval.answer import Answer, Citation

    shown = [re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", re.sub(r"^\d+[、.．]\s*", "", h))
             for h in headings]
    text = f"{section_title}包括：" + "；".join(shown) + "。"
    firsts = list({p.heading: p for p in reversed(children)}.values())[::-1]
    cites = [Citation(p, best_quote(p, bigrams(q))) for p in firsts]
    return Answer(True, text, cites, [], "graph")
