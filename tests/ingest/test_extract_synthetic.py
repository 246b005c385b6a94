"""Fact extraction on the two invented plans (tests/data/plans): the facts listed in tests/data/README.md.

The rules are generic, so plans with other names and another layout (第X条 articles, a markdown indicator
table) must give the listed facts too. Comparator: a bare "达到X" reads as "≥" (the issue's rule), where the
README's table writes "="; "达到X以上"/"不低于" are "≥" in both.
"""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.extract_figures import plan_period
from ingest.read import read_manifest, read_plan
from ingest.records import Fact, Ref
from ingest.structure import split
from tests.conftest import TEST_PLANS


def facts_of(name: str) -> tuple[str, list[Fact]]:
    path = TEST_PLANS / f"{name}.md"
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    doc = read_plan(path, read_manifest(path.with_suffix(".json")))
    sections, passages = split(doc)
    return doc.text, extract(doc, sections, passages)


@pytest.fixture(scope="module")
def plan_a() -> tuple[str, list[Fact]]:
    return facts_of("synthetic-county-a")


@pytest.fixture(scope="module")
def plan_b() -> tuple[str, list[Fact]]:
    return facts_of("synthetic-county-b")


def kind(facts: list[Fact], k: str) -> dict[str, Fact]:
    return {f.key: f for f in facts if f.kind == k}


def roles(f: Fact) -> set[str]:
    return {v.key for v in f.get("hasRole") if isinstance(v, Ref)}


def members(f: Fact) -> set[str]:
    return {v.key for v in f.get("member") if isinstance(v, Ref)}


def indicator(facts: list[Fact], quote: str) -> Fact:
    hits = [f for f in facts if f.kind == "Indicator" and f.quote == quote]
    assert len(hits) == 1, quote
    return hits[0]


@pytest.mark.parametrize("name", ["synthetic-county-a", "synthetic-county-b"])
def test_quotes_lie_in_passages(name: str) -> None:
    text, facts = facts_of(name)
    keys = [(f.kind, f.key) for f in facts]
    assert len(keys) == len(set(keys))
    for f in facts:
        assert text[f.start:f.end] == f.quote


def test_a_towns_and_townships(plan_a: tuple[str, list[Fact]]) -> None:
    _, facts = plan_a
    towns, townships = kind(facts, "Town"), kind(facts, "Township")
    assert set(towns) == {"岚城镇", "云溪镇", "枫桥镇", "石门镇", "松岗镇", "鹤鸣镇", "白沙镇", "望川镇"}
    assert set(townships) == {"梨花乡", "兰溪乡", "石楼乡"}
    assert roles(towns["岚城镇"]) == {"CentralCity"} and towns["岚城镇"].get("centralCityCoverage") == ["全域"]
    assert roles(towns["云溪镇"]) == {"CentralCity", "GeneralTownship"}
    assert towns["枫桥镇"].get("centralCityCoverage") == ["部分区域"]
    for t in ("石门镇", "松岗镇", "鹤鸣镇"):
        assert roles(towns[t]) == {"KeyTown", "DevelopmentPole"}
    assert all(roles(f) == {"GeneralTownship"} for f in townships.values())


def test_a_protected_areas_corridors_barriers(plan_a: tuple[str, list[Fact]]) -> None:
    _, facts = plan_a
    system = [Ref("ProtectedAreaSystem", "自然保护地体系")]
    reserve = kind(facts, "NatureReserve")["青岚山国家级自然保护区"]
    assert reserve.get("level") == ["国家级"] and reserve.get("memberOf") == system
    parks = kind(facts, "ForestPark")
    assert set(parks) == {"鹤鸣山森林公园", "白沙湖森林公园"}
    assert all(p.get("level") == ["省级"] and p.get("memberOf") == system for p in parks.values())
    assert kind(facts, "NaturePark")["望川湿地公园"].get("level") == ["省级"]
    assert set(kind(facts, "EcologicalCorridor")) == {"青水河生态廊道", "云溪河生态廊道"}
    assert set(kind(facts, "EcologicalBarrier")) == {"青岚山生态屏障", "北部丘陵生态屏障"}


