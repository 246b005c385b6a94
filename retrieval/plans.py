"""The plan catalogue behind the plan picker: search-as-you-type by title, id, pinyin and region, paged.

``q`` matches (case-insensitively, as a substring) a plan's title, id, region, the title's pinyin
without tones (``pingquanshi``) or its initials (``pqs``). ``level`` and ``region`` come from the plan's
metadata where ``PlanMeta`` has them (``getattr`` with defaults until every manifest does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.records import PlanMeta


def _region(meta: PlanMeta) -> str:
    region = getattr(meta, "region", "") or ""
    if isinstance(region, list | tuple):
        return " ".join(str(r) for r in region)
    return str(region)


def _pinyin(text: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


@dataclass(frozen=True)
class PlanCard:
    """One plan as ``GET /api/plans`` lists it, with the text its query matches against."""

    json: dict[str, Any]
    haystack: str


def card(meta: PlanMeta) -> PlanCard:
    region = _region(meta)
    full, initials = _pinyin(f"{meta.title} {region}")
    item = {"id": meta.id, "title": meta.title, "publisher": meta.publisher, "issued": meta.issued,
            "period": [meta.period_start, meta.period_end], "level": getattr(meta, "level", "") or "",
            "region": region}
    haystack = "\n".join([meta.title, meta.id, region, full, initials]).lower()
    return PlanCard(item, haystack)


class PlanCatalog:
    """Every plan of a build as cards, in build order (plan id order)."""

    def __init__(self, plans: Sequence[PlanMeta]) -> None:
        self.cards = [card(m) for m in plans]

    def __len__(self) -> int:
        return len(self.cards)

    def search(self, q: str = "", offset: int = 0, limit: int = 20) -> tuple[list[dict[str, Any]], int]:
        """``(the page of matching plans, how many match in all)``."""
        needle = "".join(q.split()).lower()
        hits = [c for c in self.cards if not needle or needle in c.haystack.replace(" ", "")]
        return [c.json for c in hits[offset : offset + limit]], len(hits)
