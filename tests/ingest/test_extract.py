"""Fact extraction on the real Pingquan plan: entities with roles, figures with exact spans, no phantoms."""

from __future__ import annotations

import pytest

from ingest.extract import dictionary_words, extract
from ingest.extract_figures import plan_period
from ingest.read import read_manifest, read_plan
from ingest.records import Document, Fact, Passage, Ref
from ingest.structure import split
from tests.conftest import PLAN_TEXT

Plan = tuple[Document, list[Passage], list[Fact]]


@pytest.fixture(scope="module")
def plan() -> Plan:
    doc = read_plan(PLAN_TEXT, read_manifest(PLAN_TEXT.with_suffix(".json")))
    sections, passages = split(doc)
    return doc, passages, extract(doc, sections, passages)


def by_kind(facts: list[Fact], kind: str) -> dict[str, Fact]:
    return {f.key: f for f in facts if f.kind == kind}


def roles(f: Fact) -> set[str]:
    return {v.key for v in f.get("hasRole") if isinstance(v, Ref)}


def test_every_quote_is_the_text_and_lies_in_its_passage(plan: Plan) -> None:
    doc, passages, facts = plan
    by_id = {p.id: p for p in passages}
    assert facts
    for f in facts:
        assert f.quote == doc.text[f.start:f.end], f
        p = by_id[f.passage]
        assert p.start <= f.start < f.end <= p.end, f


def test_one_fact_per_kind_and_key_and_refs_resolve(plan: Plan) -> None:
    _, _, facts = plan
    keys = [(f.kind, f.key) for f in facts]
    assert len(keys) == len(set(keys))
    known = set(keys)
    for f in facts:
        for _name, value in f.props:
            if isinstance(value, Ref) and value.kind != "Concept":
                assert (value.kind, value.key) in known, (f.key, value)


def test_extraction_is_deterministic(plan: Plan) -> None:
    doc, passages, facts = plan
    sections, passages2 = split(doc)
    assert extract(doc, sections, passages2) == facts


TOWN_ROLES = {
    "平泉镇": {"CentralCity"}, "卧龙镇": {"CentralCity"}, "小寺沟镇": {"CentralCity"},
    "南五十家子镇": {"CentralCity"},
    "七沟镇": {"KeyTown", "DevelopmentPole"}, "黄土梁子镇": {"KeyTown", "DevelopmentPole"},
    "杨树岭镇": {"KeyTown", "DevelopmentPole"},
    "党坝镇": {"KeyTown", "DevelopmentPole", "GeneralTownship"},
    "平北镇": {"GeneralTownship"}, "青河镇": {"GeneralTownship"}, "七榆树林子镇": {"GeneralTownship"},
    "柳溪镇": set(),
}


def test_towns_and_their_roles(plan: Plan) -> None:
    _, _, facts = plan
    towns = by_kind(facts, "Town")
    assert {k: roles(f) for k, f in towns.items()} == TOWN_ROLES
    assert not by_kind(facts, "Township")  # the text names no township (only the count 4乡)
    assert towns["平泉镇"].get("centralCityCoverage") == ["全域"]
    for name in ("卧龙镇", "小寺沟镇", "南五十家子镇"):
        assert towns[name].get("centralCityCoverage") == ["部分区域"]
    assert towns["七沟镇"].get("centralCityCoverage") == []


def test_ambiguous_and_unconfirmed_towns_carry_a_note(plan: Plan) -> None:
    _, _, facts = plan
    towns = by_kind(facts, "Town")
    assert any("一般乡镇" in n for n in towns["党坝镇"].get("skos:editorialNote"))
    odd = towns["七榆树林子镇"].get("skos:editorialNote")
    assert odd and "not confirmed" in odd[0] and "榆树林子" in odd[0]
    unremarkable = set(towns) - {"党坝镇", "七榆树林子镇"}
    assert all(not towns[t].get("skos:editorialNote") for t in unremarkable)


