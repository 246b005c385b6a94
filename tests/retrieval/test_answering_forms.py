"""Question forms and passage forms of the genre that the answering core reads (each with a negative):
村子 as a common noun, a structure's counted element and what it is, a structure named by its formula,
compounds in the other word order, two things asked with 各/分别, where something lies, a slipped
one-character noun, and timetables and shop prices out of scope."""

from __future__ import annotations

import dataclasses

from ingest.records import Fact, Passage
from retrieval.answering.analysis import analyse, unknown_places
from retrieval.answering.types import Candidate, Citation
from retrieval.answering.typos import Vocabulary, correct
from retrieval.answering.verify import pointed, problems
from retrieval.facts import FactBase
from tests.retrieval.answering_kb import PLANS


def _quoted(text: str) -> Candidate:
    p = Passage("p", "a", "1", "1", "1 规划", ("规划",), text, 0, len(text))
    return Candidate("text", text, [Citation(p, text)], "a")


def test_a_village_suffix_that_begins_a_common_noun_ends_no_name() -> None:
    never = lambda n: False  # noqa: E731 - the plan names no place here
    assert unknown_places("听说村子要搬迁，是真的吗", ("听说",), never) == ()  # 听说 + 村子, not 听说村
    assert unknown_places("听说村里要修路", ("听说",), never) == ()
    assert unknown_places("听说王庄村要搬迁", ("王庄",), never) == ("王庄村",)  # a name the plan never uses


def test_a_structures_counted_element_is_answered_where_the_text_says_what_it_is() -> None:
    frame = analyse("“一心两带四片”格局里的两条带分别是什么？")
    assert pointed(frame) is not None and pointed(frame)[0][0] == "带"  # type: ignore[index]  # not 带分别
    spelled = _quoted("构建“一心两带四片”的总体格局。“一心”指县城；“两带”指甲河发展带和乙山旅游带；“四片”指四个片区。")
    assert "a count, not the names" not in problems(frame, spelled)
    assert "not the things asked" not in problems(frame, spelled)
    formula = _quoted("构建“一心两带四片”的总体格局。")  # counts the belts, says not which they are
    assert "a count, not the names" in problems(frame, formula)


def _structure_kb() -> FactBase:
    text = "中心城区空间结构：构建“一廊、三区”的中心城区空间格局。"
    p = Passage("s1", "a", "6.1", "6.1", "6.1 中心城区空间结构", ("中心城区", "6.1 中心城区空间结构"), text, 0, len(text))
    i = text.index("一廊、三区")
    facts = [Fact("SpatialStructure", "一廊、三区", "一廊、三区", "s1", "构建“一廊、三区”的中心城区空间格局", 10, len(text) - 1,
                  (("scope", "中心城区"),)),
             Fact("Town", "东坡镇", "东坡镇", "s1", text[i:i + 5], i, i + 5, ())]
    return FactBase(facts, [p], PLANS)


def test_a_structure_named_by_its_formula_or_its_place_is_not_a_member_asked_about() -> None:
    from retrieval.answering.candidates_graph import list_candidates

    kb = _structure_kb()
    (c,) = list_candidates(analyse("中心城区“一廊、三区”的空间结构具体指什么？"), kb, "a", {"s1": 0})
    assert "asks about a member" not in c.violations and c.features["named"] == 0.0
    (other,) = list_candidates(analyse("东坡镇“一廊、三区”的空间结构具体指什么？"), kb, "a", {"s1": 0})
    assert other.features["named"] == 1.0  # a place the structure's text does not speak of


def test_a_compound_in_the_plans_other_word_order_is_not_another_kind() -> None:
    from ingest.tokenize import make_tokenizer
    from retrieval.answering.analysis import unnamed_kinds

    tok = make_tokenizer(["工程建设", "建设工程", "户籍人口"])
    vocab = Vocabulary.from_terms({"工程", "建设", "人口"}, "建设工程选址应避开断裂带。全县常住人口18万人。")
    assert unnamed_kinds(("工程建设",), vocab, tok, "工程建设选址要避开哪些区域") == ()  # the plan's 建设工程
    assert unnamed_kinds(("户籍人口",), vocab, tok, "户籍人口是多少") == (("户籍", "人口"),)


def test_two_things_asked_of_at_once_with_each_are_asked_one_by_one() -> None:
    from retrieval.answering.pipeline import question_parts

    assert question_parts("青岚县划定的永久基本农田和生态保护红线各是多少？") == [
        "青岚县划定的永久基本农田是多少", "青岚县划定的生态保护红线是多少"]
    assert question_parts("中心村和一般村分别有几个？") == ["中心村有几个", "一般村有几个"]
    assert question_parts("永久基本农田和生态保护红线是什么关系？") == ["永久基本农田和生态保护红线是什么关系？"]


