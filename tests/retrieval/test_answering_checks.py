"""Verification and analysis checks added for held-out failure classes (each with a negative): table
figures, year-only sentences, 城镇 vs 农村 figures, years read from the passage, residents' words, the
number as the plan writes it, and the one sentence splitter shared with ingest."""

from __future__ import annotations

from ingest.extract_text import sentence_bounds
from ingest.records import Fact, Passage, Ref
from retrieval.answering.analysis import analyse
from retrieval.answering.candidates_graph import indicator_candidates, indicator_sentence
from retrieval.answering.candidates_text import text_candidates, text_violations
from retrieval.answering.lexicon import lexicon
from retrieval.answering.types import Candidate, Citation
from retrieval.answering.typos import Vocabulary
from retrieval.answering.verify import located_by_heading, problems, states_number
from retrieval.facts import FactBase
from retrieval.search import Hit
from retrieval.text import spans
from tests.retrieval.answering_kb import PLANS

TABLE = ("| 序号 | 指标名称 | 单位 | 基期年(2020) | 2025年 | 2035年 |\n|---|---|---|---|---|---|\n"
         "| 1 | 耕地保有量 | 万亩 | 52.36 | ≥51.80 | ≥51.80 |\n| 2 | 用水总量 | 亿立方米 | 0.86 | ≤0.95 | ≤1.02 |")


def _table_kb() -> FactBase:
    p = Passage("t1", "a", "2.2", "2.2", "2.2 主要指标", ("指标", "2.2 主要指标"), TABLE, 0, len(TABLE))
    row = TABLE.splitlines()[2]
    start = TABLE.index(row)
    f = Fact("Indicator", "耕地保有量-2035", "耕地保有量", "t1", row, start, start + len(row),
             (("subject", "耕地保有量"), ("value", 51.8), ("unit", "万亩"), ("comparator", "≥"),
              ("status", Ref("Concept", "Planned")), ("targetYear", 2035)))
    return FactBase([f], [p], PLANS)


def _one_passage_kb(facts: list[Fact], pid: str, section: str, heading: str, text: str) -> FactBase:
    """A fact base of ``facts`` over one passage ``text`` under section ``section`` titled ``heading``."""
    p = Passage(pid, "a", section, section, f"{section} {heading}", (heading,), text, 0, len(text))
    return FactBase(facts, [p], PLANS)


def _quoted(text: str, source: str = "text", heading: str = "1 规划") -> Candidate:
    """A candidate that quotes the whole of a one-passage text."""
    p = Passage("p", "a", "1", "1", heading, (heading.split()[-1],), text, 0, len(text))
    return Candidate(source, text, [Citation(p, text)], "a")


def test_a_figure_from_a_table_row_is_verified_against_the_row_and_said_as_written() -> None:
    kb = _table_kb()
    frame = analyse("到2035年耕地保有量是多少？")
    (c,) = indicator_candidates(frame, kb, "a", {"t1": 0})
    assert "≥51.80万亩" in c.text  # the plan's 51.80, not 51.8
    assert not problems(frame, c)
    wrong = Candidate("indicator", "耕地保有量：2035年≥53.1万亩。", c.citations, "a", c.entities)
    assert "numbers" in problems(frame, wrong)
    assert indicator_sentence(c.entities[0]).startswith("耕地保有量：2035年")


def test_an_english_question_reaches_an_indicator_through_its_genre_terms() -> None:
    frame = analyse("What is the cultivated land to be kept by 2035?")
    assert "耕地" in frame.search_text
    assert indicator_candidates(frame, _table_kb(), "a", {"t1": 0})


def test_a_sentence_that_states_only_years_does_not_answer_a_value_question() -> None:
    assert not states_number("规划期限为2021年至2035年，基期年为2020年。")
    assert not states_number("序号，指标名称，单位，基期年(2020)，2025年，2035年")
    assert states_number("到2035年森林覆盖率达到65%。") and states_number("建成三处公园")
    period = _quoted("规划期限为2021年至2035年。")
    assert "no number" in problems(analyse("到2035年耕地保有量是多少？"), period)


def test_a_town_figure_does_not_answer_a_village_question() -> None:
    c = _quoted("城镇集中供水普及率达到100%。")
    assert "scope" in problems(analyse("农村自来水普及率能达到多少？"), c)
    assert "scope" not in problems(analyse("城镇供水普及率能达到多少？"), c)


def test_a_window_without_a_year_is_read_in_its_passage() -> None:
    passage = "到2035年，全面建成生态县。\n森林覆盖率达到65%以上。"
    assert "year" in text_violations(analyse("2025年森林覆盖率要达到多少？"), "森林覆盖率达到65%以上。", passage)
    assert "year" not in text_violations(analyse("2035年森林覆盖率要达到多少？"), "森林覆盖率达到65%以上。", passage)
    assert "year" not in text_violations(analyse("森林覆盖率要达到多少？"), "森林覆盖率达到65%以上。", passage)


def test_residents_words_reach_the_plans_terms_only_where_the_plan_uses_them() -> None:
    assert "村庄" in lexicon().plan_terms("村子分成几类？")
    assert lexicon().plan_terms("村庄分成几类？") == []  # the plan's own word needs nothing
    assert "国土面积" in lexicon().plan_terms("全县的土地总共有多大？")  # the whole jurisdiction's size
    assert "国土面积" not in lexicon().plan_terms("森林公园有多大？")
    assert "十五分钟" in lexicon().plan_terms("走一刻钟能到的地方配了什么？")  # a quarter of an hour
    assert "床位" in lexicon().plan_terms("卫生院有多少张病床？")
    assert "总体格局" in lexicon().plan_terms("全县的大布局是怎么安排的？")
    assert "镇村体系" in lexicon().plan_terms("从城区到村子一共分几级？")
    assert "文物保护单位" in lexicon().plan_terms("有几处国家级文保单位？")  # the everyday short form
    assert "搬迁撤并" in lexicon().plan_terms("什么样的村子要搬走合并？")
    assert "中心村" in lexicon().plan_terms("镇里哪几个村是带动周边的核心村？")
    assert "中学" in lexicon().plan_terms("还要新建哪所高中？")
    assert "蓝线" in lexicon().plan_terms("盖房离河道管理线要退多远？")
    assert "生态修复" in lexicon().plan_terms("开山挖矿留下的坑怎么办？")  # written from the genre, not from questions
    assert "城中村" in lexicon().plan_terms("城里头的村子要改造吗？")
    assert "供水" in lexicon().plan_terms("家里水龙头的水从哪来？") and "边界" in lexicon().plan_terms("那条界线怎么划？")
    uses = Vocabulary.from_terms(["村庄"], "村庄分为五类")
    assert "村庄" in analyse("村子分成几类？", uses).search_text
    lacks = Vocabulary.from_terms(["乡镇"], "乡镇分为三类")
    assert "村庄" not in analyse("村子分成几类？", lacks).search_text


def test_ingest_and_answering_split_sentences_alike() -> None:
    text = "  一、总体要求：\n坚持底线。严守红线；优化布局！\n\n第二句"
    kept = sentence_bounds(text, keep_end=True)
    assert [text[a:b] for a, b in kept] == ["一、总体要求：", "坚持底线。", "严守红线；", "优化布局！", "第二句"]
    assert [text[a:b] for a, b in sentence_bounds(text)] == ["一、总体要求：", "坚持底线", "严守红线", "优化布局", "第二句"]
    # answering joins a lead-in and very short pieces to the next sentence
    assert [text[a:b] for a, b in spans(text)] == ["一、总体要求：\n坚持底线。", "严守红线；优化布局！", "第二句"]


def test_a_count_of_one_thing_is_not_answered_with_a_count_of_another() -> None:
    from retrieval.answering.verify import counted

    assert counted("有多少项省级非物质文化遗产？") == "遗产"
    assert counted("一共有几个镇几个乡？") is None and counted("村庄分成了几种？") is None
    c = _quoted("严格保护6处省级文物保护单位。")
    assert "counts something else" in problems(analyse("有多少项省级非物质文化遗产？"), c)
    assert "counts something else" not in problems(analyse("有几处省级文物保护单位？"), c)


