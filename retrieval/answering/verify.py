"""Verification: a candidate answers only if it states the kind of thing asked, breaks none of the
question's constraints, and every number it states is in a cited passage with the same value and unit."""

from __future__ import annotations

import re

from ingest.quantities import quantities, unsupported_quantities
from retrieval.answering.analysis import QuestionFrame
from retrieval.answering.types import Candidate

_CN_COUNT = re.compile(r"[一二两三四五六七八九十百]+[个处项类种条级座所]")


def numbers_supported(c: Candidate) -> bool:
    source = "\n".join(f"{' '.join(cit.passage.path)}\n{cit.passage.text}" for cit in c.citations)
    return not unsupported_quantities(c.text, source)


def states_kind(units: tuple[str, ...], c: Candidate) -> bool:
    """``c`` states a quantity in one of ``units``: after a number, as an indicator's unit, or (a table
    row, whose unit is a column of its own) anywhere in the row or the table it comes from."""
    if any(q.unit in units for q in quantities(c.text)):
        return True
    if c.source == "indicator" and any(str(e.first("unit") or "") in units for e in c.entities):
        return True
    tables = [cit.passage.text for cit in c.citations if "\t" in cit.passage.text or "|" in cit.passage.text]
    return any(u in t for u in units for t in [c.text, *tables])


def problems(frame: QuestionFrame, c: Candidate) -> list[str]:
    """Why ``c`` does not answer ``frame`` (empty: it does)."""
    out = list(c.violations)
    if frame.answer_type not in ("overview", "definition") and frame.unknown_places:
        out.append("unknown subject")  # asked about a place the plan never names: it cannot state it
    if not c.citations:
        out.append("no citation")
    if not numbers_supported(c):
        out.append("numbers")
    if frame.wants_number and c.source != "list" and not (re.search(r"\d", c.text) or _CN_COUNT.search(c.text)):
        out.append("no number")
    if frame.answer_type not in ("list", "definition") and frame.quantity \
            and c.source in ("text", "indicator") and not states_kind(frame.quantity, c):
        out.append("quantity kind")
    if frame.wants_number and c.source in ("text", "indicator") and frame.subjects \
            and not any(a in c.text for names in frame.subjects for a in names):
        out.append("subject")  # a figure about something else than the entity asked about
    if frame.unit and c.source == "text" and frame.unit not in c.text:
        out.append("unit")
    if c.source == "entity" and c.features.get("match", 0.0) == 0.0:
        out.append("entity named, property not stated")
    if frame.year and c.source == "text" and re.search(r"20\d\d年", c.text) and str(frame.year) not in c.text:
        out.append("year")
    return out
