"""Typed contracts between the answering stages: candidates in, one ``Answer`` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.records import Passage
from retrieval.facts import Entity

# Outcomes (``Answer.mode``): answered from the graph or from the text; covered but not stated; declined;
# several plans fit and the question does not say which.
MODES = ("graph", "extractive", "not_stated", "declined", "clarify")


@dataclass(frozen=True)
class Citation:
    passage: Passage
    quote: str  # verbatim slice of passage.text


@dataclass
class Candidate:
    """One possible answer from one source, with the signals the scorer weighs."""

    source: str  # indicator | entity | list | text | outline
    text: str  # rendered answer
    citations: list[Citation]
    plan: str
    entities: list[Entity] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    violations: tuple[str, ...] = ()  # constraints of the question the candidate breaks
    score: float = 0.0
    corroborated: bool = False  # a quote that states a graph answer's facts (see scoring.corroborate)

    @property
    def mode(self) -> str:
        return "extractive" if self.source == "text" and not self.corroborated else "graph"


@dataclass
class Answer:
    answered: bool
    text: str
    mode: str
    citations: list[Citation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)  # possibly related, not the basis of an answer
    plans: list[tuple[str, str]] = field(default_factory=list)  # (id, title) to choose from when clarifying
    plan: str | None = None  # the plan answered from
    confidence: float = 0.0

    def to_json(self, question: str, plan: str | None, base: str) -> dict[str, Any]:
        from kg.iri import entity_iri

        return {
            "question": question, "plan": self.plan or plan, "answered": self.answered, "answer": self.text,
            "mode": self.mode, "confidence": round(self.confidence, 3),
            "citations": [_cite(c) for c in self.citations],
            "related": [_cite(c) for c in self.related],
            "plans": [{"id": i, "title": t} for i, t in self.plans],
            "entities": [{"iri": str(entity_iri(base, e.plan, e.kind, e.key)), "label": e.label,
                          "kind": e.kind} for e in self.entities],
        }


def _cite(c: Citation) -> dict[str, Any]:
    p = c.passage
    return {"id": p.id, "plan": p.plan, "section": p.section, "heading": p.heading, "path": list(p.path),
            "pages": list(getattr(p, "pages", ()) or ()), "quote": c.quote, "text": p.text, "url": None}