def test_whether_x_is_a_y_is_not_answered_by_a_list_without_x() -> None:
    from dataclasses import replace

    c = _quoted("规划重点镇3个：东坡镇、西岭镇、南湖镇。", "list")
    asked = replace(analyse("北川镇是重点镇吗？"), subjects=(("北川镇", "北川"),))
    assert "subject not stated" in problems(asked, c)
    listed = replace(analyse("西岭镇是重点镇吗？"), subjects=(("西岭镇", "西岭"),))
    assert "subject not stated" not in problems(listed, c)


def test_a_count_is_a_number_of_the_thing_in_the_measure_asked() -> None:
    from retrieval.answering.verify import counts, states_measure

    assert counts("护区", "全市有1个省级自然保护区。") and counts("点镇", "重点镇4个。")
    assert not counts("护区", "辽河源省级自然保护区\n6个自然公园。")
    assert not counts("电站", "规划进一步完善变电站布局。")  # 一 inside a word is no count
    assert counts("电站", "新建110千伏变电站两座。") and counts("护地", "全县共有自然保护地五处。")
    assert states_measure("镇村体系分几级？", "形成五级体系。") and not states_measure("镇村体系分几级？", "共148个。")
    assert states_measure("村庄分成了几种？", "形成5类村庄。") and states_measure("有几个重点镇？", "重点镇4个。")


def test_a_figure_under_a_heading_that_names_the_subject_is_about_it() -> None:
    from dataclasses import replace

    frame = replace(analyse("中心城区规划了多少处街头游园？"), subjects=(("中心城区",),))
    under = _quoted("规划山地公园4个，规划街头游园17处。", heading="5.3 中心城区绿地系统")
    elsewhere = _quoted("规划山地公园4个，规划街头游园17处。", heading="5.3 乡村绿地")
    assert "subject" not in problems(frame, under)
    assert "subject" in problems(frame, elsewhere)
    # the urban area asked about, a section about the city under a chapter that does not name it
    text = "规划山地公园4个，规划街头游园17处。"
    city = Passage("p", "a", "6.3", "6.3", "公园点缀", ("打造宜居家园", "6.3 城市风貌管控", "公园点缀"), text, 0, len(text))
    village = Passage("p", "a", "6.3", "6.3", "公园点缀", ("打造宜居城市", "6.3 乡村风貌", "公园点缀"), text, 0, len(text))
    assert "subject" not in problems(frame, Candidate("text", text, [Citation(city, text)], "a"))
    assert "subject" in problems(frame, Candidate("text", text, [Citation(village, text)], "a"))
    town = replace(frame, subjects=(("七沟镇",),))  # not the urban area: the city section does not speak of it
    assert "subject" in problems(town, Candidate("text", text, [Citation(city, text)], "a"))


def test_a_plans_own_jurisdiction_is_the_innermost_unit_of_its_title() -> None:
    from retrieval.facts import place_names, title_units

    assert title_units("甲江县乙坪镇丙塘村村庄规划（2021—2035年）") == ["甲江县", "乙坪镇", "丙塘村"]
    assert place_names("甲江县乙坪镇丙塘村村庄规划（2021—2035年）") == {"丙塘村", "丙塘"}
    assert place_names("甲安县丁湾镇国土空间总体规划（2021—2035年）") == {"丁湾镇", "丁湾"}
    assert place_names("甲山县国土空间总体规划") == {"甲山县", "甲山"}
    assert title_units("新乡市国土空间总体规划") == ["新乡市"]  # a suffix character inside the name


def test_a_size_question_is_answered_by_a_capacity_and_area_needs_an_area_unit() -> None:
    size = analyse("污水处理厂要扩到多大？")
    plant = _quoted("现状污水处理厂规模0.3万立方米/日，规划扩建至0.8万立方米/日。")
    assert "quantity kind" not in problems(size, plant)
    area = analyse("城镇开发边界面积是多少？")
    assert "quantity kind" in problems(area, plant)
    assert "quantity kind" not in problems(analyse("Is the park part of the protected area system?"),
                                           _quoted("自然保护地体系包括6个森林公园。"))
    districts = analyse("What are the two districts of the central urban area of Jia County?")
    assert districts.answer_type == "list" and not districts.quantity  # urban area is a term, not a size
    assert analyse("What is the area of the central urban area?").quantity  # the first is a size
    land = analyse("2035年村庄建设用地规模控制在多少？")  # a land quota is an area, not a capacity
    assert "quantity kind" not in problems(land, _quoted("村庄建设用地规模：2035年≤8.30平方公里。"))
    assert "quantity kind" in problems(land, plant)
    assert land.scope == "Rural"
    assert "scope" in problems(land, _quoted("规划至2035年，城镇建设用地2.86平方公里。"))


def test_a_phrase_that_starts_with_a_place_suffix_or_has_a_verb_is_no_place_name() -> None:
    from retrieval.answering.analysis import unknown_places

    assert unknown_places("有哪几个村要整村迁出去", ("村要", "整村"), lambda n: False) == ()
    named = {"桂塘村"}
    assert unknown_places("咱桂塘村有几个组", ("咱桂",), named.__contains__) == ()  # 咱 + a village it names
    assert unknown_places("咱石坳村有几个组", ("咱石",), named.__contains__) == ("石坳村",)


def test_what_a_count_counts_after_a_modifier_in_a_measure_or_by_its_settlement_noun() -> None:
    from retrieval.answering.verify import counted, counts

    assert counted("城区周边规划建几个依山而建的公园？") == "公园"  # the noun after 的
    assert counted("村庄分成了几种类型？") is None  # the noun is a measure: said as 5类
    assert counted("主要针对几类地块？") is None  # counted in classes: said as 6种
    assert counts("乡镇", "市域所辖15个镇和4个乡") and counts("大村", "布局80个中心村")
    assert not counts("公园", "规划街头游园17处。") and not counts("乡镇", "共有148个基层村")
    assert counts("层村", "中心村下属的基层村。共148个。") and not counts("点镇", "重点镇。全县148个村")


def test_the_plan_period_answers_only_a_question_about_the_period() -> None:
    period = _quoted("国土面积1436.8平方公里。规划期限：2021年至2035年。")
    assert "plan period" in problems(analyse("到2035年全县要建成什么样？"), period)
    assert "plan period" not in problems(analyse("规划期限是哪一年到哪一年？"), period)
    assert "plan period" not in problems(analyse("到2035年全县要建成什么样？"), _quoted("到2035年，全面建成生态强县。"))


def test_in_a_few_years_is_no_question_for_a_date_and_a_vision_is_no_question_for_the_period() -> None:
    assert "月" not in analyse("再过几年到2025年，要达到啥目标？").quantity
    assert "月" in analyse("这条铁路哪一年建成？").quantity
    period = _quoted("规划期限：2021年至2035年。近期至2025年，远景展望至2050年。")
    assert "plan period" in problems(analyse("到2025年要达到啥目标？"), period)


def test_a_current_figure_is_not_answered_with_a_planned_one() -> None:
    planned = "镇卫生院（规划床位80张），区域养老服务中心1处。"
    assert "status" in text_violations(analyse("镇卫生院现在有多少张床位？"), planned)
    assert "status" not in text_violations(analyse("镇卫生院规划多少张床位？"), planned)
    assert "status" not in text_violations(analyse("现在有多少地质灾害隐患点？"), "全镇现有地质灾害隐患点9处。")