def test_no_phantom_entities(plan: Plan) -> None:
    _, _, facts = plan
    labels = {f.label for f in facts if f.kind != "Indicator"}
    assert "中村" not in labels
    assert not [f for f in facts if f.kind == "Indicator" and f.get("subject") == ["中村"]]
    village = next(f for f in facts if f.kind == "Indicator" and f.get("subject") == ["中心村"])
    assert village.get("value") == [80]
    places = {f.label for f in facts if f.kind in ("Town", "Township", "FeaturedTown")}
    assert not {"榆树林子镇", "北五十家子镇", "乡镇", "重点镇", "一般乡镇", "特色小镇", "小镇"} & places


def test_featured_towns(plan: Plan) -> None:
    _, _, facts = plan
    ft = by_kind(facts, "FeaturedTown")
    assert set(ft) == {"卧龙蘑菇小镇", "辽河源契丹文化小镇", "榆树林子黄瓜小镇", "北五十家子山杏小镇"}
    assert ft["卧龙蘑菇小镇"].get("locatedIn") == [Ref("Town", "卧龙镇")]
    assert ft["辽河源契丹文化小镇"].get("locatedIn") == [Ref("Town", "柳溪镇")]
    assert ft["榆树林子黄瓜小镇"].get("locatedIn") == []
    assert ft["北五十家子山杏小镇"].get("locatedIn") == []
    assert {k: f.get("theme") for k, f in ft.items()} == {
        "卧龙蘑菇小镇": ["蘑菇"], "辽河源契丹文化小镇": ["契丹文化"], "榆树林子黄瓜小镇": ["黄瓜"],
        "北五十家子山杏小镇": ["山杏"]}


def test_protected_areas_with_level_and_system(plan: Plan) -> None:
    _, _, facts = plan
    system = Ref("ProtectedAreaSystem", "自然保护地体系")
    assert set(by_kind(facts, "ProtectedAreaSystem")) == {"自然保护地体系"}
    reserves = by_kind(facts, "NatureReserve")
    assert set(reserves) == {"辽河源省级自然保护区"}
    parks = by_kind(facts, "ForestPark")
    assert set(parks) == {"石湖森林公园", "清河森林公园", "崖门子森林公园", "双峰山森林公园", "山湾子森林公园",
                          "龙潭山森林公园"}
    for f in [*reserves.values(), *parks.values()]:
        assert f.get("level") == ["省级"] and f.get("memberOf") == [system]


def test_corridors_barriers_and_districts(plan: Plan) -> None:
    _, _, facts = plan
    assert set(by_kind(facts, "EcologicalCorridor")) == {"瀑河生态廊道", "老哈河生态廊道", "瀑河生态景观廊道"}
    assert set(by_kind(facts, "EcologicalBarrier")) == {"辽河源生态屏障", "环辽蒙生态屏障", "燕山生态屏障"}
    districts = by_kind(facts, "District")
    functions = {k: f.get("function") for k, f in districts.items() if f.get("function")}
    assert functions == {"北城区": ["科技创新区"], "主城区": ["综合发展区"], "南城区": ["高端装备制造区"]}
    assert districts["北城区"].get("skos:definition")[0].startswith("发展科技型研发产业")
    assert {"标准化食用菌产业区", "精品设施菜产业区", "高标准果品产业区"} <= set(districts)


