"""English → Chinese terms of the planning genre, so English questions reach the Chinese text.

Genre vocabulary only (what every 国土空间总体规划 uses), never a plan's own names.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "nature reserve": "自然保护区", "forest park": "森林公园", "nature park": "自然公园",
    "protected area": "自然保护地", "key town": "重点镇", "central city": "中心城区", "urban area": "中心城区",
    "township": "乡镇", "town": "镇", "village": "村庄", "central village": "中心村",
    "ecological corridor": "生态廊道", "corridor": "廊道", "ecological barrier": "生态屏障",
    "land area": "国土面积", "area": "面积", "population": "常住人口", "urbanization": "城镇化率",
    "gdp": "地区生产总值", "gross domestic product": "地区生产总值",
    "permanent basic farmland": "永久基本农田", "basic farmland": "永久基本农田", "farmland": "耕地",
    "ecological protection red line": "生态保护红线", "red line": "生态保护红线",
    "urban development boundary": "城镇开发边界", "control line": "控制线",
    "sewage": "污水处理率", "wastewater": "污水处理率", "water supply": "供水普及率",
    "tap water": "自来水普及率", "gas": "燃气", "heating": "供热", "garbage": "生活垃圾", "waste": "生活垃圾",
    "5g": "5G通信网络", "telecom": "通信", "life circle": "生活圈", "10-minute": "十分钟",
    "15-minute": "十五分钟", "5-minute": "五分钟", "facilities": "设施", "facility": "设施",
    "positioning": "城市定位", "role": "定位", "as a city": "城市定位", "calling cards": "名片",
    "heritage": "文物保护单位", "intangible": "非物质文化遗产", "cultural relic": "文物保护单位",
    "strategy": "战略", "strategies": "战略", "spatial structure": "空间格局", "pattern": "格局",
    "industrial": "产业", "industry": "产业", "platform": "平台", "development zone": "经济开发区",
    "featured town": "特色小镇", "characteristic town": "特色小镇", "transport": "交通",
    "disaster": "防灾", "flood": "防洪", "park": "公园", "parks": "公园", "wetland": "湿地",
    "mining": "矿山", "mine": "矿山", "forest": "森林", "farming": "农业", "agriculture": "农业",
    "planning period": "规划期限", "period": "规划期限", "target": "目标", "goal": "目标",
    "how many": "几个", "which": "哪些", "what is": "是什么", "what": "什么", "coverage": "全覆盖",
    "5-minute life circle": "五分钟生活圈", "10-minute life circle": "十分钟生活圈",
    "15-minute life circle": "十五分钟生活圈", "natural gas": "燃气", "pipeline": "管道",
}
_LATIN = re.compile(r"[A-Za-z]{3,}")
_PATTERN = re.compile("|".join(rf"\b{re.escape(k)}(?:s|es)?\b" for k in sorted(GLOSSARY, key=len, reverse=True)),
                      re.IGNORECASE)


def expand(query: str) -> str:
    """Append the Chinese genre terms of an English question; Chinese questions pass unchanged."""
    if not _LATIN.search(query):
        return query
    terms = list(dict.fromkeys(GLOSSARY[_key(m.group(0))] for m in _PATTERN.finditer(query)))
    return f"{query} {' '.join(terms)}" if terms else query


def _key(found: str) -> str:
    word = found.lower()
    for cut in (0, 1, 2):
        key = word[: len(word) - cut] if cut else word
        if key in GLOSSARY:
            return key
    raise KeyError(found)
