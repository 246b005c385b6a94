"""Evaluation of answers over question sets: retrieval R@1/R@5, strict accuracy, honest outcomes.

Two sets, kept apart:
- ``tests/data/dev_questions.jsonl`` split by ``tests/data/dev_split.json`` into *tune* (the only data
  thresholds and weights may be fitted on) and *dev-heldout*;
- ``tests/data/tune2_questions.jsonl``: more tuning questions, written from the plan texts by a helper who
  saw no code or other questions;
- ``tests/data/heldout_questions.jsonl``: written blind from the plan texts, frozen before the answering
  code it judges was changed; ``heldout2_questions.jsonl``: a second blind set, frozen later and run only
  for the final report; ``heldout3`` … ``heldout6_questions.jsonl`` (third session) likewise, with an
  unseen township, village and county plan and their questions under ``tests/data/unseen*/``.

Retrieval: ``R@1``/``R@5`` rank the raw question; ``aR@1``/``aR@5`` what the answering pipeline itself
searched for (normalised, typos repaired, genre lexicons applied), both on the question's own plan.

Outcomes: an answerable question is *correct* when it is answered (mode ``graph``/``extractive``) and the
answer holds every expected string; an unanswerable or not-stated one is *honest* when it is declined or
answered ``not_stated``; ``not_stated`` questions are *exact* when the mode is ``not_stated``.
Used by ``bench/eval_answers.py``, ``bench/fit_answering.py`` and the tests.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.records import Passage

ANSWERED = ("graph", "extractive")
HONEST = ("declined", "not_stated")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    gold_sections: tuple[str, ...]
    expect: tuple[str, ...]
    kind: str
    variant: str
    plan: str = ""
    scope: str = "plan"  # "plan": asked on the plan's page; "multi": no plan chosen, all plans served

    @property
    def not_stated(self) -> bool:
        return self.kind == "not_stated"


@dataclass
class Outcome:
    question: Question
    mode: str
    answer: str
    ranked: list[Passage]
    cited_plans: set[str]
    numbers_ok: bool
    asked: list[Passage] = field(default_factory=list)  # what the answering pipeline itself retrieved

    @property
    def correct(self) -> bool:
        q = self.question
        if not q.answerable:
            return self.mode in HONEST
        ok = self.mode in ANSWERED and all(e in self.answer for e in q.expect)
        return ok and (q.scope != "multi" or self.cited_plans <= {q.plan})

    @property
    def false_decline(self) -> bool:
        return self.question.answerable and self.mode not in ANSWERED


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def table(self, by: Callable[[Question], str] = lambda q: "all") -> dict[str, dict[str, Any]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            groups[by(o.question)].append(o)
            if by(o.question) != "all":
                groups["all"].append(o)
        return {k: summarize(v) for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0]))}

    @property
    def failures(self) -> list[str]:
        return [f"{o.question.id} [{o.question.variant}/{o.question.kind}] {o.question.question} → "
                f"{o.mode}: {o.answer[:90]!r}" for o in self.outcomes if not o.correct or not o.numbers_ok]


def summarize(outs: Sequence[Outcome]) -> dict[str, Any]:
    ans = [o for o in outs if o.question.answerable]
    una = [o for o in outs if not o.question.answerable]
    ns = [o for o in una if o.question.not_stated]
    gold = [o for o in outs if o.question.gold_sections]
    r1 = sum(bool(o.ranked) and is_gold(o.ranked[0], o.question.gold_sections) for o in gold)
    r5 = sum(any(is_gold(p, o.question.gold_sections) for p in o.ranked[:5]) for o in gold)
    a1 = sum(bool(o.asked) and is_gold(o.asked[0], o.question.gold_sections) for o in gold)
    a5 = sum(any(is_gold(p, o.question.gold_sections) for p in o.asked[:5]) for o in gold)
    return {
        "n": len(outs), "answerable": len(ans),
        "R@1": _ratio(r1, len(gold)), "R@5": _ratio(r5, len(gold)),
        "aR@1": _ratio(a1, len(gold)), "aR@5": _ratio(a5, len(gold)),
        "strict": _ratio(sum(o.correct for o in ans), len(ans)),
        "honest": f"{sum(o.correct for o in una)}/{len(una)}",
        "false_declines": f"{sum(o.false_decline for o in ans)}/{len(ans)}",
        "not_stated": f"{sum(o.mode == 'not_stated' for o in ns)}/{len(ns)}",
        "numbers_ok": all(o.numbers_ok for o in outs),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def load_questions(path: Path, ids: Iterable[str] | None = None, plan: str = "") -> list[Question]:
    """Questions of a JSONL file; ``plan``: the plan of questions that do not name one (the dev set)."""
    keep = set(ids) if ids is not None else None
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if keep is not None and d["id"] not in keep:
            continue
        out.append(Question(d["id"], d["question"], d["answerable"], tuple(d["gold_sections"]),
                            tuple(d["expect"]), d["kind"], d["variant"], d.get("plan", plan),
                            d.get("scope", "plan")))
    return out


def question_sets(data: Path) -> dict[str, list[Question]]:
    """``tune`` and ``dev-heldout`` (the dev split), and when present ``tune2`` (more tuning questions),
    ``heldout``, ``heldout2`` … ``heldoutN`` (written blind, frozen), from ``tests/data``."""
    split = json.loads((data / "dev_split.json").read_text(encoding="utf-8"))
    sets = {name: load_questions(data / "dev_questions.jsonl", split[name], split["plan"])
            for name in ("tune", "dev-heldout")}
    named = [("tune2", data / "tune2_questions.jsonl"), ("heldout", data / "heldout_questions.jsonl")]
    numbered = sorted((int(m.group(1)), f) for f in data.glob("heldout*_questions.jsonl")
                      if (m := re.fullmatch(r"heldout(\d+)_questions\.jsonl", f.name)))  # heldout2 … heldoutN
    for name, path in [*named, *((f"heldout{n}", f) for n, f in numbered)]:
        if path.exists():
            sets[name] = load_questions(path)
    return sets


def is_gold(p: Passage, gold: Sequence[str]) -> bool:
    """A passage answers if its section number is gold, or (before chapter 1) its heading is."""
    return p.section in gold or (p.section is None and (p.heading in gold or p.path[:1] in [(g,) for g in gold]))


def numbers_in_citations(answer: str, citations: Sequence[dict[str, Any]]) -> bool:
    cited = "\n".join(" ".join(c["path"]) + "\n" + c["text"] for c in citations)
    return all(n in cited for n in _NUMBER.findall(re.sub(r"【[^】]*】", "", answer)))


def evaluate(questions: Sequence[Question], build: Any, plans: set[str] | None = None) -> Report:
    """``build`` has ``ask(question, plan=, top_k=) -> dict`` (the API's JSON) and ``search(q, k, plan)``.
    Questions on plans the build does not serve are skipped."""
    served = plans if plans is not None else set(build.plan_ids())
    rep = Report()
    for q in questions:
        if q.plan not in served:
            continue
        plan = q.plan if q.scope == "plan" else None
        res = build.ask(q.question, plan=plan, top_k=5)
        ranked = [h.passage for h in build.search(q.question, 5, q.plan)]
        rep.outcomes.append(Outcome(
            q, res["mode"], res["answer"], ranked, {c["plan"] for c in res["citations"]},
            res["mode"] not in ANSWERED or numbers_in_citations(res["answer"], res["citations"]),
            _asked(build, q)))
    return rep


def _asked(build: Any, q: Question) -> list[Passage]:
    """The passages the answering pipeline retrieves for ``q`` on its own plan (after normalisation,
    typo repair and the genre lexicons), when ``build`` has a fact base."""
    if not hasattr(build, "kb") or not hasattr(build, "tokenizer"):
        return []
    from retrieval.answering import context_for
    from retrieval.answering.pipeline import gather

    _frame, hits, _cands = gather(q.question, context_for(build.kb, build.tokenizer), build.search, q.plan)
    return [h.passage for h in hits[:5]]


def style(q: Question) -> str:
    """The style a question is written in; questions the plan cannot answer are their own style."""
    if not q.answerable:
        return "not_stated" if q.not_stated else "unanswerable"
    return q.variant if q.scope == "plan" else f"{q.variant}+multi"


def rankers_for(build: Any, k: int = 5) -> dict[str, Callable[[str], list[Passage]]]:
    from retrieval.search import bm25_search, dense_search

    by_id = build.by_id
    return {
        "bm25": lambda q: [by_id[i] for i, _ in bm25_search(build.index, build.tokenizer, q, top_k=k)],
        "dense": lambda q: [by_id[i] for i, _ in dense_search(build.index, build.embedder, q, top_k=k)],
        "hybrid": lambda q: [h.passage for h in build.search(q, k)],
    }
