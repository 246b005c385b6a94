"""The answering stages, each alone on hand-built inputs: analysis, typo repair, routing, graph
candidates, verification, rendering, scoring data and lexicons."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from ingest.quantities import quantities, unsupported_quantities
from ingest.records import Passage
from retrieval.answering.analysis import analyse
from retrieval.answering.candidates_graph import entity_candidates, indicator_candidates, list_candidates
from retrieval.answering.lexicon import LEXICON_DIR, lexicon
from retrieval.answering.render import clean, heading_title
from retrieval.answering.routing import Gazetteer, foreign_plan, route
from retrieval.answering.scoring import WEIGHTS
from retrieval.answering.types import Candidate, Citation
from retrieval.answering.typos import Vocabulary, correct
from retrieval.answering.verify import problems
from retrieval.evaluate import question_sets
from retrieval.facts import FactBase
from tests.conftest import ROOT
from tests.retrieval.answering_kb import PLANS, factbase, passages

KB = factbase()


@pytest.mark.parametrize(("question", "kind"), [
    ("常住人口是多少？", "value"), ("有几个重点镇？", "count"), ("村卫生室配备几名医生？", "count"), ("县第二医院有多少张床位？", "value"), ("重点镇有哪些？", "list"),
    ("一心两轴是什么意思？", "definition"), ("东坡镇在哪个位置？", "membership"),
    ("是否建设垃圾焚烧厂？", "yesno"), ("怎么保护耕地？", "overview"),
    ("How many key towns are there?", "count"), ("What is the urbanization rate in 2035?", "value"),
    ("Which towns does the central urban area include?", "list"), ("那几个村要搬迁？", "list"), ("国家级文保单位是哪俩？", "list"),
    ("东坡村属于哪一类村庄？", "membership"), ("村庄分为哪几类？", "list"),
    ("What was the county's farmland retention in the base year 2020?", "value"),
    ("Which areas make up the central urban area?", "list"),  # its own words, not the glossary's 面积
    ("How large is the land area?", "value"),
])
def test_answer_types(question: str, kind: str) -> None:
    assert analyse(question).answer_type == kind


def test_constraints_year_status_level_and_script() -> None:
    f = analyse("到2035年，甲山縣的城鎮化率要達到多少？")
    assert (f.year, f.status, f.script, f.lang) == (2035, "Planned", "traditional", "zh")
    assert "城镇化率" in f.text
    assert analyse("现在常住人口有多少？").status == "Current"
    assert analyse("有哪些国家级森林公园？").level == "国家级"
    e = analyse("How many forest parks are there?")
    assert e.lang == "en" and "森林公园" in e.search_text


def test_typo_repair_only_to_a_term_of_the_plan() -> None:
    vocab = Vocabulary.from_terms(["自来水", "普及率", "生态保护", "中心村"], "自来水普及率 生态保护 中心村")
    assert correct("自来睡普及率多少", vocab)[0] == "自来水普及率多少"
    assert correct("生太保护怎么做", vocab)[1] == (("生太保护", "生态保护"),)
    assert correct("中心材有几个", vocab)[0] == "中心村有几个"  # one slip, same initial
    assert correct("中心林有几个", vocab)[1] == ()  # different initial: not a slip of 中心村
    assert correct("自来水普及率", vocab)[1] == ()  # written right: untouched
    assert correct("几个", vocab)[1] == ()  # question words are never corrected


def test_gazetteer_routes_a_named_county_or_town() -> None:
    g = Gazetteer.build(KB.plans.values(), KB.entities.values())
    served = sorted(KB.plans)
    assert route("乙水县的城镇化率是多少", g, None, served).plans == ("b",)
    assert route("乙水县的城镇化率是多少", g, "a", served).plans == ("b",)  # the named county wins
    assert route("北川镇是重点镇吗", g, None, served).plans == ("b",)
    assert route("城镇化率是多少", g, "a", served).plans == ("a",)  # the page's plan is the default
    ambiguous = route("城镇化率是多少", g, None, served, ["b", "a"])
    assert ambiguous.clarify and ambiguous.plans == ("b", "a")
    assert route("Yishui urbanization rate", g, None, served).plans == ("b",)
    assert foreign_plan("丙河市国土空间总体规划里人口多少", g) == "丙河市"
    assert foreign_plan("甲山县国土空间总体规划里人口多少", g) is None
    assert foreign_plan("甲山中心城区规划了几处公园？", g) is None  # a verb, and a part of a served county
    assert foreign_plan("丙河区的规划里人口多少", g) == "丙河区"
    assert foreign_plan("丙河市规划中人口多少", g) == "丙河市"
    assert foreign_plan("北城区规划打造哪些园区？", g) is None  # 规划 the verb, of a part of the served plan
    assert foreign_plan("物流园区规划放在城区的哪一片？", g) is None
    assert foreign_plan("丙河市的规划怎么说？", g) == "丙河市"
    assert g.is_jurisdiction("乙水县") and g.is_jurisdiction("Yishui")
    assert not g.is_jurisdiction("北川镇")  # a town within a plan: the question's subject, not its plan


def test_a_figure_asked_of_one_indicator_is_not_answered_by_anothers() -> None:
    from retrieval.answering import context_for
    from retrieval.answering.pipeline import gather
    from retrieval.answering.types import Candidate, Citation
    from retrieval.answering.verify import problems

    frame, _hits, _cands = gather("城镇化率到2035年是多少？", context_for(KB), lambda *a, **k: [], "a")
    assert frame.measures == ("城镇化率",)
    p = KB.passages["pa1"]
    people = Candidate("text", "到2035年，常住人口达到35万人。", [Citation(p, "常住人口达到35万人")], "a")
    rate = Candidate("text", "到2035年，城镇化率达到65%。", [Citation(p, "城镇化率达到65%")], "a")
    assert "another figure" in problems(frame, people)
    assert "another figure" not in problems(frame, rate)
    plain, _h, _c = gather("到2035年要达到什么目标？", context_for(KB), lambda *a, **k: [], "a")
    assert plain.measures == ()


def test_a_question_that_asks_two_things_is_split_into_its_parts() -> None:
    from retrieval.answering.pipeline import question_parts

    assert question_parts("自己盖房子最多能盖几层、多高？") == ["自己盖房子最多能盖几层", "自己盖房子最多能盖多高"]
    assert question_parts("重点镇有哪几个，城镇化率到2035年达到多少？") == ["重点镇有哪几个", "城镇化率到2035年达到多少"]
    assert question_parts("城镇化率到2035年达到多少？") == ["城镇化率到2035年达到多少？"]  # one thing asked
    assert question_parts("到2035年，城镇化率达到多少？") == ["到2035年，城镇化率达到多少？"]  # a clause that asks nothing


def test_two_parts_the_plan_states_are_answered_together_where_the_whole_does_not_say_both() -> None:
    from ingest.tokenize import make_tokenizer
    from retrieval.answering.pipeline import Context, both_parts, gather
    from retrieval.answering.types import Answer
    from retrieval.search import Hit

    def search(q: str, k: int, plan: str | None, topic: str = "", depth: int | None = None) -> list[Hit]:
        words = [w for w in re.findall(r"[\u4e00-\u9fff]{2}", q)]
        ps = [p for p in ctx.kb.passages.values() if p.plan == (plan or p.plan)]
        scored = sorted(ps, key=lambda p: -sum(w in p.text for w in words))
        return [Hit(p, 1.0 / (i + 1), i + 1, i + 1, 1.0, 0.5, 0.6) for i, p in enumerate(scored[:k])]

    ctx = Context(factbase(), make_tokenizer())
    q = "重点镇有哪几个，城镇化率到2035年达到多少？"
    frame, _h, _c = gather(q, ctx, search, "a")
    declined = Answer(False, "无法据此回答。", "declined")
    joined = both_parts(declined, frame, ctx, search, "a", 5, (), "zh")
    assert joined.answered and "65%" in joined.text and "东坡镇" in joined.text
    assert {c.passage.id for c in joined.citations} >= {"pa1", "pa2"}
    one = dataclasses.replace(frame, text="城镇化率到2035年达到多少？")
    assert both_parts(declined, one, ctx, search, "a", 5, (), "zh") is declined  # one thing: the whole stands
    half = Answer(True, "城镇化率：2035年65%。", "graph")  # an answer to one of the two parts
    assert both_parts(half, frame, ctx, search, "a", 5, (), "zh").text == joined.text
    whole = Answer(True, joined.text + "另有说明。", "extractive")  # says every part: it stands
    assert both_parts(whole, frame, ctx, search, "a", 5, (), "zh") is whole


def test_a_town_named_on_its_plans_page_stays_the_subject() -> None:
    from retrieval.answering import context_for
    from retrieval.answering.pipeline import gather

    ctx = context_for(KB)
    where = route("东坡镇是重点镇吗", ctx.gazetteer, "a", sorted(KB.plans))
    assert where.named == ("东坡镇",)
    frame, _hits, _cands = gather("东坡镇是重点镇吗", ctx, lambda *a, **k: [], "a", 5, where.named)
    assert "东坡" in frame.topic  # routing named it, but only a jurisdiction's own name leaves the topic
    frame, _hits, _cands = gather("甲山县东坡镇是重点镇吗", ctx, lambda *a, **k: [], "a", 5, ("甲山县", "东坡镇"))
    assert "甲山" not in frame.topic and "东坡" in frame.topic


def test_indicator_candidates_respect_status_and_year() -> None:
    rank = {p.id: i for i, p in enumerate(passages())}
    now = indicator_candidates(analyse("现在常住人口是多少？"), KB, "a", rank)
    fine = [c for c in now if not c.violations]
    assert fine and all("30.5万人" in c.text for c in fine)
    assert all("status" in c.violations for c in now if "35万人" in c.text and "30.5" not in c.text)
    later = indicator_candidates(analyse("到2035年常住人口是多少？"), KB, "a", rank)
    assert any("35万人" in c.text and not c.violations for c in later)


def test_indicator_candidates_stay_in_their_plan() -> None:
    cands = indicator_candidates(analyse("城镇化率是多少？"), KB, "b", {})
    assert cands and all(c.plan == "b" and "58%" in c.text and "65%" not in c.text for c in cands)


def test_an_entity_named_with_an_unsupported_predicate_is_not_answered_with_its_description() -> None:
    frame = analyse("东坡镇的人口是多少？")
    for c in entity_candidates(frame, KB, "a", {}):
        assert problems(frame, c), c.text


def test_a_class_list_is_complete_with_the_plans_count() -> None:
    (c,) = list_candidates(analyse("有哪些重点镇？"), KB, "a", {})
    assert all(t in c.text for t in ("东坡镇", "西岭镇", "南湖镇")) and "北川镇" not in c.text
    assert "3个" in c.text


def test_numbers_are_compared_as_parsed_quantities() -> None:
    source = "建成3处公园，总投资20亿元。"
    assert [q.unit for q in unsupported_quantities("建成5个公园，投资20亿元", source)] == ["个"]
    assert not unsupported_quantities("投资20亿元", source)
    assert unsupported_quantities("投资20万元", source)
    assert [(q.value, q.unit) for q in quantities("达到９５%以上")] == [(95.0, "%")]
    p = passages()[0]
    bad = Candidate("text", "常住人口达到36万人。", [Citation(p, p.text)], "a")
    assert "numbers" in problems(analyse("常住人口是多少？"), bad)


def test_rendered_text_has_no_markup_or_layout_gaps() -> None:
    assert clean("**规划目标**\t小学\t应独立占地") == "规划目标，小学，应独立占地"
    assert clean("城镇  开发\n\n\n边界") == "城镇开发\n边界"
    assert heading_title("6.2 完善公共服务") == "完善公共服务"
    assert heading_title("第三条 规划范围") == "规划范围"
    assert heading_title("1、森林生态修复") == "森林生态修复" and heading_title("（二）措施") == "措施"
    assert heading_title("2035年目标") == "2035年目标"  # a year is no section number


def test_weights_name_the_set_they_were_fitted_on() -> None:
    w = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert "tune split" in w["fitted_on"] and "heldout" not in w["fitted_on"] and w["date"]
    assert 0 < w["answer_threshold"] < 1


@pytest.mark.parametrize("path", sorted(LEXICON_DIR.glob("*.tsv")), ids=lambda p: p.name)
def test_every_lexicon_says_where_its_words_come_from_and_loads(path) -> None:  # type: ignore[no-untyped-def]
    head = path.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# ") and len(head) > 40
    assert lexicon()  # every file parses


def test_no_lexicon_entry_mirrors_a_test_question() -> None:
    sets = question_sets(ROOT / "tests" / "data")
    questions = [re.sub(r"[^\w]", "", q.question.lower()) for qs in sets.values() for q in qs]
    for path in LEXICON_DIR.glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            for cell in line.split("\t"):
                for alt in re.split(r"[|\s]", cell):
                    plain = re.sub(r"[^\w]", "", alt.lower())
                    if len(plain) >= 8:  # a long entry that is most of a question would be fitted to it
                        assert not any(plain in q and len(plain) >= 0.6 * len(q) for q in questions), alt


def test_a_village_the_plan_never_names_is_an_unknown_place() -> None:
    from retrieval.answering.analysis import unknown_places

    corpus = "中心村 基层村 集聚提升类村庄"
    assert unknown_places("王家营村是中心村吗", ("王家", "营村"), lambda n: n in corpus) == ("王家营村",)
    assert unknown_places("属于哪一类村庄", ("一类",), lambda n: n in corpus) == ()  # a category, not a name
    assert unknown_places("中心村有几个", ("中心",), lambda n: n in corpus) == ()  # the plan names it
    assert unknown_places("甲江县丙塘村是不是中心村", ("县丙塘",), lambda n: n in corpus) == ()  # starts at 县
    assert unknown_places("村里还有村小不", ("还有",), lambda n: n in corpus) == ()  # 还有 is no name


def test_a_figure_about_another_subject_is_rejected() -> None:
    from dataclasses import replace

    p = passages()[0]
    frame = replace(analyse("东坡镇常住人口是多少？"), subjects=(("东坡镇", "东坡"),))
    county = Candidate("text", "现状常住人口30.5万人。", [Citation(p, "现状常住人口30.5万人。")], "a")
    assert "subject" in problems(frame, county)


def test_the_scorer_prefers_the_candidate_that_fits_the_frame() -> None:
    from retrieval.answering.scoring import score

    p = passages()[0]
    frame = analyse("到2035年城镇化率是多少？")
    good = Candidate("indicator", "城镇化率达到65%。", [Citation(p, "城镇化率达到65%")], "a",
                     features={"match": 1.0, "cover": 0.6, "rank": 1.0})
    poor = Candidate("text", "现状常住人口30.5万人。", [Citation(p, "现状常住人口30.5万人。")], "a",
                     features={"match": 0.1, "cover": 0.1, "rank": 0.2})
    assert score(frame, [poor, good], [])[0] is good


def test_a_quote_that_states_a_list_answer_carries_its_entities() -> None:
    from retrieval.answering.scoring import corroborate

    (lst,) = list_candidates(analyse("有哪些重点镇？"), KB, "a", {})
    p = next(x for x in passages() if x.id == "pa2")
    quote = Candidate("text", "规划重点镇3个：东坡镇、西岭镇、南湖镇。", [Citation(p, p.text[:20])], "a")
    corroborate([lst, quote])
    assert quote.corroborated and quote.mode == "graph" and {e.label for e in quote.entities} == {
        "东坡镇", "西岭镇", "南湖镇"}


@pytest.mark.parametrize(("topic", "names", "left"), [
    ("平泉 市 县级 文保 单位 处", ["平泉市"], "县级 文保 单位 处"),  # the segmenter split the name from its suffix
    ("甲山县 重点镇", ["甲山县"], "重点镇"),
    ("甲山 的 市场", ["甲山县"], "的 市场"),  # the stem, and 市 here is not the name's suffix
    ("甲山县城 风貌", ["甲山县"], "城 风貌"),  # inside a longer word
    ("甲 山县 养老 床位", ["甲山县"], "养老 床位"),  # the segmenter split the name itself
])
def test_the_jurisdictions_name_leaves_the_topic(topic: str, names: list[str], left: str) -> None:
    from retrieval.answering.pipeline import without_names

    assert without_names(topic, names) == left


def test_an_english_question_asks_for_the_quantity_it_names_not_its_glossary_terms() -> None:
    f = analyse("What are the flood control standards for the town area?")  # the glossary adds 面积
    assert "平方公里" not in f.quantity
    assert "平方公里" in analyse("What is the area of the town?").quantity


def test_a_question_about_one_member_is_not_answered_with_its_class() -> None:
    member = analyse("云峰森林公园有哪些设施？")
    lists = list_candidates(member, KB, "a", {})
    assert lists and all("asks about a member" in problems(member, c) for c in lists)
    whole = analyse("有哪些森林公园？")
    assert not any("asks about a member" in problems(whole, c) for c in list_candidates(whole, KB, "a", {}))
    yes = analyse("云峰森林公园是不是森林公园？")  # whether it is one: the class list answers
    assert not any("asks about a member" in problems(yes, c) for c in list_candidates(yes, KB, "a", {}))


def test_a_which_question_for_other_things_is_not_answered_with_the_class_it_names() -> None:
    for q in ("森林公园要配哪些设施？", "Which facilities should forest parks have?"):
        frame = analyse(q)
        lists = list_candidates(frame, KB, "a", {})
        assert lists and all("asks for other things" in problems(frame, c) for c in lists), q
    for q in ("有哪些森林公园？", "森林公园有哪些类型？", "Which forest parks does the county have?", "重点镇是哪几个镇？"):
        frame = analyse(q)
        lists = list_candidates(frame, KB, "a", {})
        assert lists and not any("asks for other things" in problems(frame, c) for c in lists), q
    from retrieval.answering.candidates_graph import asked_noun

    assert asked_noun(analyse("森林公园要配哪些设施的？")) == "设施"
    assert asked_noun(analyse("中心城区包括哪些镇的范围？")) is None  # 镇, not 镇的范围 (the noun stops at 的)


def test_what_a_resident_pays_is_out_of_scope_but_what_a_project_costs_is_not() -> None:
    assert analyse("今年暖气费每平米多少钱？").out_of_scope
    assert analyse("景区门票多少钱？").out_of_scope
    assert analyse("祠堂修缮要花多少钱？").out_of_scope is None  # a village plan's project table states it


def test_a_section_whose_parts_the_top_hits_come_from_is_offered_as_an_outline() -> None:
    from retrieval.answering.candidates_text import outline_candidates
    from retrieval.search import Hit

    parts = [Passage(f"r{i}", "a", "4.4", "4.4", h, ("修复", "4.4 推进生态系统修复", h), f"{h}的措施。", 0, 6)
             for i, h in enumerate(("1、森林生态修复", "2、矿山生态修复", "3、土壤环境修复"))]
    kb = FactBase([], parts, PLANS)
    hits = [Hit(p, 1.0, 1, 1, 1.0, 0.1, 0.3) for p in parts[:2]]
    frame = analyse("从哪几个方面治理受损的环境？")  # in other words than the section's title
    (outline,) = outline_candidates(frame, kb, hits)
    assert outline.text == "推进生态系统修复包括：森林生态修复；矿山生态修复；土壤环境修复。"
    assert outline_candidates(frame, kb, hits[:1]) == []  # one part retrieved: no sign the question asks for all
    assert outline.violations == ()
    (other,) = outline_candidates(analyse("生态修复要建哪些设施？"), kb, hits)  # asks for facilities, not the parts
    assert other.violations == ("asks for other things",)
    (same,) = outline_candidates(analyse("生态系统修复分哪几类修复？"), kb, hits)  # the parts are kinds of 修复
    assert same.violations == ()


def test_an_english_question_names_a_class_by_its_genre_terms() -> None:
    lists = list_candidates(analyse("Which forest parks are there?"), KB, "a", {})
    assert lists and "云峰森林公园" in lists[0].text


def test_a_list_question_prefers_the_whole_enumeration_on_a_tie() -> None:
    from retrieval.answering.candidates_text import text_candidates
    from retrieval.search import Hit

    items = "".join(f"\n- {n}（县级文物保护单位）" for n in ("甲桥遗址", "乙村戏楼", "丙氏宗祠", "丁家石桥"))
    text = ("全镇共有省级文物保护单位1处、县级文物保护单位4处：" + items
            + "\n文物保护单位保护范围内不得进行其他建设工程，建设控制地带内新建建筑的高度、体量和色彩应与文物环境相协调。")
    p = Passage("e1", "a", "9.1", "9.1", "9.1 文物保护单位", ("历史文化", "9.1 文物保护单位"), text, 0, len(text))
    hit = Hit(p, 1.0, 1, 1, 1.0, 0.5, 0.5)
    listed = text_candidates(analyse("有哪些文物保护单位？"), [hit])
    assert any(all(x in c.text for x in ("甲桥", "乙村", "丙氏", "丁家")) for c in listed)


def test_when_no_passage_holds_a_word_of_the_question_the_nearest_text_does_not_answer() -> None:
    from retrieval.answering.pipeline import grounded
    from retrieval.search import Hit

    p = passages()[0]
    quote = Candidate("text", "现状常住人口30.5万人。", [Citation(p, "现状常住人口30.5万人。")], "a",
                      features={"idf_match": 0.0})
    named = Candidate("text", "常住人口达到35万人。", [Citation(p, "常住人口达到35万人。")], "a",
                      features={"idf_match": 0.5})
    dense_only = [Hit(p, 1.0, None, 1, 0.0, 0.0, 0.6)]
    assert grounded([quote, named], dense_only) == [named]
    both = [Hit(p, 1.0, 1, 1, 3.0, 0.5, 0.6)]
    assert grounded([quote, named], both) == [quote, named]  # BM25 found the question's words


def test_a_slip_that_broke_the_words_around_it_is_repaired_but_not_a_slip_across_whole_words() -> None:
    from ingest.tokenize import make_tokenizer

    tok = make_tokenizer()
    vocab = Vocabulary.from_terms(["名片", "灾害", "基期", "八十", "各组"], "四大名片 灾害 基期 八十 各组")
    assert correct("甲县的四大明片是什么", vocab, tok)[1] == (("明片", "名片"),)  # 四|大明|片 → 四大|名片
    assert correct("在孩子上学的地方", vocab, tok)[1] == ()  # 在|孩子 is two words, no slip of 灾害
    assert correct("会有小飞机起降的机场吗", vocab, tok)[1] == ()  # 飞机|起降: no slip of 基期
    assert correct("把时间拉到本世纪中叶", vocab, tok)[1] == ()  # 把|时间: no slip of 八十
    assert correct("停车场建在哪个组", vocab, tok)[1] == ()  # 哪个|组 → 哪|各组 leaves as many lone characters


def test_a_passage_heading_counts_towards_the_plans_idf() -> None:
    """A one-line definition under its own heading (``甲型`` over ``…的村庄``): the heading's words are
    the passage's, so a question using them weighs them (they would weigh nothing otherwise)."""
    from ingest.records import Passage
    from ingest.tokenize import make_tokenizer
    from retrieval.answering.pipeline import Context
    from retrieval.facts import FactBase
    from tests.retrieval.answering_kb import PLANS

    text = "生态敏感性强、人口流失严重的村庄"
    ps = [Passage("d1", "a", "5.3", "5.3", "搬迁撤并型", ("5.3 村庄分类", "搬迁撤并型"), text, 0, len(text)),
          Passage("d2", "a", "5.3", "5.3", "城郊融合型", ("5.3 村庄分类", "城郊融合型"), "城市与乡村结合部的村庄", 0, 11)]
    ctx = Context(FactBase([], ps, PLANS), make_tokenizer())
    idf = ctx.idf("a")
    assert "搬迁" in idf and "撤并" in idf
    assert idf["搬迁"] > idf["村庄"]  # in one passage's heading, against every passage's text


