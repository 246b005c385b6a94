"""Published formats into one Document: a PDF printed by chromium (header and footer on), a DOCX written
with python-docx and a saved HTML page give the same entities as the Markdown edition."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.read import read_manifest, read_plan
from ingest.records import Document, Fact, Passage
from ingest.structure import split
from tests.conftest import PLAN_TEXT, ROOT
from tests.ingest.printing import CHROMIUM, print_pdf, to_docx, to_html

KINDS = ("Town", "Township", "NatureReserve", "ForestPark", "NaturePark", "EcologicalCorridor",
         "EcologicalBarrier", "District", "HeritageFigure", "FeaturedTown")
Read = tuple[Document, list[Passage], list[Fact]]


def ingest(path: Path) -> Read:
    doc = read_plan(path, read_manifest(PLAN_TEXT.with_suffix(".json")))
    sections, passages = split(doc)
    return doc, passages, extract(doc, sections, passages)


def keys(facts: list[Fact], kind: str) -> set[str]:
    return {f.key for f in facts if f.kind == kind}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Read]:
    folder = tmp_path_factory.mktemp("editions")
    stem = PLAN_TEXT.stem
    shutil.copy(PLAN_TEXT.with_name(f"{stem}.corrections.json"), folder)
    text = PLAN_TEXT.read_text(encoding="utf-8")
    to_docx(text, folder / f"{stem}.docx")
    out = {"md": ingest(PLAN_TEXT), "docx": ingest(folder / f"{stem}.docx")}
    if CHROMIUM:
        (folder / "page.html").write_text(to_html(text, "规划文本"), encoding="utf-8")
        print_pdf(folder / "page.html", folder / f"{stem}.pdf")
        out["pdf"] = ingest(folder / f"{stem}.pdf")
    return out


@pytest.mark.parametrize("edition", ["pdf", "docx"])
def test_same_entities_as_the_markdown(editions: dict[str, Read], edition: str) -> None:
    if edition not in editions:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    _doc, _passages, facts = editions[edition]
    base = editions["md"][2]
    for kind in KINDS:
        assert keys(facts, kind) == keys(base, kind), kind
    wanted = keys(base, "Indicator")
    assert len(wanted & keys(facts, "Indicator")) >= 0.95 * len(wanted)


def test_pdf_passages_have_pages_and_no_page_furniture(editions: dict[str, Read]) -> None:
    if "pdf" not in editions:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    doc, passages, facts = editions["pdf"]
    assert doc.page_starts and len(doc.page_starts) > 5
    for p in passages:
        assert p.text == doc.text[p.start:p.end]
        assert p.pages and all(1 <= n <= len(doc.page_starts) for n in p.pages)
        assert "file://" not in p.text and "规划文本" not in p.text  # footer URL, header title
        assert not re.search(r"^\s*\d+\s*/\s*\d+\s*$", p.text, re.M)  # page numbers
    assert "⼟" not in doc.text and "国土空间" in doc.text  # Kangxi radical folded
    assert max(n for p in passages for n in p.pages) == len(doc.page_starts)
    assert all(f.quote == doc.text[f.start:f.end] for f in facts)


def test_saved_html_page_keeps_the_main_content_only() -> None:
    doc = read_plan(ROOT / "tests" / "data" / "ingest" / "township-shiqiao.html")
    _sections, passages = split(doc)
    text = "\n".join(p.text for p in passages)
    assert "镇域总面积96.35平方公里" in text and "| 耕地保有量 |" in text
    assert not re.search("首页|网站标识码|ICP|_hmt|当前位置", doc.text)
    assert doc.plan.title == "石桥镇国土空间总体规划（2021—2035年）" and doc.plan.level == "乡镇"
    assert next(p for p in passages if "镇域总面积" in p.text).section == "1.1"


def test_docx_headings_and_tables(tmp_path: Path) -> None:
    to_docx((ROOT / "tests/data/ingest/village-shanxi.md").read_text(encoding="utf-8"), tmp_path / "v.docx")
    doc = read_plan(tmp_path / "v.docx")
    _sections, passages = split(doc)
    assert "## 规划范围" in doc.text and "| 耕地保有量 | 公顷 |" not in doc.text  # cells keep their columns
    assert next(p for p in passages if "辖竹坪" in p.text).section == "第一条"
    assert doc.plan.publisher == "禾川县白鹭镇人民政府"


def _circles(facts: list[Fact]) -> set[tuple[str, str, tuple]]:
    return {(f.kind, f.key, f.props) for f in facts if f.kind in ("Facility", "LifeCircle")}


@pytest.mark.parametrize("edition", ["docx", "pdf"])
def test_life_circle_table_as_rows_gives_the_same_facilities(editions: dict[str, Read], edition: str) -> None:
    """The Markdown's tab-separated 生活圈 table is `|` rows in the DOCX and PDF: the same 32 facilities."""
    if edition not in editions:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    base = _circles(editions["md"][2])
    assert sum(1 for kind, _k, _p in base if kind == "Facility") == 32
    assert _circles(editions[edition][2]) == base