def test_spatial_structures_parts_and_members(plan: Plan) -> None:
    _, _, facts = plan
    structures = by_kind(facts, "SpatialStructure")
    assert {"一心四极、两廊三屏、三区联动", "一廊、三区", "一心、三区、多节点", "一带、一区、两域、六园",
            "一心四极、八十个中心村"} <= set(structures)
    assert "三区一城" not in structures and "三区一城" in by_kind(facts, "Positioning")
    main = structures["一心四极、两廊三屏、三区联动"]
    assert main.get("scope") == ["国土空间总体格局"]
    elements = by_kind(facts, "StructureElement")
    poles = elements["一心四极、两廊三屏、三区联动·四极"]
    assert poles.get("count") == [4]
    assert {r.key for r in poles.get("member")} == {"七沟镇", "党坝镇", "杨树岭镇", "黄土梁子镇"}
    assert {r.key for r in elements["一心四极、两廊三屏、三区联动·三屏"].get("member")} == {
        "辽河源生态屏障", "环辽蒙生态屏障", "燕山生态屏障"}
    corridor = elements["一廊、三区·一廊"]
    assert corridor.get("member") == [Ref("EcologicalCorridor", "瀑河生态景观廊道")]
    assert {r.key for r in elements["一廊、三区·三区"].get("member")} == {"北城区", "主城区", "南城区"}
    assert elements["一心四极、八十个中心村·八十个中心村"].get("count") == [80]
    assert elements["一心四极、八十个中心村·一心"].get("member") == [Ref("Concept", "CentralCity")]
    assert structures["一带、一区、两域、六园"].get("scope") == ["生态保护安全格局"]


def test_positioning_village_types_control_lines_strategies(plan: Plan) -> None:
    _, _, facts = plan
    assert set(by_kind(facts, "Positioning")) == {"三区一城", "京津冀水源涵养功能区", "国家可持续发展创新示范先行区",
                                                 "河北省城乡融合发展实验区", "冀辽蒙交界区域中心城市"}
    types = by_kind(facts, "VillageType")
    assert set(types) == {"集聚提升型", "城郊融合型", "保留改善型", "特色保护型", "搬迁撤并型"}
    assert types["城郊融合型"].get("skos:definition") == ["城市与乡村结合部的村庄"]
    lines = by_kind(facts, "ControlLine")
    assert set(lines) == {"永久基本农田", "生态保护红线", "城镇开发边界"}
    assert lines["生态保护红线"].get("skos:definition")[0].startswith("生态保护红线是指在生态空间范围内")
    strategies = by_kind(facts, "Strategy")
    assert set(strategies) == {"全域生态保护战略", "创新驱动、转型升级战略", "品质提升战略"}
    assert strategies["品质提升战略"].get("skos:definition")[0].startswith("坚持以人为本")


def test_life_circles_and_facilities(plan: Plan) -> None:
    _, _, facts = plan
    circles = by_kind(facts, "LifeCircle")
    assert {k: f.get("minutes") for k, f in circles.items()} == {
        "十五分钟生活圈": [15], "十分钟生活圈": [10], "五分钟生活圈": [5]}
    fac = by_kind(facts, "Facility")
    assert len(fac) == 32
    bus10, bus5 = fac["十分钟生活圈-公交车站"], fac["五分钟生活圈-公交车站"]
    assert bus10.label == bus5.label == "公交车站"
    assert bus10.get("landUse") == ["宜独立占地"] and bus5.get("landUse") == ["应独立占地"]
    assert bus5.get("lifeCircle") == [Ref("LifeCircle", "五分钟生活圈")]
    school = fac["十五分钟生活圈-中学"]
    assert school.get("category") == ["教育"] and school.get("landUse") == ["应独立占地"]
    assert "十五分钟生活圈-特殊教育学校" in fac and "十分钟生活圈-菜市场" in fac and "五分钟生活圈-托老所" in fac
    assert fac["五分钟生活圈-文化活动站"].get("category") == ["文化"]


def test_heritage_figures(plan: Plan) -> None:
    _, _, facts = plan
    got = {(f.get("level")[0], f.get("heritageType")[0], f.get("count")[0])
           for f in facts if f.kind == "HeritageFigure"}
    assert got == {("国家级", "文物保护单位", 4), ("省级", "文物保护单位", 11), ("市县级", "文物保护单位", 307),
                   ("国家级", "非物质文化遗产", 1), ("省级", "非物质文化遗产", 7), ("市级", "非物质文化遗产", 10)}


