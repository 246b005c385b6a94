"""Evaluation over a dev set of resident questions: retrieval R@1/R@5/MRR per ranker, answer accuracy,
decline accuracy, and the number-verbatim check. Used by ``bench/eval_answers.py`` and the tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.records import Passage

_NUMBER_RE = r"\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    gold_sections: tuple[str, ...]
    expect: tuple[str, ...]
    kind: str
    variant: str


@dataclass
class Report:
    retrieval: dict[str, dict[str, float]] = field(default_factory=dict)
    answer_accuracy: float = 0.0
    decline_accuracy: float = 0.0
    declined: int = 0
    unanswerable: int = 0
    numbers_ok: bool = True
    failures: list[str] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Question(d["id"], d["question"], d["answerable"], tuple(d["gold_sections"]),
                                tuple(d["expect"]), d["kind"], d["variant"]))
    return out


def is_gold(p: Passage, gold: Sequence[str]) -> bool:
    """A passage answers if its section number is gold, or (before chapter 1) its heading is."""
    return p.section in gold or (p.section is None and (p.heading in gold or p.path[:1] in [(g,) for g in gold]))


def rank_metrics(ranked: list[list[Passage]], golds: list[Sequence[str]]) -> dict[str, float]:
    r1 = r5 = rr = 0.0
    for passages, gold in zip(ranked, golds, strict=True):
        first = next((i for i, p in enumerate(passages) if is_gold(p, gold)), None)
        if first is not None:
            r1 += first == 0
            r5 += first < 5
            rr += 1.0 / (first + 1)
    n = len(ranked) or 1
    return {"R@1": r1 / n, "R@5": r5 / n, "MRR": rr / n}


def evaluate(questions: list[Question], build: Any, rankers: dict[str, Callable[[str], list[Passage]]]) -> Report:
    """``build`` has ``ask(question) -> dict`` (the API's JSON); ``rankers`` name → query → passages."""
    import re

    rep = Report()
    answerable = [q for q in questions if q.answerable]
    for name, rank in rankers.items():
        rep.retrieval[name] = rank_metrics([rank(q.question) for q in answerable],
                                           [q.gold_sections for q in answerable])
    correct = 0
    for q in questions:
        res = build.ask(q.question)
        cited = "\n".join(" ".join(c["path"]) + "\n" + c["text"] for c in res["citations"])
        if res["answered"]:
            bad = [n for n in re.findall(_NUMBER_RE, res["answer"]) if n not in cited]
            if bad:
                rep.numbers_ok = False
                rep.failures.append(f"{q.id}: numbers {bad} not in cited passages")
        if q.answerable:
            ok = res["answered"] and all(e in res["answer"] for e in q.expect)
            correct += ok
            if not ok:
                rep.failures.append(f"{q.id} [{q.variant}] {q.question} → {res['answer'][:80]!r}")
        else:
            rep.unanswerable += 1
            rep.declined += not res["answered"]
            if res["answered"]:
                rep.failures.append(f"{q.id} [unanswerable] {q.question} → {res['answer'][:80]!r}")
    rep.answer_accuracy = correct / (len(answerable) or 1)
    rep.decline_accuracy = rep.declined / (rep.unanswerable or 1)
    return rep


def rankers_for(build: Any, k: int = 5) -> dict[str, Callable[[str], list[Passage]]]:
    from retrieval.search import bm25_search, dense_search

    by_id = build.by_id
    return {
        "bm25": lambda q: [by_id[i] for i, _ in bm25_search(build.index, build.tokenizer, q, top_k=k)],
        "dense": lambda q: [by_id[i] for i, _ in dense_search(build.index, build.embedder, q, top_k=k)],
        "hybrid": lambda q: [h.passage for h in build.search(q, k)],
    }
