"""Structure recovery for layouts the bundled plan does not have: 目录-only numbering, appendices."""

from __future__ import annotations

import pytest

from ingest.read import read_plan
from ingest.records import Document, Passage, Section
from ingest.structure import split
from ingest.toc import parse_entry, title_key
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "ingest"


def load(name: str) -> tuple[Document, list[Section], list[Passage]]:
    doc = read_plan(DATA / name)
    sections, passages = split(doc)
    return doc, sections, passages


def first_passage(passages: list[Passage], words: str) -> Passage:
    return next(p for p in passages if words in p.text)


def test_bare_body_headings_take_the_numbers_of_the_toc() -> None:
    _doc, sections, passages = load("village-shanxi.md")
    by_id = {s.id: s for s in sections}
    assert [(s.number, s.title) for s in sections if s.level == 1 and s.number][:2] == [("1", "总则"),
                                                                                       ("2", "发展定位与目标")]
    assert by_id["第五条"].title == "规划指标" and by_id["第五条"].parent == "ch2"
    expect = {"辖竹坪": "第一条", "基期年为2022年": "第二条", "| 耕地保有量 |": "第五条", "集聚提升类": "第六条",
              "| 地类 |": "第七条", "古廊桥": "第八条", "综合服务站1处": "第九条", "机耕道": "第十条"}
    for words, number in expect.items():
        assert first_passage(passages, words).section == number, words
    assert len({p.section for p in passages}) == len(passages)  # a table stays with its lead sentence


def test_appendices_are_their_own_branch() -> None:
    _doc, sections, passages = load("township-shiqiao.md")
    by_id = {s.id: s for s in sections}
    assert by_id["附件"].level == 1 and by_id["附件"].parent is None
    assert by_id["附件1"].parent == "附件" and by_id["附件1"].title == "规划用语说明"
    assert first_passage(passages, "城郊融合类村庄”指").section == "附件1"
    assert first_passage(passages, "镇域总面积").section == "1.1"
    assert not any("公众版" in p.text for p in passages)  # the cover is not citable


def test_chapter_words_open_a_chapter_without_toc(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "p.md").write_text("# 某镇规划\n\n## 总则\n\n本规划适用于全镇。\n\n## 目标\n\n到2035年建成。\n",
                                   encoding="utf-8")
    _sections, passages = split(read_plan(tmp_path / "p.md"))
    assert [p.path[0] for p in passages] == ["总则", "总则"]


@pytest.mark.parametrize("line, kind, number, title", [
    ("第一条 规划范围 ........ 1", "article", "第一条", "规划范围"),
    ("第十二章 附则", "chapter", "12", "附则"),
    ("- 3.加强耕地保护**", "chapter", "3", "加强耕地保护"),
    ("1 总则", "chapter", "1", "总则"),
    ("2.3 用地布局 …… 12", "section", "2.3", "用地布局"),
    ("附表1 规划指标表", "appendix", "附表1", "规划指标表"),
    ("附件", "appendix", "附件", ""),
])
def test_toc_entries(line: str, kind: str, number: str, title: str) -> None:
    entry = parse_entry(line)
    assert entry and (entry.kind, entry.number, entry.title) == (kind, number, title)


def test_title_key_ignores_bold_spacing_and_punctuation() -> None:
    assert title_key("**规划 范围：**") == title_key("规划范围") == "规划范围"
    assert parse_entry("本规划依据上位规划编制，是法定依据。") is None