def test_a_one_line_definition_is_quoted_with_the_term_it_defines() -> None:
    from retrieval.answering.candidates_text import text_candidates
    from retrieval.search import Hit

    text = "城市与乡村结合部的村庄。"
    defined = Passage("d", "a", "5.3", "5.3", "城郊融合型", ("5.3 村庄分类", "城郊融合型"), text, 0, len(text))
    (c, *_) = text_candidates(analyse("城乡结合部的村子算哪一类？"), [Hit(defined, 1.0, 1, 1, 3.0, 0.5, 0.6)])
    assert c.text == "城郊融合型：城市与乡村结合部的村庄。" and c.citations[0].quote == text  # the quote stays verbatim
    numbered = Passage("n", "a", "5.3", "5.3", "5.3 分类推进乡村振兴", ("5.3 分类推进乡村振兴",), text, 0, len(text))
    (c, *_) = text_candidates(analyse("城乡结合部的村子算哪一类？"), [Hit(numbered, 1.0, 1, 1, 3.0, 0.5, 0.6)])
    assert c.text == text  # a numbered section's title is no term
    names = "甲村、乙村、丙村。"
    listed = Passage("l", "a", "4.1", "4.1", "集聚提升类（3个）", ("4.1 村庄分类", "集聚提升类（3个）"), names, 0, len(names))
    (c, *_) = text_candidates(analyse("乙村属于哪一类村庄？"), [Hit(listed, 1.0, 1, 1, 3.0, 0.5, 0.6)])
    assert c.text == "集聚提升类（3个）：甲村、乙村、丙村。"  # the names listed under a class say their class
