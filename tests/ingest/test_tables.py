"""Tables of every form read as rows: MinerU's HTML ``<table>``s in Markdown, ``|`` rows, tab-separated
lines; the genre tables (indicators with 属性, land-use structure, heritage items, facilities with counts)
give facts with their year, status and 约束性/预期性, and the graph conforms to the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.extract_tables import row_cells
from ingest.extract_text import Span
from ingest.formats.markdown import html_tables_as_rows
from ingest.read import read_plan
from ingest.records import Document, Fact, Ref
from ingest.structure import split

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def facts_of(name: str) -> tuple[Document, list[Fact]]:
    doc = read_plan(DATA / name)
    sections, passages = split(doc)
    return doc, extract(doc, sections, passages)


def one(facts: list[Fact], kind: str, key: str) -> dict[str, object]:
    fact = next(f for f in facts if f.kind == kind and f.key == key)
    return dict(fact.props)


def test_html_table_becomes_rows_with_merged_cells_repeated() -> None:
    text = ("前文\n<table><tr><td rowspan=2>农用地</td><td>耕地</td><td>1.0</td></tr>"
            "<tr><td>林地</td><td>2.0</td></tr><tr><td colspan=2>合计</td><td>3.0</td></tr></table>\n后文\n")
    out = html_tables_as_rows(text)
    assert "<t" not in out and out.startswith("前文\n") and out.rstrip().endswith("后文")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert rows == ["| 农用地 | 耕地 | 1.0 |", "| 农用地 | 林地 | 2.0 |", "| 合计 | 合计 | 3.0 |"]


@pytest.mark.parametrize("line", ["| 耕地 |  | 126.53 |", "耕地\t\t126.53"])
def test_row_cells_keep_offsets_and_empty_cells(line: str) -> None:
    cells = row_cells(Span(100, 100 + len(line), line))
    assert cells is not None and [c.text for c in cells] == ["耕地", "", "126.53"]
    assert all(line[c.start - 100:c.end - 100] == c.text for c in cells)


def test_village_indicator_table_gives_year_status_and_binding() -> None:
    doc, facts = facts_of("village-shanxi.md")
    planned = one(facts, "Indicator", "耕地保有量-≥126.10公顷-2035")
    assert planned["value"] == 126.1 and planned["comparator"] == "≥" and planned["targetYear"] == 2035
    assert planned["status"] == Ref("Concept", "Planned") and planned["indicatorType"] == "约束性"
    base = one(facts, "Indicator", "耕地保有量-126.53公顷-2022")  # the 2022 column is the base year
    assert base["status"] == Ref("Concept", "Current") and base["targetYear"] == 2022
    assert one(facts, "Indicator", "户籍人口-1120人-2035")["indicatorType"] == "预期性"
    typed = [f for f in facts if f.kind == "Indicator" and f.get("indicatorType")]
    assert len(typed) == 12  # 6 rows × 2 years
    assert all("<td>" not in f.quote for f in facts)
    assert all(doc.text[f.start:f.end] == f.quote for f in facts)


@pytest.mark.parametrize("name, cls, year, value, share, status", [
    pytest.param("village-shanxi.md", "林地", 2035, 613.25, 72.83, "Planned", id="village-2035"),
    pytest.param("village-shanxi.md", "村庄建设用地", 2022, 21.36, 2.54, "Current", id="village-base"),
    pytest.param("township-shiqiao.md", "城乡建设用地", 2020, 402.18, 4.17, "Current", id="township-base"),
    pytest.param("township-shiqiao.md", "耕地", 2035, 2086.15, 21.65, "Planned", id="township-target"),
    pytest.param("township-shiqiao.html", "林地", 2035, 5974.4, 62.01, "Planned", id="township-html"),
])
def test_land_use_structure(name: str, cls: str, year: int, value: float, share: float, status: str) -> None:
    _doc, facts = facts_of(name)
    props = one(facts, "LandUseArea", f"{cls}-{year}")
    assert props == {"landUseClass": cls, "value": value, "unit": "公顷", "share": share,
                     "status": Ref("Concept", status), "targetYear": year}


def test_heritage_items_and_facilities_with_counts() -> None:
    _doc, facts = facts_of("village-shanxi.md")
    items = {f.key: dict(f.props) for f in facts if f.kind == "HeritageItem"}
    assert set(items) == {"杉溪古廊桥", "茶岭古驿道", "龙眼塘古井"}
    assert items["杉溪古廊桥"] == {"heritageCategory": "古建筑", "protectionLevel": "县级文物保护单位",
                                "inVillage": Ref("NaturalVillage", "下杉溪")}
    facilities = {f.key: dict(f.props) for f in facts if f.kind == "Facility"}
    assert facilities["文化广场"] == {"currentCount": 1, "plannedCount": 2, "constructionMode": "扩建"}
    assert facilities["卫生室"]["constructionMode"] == "保留" and len(facilities) == 4


def test_table_facts_conform_to_the_shapes() -> None:
    from kg.build import to_graph
    from kg.validate import validate

    doc = read_plan(DATA / "village-shanxi.md")
    sections, passages = split(doc)
    facts = extract(doc, sections, passages)
    result = validate(to_graph(doc.plan, sections, passages, facts, "https://w3id.org/plankg"))
    assert result.conforms, result.report