def test_where_a_thing_lies_is_said_by_where_it_is_spread() -> None:
    frame = analyse("永久基本农田集中在什么位置？")
    assert "no place for it" not in problems(frame, _quoted("全村划定永久基本农田1412.6亩，集中分布在桂水西岸的大垅田片。"))
    assert "no place for it" in problems(frame, _quoted("全村划定永久基本农田1412.6亩。"))


def test_a_slipped_one_character_noun_after_a_plan_word_is_repaired_where_the_plan_writes_it() -> None:
    from ingest.tokenize import make_tokenizer

    tok = make_tokenizer()
    corpus = "村内现有地质灾害隐患点2处。"
    vocab = Vocabulary.from_terms({"地质灾害", "隐患"}, corpus)
    assert correct("村里有几处地质灾害隐患典", vocab, tok)[1] == (("隐患典", "隐患点"),)
    assert correct("村里有几处地质灾害隐患区", vocab, tok)[1] == ()  # 区 sounds like no character of 隐患点


def test_timetables_and_what_a_shop_charges_are_out_of_scope_but_a_project_cost_is_not() -> None:
    assert analyse("县城到省城的高铁一天有几趟？").out_of_scope
    assert analyse("在哪里能买到正宗的砚台？大概多少钱？").out_of_scope
    assert analyse("高铁站规划建在哪里？").out_of_scope is None
    assert analyse("村里修这条路要花多少钱？").out_of_scope is None


def test_a_quote_that_says_none_of_the_topic_words_the_plan_knows_is_off_the_topic() -> None:
    from retrieval.answering.pipeline import candidates
    from retrieval.search import Hit
    from tests.retrieval.answering_kb import factbase

    kb = factbase()
    hits = [Hit(kb.passages["pa1"], 1.0, 1, 1, 1.0, 0.3, 0.4)]  # the population figures
    asked = analyse("高铁站周边以后打造成什么？")
    off = [c for c in candidates(asked, kb, "a", hits, {"高铁": 3.0, "周边": 3.0}) if c.source == "text"]
    assert off and all(c.features["off_topic"] == 1.0 for c in off)
    assert "off the topic" in problems(asked, dataclasses.replace(off[0], features={**off[0].features}))
    unknown = [c for c in candidates(asked, kb, "a", hits, {}) if c.source == "text"]
    assert all(c.features["off_topic"] == 0.0 for c in unknown)  # the plan knows none of its words: no verdict
    towns = dataclasses.replace(analyse("一共有多少个镇？"), topic="一共 镇")  # as the tokenizer splits it
    said = [c for c in candidates(towns, kb, "a", [Hit(kb.passages["pa2"], 1.0, 1, 1, 1.0, 0.3, 0.4)], {"一共": 1.0})
            if c.source == "text"]
    assert said and all(c.features["off_topic"] == 0.0 for c in said)  # says 镇, a word of the topic


def test_the_quoted_thing_whose_members_are_as_many_as_asked_answers_whatever_its_rank() -> None:
    from retrieval.answering.pipeline import as_many_as_asked
    from retrieval.search import Hit

    text = "三区联动：包括甲产业区、乙产业区、丙产业区。"
    p = Passage("e1", "a", "2.2", "2.2", "2.2 总体格局", ("2.2 总体格局",), text, 0, len(text))
    fact = Fact("Structure", "三区联动", "三区联动", "e1", text, 0, len(text), ())
    kb = FactBase([fact], [p], PLANS)
    entity = Candidate("entity", text, [Citation(p, text)], "a", [kb.entities[next(iter(kb.entities))]])
    far = [Hit(Passage("x", "a", "7", "7", "7", ("7 交通",), "道路", 0, 2), 1.0, 1, 1, 1.0, 0.3, 0.4)]
    assert as_many_as_asked(analyse("“三区联动”说的是哪三个区？"), [entity], far) is entity
    assert as_many_as_asked(analyse("“三区联动”说的是哪两个区？"), [entity], far) is None  # three, not two
    assert as_many_as_asked(analyse("三区联动说的是哪三个区？"), [entity], far) is None  # not quoted