def test_a_heritage_count_does_not_say_which_item_it_is() -> None:
    from retrieval.answering.candidates_graph import list_candidates

    facts = [Fact("HeritageFigure", "国家级非物质文化遗产", "国家级非物质文化遗产", "h1", "1项国家级非物质文化遗产",
                  0, 12, (("count", 1), ("level", "国家级")))]
    text = "1项国家级非物质文化遗产。"
    kb = _one_passage_kb(facts, "h1", "5.5", "历史文化", text)
    which = analyse("那项国家级非物质文化遗产是什么？")
    assert all("a count, not the names" in problems(which, c) for c in list_candidates(which, kb, "a", {}))
    many = analyse("有几项国家级非物质文化遗产？")
    assert not any("a count, not the names" in problems(many, c) for c in list_candidates(many, kb, "a", {}))
    one = analyse("国家级非物质文化遗产是哪一项？")  # which one, asked after the noun
    assert "a count, not the names" in problems(one, _quoted(text))
    assert "a count, not the names" in problems(one, Candidate("entity", "1项国家级非物质文化遗产：级别：国家级。",
                                                              _quoted(text).citations, "a"))
    named = _quoted("国家级非物质文化遗产1项（契丹民俗）。")
    assert "a count, not the names" not in problems(one, named)


def test_the_names_of_other_things_do_not_answer_which_one_it_is() -> None:
    heritage = analyse("那处国家级文物保护单位叫什么？")
    parks = _quoted("全县自然保护地包括1个省级自然保护区和2个森林公园：\n甲山省级自然保护区\n乙坪国家级森林公园。")
    assert "not the things asked" in problems(heritage, parks)  # 保护 alone is not a 文物保护单位
    sites = _quoted("国家级文物保护单位为甲坑古采石场遗址；省级文物保护单位8处。")
    assert "not the things asked" not in problems(heritage, sites)
    projects = analyse("要启动建设的是哪两个交通项目？")  # 项目: a way of asking what sort of 交通 thing
    roads = _quoted("遵小铁路、赤曹高速启动建设，加强赤峰到曹妃甸的交通运输。")
    assert "not the things asked" not in problems(projects, roads)


def test_a_walking_distance_class_is_its_minute_figure() -> None:
    ten = analyse("走十分钟能到的生活圈里配些啥设施？")
    circles = _quoted("十五分钟生活圈：中学、卫生服务中心。\n五分钟生活圈：幼儿园、公共厕所。")
    assert "another kind" in problems(ten, circles)  # 十五分钟 holds 五分钟 but not 十分钟
    assert "another kind" not in problems(ten, _quoted("10分钟生活圈：小学、菜市场。"))
    assert "another kind" not in problems(analyse("五分钟生活圈里有什么？"), circles)


def test_the_level_of_a_thing_listed_without_one_is_not_stated() -> None:
    sites = _quoted("保护甲氏宗祠（县级文物保护单位）、观音阁、古井和石板古道1.2公里。")
    assert "no level for it" in problems(analyse("观音阁是什么级别的文物保护单位？"), sites)
    assert "no level for it" not in problems(analyse("甲氏宗祠是什么级别的文物保护单位？"), sites)
    intro = _quoted("村内现有甲氏宗祠、观音阁等历史遗存。")
    assert "no level for it" in problems(analyse("观音阁是什么级别的？"), intro)
    parks = _quoted("省级森林公园：\n乙山森林公园\n丙湖森林公园")  # a level said of the whole list
    assert "no level for it" not in problems(analyse("乙山森林公园是什么级别的？"), parks)
    assert "no level for it" not in problems(analyse("菜市场属于哪一级生活圈？"), _quoted("菜市场：配置于十分钟生活圈。"))


def test_a_figure_for_a_village_group_needs_that_group() -> None:
    village = _quoted("2020年末，甲村户籍人口2136人、586户，常住人口1524人。")
    assert "subject" in problems(analyse("甲村新屋组有多少人？"), village)
    assert "subject" not in problems(analyse("甲村有多少人？"), village)
    assert "subject" not in problems(analyse("村里哪个组的人最多？有多少人？"), village)  # no group named
    assert "subject" not in problems(analyse("新屋组有多少人？"), _quoted("新屋组现有人口210人。"))


def test_a_bare_class_word_names_the_class_only_unqualified() -> None:
    from retrieval.answering.candidates_graph import class_cue

    assert class_cue("平泉的定位是什么？") is not None
    assert class_cue("城市定位是什么？") is not None
    assert class_cue("定位是什么？") is not None
    assert class_cue("城市风貌的总体定位是怎么描述的？") is None  # the townscape's, not the city's
    assert class_cue("三个片区各自定位是什么？") is None


def test_what_a_year_will_be_like_is_not_answered_by_the_plan_period_but_by_its_heading() -> None:
    period = _quoted("规划期限：2021年至2035年。其中，近期至2025年，远景展望至2050年。")
    like = analyse("2050年的远景展望是什么样子？")
    assert "plan period" in problems(like, period)
    assert "plan period" not in problems(analyse("远景展望到哪一年？"), period)
    vision = text_candidates(like, [Hit(Passage("v", "a", "1.2", "1.2", "2050年展望", ("1.2 规划目标", "2050年展望"),
                                                "全面建成精品城市。幸福指数达到国内领先水平。", 0, 22), 1.0, 1, 1, 1.0, 0.5, 0.5)])
    assert vision and all(c.features["year"] == 1.0 for c in vision)  # its heading states the year
    assert "国内领先水平" in vision[0].text and "精品城市" in vision[0].text  # an overview: the whole statement
    value = text_candidates(analyse("幸福指数要达到多少？"), [Hit(vision[0].citations[0].passage, 1.0, 1, 1, 1.0,
                                                                 0.5, 0.5)])
    assert "精品城市" not in value[0].text  # a value question: the sentence that states it


def test_weather_prices_school_districts_and_bus_times_are_out_of_scope() -> None:
    for q in ("明天會下雨嗎？", "县城商品房现在均价多少？", "中心小学的学区是怎么划分的？", "平泉哪家医院看病最好？",
              "What time does the first bus leave?"):
        assert analyse(q).out_of_scope, q
    assert analyse("下大雨时城区会不会内涝？").out_of_scope is None
    for q in ("镇上去市里的公交多久一班？", "苹果收购价今年多少？", "在镇上买套二层的房子贵不贵？", "厂里一个月工钱多少？",
              "Will it snow in winter?", "What is the minimum wage?", "一斤香菇现在卖多少钱？"):
        assert analyse(q).out_of_scope, q
    for q in ("What will the rainwater system be?", "雨水管网怎么建设？", "近期重点项目总投资多少万元？"):
        assert analyse(q).out_of_scope is None, q


def test_which_items_a_count_points_at_is_not_answered_by_the_count() -> None:
    which = analyse("那项国家级非物质文化遗产具体是什么？")
    count = _quoted("加强1项国家级非物质文化遗产、7项省级非物质文化遗产的传承与保护工作。")
    named = _quoted("其中国家级1项（砚台制作技艺）、省级5项。")
    assert "a count, not the names" in problems(which, count)
    assert "a count, not the names" not in problems(which, named)
    assert "a count, not the names" not in problems(analyse("有几项国家级非物质文化遗产？"), count)


def test_which_or_where_counted_items_are_is_not_answered_by_their_count() -> None:
    parks = _quoted("规划山地公园4个，市级城市公园6处，规划街头游园17处。")
    where = analyse("规划的6处市级城市公园分别建在哪里？")
    assert "a count, not the names" in problems(where, parks)
    named = _quoted("规划市级城市公园6处：滨河公园、北山公园、南山公园、东湖公园、西园和龙潭公园。")
    assert "a count, not the names" not in problems(where, named)
    assert "a count, not the names" not in problems(analyse("规划了几处市级城市公园？"), parks)
    assert "a count, not the names" in problems(analyse("What are the names of the four mountain parks?"), parks)
    # one item named in brackets does not name five; the resident's 非遗 is the plan's 非物质文化遗产
    one = _quoted("全县共有非物质文化遗产代表性项目26项，其中国家级1项（砚台制作技艺）、省级5项、市级20项。")
    assert "a count, not the names" in problems(analyse("那5项省级非遗分别是什么？"), one)
    assert "a count, not the names" not in problems(analyse("那项国家级非遗是什么？"), one)


