"""Source corrections as data: the bundled plan's repairs live in its corrections file, not in code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.corrections import OffsetMap, apply, load_corrections
from ingest.errors import IngestError
from ingest.extract import extract
from ingest.read import discover_plans, read_manifest, read_plan
from ingest.records import Correction, Fact, Passage
from ingest.structure import split
from tests.conftest import PLAN_TEXT, ROOT

BASELINE = json.loads((ROOT / "tests/data/ingest/pingquan-baseline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan() -> tuple[str, list[Passage], list[Fact]]:
    doc = read_plan(PLAN_TEXT, read_manifest(PLAN_TEXT.with_suffix(".json")))
    assert doc.corrections and doc.fact_corrections
    sections, passages = split(doc)
    return doc.text, passages, extract(doc, sections, passages)


def test_the_corrections_file_reproduces_the_graph(plan: tuple[str, list[Passage], list[Fact]]) -> None:
    _text, passages, facts = plan
    got: dict[str, list[str]] = {}
    for f in facts:
        got.setdefault(f.kind, []).append(f.key)
    assert {k: sorted(v) for k, v in got.items()} == BASELINE["facts"]
    assert [[p.id, p.section] for p in passages] == BASELINE["passages"]


def test_citations_stay_verbatim(plan: tuple[str, list[Passage], list[Fact]]) -> None:
    text, passages, facts = plan
    for p in passages:
        assert p.text == text[p.start:p.end]
    for f in facts:
        assert f.quote == text[f.start:f.end]
    assert "80个中村" in text  # the published text keeps its typo


def test_a_corrected_fact_says_what_the_text_reads(plan: tuple[str, list[Passage], list[Fact]]) -> None:
    _text, _passages, facts = plan
    noted = {f.key: f.get("skos:editorialNote") for f in facts}
    assert any("中村" in str(n) for n in noted["中心村-80个-2035"])
    assert any("not confirmed" in str(n) for n in noted["七榆树林子镇"])
    assert noted["平北镇"] == []  # a sentence that merely contains a corrected name is not marked


def test_offset_map_round_trip() -> None:
    text = "甲乙丙丁戊"
    fixed, omap = apply(text, (Correction("乙丙", "乙X丙", "r"),))
    assert fixed == "甲乙X丙丁戊"
    assert omap.to_orig(4) == 3 and omap.to_new(3) == 4
    assert (omap.to_orig(2), omap.to_orig(3, end=True)) == (1, 3)  # a span inside covers the whole edit
    assert OffsetMap(()).to_orig(7) == 7


@pytest.mark.parametrize("entry, message", [
    ({"find": "不存在的字", "replace": "x", "reason": "r"}, "not found"),
    ({"find": "规划", "replace": "x", "reason": "r"}, "occurs"),
    ({"find": "x"}, "reason"),
])
def test_bad_corrections_name_the_file(tmp_path: Path, entry: dict, message: str) -> None:
    shutil_copy(PLAN_TEXT, tmp_path / "p.md")
    (tmp_path / "p.corrections.json").write_text(json.dumps({"text": [entry]}), encoding="utf-8")
    with pytest.raises(IngestError, match=message) as err:
        doc = read_plan(tmp_path / "p.md")
        split(doc)
    assert "p.corrections.json" in str(err.value)


def test_corrections_files_are_not_manifests() -> None:
    assert [m.id for m, _ in discover_plans(ROOT / "data" / "plans")] == ["pingquan-2021-2035"]
    assert load_corrections(ROOT / "nothing.corrections.json") == ((), ())


def test_no_plan_names_in_ingest_code() -> None:
    names = {k for kind in ("Town", "Township", "NatureReserve", "ForestPark", "EcologicalCorridor",
                            "FeaturedTown", "District") for k in BASELINE["facts"].get(kind, [])}
    names |= {"平泉", "榆树林子", "五十家子", "80个中村", "山杏", "城乡公共服务体系"}
    for path in (ROOT / "ingest").glob("*.py"):
        code = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines())
        found = [n for n in names if re.search(re.escape(n), code)]
        assert not found, f"{path.name} names {found}"


def shutil_copy(src: Path, dst: Path) -> None:
    dst.write_bytes(src.read_bytes())
