"""English words reach the plan's Chinese words through the CC-CEDICT dictionary, kept only where the plan
uses them (each with a negative)."""

from __future__ import annotations

from retrieval.answering.analysis import analyse
from retrieval.answering.typos import Vocabulary
from retrieval.dictionary import plan_words, preload

PLAN = "建设宜居城市，打造区域物流枢纽，县域内设自来水厂一座，城市名片。"


def _occurs(word: str) -> bool:
    return word in PLAN


def test_an_ordinary_english_word_becomes_the_plans_word_for_it() -> None:
    assert plan_words("How will the city become more livable?", _occurs) == ["宜居"]
    assert plan_words("What kind of hub does it aim to be?", _occurs) == ["枢纽"]
    assert "名片" in plan_words("What are its city cards?", _occurs)  # the plural's stem


def test_a_rendering_the_plan_does_not_use_is_not_added() -> None:
    assert plan_words("How will the city become more livable?", lambda w: False) == []
    assert "宜居" not in plan_words("What is the hub?", _occurs)


def test_function_words_names_and_glossary_terms_are_not_looked_up() -> None:
    assert plan_words("What is it and where will it be?", lambda w: True) == []
    assert "县域" not in plan_words("How many towns does Jiashan County have?", _occurs)  # a name, not a county word
    assert "宜居" not in plan_words("Is the livable city plan out?", _occurs, skip=["livable city"])


def test_an_english_question_carries_the_plans_words_into_its_topic() -> None:
    vocab = Vocabulary.from_terms(["宜居", "枢纽"], PLAN)
    frame = analyse("How will the city become more livable?", vocab)
    assert "宜居" in frame.topic.split()
    assert "宜居" not in analyse("How will the city become more livable?").topic  # no plan: no guess
    assert analyse("宜居城市怎么建？", vocab).search_text == "宜居城市怎么建"  # Chinese passes unchanged


def test_the_dictionary_is_read_once_in_the_background() -> None:
    from retrieval.dictionary import _read

    _read.cache_clear()
    t = preload()
    t.join(timeout=60)
    assert not t.is_alive() and _read.cache_info().currsize == 1  # read by the thread, not by the lookup
    assert plan_words("livable", _occurs) == ["宜居"]
    assert _read.cache_info().misses == 1


def test_a_name_spelled_in_pinyin_is_the_plans_name_but_not_the_jurisdictions() -> None:
    from retrieval.answering.analysis import spelled_names

    vocab = Vocabulary.from_terms(["芦湾水厂", "甲山镇", "宜居"], "甲山镇芦湾水厂扩建。")
    vocab.protected = frozenset({"甲山", "甲山镇"})
    assert vocab.spelled("Luwan") == ["芦湾"]
    assert vocab.spelled("Yiju") == ["宜居"] and vocab.spelled("Beijing") == []
    assert spelled_names("What will Luwan Waterworks supply?", vocab) == ["芦湾"]
    assert spelled_names("What will Jiashan Town build?", vocab) == []  # the plan is about it: no topic word
    assert spelled_names("Luwan waterworks?", vocab) == []  # the first word may be capitalised as any
    frame = analyse("What will Luwan Waterworks supply?", vocab)
    assert "芦湾" in frame.topic.split() and frame.spelled == ("芦湾",)