def test_names_are_counted_in_enumerations_brackets_and_list_lines_not_in_counts() -> None:
    from retrieval.answering.verify import names_listed

    assert names_listed("严格保护4处国家级文物保护单位、11处省级文物保护单位和307处市县级保护单位。") == 0
    assert names_listed("中心村：至规划期末，布局80个中心村。") == 0
    assert names_listed("重点镇4个：甲沟镇、乙坝镇、丙岭镇") == 3
    assert names_listed("6个自然公园\n石湖森林公园\n清河森林公园") == 2
    assert names_listed("国家级文物保护单位为甲坑古采石场遗址和乙渡古码头；省级文物保护单位8处。") == 2
    assert names_listed("10项列为市级非物质文化遗产的传承与保护工作。") == 0  # 列为 a class, not names


def test_a_current_figure_then_the_planned_one_answers_a_planned_question() -> None:
    later = analyse("镇区污水处理厂以后规模多大？")
    assert later.status == "Planned"
    both = "现状镇区污水处理厂规模0.3万立方米/日，规划扩建至0.8万立方米/日。"
    assert "status" not in text_violations(later, both)
    assert "status" in text_violations(later, "现状镇区污水处理厂规模0.3万立方米/日。")
    assert "status" in text_violations(later, "现状概况：常住人口39.94万人。其中，近期至2025年，远景展望至2050年。")


def test_typo_repair_never_changes_an_administrative_word_or_a_grammar_character() -> None:
    from retrieval.answering.typos import correct

    vocab = Vocabulary.from_terms(["现有", "村庄"], "现有文物保护单位2处。村庄分为五类。")
    assert correct("咱们县有几处文物保护单位", vocab)[1] == ()  # 县有 is 县 + 有, not a slip of 现有
    assert correct("村装分为几类", vocab)[0] == "村庄分为几类"  # a slip beside 村 is still repaired
    rails = Vocabulary.from_terms(["轨道"], "发展轨道交通。")
    assert correct("规划把它归到哪一类", rails)[1] == ()  # 归 + 到 (grammar), not a slip of 轨道
    assert correct("鬼道交通怎么发展", rails)[0] == "轨道交通怎么发展"  # a slip of a content character
    protected = Vocabulary.from_terms(["保护地"], "自然保护地体系。")
    assert correct("挂牌保护的古树有多少", protected)[1] == ()  # 的 is grammar, not a slip of 地


def test_a_date_question_is_answered_by_a_date_said_of_the_thing_asked() -> None:
    projects = "近期（至2025年）重点实施水厂扩建、污水处理厂扩建、堤防加固等项目。"
    when = analyse("卫生院扩建什么时候完工？")
    c = _quoted(projects)
    c.features["key_match"] = 0.0  # the question's rarest word (卫生院) is not in the quote
    assert "no date for it" in problems(when, c)
    c.features["key_match"] = 1.0
    assert "no date for it" not in problems(analyse("水厂扩建什么时候完工？"), c)
    assert "no date for it" in problems(analyse("水厂扩建什么时候完工？"), _quoted("规划扩建水厂，规模1.2万立方米/日。"))


def test_a_place_question_is_answered_by_a_place() -> None:
    school = _quoted("规划新建县第二人民医院，床位500张；新建县第三高级中学一所。")
    assert "no place for it" in problems(analyse("县第三高级中学建在哪个位置？"), school)
    assert "no place for it" not in problems(analyse("县第三高级中学建在哪个位置？"),
                                             _quoted("县第三高级中学选址于县城北部新区。"))
    row = _quoted("幼儿园，新屋组，3个班，新建。")
    assert "no place for it" not in problems(analyse("幼儿园建在哪个组？"), row)
    assert "no place for it" in problems(analyse("停车场建在哪个组？"), _quoted("组级道路宽度不小于3.5米。规划新建停车场2处。"))
    sites = _quoted("规划应急避难场所3处：中学操场、镇文化广场、东庄村广场。")
    assert "no place for it" not in problems(analyse("规划了几处应急避难场所？在哪里？"), sites)
    assert "no place for it" not in problems(analyse("县第三高级中学有多少个班？"), school)
    # other ways of asking where: 分布在…哪些地方, 放在哪个组
    lines = _quoted("严格落实耕地和永久基本农田、生态保护红线、城镇开发边界三条控制线。")
    assert "no place for it" in problems(analyse("生态保护红线主要分布在县里哪些地方？"), lines)
    assert "no place for it" in problems(analyse("新建的停车场具体放在哪个组？"), _quoted("规划新建停车场2处，共60个车位。"))
    # a town said with 在 is a place: 规划在甲坪镇预留通用机场
    airport = _quoted("通用航空：规划在甲坪镇预留A1级通用机场一处。")
    assert "no place for it" not in problems(analyse("通用机场打算放在哪儿？"), airport)
    assert "no place for it" in problems(analyse("通用机场打算放在哪儿？"), _quoted("通用航空：规划预留A1级通用机场一处。"))


def test_a_place_heading_says_where_its_text_is_and_the_answer_names_it() -> None:
    park = _quoted("发展物流商贸产业，打造甲物流园区。", heading="6.2 北城区：科技创新区")
    where = analyse("甲物流园区规划放在城区的哪一片？")
    assert "no place for it" not in problems(where, park)
    assert located_by_heading(where, park) == "北城区"  # the heading's place, not its role (科技创新区)
    assert located_by_heading(analyse("甲物流园区发展什么产业？"), park) is None  # not asked where
    plain = _quoted("发展物流商贸产业，打造甲物流园区。", heading="6.2 产业布局")
    assert "no place for it" in problems(where, plain)
    assert located_by_heading(where, plain) is None


def test_a_date_question_is_not_answered_by_what_the_graph_says_of_a_place() -> None:
    town = Candidate("entity", "甲镇：全域属于中心城区。", [Citation(_quoted("甲镇全域属于中心城区。").citations[0].passage,
                                                         "甲镇全域属于中心城区。")], "a")
    assert "no date for it" in problems(analyse("我家住甲镇，啥时候轮到改造？"), town)
    assert "no date for it" not in problems(analyse("甲镇属于中心城区吗？"), town)


def test_a_tonnage_or_an_intensity_is_not_answered_by_a_rate() -> None:
    rate = _quoted("城镇污水集中处理率达到100%。")
    assert "quantity kind" in problems(analyse("污水处理厂每天能处理多少吨？"), rate)
    assert "quantity kind" not in problems(analyse("污水处理厂每天能处理多少吨？"),
                                           _quoted("污水处理厂规模4万吨/日。"))
    assert "quantity kind" in problems(analyse("抗震设防烈度是几度？"), _quoted("防洪标准为50年一遇。"))
    assert "quantity kind" not in problems(analyse("抗震设防烈度是几度？"), _quoted("抗震设防烈度为7度。"))


def test_whether_a_named_village_is_of_a_class_needs_that_village_in_the_answer() -> None:
    from retrieval.answering.verify import village_names

    assert village_names("甲镇西坝村算不算中心村啊？") == ["西坝村"]
    assert village_names("俺家在石碾村，俺们村算集聚提升类的吗？") == ["石碾村"]
    assert village_names("哪些村是中心村？") == []
    frame = analyse("甲镇西坝村算不算中心村啊？")
    assert frame.answer_type == "yesno"
    assert "subject not stated" in problems(frame, _quoted("中心村下属的基层村。共148个。"))
    assert "subject not stated" not in problems(frame, _quoted("中心村包括西坝村、东坝村。"))


