"""Plan metadata read from the document; the manifest only overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.meta import cn_date, from_text, region_of, slug
from ingest.read import discover_plans, read_manifest, read_plan
from tests.conftest import PLAN_TEXT, ROOT

DATA = ROOT / "tests" / "data" / "ingest"


def test_village_cover_and_period() -> None:
    m = read_plan(DATA / "village-shanxi.md").plan
    assert m.title == "禾川县白鹭镇杉溪村村庄规划（2022—2035年）"
    assert (m.publisher, m.issued) == ("禾川县白鹭镇人民政府", "2023-11")
    assert (m.period_start, m.period_end, m.near_term, m.vision) == (2022, 2035, 2027, 2050)
    assert (m.level, m.region) == ("村庄", ("禾川县", "白鹭镇", "杉溪村"))
    assert m.id == "shanxi-2022-2035"


def test_township_cover() -> None:
    m = read_plan(DATA / "township-shiqiao.md").plan
    assert (m.level, m.region, m.publisher, m.issued) == ("乡镇", ("石桥镇",), "禾川县人民政府", "2024-03")
    assert m.id == "shiqiao-2021-2035"


def test_bundled_plan_without_its_manifest_reads_the_same() -> None:
    from_doc = read_plan(PLAN_TEXT).plan
    manifest = read_manifest(PLAN_TEXT.with_suffix(".json"))
    for name in ("id", "title", "publisher", "issued", "period_start", "period_end", "near_term", "vision"):
        assert getattr(from_doc, name) == getattr(manifest, name), name
    assert from_doc.level == "县"  # a 市 that administers towns directly is county-level


def test_manifest_fields_are_overrides(tmp_path: Path) -> None:
    (tmp_path / "v.md").write_bytes((DATA / "village-shanxi.md").read_bytes())
    (tmp_path / "v.json").write_text(json.dumps({"id": "my-village", "issued": "2024-01"}), encoding="utf-8")
    [(meta, path)] = discover_plans(tmp_path)
    assert (meta.id, meta.issued, meta.source, path.name) == ("my-village", "2024-01", "v.md", "v.md")
    assert meta.publisher == "禾川县白鹭镇人民政府" and meta.level == "村庄"


@pytest.mark.parametrize("line, out", [("二〇二三年十一月", "2023年11月"), ("二〇二四年三月", "2024年3月"),
                                       ("二〇二四年十月", "2024年10月"), ("2024年3月", "2024年3月")])
def test_chinese_numeral_dates(line: str, out: str) -> None:
    assert cn_date(line) == out


def test_region_level_and_slug() -> None:
    assert region_of("某省某市国土空间总体规划") == ("某省", "某市")
    m = from_text("# 某某自治区国土空间规划（2021—2035年）\n\n某某自治区人民政府\n", "x")
    assert m.level == "省" and m.publisher == "某某自治区人民政府"
    assert slug((), None, None, "My Plan") == "My-Plan"