def test_a_structures(plan_a: tuple[str, list[Fact]]) -> None:
    _, facts = plan_a
    structures, elements = kind(facts, "SpatialStructure"), kind(facts, "StructureElement")
    assert structures["一核两轴、两廊两屏、三区协同"].get("scope") == ["国土空间总体格局"]
    assert structures["一屏一廊多点"].get("scope") == ["生态安全格局"]
    assert structures["一核三极"].get("scope") == ["城镇空间格局"]
    assert structures["一带两区"].get("scope") == ["中心城区空间结构"]
    assert "中心城区—重点镇—一般乡镇—中心村—基层村" in structures
    f = "一核两轴、两廊两屏、三区协同"
    assert members(elements[f"{f}·一核"]) == {"CentralCity"}
    assert members(elements[f"{f}·两轴"]) == {"青水河城镇发展轴", "岚石公路城镇发展轴"}
    assert members(elements[f"{f}·两廊"]) == {"青水河生态廊道", "云溪河生态廊道"}
    assert members(elements[f"{f}·两屏"]) == {"青岚山生态屏障", "北部丘陵生态屏障"}
    assert members(elements[f"{f}·三区协同"]) == {"北部生态涵养区", "中部城镇发展区", "南部农业发展区"}
    assert elements["一核三极·三极"].get("count") == [3]
    assert members(elements["一核三极·三极"]) == {"石门镇", "松岗镇", "鹤鸣镇"}
    assert members(elements["一带两区·一带"]) == {"青水河滨水景观带"}
    assert members(elements["一带两区·两区"]) == {"东城区", "西城区"}
    districts = kind(facts, "District")
    assert districts["东城区"].get("function") == ["商贸服务区"]
    assert districts["西城区"].get("function") == ["产业发展区"]


def test_a_named_terms(plan_a: tuple[str, list[Fact]]) -> None:
    _, facts = plan_a
    assert {"区域重要水源保护地", "全国茶产业融合发展示范地", "山水文旅康养名城", "两地一城"} == set(
        kind(facts, "Positioning"))
    strategies = kind(facts, "Strategy")
    assert set(strategies) == {"生态优先战略", "城乡融合战略", "文旅兴县战略"}
    assert strategies["文旅兴县战略"].get("skos:definition") == ["依托茶园、竹海和温泉资源，打造全域旅游目的地。"]
    types = kind(facts, "VillageType")
    assert types["搬迁撤并型"].get("skos:definition") == ["位于生态保护红线内或地质灾害隐患点、人口流失特别严重的村庄"]
    assert len(types) == 4
    lines = kind(facts, "ControlLine")
    assert set(lines) == {"永久基本农田", "生态保护红线", "城镇开发边界"}
    assert lines["城镇开发边界"].get("skos:definition")[0].startswith("城镇开发边界是在一定时期内")
    ft = kind(facts, "FeaturedTown")
    assert ft["石门茶香小镇"].get("locatedIn") == [Ref("Town", "石门镇")]
    assert ft["石门茶香小镇"].get("theme") == ["茶香"]
    assert ft["竹海文化小镇"].get("locatedIn") == [Ref("Town", "松岗镇")]
    assert ft["梨花温泉小镇"].get("locatedIn") == [Ref("Township", "梨花乡")]
    assert ft["梨花温泉小镇"].get("theme") == ["温泉"]
    assert "竹海之乡" not in {f.label for f in facts}


def test_a_heritage_and_life_circles(plan_a: tuple[str, list[Fact]]) -> None:
    _, facts = plan_a
    got = {(f.get("count")[0], f.get("level")[0], f.get("heritageType")[0])
           for f in facts if f.kind == "HeritageFigure"}
    assert got == {(2, "国家级", "文物保护单位"), (9, "省级", "文物保护单位"), (126, "县级", "文物保护单位"),
                   (1, "国家级", "非物质文化遗产"), (4, "省级", "非物质文化遗产"), (15, "市级", "非物质文化遗产")}
    fac = kind(facts, "Facility")
    assert {f.label for f in fac.values() if f.get("lifeCircle") == [Ref("LifeCircle", "十五分钟生活圈")]} == {
        "中学", "卫生服务中心", "文化活动中心", "综合运动场"}
    assert {f.label for f in fac.values() if f.get("lifeCircle") == [Ref("LifeCircle", "五分钟生活圈")]} == {
        "幼儿园", "社区卫生服务站", "公共厕所"}