def test_an_english_question_that_quotes_a_chinese_term_is_english_and_keeps_the_term() -> None:
    from retrieval.answering.analysis import language_of

    assert language_of("Is Jia Town (甲镇) one of the key towns?") == "en"
    assert language_of("How many central villages are in Yi County (乙县)?") == "en"
    assert language_of("甲县的GDP是多少？") == "zh"
    assert language_of("甲县 population") == "zh"
    frame = analyse("Within which life circle will nursing homes (养老院) be?")
    assert frame.lang == "en" and "养老院" in frame.topic.split() and "(养老院)" not in frame.topic
    assert frame.answer_type == "membership"  # which circle (one of them), not a list of circles


def test_english_terms_match_with_hyphens_or_spaces() -> None:
    from retrieval.glossary import expand

    assert "自来水普及率" in expand("What rural tap-water coverage rate is the aim?")
    assert "自来水普及率" in expand("What rural tap water coverage rate is the aim?")
    assert "十分钟生活圈" in expand("What is in the 10-minute life circle?")
    assert "十分钟生活圈" in expand("What is in the 10 minute life circle?")
    assert "自来水普及率" not in expand("What is the tapping of water resources?")
    assert "面积" in expand("What is the area of the town?")
    assert "面积" not in expand("Which areas make up the central urban area?")  # areas are places, not a size


def test_a_base_year_question_is_answered_by_the_current_figure() -> None:
    def kb(status: str, year: int) -> FactBase:
        row = TABLE.splitlines()[2]
        start = TABLE.index(row)
        p = Passage("t1", "a", "2.2", "2.2", "2.2 主要指标", ("指标", "2.2 主要指标"), TABLE, 0, len(TABLE))
        f = Fact("Indicator", f"耕地保有量-{year}", "耕地保有量", "t1", row, start, start + len(row),
                 (("subject", "耕地保有量"), ("value", 52.36), ("unit", "万亩"), ("status", Ref("Concept", status)),
                  ("targetYear", year)))
        return FactBase([f], [p], PLANS)

    assert analyse("What was the cultivated land retained in the base year 2020?").status == "Current"
    (c,) = indicator_candidates(analyse("2020年耕地保有量是多少？"), kb("Current", 2020), "a", {"t1": 0})
    assert "status" not in c.violations  # the 现状 figure of the very year asked
    (c,) = indicator_candidates(analyse("2035年耕地保有量是多少？"), kb("Current", 2020), "a", {"t1": 0})
    assert "status" in c.violations and "year" in c.violations
    (c,) = indicator_candidates(analyse("耕地保有量现在是多少，2025年呢？"), kb("Planned", 2025), "a", {"t1": 0})
    assert "status" in c.violations  # asked now first: a target figure does not answer


def test_a_question_whose_every_topic_word_the_plan_never_uses_is_not_answered() -> None:
    from dataclasses import replace

    quote = _quoted("加快打造重要的绿色产业支撑基地。")
    frame = analyse("宅基地怎么申请？")
    unseen = replace(frame, topic="宅基地", unseen=("宅基地",))
    assert "topic not in the plan" in problems(unseen, quote)
    assert "topic not in the plan" not in problems(replace(frame, topic="宅基地 基地", unseen=("宅基地",)), quote)
    english = analyse("What is rural homestead consolidation for?")
    glossed = replace(english, topic="宅基地", unseen=("宅基地",))  # the glossary's term, not the resident's
    assert "topic not in the plan" not in problems(glossed, quote)


def test_a_list_question_for_the_villages_of_a_class_needs_their_names() -> None:
    from retrieval.answering.verify import asked_places, place_names_in

    frame = analyse("甲县哪些村被列为搬迁撤并类？")
    assert asked_places(frame) == "村"
    meaning = _quoted("搬迁撤并类：生态敏感性强、人口流失严重的村庄。")
    classes = _quoted("村庄分类包括：集聚提升类（12个）；搬迁撤并类（2个）。")
    named = _quoted("搬迁撤并类：东坡村、西岭村。")
    assert "no names of the places" in problems(frame, meaning)
    assert "no names of the places" in problems(frame, classes)
    assert "no names of the places" not in problems(frame, named)
    # what a class means is asked with 指的是/包括 哪些村: its definition answers
    assert asked_places(analyse("搬迁撤并类村庄指的是哪些村？")) is None
    assert asked_places(analyse("哪些乡镇要编制乡镇国土空间规划？")) is None  # 乡镇 in general, not named towns
    central = analyse("镇上定了哪几个中心村啊？")  # the names of a class of villages
    assert asked_places(central) == "村"
    table = _quoted("镇级，初级中学1所\n中心村级，完全小学、幼儿园\n基层村级，村卫生室")
    assert "no names of the places" in problems(central, table)
    assert "no names of the places" not in problems(central, _quoted("规划东庄村、马坊村3个中心村，其余为基层村。"))
    assert place_names_in("重点镇3个，即石门镇、松岗镇。形成中心城区—重点镇—一般乡镇体系", "镇") == ["石门镇", "松岗镇"]
    assert place_names_in("规划中心村、人口集聚村、交通干道沿线村等；布局80个中心村", "村") == []


def test_an_english_count_is_not_answered_by_a_list_of_other_things() -> None:
    frame = analyse("How many intangible cultural heritage items are there?")
    assert "非物质文化遗产" in frame.topic
    relics = _quoted("1处国家级文物保护单位。", source="list")
    heritage = _quoted("3项非物质文化遗产。", source="list")
    assert "counts something else" in problems(frame, relics)
    assert "counts something else" not in problems(frame, heritage)
    # a Chinese question's own word may be a paraphrase: its list candidates are not held to it
    zh = analyse("甲县有几处国家重点保护的文物古迹？")
    assert "counts something else" not in problems(zh, _quoted("4处国家级文物保护单位。", source="list"))


def test_a_part_of_a_formula_is_not_explained_by_the_formula_that_names_it() -> None:
    frame = analyse("生态格局里那个“两域”指的是哪两块地方？")
    formula = _quoted("构建“一带、一区、两域、六园”的生态保护安全格局。")
    explained = _quoted("构建“一带、一区、两域、六园”的生态保护安全格局。“两域”指北部山地和南部河谷。")
    assert "named, not explained" in problems(frame, formula)
    assert "named, not explained" not in problems(frame, explained)
    # the whole formula asked: the sentence that introduces it and lists its parts answers
    whole = analyse("“三区一城”具体指哪些？")
    assert "named, not explained" not in problems(whole, _quoted("高标准完成“三区一城”发展格局\n甲功能区\n乙示范区"))


def test_a_figure_of_the_head_alone_does_not_answer_for_a_compound_the_plan_never_uses() -> None:
    from dataclasses import replace

    from ingest.tokenize import make_tokenizer
    from retrieval.answering.analysis import unnamed_kinds, unseen_terms
    from retrieval.answering.verify import another_kind

    tok = make_tokenizer(["户籍人口", "常住人口"])  # a word of another plan's dictionary

    text = "全县常住人口18.7万人，城镇化率46.2%。乡村自来水普及率达到95%以上。"
    vocab = Vocabulary.from_terms({"常住人口", "人口", "自来水", "普及率", "乡村"}, text)
    unseen = unseen_terms("户籍 人口 户籍人口", vocab, tok)
    kinds = unnamed_kinds(unseen, vocab, tok, "户籍人口是多少")
    assert kinds == (("户籍", "人口"),)
    assert unnamed_kinds(unseen_terms("常住人口", vocab, tok), vocab, tok, "常住人口是多少") == ()  # the plan's own term
    assert unnamed_kinds(unseen, vocab, tok, "户籍人口的比例是多少") == ()  # modifies what is asked
    measures = make_tokenizer(["保护措施"])
    assert unnamed_kinds(("保护措施",), Vocabulary.from_terms({"保护", "措施"}, "加强保护。落实措施。"), measures,
                         "有什么保护措施") == ()  # 措施 is a way of asking, not a kind
    frame = replace(analyse("户籍人口是多少？"), kinds=kinds)
    assert "another kind" in problems(frame, _quoted(text))
    assert another_kind(("户籍", "人口"), "全县户籍人口20万人。") is False
    # a part of urban or rural scope counts in its synonym; a clause without the part does not
    assert another_kind(("农村", "自来水", "普及率"), text) is False
    assert another_kind(("农村", "自来水", "普及率"), "城镇集中供水普及率达到100%。") is True
    assert another_kind(("中心城区", "排涝", "标准"), "中心城区防洪标准为50年一遇。") is True
    assert another_kind(("中心城区", "排涝", "标准"), "排涝标准为20年一遇。", "6 中心城区") is False
    assert another_kind(("户籍", "人口"), "加快城镇化。") is True  # says nothing of it at all


