"""Small hand-made plan records for the kg tests (the real extractor is tested elsewhere).

A plain module, not a conftest: tests/conftest.py already claims the name ``conftest``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Fact, Passage, PlanMeta, Ref, Section, passage_id

PLAN_ID = "test-2021-2035"
BASE = "https://w3id.org/plankg"

TEXT = (
    "# 测试市国土空间总体规划\n\n"
    "# 立足核心优势\n\n"
    "## 1.1 发展定位\n\n"
    "测试市常住人口39.94万人，城镇化率57.16%。\n\n"
    "## 2.2 城镇体系\n\n"
    "黄土梁子镇为重点镇，七沟镇属于一般乡镇。榆树林子镇打造蘑菇特色小镇。\n\n"
    "到2035年，城镇化率≥65%。\n"
)


@dataclass(frozen=True)
class Records:
    meta: PlanMeta
    sections: list[Section]
    passages: list[Passage]
    facts: list[Fact]


def _offsets(needle: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(needle, after)
    return start, start + len(needle)


def _sections() -> list[Section]:
    ch1 = TEXT.index("# 立足核心优势")
    s11 = TEXT.index("## 1.1")
    s22 = TEXT.index("## 2.2")
    return [
        Section("ch1", "1", "立足核心优势", 1, None, ch1, s22),
        Section("1.1", "1.1", "发展定位", 2, "ch1", s11, s22),
        Section("2.2", "2.2", "城镇体系", 2, None, s22, len(TEXT)),
    ]


def _passage(section: Section, path: tuple[str, ...], text: str) -> Passage:
    start, end = _offsets(text)
    return Passage(passage_id(PLAN_ID, section.number, text), PLAN_ID, section.number, section.id,
                   section.title, path, text, start, end)  # fmt: skip


def _fact(kind: str, key: str, passage: Passage, quote: str, props: tuple = (), note: str = "") -> Fact:
    start, end = _offsets(quote, passage.start)
    return Fact(kind, key, key, passage.id, quote, start, end, props, note)


def make_records() -> Records:
    sections = _sections()
    p1 = _passage(sections[1], ("立足核心优势", "发展定位"), "测试市常住人口39.94万人，城镇化率57.16%。")
    p2 = _passage(
        sections[2], ("城镇体系",), "黄土梁子镇为重点镇，七沟镇属于一般乡镇。榆树林子镇打造蘑菇特色小镇。"
    )
    p3 = _passage(sections[2], ("城镇体系",), "到2035年，城镇化率≥65%。")
    facts = [
        _fact("Indicator", "常住人口-现状", p1, "常住人口39.94万人",
              (("subject", "常住人口"), ("value", 39.94), ("unit", "万人"), ("status", Ref("Concept", "Current")))),
        _fact("Indicator", "城镇化率-2035", p3, "城镇化率≥65%",
              (("subject", "城镇化率"), ("value", 65), ("unit", "%"), ("comparator", "≥"),
               ("targetYear", 2035), ("status", Ref("Concept", "Planned")))),
        _fact("Town", "黄土梁子镇", p2, "黄土梁子镇为重点镇", (("hasRole", Ref("Concept", "KeyTown")),)),
        _fact("Town", "七沟镇", p2, "七沟镇属于一般乡镇", (("hasRole", Ref("Concept", "GeneralTownship")),),
              note="ambiguous: also listed as a key town"),
        _fact("Town", "榆树林子镇", p2, "榆树林子镇"),
        _fact("FeaturedTown", "蘑菇特色小镇", p2, "榆树林子镇打造蘑菇特色小镇",
              (("theme", "蘑菇"), ("locatedIn", Ref("Town", "榆树林子镇")), ("skos:definition", "以蘑菇为主题"))),
    ]  # fmt: skip
    # The same town stated again in another passage: one node, two sources.
    facts.append(Fact("Town", "黄土梁子镇", "黄土梁子镇", p1.id, "测试市", *_offsets("测试市", p1.start)))
    meta = PlanMeta(PLAN_ID, "测试市国土空间总体规划（2021-2035年）", "测试市自然资源和规划局", "2023-12",
                    2021, 2035, 2025, 2050, "test.md")  # fmt: skip
    return Records(meta, sections, [p1, p2, p3], facts)