A_INDICATORS = [
    ("常住人口25.3万人", 25.3, "万人", "=", "Current", None),
    ("城镇化率48.6%", 48.6, "%", "=", "Current", None),
    ("地区生产总值96.8亿元", 96.8, "亿元", "=", "Current", None),
    ("国土面积2150.6平方公里", 2150.6, "平方公里", "=", "Current", None),
    ("森林覆盖率达到65%以上", 65, "%", "≥", "Planned", 2035),
    ("常住人口城镇化率达到60%", 60, "%", "≥", "Planned", 2035),
    ("永久基本农田不低于38.6万亩", 38.6, "万亩", "≥", "Planned", 2035),
    ("生态保护红线面积不低于612.4平方公里", 612.4, "平方公里", "≥", "Planned", 2035),
    ("水土保持率达到92%", 92, "%", "≥", "Planned", 2035),
    ("56个中心村", 56, "个", "=", "Planned", 2035),
    ("共212个", 212, "个", "=", "Planned", 2035),
    ("城镇集中供水普及率达到100%", 100, "%", "≥", "Planned", 2035),
    ("农村自来水普及率达到90%以上", 90, "%", "≥", "Planned", 2035),
    ("城镇污水集中处理率达到98%", 98, "%", "≥", "Planned", 2035),
    ("生活垃圾无害化处理率达到100%", 100, "%", "≥", "Planned", 2035),
    ("人均应急避难场所面积不低于2平方米", 2, "平方米", "≥", "Planned", 2035),
]


@pytest.mark.parametrize("quote,value,unit,cmp,status,year", A_INDICATORS, ids=[i[0] for i in A_INDICATORS])
def test_a_indicators(plan_a: tuple[str, list[Fact]], quote: str, value: float, unit: str, cmp: str,
                      status: str, year: int | None) -> None:
    f = indicator(plan_a[1], quote)
    assert (f.get("value"), f.get("unit"), f.get("comparator")) == ([value], [unit], [cmp])
    assert f.get("status") == [Ref("Concept", status)]
    assert f.get("targetYear") == ([year] if year else [])


def test_b_towns_areas_structures(plan_b: tuple[str, list[Fact]]) -> None:
    _, facts = plan_b
    towns, townships = kind(facts, "Town"), kind(facts, "Township")
    assert {k: roles(f) for k, f in towns.items()} == {
        "澄溪镇": {"CentralCity"}, "杏湾镇": {"CentralCity", "GeneralTownship"}, "金坪镇": {"KeyTown"},
        "石岭镇": {"KeyTown"}, "鹿鸣镇": {"GeneralTownship"}}
    assert towns["澄溪镇"].get("centralCityCoverage") == ["全域"]
    assert towns["杏湾镇"].get("centralCityCoverage") == ["部分区域"]
    assert set(townships) == {"梅坞乡", "竹园乡"}
    assert kind(facts, "NatureReserve")["鹿鸣山省级自然保护区"].get("level") == ["省级"]
    parks = kind(facts, "ForestPark")
    assert parks["金坪山国家级森林公园"].get("level") == ["国家级"]
    assert parks["竹园省级森林公园"].get("level") == ["省级"]
    assert set(kind(facts, "EcologicalCorridor")) == {"澄溪河生态廊道", "梅溪生态廊道"}
    assert set(kind(facts, "EcologicalBarrier")) == {"鹿鸣山生态屏障"}
    elements = kind(facts, "StructureElement")
    assert kind(facts, "SpatialStructure")["一心两带四片"].get("scope") == ["国土空间总体格局"]
    assert members(elements["一心两带四片·一心"]) == {"CentralCity"}
    assert members(elements["一心两带四片·两带"]) == {"澄溪河城镇发展带", "鹿鸣山生态旅游带"}
    assert members(elements["一心两带四片·四片"]) == {"北部生态保育片", "中部城镇发展片", "东部现代农业片",
                                                   "南部文旅康养片"}
    assert not [k for k in kind(facts, "SpatialStructure") if "规划许可" in k]
    assert set(kind(facts, "Positioning")) == {"省级生态文明建设示范县", "区域特色农产品加工基地", "山水宜居县城"}
    ft = kind(facts, "FeaturedTown")
    assert ft["金坪竹笋小镇"].get("locatedIn") == [Ref("Town", "金坪镇")]
    assert ft["石岭石雕小镇"].get("theme") == ["石雕"]
    got = {(f.get("count")[0], f.get("level")[0]) for f in facts if f.kind == "HeritageFigure"}
    assert got == {(1, "国家级"), (6, "省级"), (38, "县级")}