# (quote, subject, value, unit, comparator, status, targetYear)
INDICATORS = [
    ("常住人口39.94万人", "常住人口", 39.94, "万人", "=", "Current", None),
    ("城镇化率57.16%", "城镇化率", 57.16, "%", "=", "Current", None),
    ("地区生产总值142.11亿", "地区生产总值", 142.11, "亿", "=", "Current", None),
    ("国土面积3294.13平方公里", "国土面积", 3294.13, "平方公里", "=", "Current", None),
    ("15镇", "镇", 15, "镇", "=", "Current", None),
    ("4乡", "乡", 4, "乡", "=", "Current", None),
    ("15个镇", "镇", 15, "个", "=", "Current", None),
    ("4个乡", "乡", 4, "个", "=", "Current", None),
    ("城镇集中供水普及率达到100%", "城镇集中供水普及率", 100, "%", "≥", "Planned", 2035),
    ("乡村自来水普及率达到95%以上", "乡村自来水普及率", 95, "%", "≥", "Planned", 2035),
    ("城镇污水集中处理率达到100%", "城镇污水集中处理率", 100, "%", "≥", "Planned", 2035),
    ("城乡燃气供应覆盖率100%", "城乡燃气供应覆盖率", 100, "%", "=", "Planned", 2035),
    ("生活垃圾分类处理率达到100%", "生活垃圾分类处理率", 100, "%", "≥", "Planned", 2035),
    ("4个重点发展极", "重点发展极", 4, "个", "=", "Planned", 2035),
    ("共148个", "基层村", 148, "个", "=", "Planned", 2035),
    ("山地公园4个", "山地公园", 4, "个", "=", "Planned", 2035),
    ("街头游园17处", "街头游园", 17, "处", "=", "Planned", 2035),
    ("307处市县级保护单位", "市县级保护单位", 307, "处", "=", "Planned", 2035),
    ("10项列为市级非物质文化遗产", "市级非物质文化遗产", 10, "项", "=", "Planned", 2035),
    ("6个省级森林公园", "省级森林公园", 6, "个", "=", "Planned", 2035),
    ("5类村庄", "村庄", 5, "类", "=", "Planned", 2035),
]


@pytest.mark.parametrize("quote,subject,value,unit,cmp,status,year", INDICATORS, ids=[i[0] for i in INDICATORS])
def test_indicator_spot_checks(plan: Plan, quote: str, subject: str, value: float, unit: str, cmp: str,
                               status: str, year: int | None) -> None:
    _, _, facts = plan
    hits = [f for f in facts if f.kind == "Indicator" and f.quote == quote]
    assert len(hits) == 1, quote
    f = hits[0]
    assert f.get("subject") == [subject]
    assert f.get("value") == [value] and type(f.get("value")[0]) is type(value)
    assert f.get("unit") == [unit] and f.get("comparator") == [cmp]
    assert f.get("status") == [Ref("Concept", status)]
    assert f.get("targetYear") == ([year] if year else [])


def test_at_least_forty_indicators_each_with_a_number_in_its_span(plan: Plan) -> None:
    _, _, facts = plan
    indicators = [f for f in facts if f.kind == "Indicator"]
    assert len(indicators) >= 40
    for f in indicators:
        (value,) = f.get("value")
        (unit,) = f.get("unit")
        assert isinstance(value, int | float) and unit
        assert unit in f.quote or unit == "个" and "个" in f.quote
        assert f.get("comparator")[0] in ("=", "≥", "≤")
    # years and the plan period are not figures
    assert not [f for f in indicators if f.get("value")[0] in (2021, 2025, 2035, 2050)]


def test_plan_period_comes_from_the_manifest_or_text(plan: Plan) -> None:
    doc, _, _ = plan
    assert plan_period(doc) == {"periodStart": 2021, "periodEnd": 2035, "nearTermYear": 2025,
                                "visionYear": 2050}


def test_dictionary_words(plan: Plan) -> None:
    _, _, facts = plan
    words = dictionary_words(facts)
    assert words == sorted(set(words))
    assert {"辽河源省级自然保护区", "黄土梁子镇", "瀑河生态廊道", "十五分钟生活圈", "城镇污水集中处理率",
            "科技创新区", "集聚提升型", "四极"} <= set(words)
    assert all(" " not in w and "、" not in w and len(w) >= 2 for w in words)
