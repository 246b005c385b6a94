"""Answer composition: from the graph's facts when the question asks for them, else extractive
quotes of the best passages, else an honest decline. Every number in an answer is checked to occur
verbatim in a cited passage before the answer is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.records import Passage
from retrieval.facts import Entity, FactBase
from retrieval.glossary import expand
from retrieval.graph_answer import entity_answer, figure_answer, list_answer, outline_answer
from retrieval.search import Hit, confidence, normalize_query
from retrieval.text import best_quote, bigrams, overlap, sentences

# Topics a territorial spatial plan never settles (genre knowledge, not plan content): prices, weather,
# timetables, admissions, officials, compensation. Questions about them are declined outright.
OUT_OF_SCOPE = re.compile(r"房价|房租|天气|气温|下雨|班车|发车|时刻表|几点|招生|招多少|录取|分数线|镇长|县长|市长|书记|"
                          r"电话|工资|补偿标准|拆迁补偿|彩票|股票|门票|什么时[候侯]通车|通车时间")
OTHER_PLAN = re.compile(r"([\u4e00-\u9fff]{2,8}?)[省市县区镇乡]国土空间总体规划")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
DECLINE = "规划文本中没有找到与这个问题直接相关的内容，无法据此回答。"
# Retrieval confidence (tuned on tests/data/dev_questions.jsonl; see bench/eval_answers.py): confident when
# the question's terms are well covered, the embedding is close, both rankers agree on the top passage,
# or coverage and cosine are both moderate.
MIN_COVERAGE = 0.34
MIN_COSINE = 0.42
AGREE_COSINE = 0.35
MODERATE = (0.2, 0.36)


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


def numbers_verified(text: str, citations: Sequence[Citation]) -> bool:
    """Every number in ``text`` occurs verbatim in a cited passage (its text or its heading trail)."""
    corpus = "\n".join(f"{' '.join(c.passage.path)}\n{c.passage.text}" for c in citations)
    text = re.sub(r"【[^】]*】", "", text)  # plan titles heading each plan's part are labels, not figures
    return all(n in corpus for n in NUMBER.findall(text))


def out_of_scope(q: str, kb: FactBase) -> bool:
    """Topics no plan of the genre settles, or another jurisdiction's plan named outright."""
    if OUT_OF_SCOPE.search(q):
        return True
    m = OTHER_PLAN.search(q)
    return m is not None and not any(m.group(1) in meta.title for meta in kb.plans.values())


def is_confident(hits: Sequence[Hit]) -> bool:
    if not hits:
        return False
    coverage, cosine = confidence(hits[:3])
    top = hits[0]
    agree = top.bm25_rank == 1 and top.dense_rank == 1 and top.cosine >= AGREE_COSINE
    moderate = coverage >= MODERATE[0] and cosine >= MODERATE[1]
    return coverage >= MIN_COVERAGE or cosine >= MIN_COSINE or agree or moderate


def extractive(q: str, hits: Sequence[Hit]) -> Answer:
    qb = bigrams(q)
    cites: list[Citation] = []
    for h in hits[:2]:
        quote = best_quote(h.passage, qb)
        if h is hits[0] or (overlap(quote, qb) >= 0.3 and h.coverage >= hits[0].coverage * 0.8):
            cites.append(Citation(h.passage, quote))
    text = "规划中写道：" + "……".join(
        (f"{c.passage.heading}：" if len(c.passage.path) > 2 else "") + f"“{c.quote}”" for c in cites)
    return Answer(True, text, cites, [], "extractive")


def decline(hits: Sequence[Hit]) -> Answer:
    """The plan does not cover it; the nearest sections are offered as citations."""
    near = [Citation(h.passage, (sentences(h.passage.text) or [h.passage.text])[0]) for h in hits[:3]]
    return Answer(False, DECLINE, near, [], "declined")


def answer(question: str, kb: FactBase, search: Callable[[str, int], Sequence[Hit]],
           plan: str | None = None, top_k: int = 5) -> Answer:
    """Answer ``question`` from the plan(s); never invents a number."""
    q = expand(normalize_query(question))
    hits = search(q, max(top_k, 5))
    if out_of_scope(q, kb):
        return decline(hits)
    for compose in (entity_answer, list_answer, figure_answer, outline_answer):
        result = compose(q, kb, plan, hits)
        if result is None or not result.citations:
            continue
        result.citations = result.citations[:top_k]
        if numbers_verified(result.text, result.citations):
            return result
    if not hits or not is_confident(hits):
        return decline(hits)
    result = extractive(q, hits)
    result.citations = result.citations[:top_k]
    return result if numbers_verified(result.text, result.citations) else decline(hits)