def test_an_outline_of_parts_the_question_names_says_what_each_part_is() -> None:
    from retrieval.answering.candidates_text import outline_candidates
    from retrieval.search import Hit

    def part(pid: str, head: str, text: str) -> Passage:
        return Passage(pid, "a", "5.1", f"5.1/{head}", head, ("5 中心城区", "5.1 中心城区空间结构", head), text, 0, len(text))

    ps = [part("s1", "一带", "青水河滨水景观带，串联东西两个城区。"), part("s2", "两区", "东城区：商贸服务区\n西城区：产业发展区")]
    kb = FactBase([], ps, PLANS)
    hits = [Hit(p, 1.0, i + 1, i + 1, 1.0, 0.3, 0.4) for i, p in enumerate(ps)]
    (named,) = outline_candidates(analyse("城区的“一带两区”分别是啥？"), kb, hits)
    assert "一带：青水河滨水景观带" in named.text and "西城区：产业发展区" in named.text
    (outline,) = outline_candidates(analyse("中心城区空间结构包括哪些部分？"), kb, hits)
    assert outline.text == "中心城区空间结构包括：一带；两区。"  # the parts not named: their headings


def test_a_thing_of_the_genre_the_plan_never_names_by_any_of_its_names_is_unknown() -> None:
    from retrieval.answering.analysis import unknown_things
    from retrieval.answering.lexicon import lexicon

    names = next(line for line in lexicon().things if line[0] == "殡仪馆")
    assert len(names) >= 2  # the line gives other names of the same thing
    plan = "规划建设县城公墓一处。" if "公墓" in names else f"规划建设{names[1]}一处。"
    assert unknown_things("殡仪馆布置在哪里？", lambda n: n in "规划建设中学一所。") == ("殡仪馆",)
    assert unknown_things("殡仪馆布置在哪里？", lambda n: n in plan) == ()  # the plan says it in other words
    assert unknown_things("中学建在哪里？", lambda n: False) == ()  # not a thing of the list


def test_a_question_about_a_thing_the_plan_never_names_is_answered_not_stated() -> None:
    from ingest.tokenize import make_tokenizer
    from retrieval.answering.pipeline import Context, gather
    from retrieval.search import Hit
    from tests.retrieval.answering_kb import factbase

    ctx = Context(factbase(), make_tokenizer())

    def search(q: str, k: int, plan: str | None, topic: str | None = None, depth: int | None = None) -> list[Hit]:
        return [Hit(p, 1.0, 1, 1, 1.0, 0.3, 0.4) for p in ctx.kb.passages.values() if p.plan == plan][:k]

    frame, _h, cands = gather("甲山县规划的殡仪馆布置在哪里？", ctx, search, "a")
    assert frame.unknown_places == ("殡仪馆",)
    assert all("unknown subject" in problems(frame, c) for c in cands)
    known, _h, _c = gather("甲山县的森林公园有几处？", ctx, search, "a")
    assert known.unknown_places == ()


def test_an_english_question_names_a_thing_through_the_glossarys_plan_term() -> None:
    from retrieval.answering.analysis import unknown_things

    asked = analyse("Does the county plan a nursing home?")
    assert "养老院" in asked.search_text
    assert unknown_things(asked.search_text, lambda n: n in "规划建设中学一所。") == ("养老院",)
    assert unknown_things(asked.search_text, lambda n: n in "新建养老院一处。") == ()


def test_which_class_a_thing_is_in_is_answered_by_the_top_quote_that_assigns_one() -> None:
    from retrieval.answering.pipeline import states_the_class
    from retrieval.search import Hit

    said = _quoted("发展定位：甲村定位为示范村。村庄类型为集聚提升类。")
    other = _quoted("村域现状耕地1685.4亩，林地398.6公顷。")
    hits = [Hit(said.citations[0].passage, 1.0, 1, 1, 1.0, 0.3, 0.4)]
    assert states_the_class(analyse("甲村在村庄分类中属于哪种类型？"), [other, said], hits) is said
    assert states_the_class(analyse("甲村有多少耕地？"), [other, said], hits) is None  # no class asked
    assert states_the_class(analyse("甲村在村庄分类中属于哪种类型？"), [other], hits) is None  # none assigned


def test_admissions_hukou_fees_subsidies_welfare_and_event_dates_are_out_of_scope() -> None:
    for q in ("县一中今年招多少新生？", "孩子上小学按什么划片？", "买房能不能落户？", "路边停车怎么收费？",
              "改厕一户补多少？", "怎么申请最低生活保障？", "桃花节每年几月份举办？", "Are there subsidies for farmers?"):
        assert analyse(q).out_of_scope, q
    for q in ("小学入学率要达到多少？", "村卫生室建在哪？", "近期重点项目总投资多少？"):  # what a plan states
        assert analyse(q).out_of_scope is None, q
