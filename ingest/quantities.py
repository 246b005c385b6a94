"""One number parser for ingest and answering: Arabic numbers with the unit written after them."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

UNITS = sorted("""平方公里 平方千米 平方米 公顷 万亩 亩 万人 亿元 万元 亿立方米 万立方米 立方米 万吨 吨 亿 万 %
    ‰ 公里 千米 米 度 倍 年一遇 千瓦 兆瓦 万千瓦 辆 床 万户 户 人 分钟 小时 年 个 处 项 类 种 条 座 所 家 级 镇 乡 村""".split(),
               key=len, reverse=True)
_QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(" + "|".join(map(re.escape, UNITS)) + ")?")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # "" when no unit follows
    start: int
    end: int


def quantities(text: str) -> list[Quantity]:
    """Every Arabic number in ``text`` (after NFKC: full-width digits count) with the unit after it."""
    return list(_parsed(text))


@functools.lru_cache(maxsize=4096)  # answering checks many candidates against the same few passages
def _parsed(text: str) -> tuple[Quantity, ...]:
    text = unicodedata.normalize("NFKC", text)
    return tuple(Quantity(float(m.group(1)), m.group(2) or "", m.start(), m.end()) for m in _QUANTITY.finditer(text))


def unsupported_quantities(claimed: str, source: str) -> list[Quantity]:
    """The quantities of ``claimed`` that ``source`` does not state with the same value and unit (a number
    claimed without a unit needs only the value)."""
    have = {(q.value, q.unit) for q in quantities(source)}
    values = {v for v, _ in have}
    return [q for q in quantities(claimed) if ((q.value, q.unit) not in have if q.unit else q.value not in values)]
