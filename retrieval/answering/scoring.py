"""One scorer for every candidate: a logistic model over the candidate's fit to the question frame, the
retrieval rank of its source passage and graph–text agreement. Weights and thresholds are fitted by
``bench/fit_answering.py`` on the *tune* split only and read from ``data/weights.json``."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.answering.analysis import QuestionFrame
from retrieval.answering.types import Candidate

if TYPE_CHECKING:
    from retrieval.search import Hit

WEIGHTS = Path(__file__).with_name("data") / "weights.json"
SOURCES = ("indicator", "entity", "list", "text", "outline")
FEATURES = (*(f"src_{s}" for s in SOURCES), "match", "cover", "rank", "number", "trail", "agree", "named", "long", "year", "table",
            "top_coverage", "top_cosine", "in_top3", "type_fit", "typed", "idf_match", "no_topic")
TOPIC_FEATURES = ("top_coverage", "top_cosine", "agree", "unseen")
# Which sources suit which answer type (genre-neutral: a count wants a number or a list, …).
TYPE_FIT = {
    "value": {"indicator": 1.0, "text": 0.6},
    "count": {"list": 1.0, "indicator": 1.0, "text": 0.5},
    "list": {"list": 1.0, "outline": 0.8, "text": 0.6, "entity": 0.5},
    "definition": {"entity": 1.0, "text": 0.8, "list": 0.5},
    "membership": {"entity": 1.0, "list": 0.8, "text": 0.6},
    "yesno": {"entity": 0.8, "list": 0.8, "text": 0.8, "indicator": 0.6},
    "overview": {"text": 1.0, "outline": 0.8, "entity": 0.6, "list": 0.6, "indicator": 0.4},
}
DEFAULT = {"coef": {"match": 2.0, "cover": 1.0, "rank": 1.5, "type_fit": 1.5, "top_coverage": 1.0,
                    "top_cosine": 1.0, "in_top3": 0.5}, "intercept": -3.0, "answer_threshold": 0.5,
           "topic": {"coef": {"top_coverage": 3.0, "top_cosine": 3.0}, "intercept": -2.5, "threshold": 0.5},
           "fitted_on": "defaults (not fitted)"}


@functools.cache
def weights() -> dict[str, Any]:
    return json.loads(WEIGHTS.read_text(encoding="utf-8")) if WEIGHTS.exists() else DEFAULT


def query_features(frame: QuestionFrame, hits: Sequence[Hit]) -> dict[str, float]:
    words = max(len([w for w in frame.topic.split() if w]), 1)
    out = {"unseen": min(len(frame.unseen) / words, 1.0), "unseen_any": 1.0 if frame.unseen else 0.0,
           "top_coverage": 0.0, "top_cosine": 0.0, "agree": 0.0}
    if hits:
        top = hits[0]
        out.update(top_coverage=max(h.coverage for h in hits[:3]), top_cosine=max(h.cosine for h in hits[:3]),
                   agree=1.0 if top.bm25_rank == 1 and top.dense_rank == 1 else 0.0)
    return out


def candidate_features(frame: QuestionFrame, c: Candidate, q: dict[str, float], top3: set[str]) -> dict[str, float]:
    f = {k: 0.0 for k in FEATURES}
    f[f"src_{c.source}"] = 1.0
    for k in ("match", "cover", "rank", "number", "trail", "agree", "named", "long", "year", "table", "idf_match", "no_topic"):
        f[k] = float(c.features.get(k, 0.0))
    f["key_match"] = float(c.features.get("key_match", 1.0))  # for verification, not weighted
    f["both"] = float(c.features.get("both", 0.0))  # states the current figure and the target (not weighted)
    f["off_topic"] = float(c.features.get("off_topic", 0.0))  # for verification, not weighted
    f["top_coverage"], f["top_cosine"] = q["top_coverage"], q["top_cosine"]
    f["in_top3"] = 1.0 if any(cit.passage.id in top3 for cit in c.citations) else 0.0
    f["type_fit"] = TYPE_FIT.get(frame.answer_type, {}).get(c.source, 0.0)
    f["typed"] = f["type_fit"] * f["match"]
    return f


def logistic(coef: dict[str, float], intercept: float, x: dict[str, float]) -> float:
    z = intercept + sum(w * x.get(k, 0.0) for k, w in coef.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def score(frame: QuestionFrame, cands: list[Candidate], hits: Sequence[Hit]) -> list[Candidate]:
    """``cands`` with ``features`` completed and ``score`` set, best first."""
    w = weights()
    q = query_features(frame, hits)
    top3 = {h.passage.id for h in hits[:3]}
    for c in cands:
        c.features = candidate_features(frame, c, q, top3)
        c.score = logistic(w["coef"], w["intercept"], c.features)
    corroborate(cands)
    return sorted(cands, key=lambda c: (-round(c.score, 3), c.source == "text"))


def corroborate(cands: list[Candidate]) -> None:
    """Graph–text agreement: a quote that states every entity of a list or indicator answer from the same
    passage is that answer in the plan's own words; it carries the graph's entities and counts as graph.
    A quote that states an indicator's figure from the same passage is about that indicator's year and
    status too: it inherits the indicator's year and status violations (the quote may not say its year)."""
    texts = [c for c in cands if c.source == "text"]
    inherit(cands, texts)
    for g in cands:
        if g.source not in ("list", "indicator") or not g.entities:
            continue
        mine = {cit.passage.id for cit in g.citations}
        for t in texts:
            if mine & {cit.passage.id for cit in t.citations} and all(e.label in t.text for e in g.entities):
                t.corroborated = True
                t.entities = t.entities or list(g.entities)


def inherit(cands: list[Candidate], texts: list[Candidate]) -> None:
    figures = [(g, {cit.passage.id for cit in g.citations}, figure(g)) for g in cands
               if g.source == "indicator" and g.entities and figure(g)]
    for t in texts:
        mine = {cit.passage.id for cit in t.citations}
        same = [(g, f) for g, pids, f in figures if pids & mine and f in t.text]
        if same and all(g.violations for g, _ in same):
            extra = {v for g, _ in same for v in g.violations if v in ("year", "status")}
            t.violations = tuple(dict.fromkeys([*t.violations, *sorted(extra)]))


def figure(g: Candidate) -> str:
    """The indicator's number and unit as its sentence says them (``65%``)."""
    e = g.entities[0]
    unit = str(e.first("unit") or "")
    m = re.search(r"\d+(?:\.\d+)?\s*" + re.escape(unit), g.text) if unit else None
    return m.group(0) if m else ""


def on_topic(frame: QuestionFrame, hits: Sequence[Hit]) -> float:
    """How surely the plan covers the question's topic (for *covered but not stated* vs *declined*)."""
    t = weights()["topic"]
    return logistic(t["coef"], t["intercept"], query_features(frame, hits))
