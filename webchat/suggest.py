"""Resident-centred suggested questions, generated from a plan's own sections.

The topics (water, heating, schools, clinics, roads, relocation...) are data
(``static/resident-topics.json``, in residents' order of priority); a topic's question is offered
only when the plan has a section about it: one of its words in a heading or in a passage.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from webchat.resources import Build

LIMIT = 6


@functools.cache
def topics() -> list[dict[str, Any]]:
    raw = resources.files("webchat").joinpath("static/resident-topics.json").read_text(encoding="utf-8")
    return list(json.loads(raw)["topics"])


def _sections_text(build: Build, plan: str | None) -> tuple[str, str]:
    sections = build.plan_sections(plan) if plan else build.sections  # one plan read, not the corpus
    headings = " ".join(s.title for s in sections if plan is None or s.plan == plan)
    text = " ".join(p.text for p in (build.plan_passages(plan) if plan else build.passages)
                    if plan is None or p.plan == plan)
    return headings, text


_CACHE: dict[tuple[str, str | None], tuple[str, ...]] = {}


def _covered(headings: str, text: str) -> tuple[str, ...]:
    """Topic ids the plan covers, in the lexicon's order of residents' priority."""
    return tuple(t["id"] for t in topics() if any(w in headings or w in text for w in t["match"]))


def resident_questions(build: Build, plan: str | None, lang: str, limit: int = LIMIT) -> list[str]:
    """Up to ``limit`` questions in ``lang`` ("zh" | "en") about topics the plan covers."""
    key = (build.build_id, plan)
    if key not in _CACHE:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = _covered(*_sections_text(build, plan))
    ids = _CACHE[key]
    by_id = {t["id"]: t for t in topics()}
    return [by_id[i][lang if lang == "en" else "zh"] for i in ids[:limit]]
