"""Heading tree and passages: numbers recovered from the 目录 list, offsets into the published text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.read import read_manifest, read_plan
from ingest.records import Passage, Section
from ingest.structure import split
from tests.conftest import PLAN_TEXT, TEST_PLANS


@pytest.fixture(scope="module")
def pingquan() -> tuple[str, list[Section], list[Passage]]:
    doc = read_plan(PLAN_TEXT, read_manifest(PLAN_TEXT.with_suffix(".json")))
    sections, passages = split(doc)
    return doc.text, sections, passages


def test_chapters_numbered_from_the_table_of_contents(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, sections, _ = pingquan
    chapters = [(s.number, s.title) for s in sections if s.level == 1 and s.number]
    assert [n for n, _ in chapters] == [str(i) for i in range(1, 9)]
    assert chapters[3] == ("4", "尊重自然本底，推进生态环境保护")


def test_sections_have_their_own_numbers_and_parents(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, sections, _ = pingquan
    by_number = {s.number: s for s in sections if s.number}
    expected = {f"{c}.{k}" for c, n in [(1, 3), (2, 3), (3, 3), (4, 4), (5, 5), (6, 6), (7, 4), (8, 2)]
                for k in range(1, n + 1)}
    assert expected <= set(by_number)
    assert by_number["4.2"].title == "建立自然保护地体系"
    assert by_number["4.2"].parent == by_number["4"].id
    # "## 7.2" carries only the number; its title is the next heading.
    assert by_number["7.2"].title == "城乡公共服务体系"
    # The published heading is kept even where the chapter's own list calls 8.2 something else.
    assert by_number["8.2"].title == "构建国土空间规划体系"


def test_front_matter_has_headings_but_no_number(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, _, passages = pingquan
    front = [p for p in passages if p.heading in ("前言", "规划概况")]
    assert {p.heading for p in front} == {"前言", "规划概况"}
    assert all(p.section is None for p in front)


def test_every_passage_is_a_verbatim_slice(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    text, _, passages = pingquan
    for p in passages:
        assert p.text == text[p.start:p.end]
        assert p.text.strip() == p.text and p.text
    assert len({p.id for p in passages}) == len(passages)


def test_subsection_passages_know_their_section_and_trail(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, _, passages = pingquan
    p = next(p for p in passages if p.heading == "重点镇")
    assert p.section == "5.2"
    assert p.path == ("注重以人为本，加快城乡融合发展", "5.2 完善镇村体系", "重点镇")


def test_navigation_lists_and_toc_are_not_passages(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, _, passages = pingquan
    assert not any(p.text.startswith(("- 2.1", "1.1 城市定位", "- 1.")) for p in passages)


def test_life_circle_table_is_split_per_circle_and_readable(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, _, passages = pingquan
    table = [p for p in passages if p.section == "6.5" and "\t" in p.text]
    starts = ["十五分钟生活圈" in table[0].text, table[1].text.startswith("十分钟生活圈"),
              table[2].text.startswith("五分钟生活圈")]
    assert all(starts)
    assert all(len(p.text) < 800 for p in table)


def test_passage_ids_are_stable_across_runs() -> None:
    ids = [[p.id for p in split(read_plan(PLAN_TEXT))[1]] for _ in range(2)]
    assert ids[0] == ids[1]


def test_truncated_plan_is_refused_naming_the_toc_line(tmp_path: Path) -> None:
    text = PLAN_TEXT.read_text(encoding="utf-8")
    cut = tmp_path / "cut.md"
    cut.write_text(text[: text.index("## 注重以人为本")], encoding="utf-8")
    with pytest.raises(IngestError, match=r"chapters 5, 6, 7, 8 listed in 目录 are missing") as info:
        split(read_plan(cut))
    assert info.value.line is not None


def test_text_without_headings_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "plain.md"
    f.write_text("这是一段没有标题的文字。\n" * 20, encoding="utf-8")
    with pytest.raises(IngestError, match="no headings"):
        split(read_plan(f))


def test_chapter_and_article_headings() -> None:
    src = TEST_PLANS / "synthetic-county-b.md"
    sections, passages = split(read_plan(src, read_manifest(src.with_suffix(".json"))))
    chapters = [s for s in sections if s.level == 1 and s.number]
    assert [s.number for s in chapters] == [str(i) for i in range(1, len(chapters) + 1)]
    assert chapters[0].title == "总则"
    articles = [s for s in sections if s.number and s.number.startswith("第")]
    assert articles[0].number == "第1条" and articles[0].title == "规划目的"
    assert all(p.section is not None for p in passages if p.start > chapters[0].start)


def test_headings_that_differ_from_the_chapter_list_are_noted(pingquan: tuple[str, list[Section], list[Passage]]) -> None:
    _, sections, _ = pingquan
    notes = {s.number: s.note for s in sections if s.note}
    assert set(notes) == {"2.2", "3.2", "8.2"}
    assert "强化规划实施保障政策" in notes["8.2"] and "构建国土空间规划体系" in notes["8.2"]
    assert "国土空间开发保护总体格局同" in notes["2.2"]
    by_number = {s.number: s for s in sections if s.number}
    assert by_number["8.2"].title == "构建国土空间规划体系"  # the text shown stays as published
