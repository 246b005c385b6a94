"""Village and township plans: natural villages with membership, classification, table indicator types."""

from __future__ import annotations

from ingest.extract import extract
from ingest.read import read_plan
from ingest.records import Fact, Ref
from ingest.structure import split
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "ingest"


def facts_of(name: str) -> list[Fact]:
    doc = read_plan(DATA / name)
    sections, passages = split(doc)
    facts = extract(doc, sections, passages)
    assert all(f.quote == doc.text[f.start:f.end] for f in facts)
    return facts


def test_natural_villages_belong_to_the_planned_village() -> None:
    facts = facts_of("village-shanxi.md")
    nat = {f.key: f for f in facts if f.kind == "NaturalVillage"}
    assert set(nat) == {"竹坪", "上杉溪", "下杉溪", "茶岭", "枫树湾", "石板桥", "龙眼塘"}
    assert all(f.get("partOf") == [Ref("AdministrativeVillage", "杉溪村")] for f in nat.values())
    own = next(f for f in facts if f.kind == "AdministrativeVillage" and f.key == "杉溪村")
    assert own.get("villageClass") == ["集聚提升类"]


def test_township_villages_classes_and_indicator_types() -> None:
    facts = facts_of("township-shiqiao.md")
    classes = {f.key: f.get("villageClass") for f in facts if f.kind == "AdministrativeVillage"}
    assert classes == {"石桥村": ["集聚提升类"], "龙潭村": ["集聚提升类"], "新田村": ["集聚提升类"],
                       "枫林村": ["城郊融合类"], "桃源村": ["特色保护类"], "凤岗村": ["搬迁撤并类"]}
    ind = {f.key: f for f in facts if f.kind == "Indicator"}
    assert ind["耕地保有量-≥20.86平方公里-2035"].get("indicatorType") == ["约束性"]
    assert ind["常住人口-2.90万人-2035"].get("indicatorType") == ["预期性"]
    assert ind["常住人口-2.61万人-2020"].get("status") == [Ref("Concept", "Current")]
