"""Candidates from the graph's facts: indicators (subject, status, year), a named entity's asked-for
properties, and complete class lists with the plan's own count. Wording uses only labels and verbatim
quotes; every candidate cites the passages its facts came from."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.records import Fact, Ref
from retrieval.answering.analysis import QuestionFrame, generic_heads
from retrieval.answering.lexicon import lexicon
from retrieval.answering.render import sentence
from retrieval.answering.types import Candidate, Citation
from retrieval.answering.verify import ASKS_WHICH
from retrieval.facts import Entity, FactBase
from retrieval.text import bigrams, sentence_with

ROLE_WORDS = {"CentralCity": "中心城区", "KeyTown": "重点镇", "GeneralTownship": "一般乡镇",
              "DevelopmentPole": "重点发展极"}
LEVELS = re.compile(r"市县级|国家级|省级|市级|县级")
SENTENCE_CHARS = 120
Rank = dict[str, int]


def cite(kb: FactBase, facts: Sequence[Fact], rank: Rank) -> list[Citation]:
    """The passages the facts came from, best-ranked first, each with the sentence that states them."""
    by_passage: dict[str, list[Fact]] = {}
    for f in facts:
        by_passage.setdefault(f.passage, []).append(f)
    order = sorted(by_passage, key=lambda pid: rank.get(pid, 10**6))
    return [Citation(kb.passages[pid], sentence_with(kb.passages[pid], by_passage[pid][0].quote))
            for pid in order if pid in kb.passages]


def rank_feature(facts: Sequence[Fact], rank: Rank) -> float:
    best = min((rank.get(f.passage, 10**6) for f in facts), default=10**6)
    return 1.0 / (1 + best) if best < 10**6 else 0.0


# ------------------------------------------------------------------------------------------ indicators

def _status(e: Entity) -> str | None:
    v = e.first("status")
    return v.key if isinstance(v, Ref) else None


def indicator_sentence(e: Entity) -> str:
    """``城镇污水集中处理率：2025年95%（预期性）``: an indicator from a table, in words."""
    subject, value, unit = e.first("subject") or e.label, e.first("value"), e.first("unit") or ""
    year, cmp, kind = e.first("targetYear"), e.first("comparator"), e.first("indicatorType")
    status = e.first("status")
    when = ("现状" if isinstance(status, Ref) and status.key == "Current" else "") + (f"{year}年" if year else "")
    number = _as_written(value, [f.quote for f in e.facts])
    sign = cmp if cmp in ("≥", "≤") else ""
    return f"{subject}：{when}{sign}{number}{unit}" + (f"（{kind}）" if kind else "") + "。"


def _as_written(value: object, quotes: Sequence[str]) -> str:
    """``value`` as the plan writes it (``51.80``, not ``51.8``): the first number in the quotes equal
    to it, else its shortest form."""
    for q in quotes:
        for m in re.finditer(r"\d+(?:\.\d+)?", q):
            try:
                if float(m.group(0)) == float(str(value)):
                    return m.group(0)
            except ValueError:
                break
    return re.sub(r"\.0$", "", str(value))


def indicator_violations(frame: QuestionFrame, e: Entity) -> tuple[str, ...]:
    out = []
    status, year = _status(e), e.first("targetYear")
    if frame.status == "Current" and status == "Planned":
        out.append("status")
    if frame.status == "Planned" and status == "Current" and year != frame.year:
        out.append("status")  # but the 现状 figure of the very year asked is the figure for that year
    if frame.year and isinstance(year, int) and year != frame.year and not (frame.status == "Both" and status == "Current"):
        out.append("year")
    subject = str(e.first("subject") or e.label)
    if frame.level and LEVELS.search(subject) and frame.level not in subject:
        out.append("level")
    unit = str(e.first("unit") or "")
    if frame.unit and unit and _base_unit(frame.unit) != _base_unit(unit):
        out.append("unit")  # (万亩 is a size in 亩, 万人 a number of 人)
    return tuple(out)


def _base_unit(unit: str) -> str:
    """The unit without its magnitude (万亩 → 亩, 亿立方米 → 立方米)."""
    return re.sub(r"^[万亿千百]", "", unit) or unit


def indicator_candidates(frame: QuestionFrame, kb: FactBase, plan: str, rank: Rank) -> list[Candidate]:
    if frame.answer_type not in ("value", "count", "yesno", "overview"):
        return []
    qb = bigrams(frame.search_text)  # an English question carries its Chinese genre terms here
    scored: list[tuple[float, Entity]] = []
    for e in kb.of_kind("Indicator", plan):
        subject = str(e.first("subject") or e.label)
        if len(subject) == 1:  # "镇", "乡": only "几个镇" / "多少个乡" asks for it
            if re.search(rf"(几|多少)个?{subject}", frame.text):
                scored.append((1.0, e))
            continue
        sb = bigrams(subject)
        if sb and sb & qb:
            scored.append((len(sb & qb) / len(sb), e))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    top = sorted((t for t in scored if t[0] >= best - 0.2), key=lambda t: -t[0])[:8]
    cands = []
    for match, e in top:
        f = e.facts[0]
        p = kb.passages.get(f.passage)
        said = sentence_with(p, f.quote) if p is not None else f.quote
        if "|" in f.quote or "\t" in f.quote:  # a table row: say it from the facts
            text = indicator_sentence(e)
        else:
            text = sentence(said if len(said) <= SENTENCE_CHARS else f.quote)
        cover = len(bigrams(str(e.first("subject") or e.label)) & qb) / (len(qb) or 1)
        cands.append(Candidate("indicator", text, cite(kb, [f], rank), plan, [e],
                               {"match": match, "cover": cover, "rank": rank_feature([f], rank)},
                               indicator_violations(frame, e)))
    if frame.status == "Both":
        subjects = {str(e.first("subject") or e.label): e for _m, e in reversed(top[:3])}  # one per subject
        cands += [c for c in (_then_and_now(frame, kb, plan, rank, e) for e in subjects.values()) if c is not None]
    return cands


def _then_and_now(frame: QuestionFrame, kb: FactBase, plan: str, rank: Rank, e: Entity) -> Candidate | None:
    """For a question asking the current figure and the target: the figures of ``e``'s subject (or of
    the same subject named shorter or longer in the same unit, 城镇化率 and 常住人口城镇化率), the current one first, then the
    target years in order, only those the question names if it names any
    (``森林覆盖率：现状2020年58.3%（约束性）；2035年≥62%``); None unless both are stated."""
    subject, unit = str(e.first("subject") or e.label), e.first("unit")

    def same_subject(x: Entity) -> bool:
        other = str(x.first("subject") or x.label)
        if x.first("unit") != unit:
            return False
        return other == subject or min(len(other), len(subject)) >= 3 and (other.endswith(subject) or subject.endswith(other))

    same = [x for x in kb.of_kind("Indicator", plan) if same_subject(x)]
    now = [x for x in same if _status(x) == "Current" or not _status(x) and not x.first("targetYear")]
    years = {int(y) for y in re.findall(r"20\d\d", frame.text)}
    then = [x for x in same if x not in now and (not years or x.first("targetYear") in years)]
    then = then or [x for x in same if x not in now]
    if not now or not then:
        return None
    chosen = now[:1] + sorted(then, key=lambda x: str(x.first("targetYear") or ""))  # years sort as written
    parts = [indicator_sentence(x).rstrip("。").split("：", 1)[-1] for x in chosen]
    label = re.sub(r"^(?:现状|规划)", "", min((str(x.first("subject") or x.label) for x in chosen), key=len))
    text = f"{label}：" + "；".join(parts) + "。"
    facts = [x.facts[0] for x in chosen]
    qb = bigrams(frame.search_text)
    return Candidate("indicator", text, cite(kb, facts, rank), plan, chosen,
                     {"match": len(bigrams(subject) & qb) / (len(bigrams(subject)) or 1),
                      "cover": len(bigrams(subject) & qb) / (len(qb) or 1), "rank": rank_feature(facts, rank),
                      "long": 1.0, "both": 1.0}, ())


# ------------------------------------------------------------------------------------------- entities

def asked_properties(frame: QuestionFrame) -> list[str]:
    return list(dict.fromkeys(prop for pat, prop in lexicon().predicates if pat.search(frame.text)))


def describe(e: Entity, kb: FactBase, props: Sequence[str]) -> tuple[list[str], list[Fact]]:
    """Phrases about ``e`` for the properties asked (all when none), and the facts they rest on."""
    want = set(props) or {"hasRole", "level", "locatedIn", "function", "theme", "skos:definition", "member",
                          "lifeCircle", "landUse"}
    parts: list[str] = []
    if "hasRole" in want:
        for concept, word in ROLE_WORDS.items():
            if e.has_concept("hasRole", concept):
                cov = e.first("centralCityCoverage") if concept == "CentralCity" else None
                parts.append(f"{cov}属于{word}" if cov else f"列为{word}")
    for prop, word in (("function", "功能"), ("level", "级别"), ("theme", "特色"), ("category", "类别")):
        v = e.first(prop)
        if prop in want and isinstance(v, str) and v:
            parts.append(f"{word}：{v}")
    for prop, word in (("locatedIn", "位于"), ("lifeCircle", "配置于")):
        ref = e.first(prop)
        if (prop in want or (prop == "lifeCircle" and "locatedIn" in want)) and isinstance(ref, Ref):
            target = kb.resolve(ref, e.plan)
            parts.append(f"{word}{target.label if target else ref.key}")
    land = e.first("landUse")
    if "landUse" in want and isinstance(land, str) and land:
        parts.append(land)
    definition = e.first("skos:definition")
    members = [m for m in (kb.resolve(r, e.plan) for r in e.values("member") if isinstance(r, Ref)) if m]
    if "skos:definition" in want and isinstance(definition, str) and definition:
        parts.append(definition.rstrip("。").strip())
    elif "member" in want and members:
        parts.append("包括" + "、".join(m.label for m in members))
    facts = list(e.facts)
    if want & {"member", "skos:definition", "lifeCircle", "locatedIn", "facilities"}:
        for kind, prop, word in (("FeaturedTown", "locatedIn", "规划打造"), ("Facility", "lifeCircle", "配置设施，")):
            linked = [x for x in kb.of_kind(kind, e.plan) if Ref(e.kind, e.key) in x.values(prop)]
            if linked:
                parts.append(word + _by_land_use(linked))
                facts += [f for x in linked for f in x.facts]
    return parts, facts


def _by_land_use(ents: list[Entity]) -> str:
    """Facilities grouped by how the plan says they are built: ``应独立占地的有中学、特殊教育学校；…``."""
    groups: dict[str, list[str]] = {}
    for x in ents:
        land = x.first("landUse")
        groups.setdefault(land if isinstance(land, str) else "", []).append(x.label)
    return "；".join((f"{k}的有" if k else "") + "、".join(v) for k, v in groups.items())


def entity_candidates(frame: QuestionFrame, kb: FactBase, plan: str, rank: Rank) -> list[Candidate]:
    props = asked_properties(frame)
    cands = []
    for e in kb.mentioned(" ".join([frame.text, *frame.pointed]), plan, rank=rank)[:3]:
        if e.kind in ("Indicator", "Passage", "Section"):
            continue
        parts, facts = describe(e, kb, props)
        if not parts and props:
            parts, facts = describe(e, kb, ())
            # the entity is named, but not with what was asked: a description answers only a broad question
            fit = 0.5 if frame.answer_type in ("overview", "definition", "list") else 0.0
        else:
            fit = 1.0 if props else 0.5
        if not parts:
            continue
        text = sentence(f"{e.label}：" + "；".join(parts))
        quoted = re.search(rf"[“\"「『]{re.escape(e.label)}[”\"」』]", frame.text) is not None
        cands.append(Candidate("entity", text, cite(kb, facts, rank), plan, [e],
                               {"match": fit, "cover": 1.0 if quoted else _label_cover(e.label, frame),
                                "rank": rank_feature(facts, rank)}))
    if len(cands) >= 2 and len({c.entities[0].kind for c in cands}) == 1 and all(c.features["match"] > 0 for c in cands):
        # the question names several parts of one thing (一心、四极): answer them together
        cands.append(Candidate("entity", "".join(c.text for c in cands), [x for c in cands for x in c.citations],
                               plan, [e for c in cands for e in c.entities],
                               {"match": max(c.features["match"] for c in cands), "cover": 1.0,
                                "rank": max(c.features["rank"] for c in cands)}))
    return cands


# a part of the city said by its direction: 城南, 靠南的那一片, 南边的城区, the southern district
_DIRECTION = re.compile(r"(?:城|靠|偏|往)([东南西北])|([东南西北])(?:边|面|部|侧|头|城)")
_DIRECTION_EN = re.compile(r"\b(south|north|east|west)(?:ern)?\b", re.I)
_CITY_PART = re.compile(r"城区|城里|县城|市区|城[东南西北]|[东南西北]城|[一那这]片|\bdistrict|\burban|\bcity\b", re.I)
_EN_DIRECTION = {"south": "南", "north": "北", "east": "东", "west": "西"}


def pointed_districts(text: str, kb: FactBase, plan: str) -> tuple[str, ...]:
    """The plan's districts a question points at by direction (城区靠南的那一片 → 南城区): districts whose
    name begins with the direction said, where the question names none by name."""
    dirs = {a or b for a, b in _DIRECTION.findall(text)} | {_EN_DIRECTION[w.lower()] for w in _DIRECTION_EN.findall(text)}
    if not dirs or not _CITY_PART.search(text):  # (县域南部 is a part of the county, not of the city)
        return ()
    districts = kb.of_kind(("District",), plan)
    if any(d.label in text for d in districts):
        return ()
    return tuple(d.label for d in districts if d.label[:1] in dirs)


def _label_cover(label: str, frame: QuestionFrame) -> float:
    qb = bigrams(frame.topic or frame.text)
    return len(bigrams(label) & qb) / (len(qb) or 1)


# ---------------------------------------------------------------------------------------------- lists

def class_cue(text: str) -> tuple[str, tuple[str, ...], str | None] | None:
    for cue in lexicon().classes:
        word = next((w.lstrip("^") for w in cue.words if _names_class(w, text)), None)
        if word:
            return word, cue.kinds, cue.role
    return None


def _names_class(word: str, text: str) -> bool:
    """``word`` occurs in ``text``; a bare word marked ``^`` (定位) only unqualified: at the start, after
    的, punctuation or the jurisdiction's suffix (甲县的定位, 甲县定位), not of something else (风貌定位,
    各自定位, 总体定位)."""
    if not word.startswith("^"):
        return word in text
    bare = word[1:]
    return any(i == 0 or not re.match(r"[\u4e00-\u9fff]", text[i - 1]) or text[i - 1] in "的市县镇乡村"
               for i in (m.start() for m in re.finditer(re.escape(bare), text)))


def list_candidates(frame: QuestionFrame, kb: FactBase, plan: str, rank: Rank) -> list[Candidate]:
    english = frame.lang == "en"  # an English question names the class by its genre terms (glossary)
    cue = class_cue(frame.search_text if english else frame.text)
    if cue is None or frame.answer_type not in ("list", "count", "membership", "overview", "yesno", "definition"):
        return []
    word, kinds, role = cue
    ents = [e for e in kb.of_kind(kinds, plan) if role is None or e.has_concept("hasRole", role)]
    ents = _narrow(frame, ents)
    if kinds == ("SpatialStructure",):
        ents = _best_structure(frame.text, ents)
    if not ents:
        return []
    used = [f for e in ents for f in e.facts if role is None or Ref("Concept", role) in f.get("hasRole")] \
        or [f for e in ents for f in e.facts]
    ents = plan_order(kb, ents, used)
    if kinds in (("HeritageFigure",), ("SpatialStructure",)):
        text = sentence("；".join(dict.fromkeys(f.quote for f in used)))
    else:
        labels = [e.label + (str(e.first("centralCityCoverage") or "") if role == "CentralCity" else _aside(kb, e))
                  for e in ents]
        lead, lead_facts = _system_lead(kb, ents, plan)
        used += lead_facts
        count = stated_count(kb, ents, word)
        if count and count.rstrip("：") in lead:
            count = ""
        text = sentence(f"{lead}{count}" + "、".join(labels))
    others = [e for e in kb.mentioned(frame.search_text if english else frame.text, plan, rank=rank) if e.label != word]
    if kinds == ("SpatialStructure",):  # the structure named by its formula (“一廊、三区”具体指什么), or the
        others = [e for e in others if e not in ents and e.label not in text]  # place it lies in, is not a member
    named = any(e.kind in kinds for e in others) or (frame.answer_type not in ("list", "count") and bool(others))
    # a question that names one member asks about that member, not for the whole class
    fit = 0.2 if named else 1.0 if frame.answer_type in ("list", "count") else 0.5
    qb = bigrams(frame.text)
    feats = {"match": fit, "cover": len(bigrams(word) & qb) / (len(qb) or 1),
             "rank": rank_feature(used, rank), "named": 1.0 if named else 0.0}
    member = any(e.kind in kinds for e in others) and frame.answer_type not in ("yesno", "membership")
    # what the named member has or is (五分钟生活圈里配哪些设施) is not the list of its class; a heritage
    # figure (2项国家级非物质文化遗产) is a count: it does not say which one
    why = ("asks about a member",) if member else ()
    asked = asked_noun(frame)
    if asked and asked not in word and word not in asked and not any(asked in e.label or asked[-1] == e.label[-1] for e in ents):
        why = (*why, "asks for other things")  # 生活圈配哪些设施 asks for facilities, not for the life circles
    if kinds == ("HeritageFigure",) and frame.answer_type != "count" \
            and (frame.answer_type != "overview" or ASKS_WHICH.search(frame.text)):
        why = (*why, "a count, not the names")
    out = [Candidate("list", text, cite(kb, used, rank), plan, ents, feats, violations=why)]
    if kinds == ("SpatialStructure",) and len(ents) == 1:  # the formula with what each part is
        parts, part_facts = _parts(kb, ents[0])
        if parts:
            out.insert(0, Candidate("list", sentence(text.rstrip("。") + "。其中" + "；".join(parts)),
                                    cite(kb, used + part_facts, rank), plan, ents, dict(feats), violations=why))
    return out


# what a which-question asks for: the noun after 哪些/什么 (生活圈要配哪些设施 → 设施)
_ASKED = re.compile(r"(?:哪些|哪几[个类种项处所座条]?|什么|啥)(?![个类种项处所座条])((?:(?!的)[\u4e00-\u9fff]){2,4}?)(?=[？?，,。]|$|的|呢|吗|啊|呀)")
# (the head noun: the last word before the verb, ``What development strategies does`` → strategies)
_ASKED_EN = re.compile(r"\b(?:which|what)((?:\s+[a-z-]+){1,3}?)\s+(?:does|do|did|is|are|was|were|should|will|would|can|could|has|have|must)\b", re.I)
# words for a sort or a name of things, which any class has (村庄分类有哪些类型)
_SORTS = frozenset(("类型", "种类", "类别", "名称", "名字", "级别", "等级", "层级", "地方", "方面"))


def asked_noun(frame: QuestionFrame) -> str | None:
    """The kind of thing a which-question asks for, in the plan's words (an English noun through the
    glossary); ``None`` where it asks for a sort or a name of things, or does not say."""
    if frame.lang == "en":
        m = _ASKED_EN.search(frame.text)
        noun = lexicon().glossary.get(m.group(1).split()[-1].lower()) if m else None
    else:
        m = _ASKED.search(frame.text)
        noun = m.group(1) if m else None
    if not noun or noun in _SORTS or noun in generic_heads() or not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", noun):
        return None
    return noun


_ASIDE = r"[（(]([^（）()\d]{2,8})[）)]"


def _aside(kb: FactBase, e: Entity) -> str:
    """The plan's bracketed aside right after a member's name (乙水文化小镇（丙镇）: where it is), as
    the plan writes it; empty where it has none."""
    for f in e.facts:
        p = kb.passages.get(f.passage)
        m = re.search(re.escape(e.label) + _ASIDE, p.text) if p is not None else None
        if m:
            return f"（{m.group(1)}）"
    return ""


def plan_order(kb: FactBase, ents: list[Entity], facts: Sequence[Fact]) -> list[Entity]:
    """``ents`` in the order the passage naming most of them lists them (the plan's own order)."""
    texts = [kb.passages[pid].text for pid in dict.fromkeys(f.passage for f in facts) if pid in kb.passages]
    if not texts:
        return ents
    best = max(texts, key=lambda t: sum(e.label in t for e in ents))
    return sorted(ents, key=lambda e: best.find(e.label) if e.label in best else len(best) + ents.index(e))


def _parts(kb: FactBase, structure: Entity) -> tuple[list[str], list[Fact]]:
    parts, facts = [], []
    for ref in structure.values("hasPart"):
        part = kb.resolve(ref, structure.plan) if isinstance(ref, Ref) else None
        if part is None:
            continue
        said, used = describe(part, kb, ("skos:definition", "member"))
        if said:
            parts.append(f"{part.label}：" + "；".join(said))
            facts += used
    return parts, facts


def _narrow(frame: QuestionFrame, ents: list[Entity]) -> list[Entity]:
    said = frame.search_text if frame.lang == "en" else frame.text  # an English question: its genre terms
    marks = [frame.level] if frame.level else []
    marks += [m for w, m in (("非遗", "非物质文化遗产"), ("非物质", "非物质文化遗产"), ("文物", "文物保护单位"))
              if w in said]
    for mark in marks:
        keep = [e for e in ents if mark in e.label]
        if not keep and any(x in e.label for e in ents for x in ("文物", "非物质", "级")):
            return []  # asked for a level or type the plan lists none of
        if keep and len(keep) < len(ents):
            ents = keep
    return ents


def _best_structure(q: str, ents: list[Entity]) -> list[Entity]:
    qb = bigrams(q)
    scored = [(len(qb & bigrams(f"{e.first('scope') or ''}{e.label}")), e) for e in ents]
    best = max((s for s, _ in scored), default=0)
    return [e for s, e in scored if s == best] if best > 0 else ents


def _system_lead(kb: FactBase, ents: list[Entity], plan: str) -> tuple[str, list[Fact]]:
    lead, facts = "", []
    systems = {v for e in ents for v in e.values("memberOf") if isinstance(v, Ref)}
    for ref in sorted(systems, key=lambda r: r.key):
        system = kb.resolve(ref, plan)
        if system is not None:
            lead += system.facts[0].quote + "："
            facts += system.facts[:1]
    return lead, facts


def stated_count(kb: FactBase, group: list[Entity], word: str) -> str:
    """The text's own count phrase (``4个特色小镇``) when it states one for this class, else ``共N个：``
    when the number occurs beside a counter word; else nothing."""
    n = str(len(group))
    texts = [kb.passages[f.passage].text for e in group for f in e.facts if f.passage in kb.passages]
    for t in texts:
        m = re.search(rf"(?<!\d){n}\s*[个处项条类种][\u4e00-\u9fff]{{0,3}}?{re.escape(word)}", t) \
            or re.search(rf"{re.escape(word)}\s*{n}\s*[个处项条类种](?![\u4e00-\u9fff])", t)
        if m:
            return m.group(0) + "："
    return f"共{n}个：" if any(re.search(rf"(?<!\d){n}\s*[个处项条类]", t) for t in texts) else ""