def test_b_indicator_table(plan_b: tuple[str, list[Fact]]) -> None:
    _, facts = plan_b
    table = {(f.get("subject")[0], f.get("targetYear")[0]): f for f in facts
             if f.kind == "Indicator" and "|" in f.quote}
    assert len(table) == 28
    land = table[("耕地保有量", 2025)]
    assert (land.get("value"), land.get("unit"), land.get("comparator")) == ([51.8], ["万亩"], ["≥"])
    assert table[("耕地保有量", 2020)].get("status") == [Ref("Concept", "Current")]
    assert table[("用水总量", 2035)].get("comparator") == ["≤"]
    assert table[("常住人口", 2035)].get("value") == [20.5]
    assert table[("常住人口城镇化率", 2025)].get("value") == [52]
    assert ("生态保护红线面积", 2020) not in table
    assert indicator(facts, "国土面积1436.8平方公里").get("status") == [Ref("Concept", "Current")]
    assert indicator(facts, "城镇污水集中处理率达到97%").get("value") == [97]


@pytest.mark.parametrize("name,base", [("synthetic-county-a", None), ("synthetic-county-b", 2020)])
def test_plan_period(name: str, base: int | None) -> None:
    path = TEST_PLANS / f"{name}.md"
    doc = read_plan(path, read_manifest(path.with_suffix(".json")))
    period = plan_period(doc)
    assert (period["periodStart"], period["periodEnd"], period["nearTermYear"], period["visionYear"]) == (
        2021, 2035, 2025, 2050)
    assert period.get("baseYear") == base


def test_a_planned_figure_after_a_current_one_in_one_sentence_is_planned(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``现状供水规模0.6万立方米/日，规划扩建至1.2万立方米/日``: the second figure is the plan's, not the
    base year's; a sentence that states only the current figure stays current."""
    text = ("# 甲镇国土空间总体规划（2021—2035年）\n\n# 第一章 市政设施\n\n## 1.1 给水工程\n\n"
            "镇区由甲镇水厂供水。现状供水规模0.6万立方米/日，规划扩建至1.2万立方米/日。\n\n"
            "## 1.2 排水工程\n\n现状污水处理厂规模0.3万立方米/日。\n")
    path = tmp_path / "jia.md"
    path.write_text(text, encoding="utf-8")
    doc = read_plan(path)
    sections, passages = split(doc)
    status = {f.get("value")[0]: f.get("status")[0] for f in extract(doc, sections, passages)
              if f.kind == "Indicator"}
    assert status[0.6] == Ref("Concept", "Current") and status[0.3] == Ref("Concept", "Current")
    assert status[1.2] == Ref("Concept", "Planned")


def test_barriers_named_in_a_quoted_parts_definition_are_extracted() -> None:
    """“两屏”指西部…生态屏障和北部…生态屏障: both barriers, the first after the definition's 指."""
    path = TEST_PLANS.parent / "unseen3" / "plans" / "synthetic-county-e.md"
    doc = read_plan(path, read_manifest(path.with_suffix(".json")))
    sections, passages = split(doc)
    facts = extract(doc, sections, passages)
    assert set(kind(facts, "EcologicalBarrier")) == {"西部卧牛山生态屏障", "北部鸾岭生态屏障"}