def test_a_which_question_that_says_how_many_is_not_answered_by_fewer() -> None:
    from retrieval.answering.verify import asked_how_many

    assert asked_how_many("“两屏”指哪两个生态屏障？") == 2 and asked_how_many("四大名片是哪四个") == 4
    assert asked_how_many("生态屏障有哪些？") is None
    text = "北部丘陵生态屏障。"
    one = Candidate("list", text, _quoted(text).citations, "a", [object(), ])  # type: ignore[list-item]
    two = Candidate("list", text, _quoted(text).citations, "a", [object(), object()])  # type: ignore[list-item]
    frame = analyse("“两屏”指哪两个生态屏障？")
    assert "partial list" in problems(frame, one)
    assert "partial list" not in problems(frame, two)


def _indicators_kb() -> FactBase:
    text = "森林覆盖率现状58.3%，到2035年达到62%；林地面积现状120公顷。"
    p = Passage("i1", "a", "2.2", "2.2", "2.2 主要指标", ("指标", "2.2 主要指标"), text, 0, len(text))

    def ind(key: str, subject: str, value: float, unit: str, status: str, year: int, quote: str) -> Fact:
        start = text.index(quote)
        return Fact("Indicator", key, subject, "i1", quote, start, start + len(quote),
                    (("subject", subject), ("value", value), ("unit", unit),
                     ("status", Ref("Concept", status)), ("targetYear", year)))

    return FactBase([ind("f-2020", "森林覆盖率", 58.3, "%", "Current", 2020, "森林覆盖率现状58.3%"),
                     ind("f-2035", "森林覆盖率", 62, "%", "Planned", 2035, "到2035年达到62%"),
                     ind("l-2020", "林地面积", 120, "公顷", "Current", 2020, "林地面积现状120公顷")], [p], PLANS)


def test_a_question_for_the_current_figure_and_the_target_is_answered_with_both() -> None:
    kb = _indicators_kb()
    both = analyse("森林覆盖率现在多少，以后要到多少？")
    assert both.status == "Both"
    assert analyse("森林覆盖率现在是多少？").status == "Current"
    assert analyse("到2035年森林覆盖率要达到多少？").status == "Planned"
    texts = [c.text for c in indicator_candidates(both, kb, "a", {})]
    assert "森林覆盖率：现状2020年58.3%；2035年62%。" in texts
    assert not any("林地" in t and "；" in t for t in texts)  # only one figure stated: nothing to join
    current = [c.text for c in indicator_candidates(analyse("森林覆盖率现在是多少？"), kb, "a", {})]
    assert not any("；" in t for t in current)  # asked for one figure, one figure


def test_an_english_genre_term_the_plan_never_uses_reaches_the_part_the_plan_writes() -> None:
    from retrieval.answering.analysis import _as_the_plan_writes

    text = "优化防洪、人防、消防等防灾设施布局。"
    vocab = Vocabulary.from_terms({"防灾", "设施", "布局"}, text)
    assert _as_the_plan_writes("disaster prevention 防灾减灾 设施", vocab) == ["防灾"]
    assert _as_the_plan_writes("facilities 设施", vocab) == []  # the plan's own term needs nothing
    english = analyse("Which disaster prevention facilities are planned?", vocab)
    assert "防灾" in english.search_text.split()


def test_the_y_of_x_is_the_one_said_of_x_not_one_that_names_x_as_a_part() -> None:
    from dataclasses import replace

    from retrieval.answering.pipeline import of_the_subject

    frame = replace(analyse("中心城区的空间格局是什么？"), subjects=(("中心城区",),))
    county = _quoted("规划形成“一心四极”的空间格局。“一心”指中心城区。")
    city = _quoted("构建“一廊、三区”的中心城区空间格局。")
    other = _quoted("中心城区包括平泉镇全域。")
    assert of_the_subject(frame, [county, city, other]) == [city, other]
    assert of_the_subject(frame, [county, other]) == [county, other]  # none says it of X: nothing to prefer
    assert of_the_subject(replace(frame, subjects=()), [county, city]) == [county, city]


def test_the_end_of_the_plan_period_is_the_plans_target_year() -> None:
    from dataclasses import replace as _replace

    from retrieval.answering.candidates_text import text_violations
    from retrieval.answering.pipeline import period_year

    meta = _replace(PLANS[0], period_end=2035, near_term=2025)
    end = period_year(analyse("到规划期末一年最多能用多少水？"), meta)
    assert end.year == 2035 and end.status == "Planned"
    assert period_year(analyse("到近期期末城镇化率要到多少？"), meta).year == 2025
    assert period_year(analyse("城镇化率现在多少？"), meta).year is None
    assert period_year(analyse("到2030年城镇化率要到多少？"), meta).year == 2030  # the year asked stays
    assert "year" not in text_violations(end, "至规划期末，全市布局80个中心村。")  # says the period's end
    assert "year" in text_violations(end, "到2025年，用水总量控制在0.95亿立方米。")
    assert "用水总量" in lexicon().plan_terms("一年最多能用多少水？")


def test_a_quote_without_the_year_asked_answers_only_with_the_dated_figure() -> None:
    from retrieval.answering.pipeline import of_the_year
    from tests.retrieval.answering_kb import factbase, passages

    frame = analyse("到2035年常住人口是多少？")
    rank = {p.id: i for i, p in enumerate(passages())}
    dated = [c for c in indicator_candidates(frame, factbase(), "a", rank) if not c.violations and "35万人" in c.text]
    same = _quoted("常住人口达到35万人，城镇化率达到65%。")  # the indicator's sentence, its year in the heading
    other = _quoted("镇区常住人口达到12万人。")
    with_year = _quoted("规划至2035年，镇区常住人口12万人。")
    kept = of_the_year(frame, [*dated, same, other, with_year])
    assert dated and same in kept and with_year in kept and other not in kept
    assert other in of_the_year(analyse("常住人口是多少？"), [*dated, other])  # no year asked


def test_sites_listed_one_by_one_say_where_a_facility_class_is() -> None:
    sites = _quoted("应急避难：规划中心避难场所两处，分别为县体育中心和砚河公园。")
    assert "no place for it" not in problems(analyse("规划的中心避难场所设在哪里？"), sites)
    assert "no place for it" in problems(analyse("规划的中心避难场所设在哪里？"), _quoted("应急避难：规划中心避难场所两处。"))
    assert "no place for it" in problems(analyse("县体育中心打算建在哪儿？"), sites)  # one of the sites: not where it is


def test_an_answer_that_says_the_best_one_and_more_is_the_fuller_answer() -> None:
    from retrieval.answering.pipeline import fuller

    best = _quoted("构建“一带两区”的中心城区空间结构。")
    parts = _quoted("“一带两区”的中心城区空间结构。其中一带：滨水景观带；两区：东城区、西城区。", "list")
    other = _quoted("构建“一心两带”的国土空间总体格局，一心指县城。")
    assert fuller(analyse("中心城区的空间结构是怎样安排的？"), best, [best, other, parts]) is parts
    assert fuller(analyse("中心城区的空间结构是怎样安排的？"), best, [best, other]) is best
    figure, more = _quoted("共212个基层村。"), _quoted("布局56个中心村，共212个基层村。其余村庄保留。")
    assert fuller(analyse("基层村有多少个？"), figure, [more]) is more  # a count: the fuller statement
    assert fuller(analyse("基层村的人口是多少？"), figure, [more]) is figure  # a value: the shortest window


def test_the_passage_bm25_puts_first_is_quoted_when_the_dense_ranker_sank_it() -> None:
    from retrieval.answering.pipeline import lexical_first

    def hit(pid: str, bm25: int | None, dense: int | None, coverage: float) -> Hit:
        return Hit(Passage(pid, "a", "1", "1", "1", ("1",), "文本", 0, 2), 1.0, bm25, dense, 1.0, coverage, 0.5)

    top = [hit("a", 3, 1, 0.25), hit("b", 2, 5, 0.56), hit("c", 5, 3, 0.2), hit("d", 4, 2, 0.1), hit("e", 6, 4, 0.1)]
    sunk = hit("f", 1, 18, 0.58)
    assert lexical_first(top, [*top, hit("g", 7, 9, 0.6), sunk]) == [sunk]
    assert lexical_first(top, [*top, hit("f", 1, 18, 0.5)]) == []  # holds fewer of the words than a top hit
    assert lexical_first(top, top) == []


def test_which_class_a_thing_is_is_answered_by_a_class() -> None:
    has = _quoted("甲村为省级传统村落，保护其石砌民居和村落格局。")
    listed = _quoted("特色保护类（2个）：甲村、乙村。")
    for q in ("甲村算是啥类型的村？", "甲村属于哪一类村庄？", "What type of village is 甲村?", "What village type is 甲村?"):
        assert "no class for it" in problems(analyse(q), has), q
        assert "no class for it" not in problems(analyse(q), listed), q
    assert "no class for it" not in problems(analyse("乙镇是什么类型的重点镇？"), _quoted("乙镇为工贸型重点镇。"))
    assert "no class for it" not in problems(analyse("What kind of hub city will the county become?"), has)
    role = _quoted("乙镇：列为重点镇。", "entity")
    assert "no class for it" in problems(analyse("乙镇是什么类型的重点镇？"), role)  # says back the class asked
    assert "no class for it" not in problems(analyse("乙镇属于哪一类城镇？"), role)


def test_a_structure_of_one_domain_is_not_answered_by_the_formula_of_another() -> None:
    from retrieval.answering.pipeline import of_the_domain

    whole = _quoted("合理构建“一心四极、两廊三屏”的国土空间总体格局。")
    green = _quoted("构建“一带、一区、两域”的生态保护安全格局。")
    plain = _quoted("筑牢生态安全屏障，保护重要生态廊道。")
    assert of_the_domain(analyse("甲县整体的生态安全布局是怎么搭起来的？"), [whole, green, plain]) == [green, plain]
    assert of_the_domain(analyse("甲县整体的生态安全布局是怎么搭起来的？"), [whole, plain]) == [whole, plain]
    assert of_the_domain(analyse("甲县的国土空间总体格局是什么？"), [whole, green]) == [whole]
    assert of_the_domain(analyse("甲县的总体格局是怎样的？"), [whole, green]) == [whole, green]  # no domain asked
    city = _quoted("构建“一廊、三区”的中心城区空间格局。")
    english = analyse("How is the spatial structure of the central urban area described?")
    assert of_the_domain(english, [whole, city]) == [city]


def test_an_english_count_of_one_heritage_kind_is_not_answered_by_another() -> None:
    relics = _quoted("历史文化保护：严格保护1处国家级文物保护单位、6处省级文物保护单位。")
    asked = analyse("How many intangible cultural heritage items does the county have?")
    assert "counts something else" in problems(asked, relics)
    items = _quoted("全县共有非物质文化遗产代表性项目26项。")
    assert "counts something else" not in problems(asked, items)
    from retrieval.answering.candidates_graph import list_candidates

    text = "严格保护1处国家级文物保护单位。"
    facts = [Fact("HeritageFigure", "国家级文物保护单位", "国家级文物保护单位", "h1", "1处国家级文物保护单位", 4, 15,
                  (("count", 1), ("level", "国家级")))]
    kb = _one_passage_kb(facts, "h1", "5.5", "历史文化", text)
    assert list_candidates(asked, kb, "a", {}) == []  # the plan's heritage figures are all of another kind
    assert list_candidates(analyse("How many cultural relic protection units does the county have?"), kb, "a", {})


def test_a_passage_under_another_years_heading_does_not_answer_the_year_asked() -> None:
    from retrieval.answering.pipeline import of_the_year_asked

    def hit(pid: str, heading: str, text: str) -> Hit:
        return Hit(Passage(pid, "a", "1.2", "1.2", heading, ("1.2 规划目标", heading), text, 0, len(text)),
                   1.0, 1, 1, 1.0, 0.3, 0.5)

    vision = hit("v", "2050年展望", "全面建成现代化精品城市，人民生活幸福。")
    near = hit("n", "2025年目标", "综合经济实力显著提升，生态环境持续改善。")
    asked = analyse("到2025年平泉要达到什么目标？")
    assert all("year" in c.violations for c in text_candidates(asked, [vision]))
    assert not any("year" in c.violations for c in text_candidates(asked, [near]))
    others = [vision, hit("x", "城镇体系", "形成五级体系。"), hit("y", "产业", "发展产业。"), hit("z", "交通", "建设公路。")]
    assert of_the_year_asked(asked, others, [*others, near]) == [near]  # quoted although below the top hits
    assert of_the_year_asked(analyse("平泉要达到什么目标？"), others, [*others, near]) == []
    assert of_the_year_asked(asked, [near, *others], [near, *others]) == []


def test_a_part_of_the_city_said_by_its_direction_is_its_district() -> None:
    from retrieval.answering.candidates_graph import pointed_districts

    text = "三区：北城区：科技创新区\n南城区：高端装备制造区。"
    facts = [Fact("District", n, n, "d1", f"{n}：{f}", text.index(n), text.index(n) + len(n), (("function", f),))
             for n, f in (("北城区", "科技创新区"), ("南城区", "高端装备制造区"))]
    kb = _one_passage_kb(facts, "d1", "6.1", "中心城区", text)
    for q in ("城区靠南的那一片主要用来干什么？", "城南那边以后搞啥产业？", "What is the southern district of the city for?"):
        assert pointed_districts(q, kb, "a") == ("南城区",), q
    assert pointed_districts("县域南部的生态屏障叫什么？", kb, "a") == ()  # a part of the county
    assert pointed_districts("南城区是什么功能区？", kb, "a") == ()  # named: no pointing needed
    from dataclasses import replace
    frame = replace(analyse("城区靠南的那一片主要用来干什么？"), pointed=("南城区",))
    assert "not the part asked" in problems(frame, _quoted("形成五级城镇体系。"))
    assert "not the part asked" not in problems(frame, _quoted("南城产业区打造高品质产业新城。"))


def test_the_name_of_a_counted_thing_asked_in_english_is_not_answered_by_its_count() -> None:
    from retrieval.answering.verify import pointed

    counts = _quoted("加强1项国家级非物质文化遗产、7项省级非物质文化遗产的传承与保护工作。")
    for q in ("What is the name of the county's national-level intangible cultural heritage item?",
              "What are the names of the national-level intangible cultural heritage items?"):
        assert pointed(analyse(q)), q
        assert "a count, not the names" in problems(analyse(q), counts), q
    named = _quoted("国家级非物质文化遗产1项（契丹民俗）。")
    one = analyse("What is the name of the national-level intangible cultural heritage item?")
    assert "a count, not the names" not in problems(one, named)
    assert pointed(analyse("How many national-level intangible cultural heritage items are there?")) is None


def test_a_count_of_one_voltage_class_is_not_answered_by_another() -> None:
    asked = analyse("规划要新建几座220千伏变电站？")
    assert "another grade" in problems(asked, _quoted("电力设施：规划进一步完善变电站布局，供暖率达到100%。"))
    assert "another grade" in problems(asked, _quoted("新建110千伏变电站2座。"))
    assert "another grade" not in problems(asked, _quoted("新建220千伏变电站1座。"))
    assert "another grade" not in problems(analyse("规划要新建几座变电站？"), _quoted("新建110千伏变电站2座。"))


def test_a_settlement_class_named_before_which_asks_for_the_places_names() -> None:
    from retrieval.answering.verify import asked_places

    assert asked_places(analyse("芦湾镇规划的中心村有哪几个？")) == "村"
    assert asked_places(analyse("重点镇有哪些？")) == "镇"
    for q in ("芦湾镇有哪些县级文物保护单位？", "村庄有哪些类型？", "特色小镇有哪几个？", "中心村有哪几个的人口过千？"):
        assert asked_places(analyse(q)) is None, q


def test_a_count_of_two_kinds_of_place_needs_both_counts() -> None:
    both = _quoted("市域所辖15个镇和4个乡需单独编制镇（乡）国土空间总体规划。")
    short = _quoted("县域包括8镇3乡。")
    towns = _quoted("注重挖掘乡镇特色，打造4个特色小镇。")
    for q in ("How many towns and townships does the county have?", "一共有几个镇几个乡？"):
        assert "not both counted" not in problems(analyse(q), both), q
        assert "not both counted" not in problems(analyse(q), short), q
        assert "not both counted" in problems(analyse(q), towns), q
    assert "not both counted" not in problems(analyse("有几个特色小镇？"), towns)


def test_a_listed_member_keeps_the_plans_aside_after_its_name() -> None:
    from retrieval.answering.candidates_graph import list_candidates

    text = "打造甲山蘑菇小镇、乙水文化小镇（丙镇）等2个特色小镇。"
    facts = [Fact("FeaturedTown", n, n, "f1", n, text.index(n), text.index(n) + len(n), ())
             for n in ("甲山蘑菇小镇", "乙水文化小镇")]
    kb = _one_passage_kb(facts, "f1", "5.2", "城镇体系", text)
    (c, *_) = list_candidates(analyse("有哪些特色小镇？"), kb, "a", {})
    assert "乙水文化小镇（丙镇）" in c.text and "甲山蘑菇小镇、" in c.text and "甲山蘑菇小镇（" not in c.text


def test_a_figure_among_the_topic_words_is_matched_as_a_number_of_its_own() -> None:
    from retrieval.answering.pipeline import candidates, states

    assert states("35", "新建35千伏变电站1座") and states("变电站", "新建35千伏变电站1座")
    assert not states("35", "到2035年累计建成高标准农田") and not states("35", "面积3.35万亩")
    frame = analyse("35千伏乙变电站哪一年建成？")
    hits = [Hit(Passage(pid, "a", "1", "1", "1", ("1",), text, 0, len(text)), 1.0, 1, 1, 1.0, 0.5, 0.5)
            for pid, text in (("u", "到2035年累计建成高标准农田2.8万亩。"), ("v", "规划新建35千伏乙变电站1座。"))]
    weights = {"35": 3.3, "千伏": 3.3, "变电站": 3.3, "建成": 2.5}
    by_passage = {c.citations[0].passage.id: c for c in candidates(frame, FactBase([], [], PLANS), "a", hits, weights)
                  if c.source == "text"}
    assert by_passage["u"].features["key_match"] == 0.0  # the rarest word is 千伏, not the 35 inside 2035年
    assert by_passage["u"].features["idf_match"] < 0.3 < by_passage["v"].features["idf_match"]
    assert by_passage["v"].features["key_match"] == 1.0


def test_which_n_things_is_not_answered_by_their_count_alone() -> None:
    frame = analyse("村庄分成哪五种类型？")
    assert "a count, not the names" in problems(frame, _quoted("统筹城镇和乡村发展，形成5类村庄的发展指引，明确各村发展类型。"))
    assert "a count, not the names" not in problems(frame, _quoted("村庄分为集聚提升类、城郊融合类、特色保护类、搬迁撤并类、保留改善类5类。"))
    two = analyse("要培育哪两个特色小镇？")
    assert "a count, not the names" not in problems(two, _quoted("培育甲竹笋小镇和乙石雕小镇2个特色小镇。"))  # named with 和
    assert "a count, not the names" not in problems(analyse("村庄分成几种类型？"), _quoted("形成5类村庄的发展指引。"))


def test_a_figure_in_ten_thousands_of_the_unit_asked_is_in_that_unit() -> None:
    kb = _table_kb()
    (c,) = indicator_candidates(analyse("到2035年耕地保有量是多少万亩？"), kb, "a", {"t1": 0})
    assert "unit" not in c.violations  # 51.80万亩 is a size in 亩
    (ha,) = indicator_candidates(analyse("到2035年耕地保有量是多少公顷？"), kb, "a", {"t1": 0})
    assert "unit" in ha.violations


def test_where_a_supply_comes_from_is_answered_by_a_source() -> None:
    frame = analyse("镇上用的管道天然气是从哪儿接过来的？")
    assert "no source for it" in problems(frame, _quoted("燃气与通信：镇区燃气气化率达到85%。"))
    assert "no source for it" not in problems(frame, _quoted("燃气设施：推进落实甲乙线丙县支线燃气管道建设。"))
    assert "no source for it" not in problems(analyse("镇区的水是从哪里引来的？"), _quoted("镇区由甲水厂供水，水源为乙水库。"))
    assert "no source for it" not in problems(analyse("镇区燃气气化率要达到多少？"), _quoted("镇区燃气气化率达到85%。"))
    gas = analyse("Where does the town's piped gas come from?")
    assert "no source for it" in problems(gas, _quoted("燃气与通信：镇区燃气气化率达到85%。"))


def test_a_list_of_as_many_things_as_asked_answers_however_low_it_scores() -> None:
    from retrieval.answering.pipeline import as_many_as_asked

    def passage(pid: str, part: str) -> Passage:
        return Passage(pid, "a", "5.3", f"5.3/{part}", part, ("5 乡村", "5.3 村庄分类", part), "村庄", 0, 2)

    parts = ["甲型", "乙型", "丙型"]
    outline = Candidate("outline", "村庄分类包括：甲型；乙型；丙型。",
                        [Citation(passage(f"o{i}", p), "村庄") for i, p in enumerate(parts)], "a")
    hits = [Hit(passage("o1", "乙型"), 1.0, 1, 1, 1.0, 0.3, 0.4)]
    assert as_many_as_asked(analyse("村庄分成哪三种类型？"), [outline], hits) is outline
    assert as_many_as_asked(analyse("村庄分成哪五种类型？"), [outline], hits) is None  # three, not five
    assert as_many_as_asked(analyse("村庄分成哪些类型？"), [outline], hits) is None  # no number asked
    far = [Hit(Passage("x", "a", "7", "7", "7", ("7 交通",), "道路", 0, 2), 1.0, 1, 1, 1.0, 0.3, 0.4)]
    assert as_many_as_asked(analyse("村庄分成哪三种类型？"), [outline], far) is None  # not near the top hits


def test_whether_the_plan_has_a_thing_is_answered_by_a_top_quote_that_names_it() -> None:
    from retrieval.answering.pipeline import names_the_thing_asked

    station = _quoted("发挥甲站的核心带动能力，打造高品质新区。")
    other = _quoted("以通用机场、普速铁路为骨干，构建交通网络。")
    hits = [Hit(c.citations[0].passage, 1.0, 1, 1, 1.0, 0.3, 0.4) for c in (station,)]
    assert names_the_thing_asked(analyse("县里是不是有甲站啊？"), [other, station], hits) is station
    assert names_the_thing_asked(analyse("县里有没有共享单车？"), [other, station], hits) is None  # never named
    assert names_the_thing_asked(analyse("甲站在哪里？"), [station], hits) is None  # not whether it has one
    far = [Hit(Passage("x", "a", "7", "7", "7", ("7 交通",), "道路", 0, 2), 1.0, 1, 1, 1.0, 0.3, 0.4)]
    assert names_the_thing_asked(analyse("县里是不是有甲站啊？"), [station], far) is None  # not a top hit
