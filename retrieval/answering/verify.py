"""Verification: a candidate answers only if it states the kind of thing asked, breaks none of the
question's constraints, and every number it states is in a cited passage with the same value and unit."""

from __future__ import annotations

import functools
import re

from ingest.quantities import quantities, unsupported_quantities
from retrieval.answering.analysis import QuestionFrame, generic_heads
from retrieval.answering.lexicon import lexicon
from retrieval.answering.types import Candidate

_NUMERAL = r"[\d一二两三四五六七八九十百]"  # an Arabic digit or a Chinese numeral character
_CN_COUNT = re.compile(r"[一二两三四五六七八九十百]+[个处项类种条级座所]")
# Years written as such (2035年, 2021—2035): a date, not the quantity a value question asks for.
_YEAR_MENTION = re.compile(r"(?:19|20)\d\d\s*(?:年|—|–|-|～|~|至)|(?<=[—–\-～~至])\s*(?:19|20)\d\d|"
                           r"[(（]\s*(?:19|20)\d\d\s*[)）]")


def numbers_supported(c: Candidate) -> bool:
    """Every number of ``c`` is stated by a cited passage with the same value and unit. In a table the
    unit is a column (or the header) of its own, so a value of the table counts with any unit the table
    names."""
    source = "\n".join(f"{' '.join(cit.passage.path)}\n{cit.passage.text}" for cit in c.citations)
    bad = unsupported_quantities(c.text, source)
    tables = _tables(c)
    if bad and tables:
        table = "\n".join(tables)
        values = {q.value for q in quantities(table)}
        bad = [q for q in bad if not (q.value in values and q.unit in table)]
    return not bad


def _heading(c: Candidate) -> str:
    """The headings above the candidate's first cited passage (``中心城区`` over its parks' figures)."""
    return " ".join(c.citations[0].passage.path) if c.citations else ""


def _tables(c: Candidate) -> list[str]:
    """The cited passages that are tables (cells split by tabs or pipes)."""
    return [cit.passage.text for cit in c.citations if "\t" in cit.passage.text or "|" in cit.passage.text]


def states_number(text: str) -> bool:
    """``text`` states a number other than a year (or a Chinese count such as 三处)."""
    return bool(re.search(r"\d", _YEAR_MENTION.sub("", text)) or _CN_COUNT.search(text))


def states_kind(units: tuple[str, ...], c: Candidate) -> bool:
    """``c`` states a quantity in one of ``units``: after a number, as an indicator's unit, or (a table
    row, whose unit is a column of its own) anywhere in the row or the table it comes from."""
    if any(q.unit in units for q in quantities(c.text)):
        return True
    if c.source == "indicator" and any(str(e.first("unit") or "") in units for e in c.entities):
        return True
    return any(u in t for u in units for t in [c.text, *_tables(c)])


# What a count question counts: the noun after 几个/多少项 … up to a particle or a verb (省级非物质文化遗产).
_COUNTED = re.compile(r"(?:几|多少)[个处项类种条座所家级片]?([^\s\W\d的是呢吗啊了和与及要会能将被得在有划列属为几个多少]{2,14})")


# A count in classes or levels (分几级, 几类) is answered by a count in the same measure (五级, 5类).
_COUNT_MEASURE = re.compile(r"(?:几|多少)\s*([级层类种型条])")
_SAME_MEASURE = {"级": "级层", "层": "级层", "类": "类种型", "种": "类种型", "型": "类种型", "条": "条"}


def states_measure(question: str, text: str) -> bool:
    m = _COUNT_MEASURE.search(question)
    if not m:
        return True
    return re.search(rf"{_NUMERAL}+\s*[{_SAME_MEASURE[m.group(1)]}]", text) is not None


_UNIT_NOUN = "镇乡村区县市组"  # a settlement noun: 乡镇 is counted as 15个镇和4个乡, 大村 as 80个中心村
# Nouns that are themselves measures (几种类型, 几个层级): the count is said in the measure (5类, 三级).
_MEASURE_NOUNS = ("类型", "种类", "类别", "层级", "级别", "等级", "层次", "方面")


_MEASURE_WORD = "[个处项类种条座所家片台株棵户间张名批套只级]"


def counts(head: str, text: str) -> bool:
    """``text`` gives a number of ``head``: ``6处省级文物保护单位``, ``重点镇4个``, ``三处…单位``; a head
    that ends in a settlement noun also counts by that noun alone."""
    if not head:
        return False
    heads = [head] + ([head[-1]] if head[-1] in _UNIT_NOUN else [])
    # a numeral with its measure word (6处, 三座, 变电站两座), not one inside a word (进一步完善变电站)
    return any(re.search(rf"{_NUMERAL}+{_MEASURE_WORD}[^\d。；;，,\n]{{0,10}}{re.escape(h)}|{re.escape(h)}(?:[^\d。；;\n]|。(?=共|合计|总计)){{0,6}}?(?:\d|{_NUMERAL}+{_MEASURE_WORD})", text)
               for h in heads)


_LEVEL = re.compile(r"(?:国家|省|市|县|区|镇|乡|村)级")
_WHOLE_UNIT = re.compile(r"[市县区镇乡村]域?|全[市县区镇乡村]")  # the county (县域): where, not what is counted


def _counted_head(frame: QuestionFrame) -> str | None:
    if frame.answer_type != "count":
        return None
    if frame.lang == "zh":
        return counted(frame.text)
    # an English question's Chinese genre terms, without a level (国家级 非物质文化遗产: 遗产 is counted)
    terms = [t for t in frame.topic.split() if not _LEVEL.fullmatch(t) and not _WHOLE_UNIT.fullmatch(t)]
    return terms[0][-2:] if len(terms) == 1 and len(terms[0]) >= 2 else None


def counted(text: str) -> str | None:
    """The head (last two characters) of the noun a count question counts, if it names one: after a
    modifier (几个依山而建的公园) the noun after 的. None where the noun is a measure (几种类型) or the
    question counts in classes or levels (几类地块: the count is said as 6种, whatever the noun)."""
    m = _COUNTED.search(text)
    if not m or _COUNT_MEASURE.search(text):
        return None
    noun = m.group(1)
    after = re.match(r"的([^\s\W\d的是呢吗啊了和与及要会能将被得在有划列属为几个多少]{2,14})", text[m.end():])
    if after:
        noun = after.group(1)
    head = noun[-2:]
    return None if head in _MEASURE_NOUNS else head


# "那项国家级非物质文化遗产是什么", "规划的3处市级公园分别建在哪里": the question points at counted items
# (a number, not 几) and asks which or where they are.
_POINTED = re.compile(r"那?([一二两三四五六七八九十百\d]*)\s*[项处个座所条家类]([^\s\W\d哪几个和与及或]{2,14}?)"
                      r"(?=具体|分别|到底|究竟|是|叫|都|有|在|位于|建|设|落|坐|分布|呢|吗|啊|完整|名单|[？?，,。]|$)")
_LEAD_WORD = re.compile(r"(?:具体|分别|到底|究竟)$")
_WHICH_ONE = re.compile(r"([^\s\W\d的哪几个和与及或是]{2,14}?)(?:具体|到底|究竟)?是哪(一?)[项个处座所条家]")
ASKS_WHICH = re.compile(r"是什么|是啥|是哪|叫什么|叫啥|名字|名称|具体|分别|\bwhich\b|\bnames?\b")  # which one it is
_ASKS_IDENTITY = re.compile(ASKS_WHICH.pattern + r"|哪些|哪几|哪里|哪儿|在哪|什么位置|选址|名单|\bwhere\b|\blist\b", re.I)
_EN_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "twelve": 12}
_EN_POINTED = re.compile(r"\b(?:the|its|those|these)\s+(\d+|" + "|".join(_EN_NUMBER) + r")\b", re.I)
_EN_NAME_OF = re.compile(r"\b(names?) of\b", re.I)
_NAME_WORDS = frozenset(("得名", "名称", "名字", "项目"))  # the glossary's words for name, item: not the noun
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


_ASKS_LEVEL = re.compile(r"([\u4e00-\u9fff]{2,14}?)(?:是|属于|为|算|定为|列为)?(?:什么|哪个|哪一|啥)级别")
_LEVEL_SAID = re.compile(r"[国省市县区镇乡村]级|国家")
_LABELLED = re.compile(r"[（(][^）)]*级[^）)]*[）)]")


def unlabelled_level(question: str, text: str) -> bool:
    """``question`` asks the level of a thing that ``text`` names without one: it labels the things beside
    it (``保护甲氏宗祠（县级文物保护单位）、乙阁``: 乙阁's level is not stated), or says no level at all."""
    m = _ASKS_LEVEL.search(question)
    if not m or (_LEVEL_SAID.search(text) and not _LABELLED.search(text)):
        return False  # (a level said of a whole list, 省级森林公园：甲、乙, may be that item's)
    name = m.group(1).split("的")[-1]
    i = text.find(name) if len(name) >= 2 else -1
    if i < 0:
        return False
    start = max(text.rfind(sep, 0, i) for sep in "、，,。；;\n：:") + 1
    end = min((j for j in (text.find(sep, i + len(name)) for sep in "、，,。；;\n") if j >= 0), default=len(text))
    return "级" not in text[start:end]


_MINUTES = re.compile(r"(?<![\d一二两三四五六七八九十])([\d一二两三四五六七八九十]+)\s*分钟")


@functools.lru_cache(maxsize=2048)  # the question's and each candidate's, asked once per candidate
def _minutes(text: str) -> frozenset[int]:
    """The minute figures ``text`` names (``十分钟生活圈``, ``15分钟``): a walking-distance class is its figure."""
    return frozenset(_cn_int(m) for m in _MINUTES.findall(text))


def _cn_int(text: str) -> int:
    """A small number as written (``5``, ``五``, ``十二``, ``那项`` → 1); 2 where unclear."""
    if not text:
        return 1
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    m = re.fullmatch(r"([一二两三四五六七八九]?)十([一二三四五六七八九]?)", text)
    if m:
        return (_CN_DIGITS[m.group(1)] if m.group(1) else 1) * 10 + (_CN_DIGITS[m.group(2)] if m.group(2) else 0)
    return 2


@functools.lru_cache(maxsize=512)  # asked once per candidate of a question: the frame is hashable
def pointed(frame: QuestionFrame) -> tuple[tuple[str, ...], int] | None:
    """The forms of the counted things a question asks the identity (or the places) of (the noun's head
    and the plan's own term for a resident's word), and how many it says there are: ``那3项省级非遗分别是什么``
    → ((省级非遗, 非物质文化遗产), 3); ``the three mountain parks … names`` → ((公园,), 3)."""
    if not _ASKS_IDENTITY.search(frame.text):
        return None
    if frame.lang == "en":
        m = _EN_POINTED.search(frame.raw)
        named = _EN_NAME_OF.search(frame.raw)  # the name of X: one; the names of X: some
        terms = [t for t in frame.topic.split() if t not in _NAME_WORDS]
        if not (m or named) or not terms or len(terms[-1]) < 2:
            return None
        word = m.group(1).lower() if m else ("1" if named.group(1) == "name" else "2")  # type: ignore[union-attr]
        # (the glossary's terms follow the English word order: the noun is last)
        return (terms[-1][-2:],), int(word) if word.isdigit() else _EN_NUMBER[word]
    for m in _POINTED.finditer(frame.text):
        if (m.group(1) or frame.text[m.start()] == "那") and not ASKS_WHICH.fullmatch(m.group(2)):
            noun = _LEAD_WORD.sub("", m.group(2))  # 两条带分别是什么: the noun is 带
            terms = lexicon().plan_terms(noun)  # the plan's term for a resident's word (非遗 → 非物质文化遗产)
            return tuple(dict.fromkeys([noun, *terms])), _cn_int(m.group(1))
    m = _WHICH_ONE.search(frame.text)  # 国家级非物质文化遗产是哪一项: one, named after it
    if m:
        noun = m.group(1)
        return tuple(dict.fromkeys([noun, *lexicon().plan_terms(noun)])), 1
    return None


_HOW_MANY = re.compile(r"哪([两二三四五六七八九十\d]+)[个条类种项处座所片级]")


def asked_how_many(text: str) -> int | None:
    """How many things a which-question says there are (``指哪两个生态屏障`` → 2)."""
    m = _HOW_MANY.search(text)
    return _cn_int(m.group(1)) if m else None


def _noun_pieces(forms: tuple[str, ...]) -> set[str]:
    """Two-character pieces of the asked-for noun without its level (国家级非遗 → 非遗), and its plan terms
    whole: a candidate that states none of them is not about the things asked."""
    noun = re.sub(r"^(?:国家|省|市|县|区|镇|乡|村)级", "", forms[0])
    return {noun[i:i + 2] for i in range(max(len(noun) - 1, 1))} | set(forms[1:])


def _about_noun(forms: tuple[str, ...], text: str) -> bool:
    """``text`` is about the asked-for noun: it states the noun's head, or two of its pieces (one piece of
    国家级文物保护单位, 保护, is said of a 自然保护区 too)."""
    noun = re.sub(r"^(?:国家|省|市|县|区|镇|乡|村)级", "", forms[0])
    head = next((h for h in generic_heads() if noun.endswith(h) and len(noun) > len(h) + 1), None)
    if head:  # 交通项目: what sort of 交通 thing is a way of asking; 交通 is the noun
        noun = noun[:-len(head)]
        forms = (noun, *forms[1:])
    pieces = _noun_pieces(forms)
    said = {w for w in pieces if w in text}
    return noun[-2:] in text or any(f in text for f in forms[1:]) or len(said) >= min(2, len(pieces))


_ITEM = r"[^\s、，,。；;：:（）()\d|]{2,16}"


_NAME = r"[^\s、，,。；;：:（）()\d|和及与的]{2,12}"
# names after 为/包括 joined by 和 (国家级文物保护单位为甲遗址和乙码头), not 列为/作为/成为 a class
_NAMED_PAIR = re.compile(rf"(?<![列作成认称])(?:分别为|为|包括)((?:{_NAME}[、，,])*){_NAME}(?:和|及|与){_NAME}(?=[；;。]|$)")


def names_for(head: str, text: str) -> int:
    """How many names ``text`` gives for a count of ``head``: those of the sentence that counts it (and of
    the next one where it goes on with 即/包括/分别/为, or the count ends in a colon)."""
    parts = [x for x in re.split(r"(?<=[。！？])", text) if x]
    found = [0]
    for i, sent in enumerate(parts):
        if counts(head, sent):
            nxt = parts[i + 1] if i + 1 < len(parts) else ""
            goes_on = re.match(r"\s*(?:即|包括|分别|为|是)", nxt) or sent.rstrip().endswith(("：", ":")) \
                or re.match(rf"\s*[^。；;，,]{{0,8}}{re.escape(head)}(?:分别)?(?:为|是|包括)", nxt)  # 其中…2处。国家级…为A和B
            found.append(names_listed(sent + (nxt if goes_on else "")))
    return max(found)


def _spells_out(head: str, text: str) -> bool:
    """``text`` says what a counted element of a structure is (``“两带”指甲带和乙带``, ``两带：…``)."""
    return bool(re.search(rf"[“\"‘]?{_NUMERAL}+{re.escape(head)}[”\"’]?(?:指|即|是指|包括|为|：|:)", text))


def names_listed(text: str) -> int:
    """How many names ``text`` enumerates: the longest run ``甲、乙、丙`` of items without a digit, the
    parenthesised names (``国家级1项（剪纸技艺）``), or the short lines of a list."""
    runs = [len(re.findall("[、；;]", m.group(0))) + 1 for m in re.finditer(rf"{_ITEM}(?:[、；;]{_ITEM})+", text)]
    parens = len(re.findall(r"[（(][^）)\d]{2,}[）)]", text))
    runs += [len(re.findall("[、，,]", m.group(1))) + 2 for m in _NAMED_PAIR.finditer(text)]  # 为甲遗址和乙码头
    lines = [x.strip(" -*·•\t") for x in text.splitlines()]
    short = sum(1 for x in lines if 2 <= len(x) <= 16 and not re.search(r"\d|[。；;，,]", x))
    return max([0, parens, short if short >= 2 else 0, *runs])


def dates_only(text: str) -> bool:
    """``text`` says little but years: a plan period (``2021年至2035年，近期至2025年``)."""
    years = len(_YEAR_MENTION.findall(text))
    rest = re.findall(r"[\u4e00-\u9fff]", _YEAR_MENTION.sub("", text))
    return not states_number(text) and (years >= 3 or (years >= 2 and len(rest) < 12))


# A statement of the plan's period: 规划期限 …, 2021年至2035年, 近期至2025年, 远景展望至2050年.
_PERIOD = re.compile(r"规划期限|规划期为|(?:19|20)\d\d\s*年?\s*(?:至|—|–|-|～|~)\s*(?:19|20)\d\d\s*年?|近期至\s*(?:19|20)\d\d")
# what a year will look like (2050年远景展望是怎样的, 到2035年建成什么样): a statement of the period does not say
_ASKS_LIKE = re.compile(r"什么样|啥样|怎样的|怎么样|样子|如何|\blook like\b|\benvision", re.I)
_ASKS_PERIOD = re.compile(r"期限|规划期|哪一?年|到哪年|多少年|什么时候|何时|\bwhen\b|\bperiod\b|\bwhat year\b|\buntil\b")


# A question for a date (什么时候完工, 哪一年投入运行): answered by a time said of the thing asked about.
_ASKS_WHEN = re.compile(r"什么时候|何时|哪一年|哪年|啥时候|几时|\bwhen\b|\bwhat year\b|\bwhich year\b", re.I)
_TIME = re.compile(r"(?:19|20)\d\d|近期|中期|远期|规划期末|年底|年内")


# A question for a location (建在哪里, 选址在哪, 位于哪个镇, where … located): answered by a place said as one.
_ASKS_WHERE = re.compile(r"(?:建|设|选址|位于|坐落|落|布置|安排)在?(?:哪里|哪儿|哪个|什么位置|何处)|在哪(?:里|儿|个位置)?[？?]?$|"
                         r"(?:建|设|放|选址|位于|坐落|落|布置|布局|安排|分布)在[^，,。？?]{0,6}?"
                         r"(?:哪里|哪儿|何处|哪[个些一]?(?:位置|地方|地段|片|带|组|村|镇|乡))|"
                         r"什么位置|什么地方|选址在哪|\bwhere\b|\blocated\b", re.I)
# A question for where a supply comes from (天然气从哪儿接过来, 水是从哪里引来的): answered by a source said as one.
_ASKS_FROM = re.compile(r"从哪(?:里|儿|个|条)?[^，,。？?]{0,6}?(?:来|接|引|调|输)|来自哪|源头在哪|\bwhere\b[^?]{0,60}?\bcomes? from\b", re.I)
_SOURCE = re.compile(r"[水气]源|来源|来自|引自|源于|接入|引入|引水|取水|调水|输水|输气|气源|支线|干线|管道|管网|水库|河|江|湖|泉|[\u4e00-\u9fff]{1,6}线")
_LOCATIVE = re.compile(r"位于|坐落|选址|分布[在于]|集中在|[东南西北两沿][岸麓]|[东南西北][部侧面边]|[东南西北]{2}|城[东南西北]|周边|附近|沿线|沿[河江路线]|境内|之间|交汇|"
                       r"毗邻|紧邻|临近|一带|片区|[镇乡村区县]域?内|[路街]口|[（(][^）)]*[镇乡村][）)]|"
                       r"[\u4e00-\u9fff]{1,3}组(?![级织成合建])|"
                       r"在[\u4e00-\u9fff]{2,6}?(?:镇|乡|村|街道|园区)(?![级域村])")  # a village group (上田组), not 组级道路


# a figure that grades the thing counted or measured (220千伏变电站): a voltage class
_QUALIFIER = re.compile(r"(\d+)\s*(?:千伏|kV|KV|kv)")
_EACH_IS = re.compile(r"分别[为是]")
# asked which class or type a thing is (算哪一类, 属于什么类型): the answer names a class (集聚提升类, 工贸型)
_ASKS_CLASS = re.compile(r"(?:什么|啥|哪[种一个]?|何)(?:类型|类别|种类|类)|(?:属于|归|算|归到|列为)哪[一种个]?[类种]|"
                         r"\b(?:what|which)\s+(?:[a-z]+\s+)?(?:type|category)\b", re.I)  # (what kind of hub city: a description)
_SORT_OF = re.compile(r"类型的([\u4e00-\u9fff]{2,4}?)(?=[？?，,。]|$|吗|呢|啊)")  # 什么类型的重点镇: a sort of 重点镇
_CLASS_WORD = re.compile(r"[\u4e00-\u9fff][类型](?![型别])")


def _among_the_named(question: str, text: str) -> bool:
    """The question names one of the things ``text`` names one by one (分别为甲和乙): it asks about that one."""
    m = _EACH_IS.search(text)
    if not m:
        return False
    names = re.split(r"[、和及与，,]", re.split(r"[。；;]", text[m.end():])[0])
    return any(len(n.strip()) >= 2 and n.strip() in question for n in names)


def _place_heading(c: Candidate) -> str | None:
    """The part of the territory the candidate's own heading names (``北城区：物流区`` → 北城区), if any:
    what the text under it says is located there."""
    path = c.citations[0].passage.path if c.citations else ()
    last = re.sub(r"^[\d.、\s]+|^第[一二三四五六七八九十百\d]+[章节条]\s*", "", path[-1]) if path else ""
    last = re.split(r"[：:（(]", last)[0]
    return last if _PLACE_HEADING.search(last) else None


def located_by_heading(frame: QuestionFrame, c: Candidate) -> str | None:
    """The place heading that alone says where ``c`` is, for a where-question (``北城区`` over
    ``打造甲物流园区``): the answer names it."""
    if not (_ASKS_WHERE.search(frame.search_text) and c.source == "text") or _LOCATIVE.search(c.text):
        return None
    place = _place_heading(c)
    return place if place and place not in c.text else None


# A heading that is a part of the territory (北城区, 河东组团, 甲庄村).
_PLACE_HEADING = re.compile(r"[\u4e00-\u9fff]{1,8}(?:城区|新区|片区|组团|园区|镇|乡|村)$")


@functools.lru_cache(maxsize=512)
def _named_parts(question: str) -> tuple[str, ...]:
    """The villages and village groups a question names (东坡村, 上田组), not 哪个组 or 每组."""
    return tuple(n for n in [*village_names(question), *_GROUP.findall(question)] if n[0] not in "哪那这每各几本该")


_GROUP = re.compile(r"(?<![级个每])([\u4e00-\u9fff]{2}组)(?![级织成合建团])")  # a village group (上田组), not 组团
_VILLAGE = re.compile(r"([\u4e00-\u9fff]{2,8}?村)(?=算|属于|属|是|被|有|能|在|的|里|会|要|划|列|吗|呢|啊|[？?，,]|$)")
# What makes a 村 word a class (中心村) or no name at all (哪个村, 俺们村): modifiers and pronouns.
_CLASS_MODIFIER = ("中心", "基层", "行政", "自然", "特色", "重点", "一般", "传统", "美丽", "示范", "空心", "保留", "哪个", "哪些",
                   "什么", "这个", "那个", "咱", "我们", "俺们", "我家")


def village_names(text: str) -> list[str]:
    """Village names a question asks about (``甲镇东坡村算不算中心村`` → 东坡村), not class names (中心村)."""
    out = []
    for m in _VILLAGE.finditer(text):
        name = re.sub(r"^.*[镇乡县市区的边里内在]", "", m.group(1))
        if len(name) >= 3 and not name[:-1].endswith(_CLASS_MODIFIER) and not name.startswith(_CLASS_MODIFIER):
            out.append(name)
    return out


# A list question for the places of one kind (哪些村, 哪几个镇, which villages): answered by their names
# (指的是哪些村, 包括哪些村 ask what a class means: a definition answers them)
_ASKS_PLACES = re.compile(r"(?<!指的是)(?<!是指)(?<!指)(?<!包括)(?:哪些|哪几个|哪几)(?:[^\s\W\d的和与]{0,3}?)(?<![乡城])(村|镇|乡)(?![庄域级民落镇村])|\bwhich (village|town|township)s\b|"
                           r"(?:中心|基层|重点|一般|传统|特色)(村|镇|乡)(?:都|还|分别)?(?:有|是|包括)?(?:哪些|哪几个|哪几)(?![^？?，,。]*的)", re.I)  # 中心村有哪几个
_EN_PLACE = {"village": "村", "town": "镇", "township": "乡"}


def place_names_in(text: str, suffix: str) -> list[str]:
    """Names of places of one kind (``甲庄村``, ``甲镇``) that ``text`` states: not their classes (中心村,
    重点镇), not the kind itself (村庄, 乡镇, 城镇) and not a description (交通干道沿线村)."""
    out = []
    for m in re.finditer(rf"([\u4e00-\u9fff]{{1,4}}?){suffix}(?![庄域级民落镇乡区])", text):
        stem = re.sub(r"^.*[的和与及、，,。；;：:是为在等即个处座项类]", "", m.group(1))  # after a word or a measure
        if len(stem) >= 2 and stem[-1] not in "乡城村镇" and not stem.endswith(_CLASS_MODIFIER) \
                and not re.search(r"沿线|周边|集聚|融合|改善|撤并|搬迁|提升|规划|各|每|全|本|该|其他", stem):
            out.append(stem + suffix)
    return out


_ZH_PAIR = re.compile(r"(?:几|多少)个?([镇乡村])[、和与及跟，, ]*(?:几|多少)?个?([镇乡村])(?![庄域级])")
_EN_PAIR = re.compile(r"\bhow many (villages?|towns?|townships?) and (villages?|towns?|townships?)\b", re.I)


@functools.lru_cache(maxsize=512)  # asked once per candidate of a question: the frame is hashable
def counted_pair(frame: QuestionFrame) -> tuple[str, str] | None:
    """The two kinds of place a count question counts together (几个镇几个乡, how many towns and townships)."""
    if frame.answer_type != "count":
        return None
    m = _EN_PAIR.search(frame.text) if frame.lang == "en" else _ZH_PAIR.search(frame.text)
    if not m:
        return None
    a, b = (_EN_PLACE[g.lower().rstrip("s")] if frame.lang == "en" else g for g in m.groups())
    return (a, b) if a != b else None


def asked_places(frame: QuestionFrame) -> str | None:
    """The kind of place (村/镇/乡) a list question asks the names of, if any."""
    if frame.answer_type != "list":
        return None
    m = _ASKS_PLACES.search(frame.text)
    return (m.group(1) or m.group(3) or _EN_PLACE[m.group(2).lower()]) if m else None


# A question about one part of a structure's formula, quoted (那个“两域”指哪两块, “一带”是哪条河).
_QUOTED_PART = re.compile(r"[“\"「『]([^”\"」』\s]{1,4})[”\"」』]")
_ASKS_MEANING = re.compile(r"指|是什么|是啥|是哪|哪些|哪几|哪条|哪个|\bwhat\b|\bwhich\b|\bmean", re.I)


def _quoted_parts(frame: QuestionFrame) -> list[str]:
    if frame.answer_type in ("count", "yesno") or not _ASKS_MEANING.search(frame.raw):
        return []
    import zhconv

    return [zhconv.convert(t, "zh-cn") for t in _QUOTED_PART.findall(frame.raw)]


def _only_in_formula(term: str, text: str) -> bool:
    """``term`` is named in ``text`` only as one part of a longer quoted formula (两域 in “一带、一区、两域、六园”)."""
    outside = re.sub(r"[“\"「『][^”\"」』]*[”\"」』]", "", text)
    inside = [q for q in re.findall(r"[“\"「『]([^”\"」』]*)[”\"」』]", text) if term in q]
    return bool(inside) and all(q != term for q in inside) and term not in outside


def _explains(term: str, text: str) -> bool:
    """``text`` says what ``term`` is (``“两域”指…``, ``一带：…``, ``一带为…``), not only names it in a formula."""
    return re.search(rf"{re.escape(term)}[”\"」』]?\s*(?:指|即|为|是|包括|：|:)", text) is not None


def states_period(text: str) -> bool:
    return _PERIOD.search(text) is not None


_CLAUSE_START = re.compile(r"[，。；：、,;:\n]")


def another_kind(parts: tuple[str, ...], text: str, heading: str = "") -> bool:
    """``text`` never speaks of the compound ``parts`` (``户籍`` + ``人口``): no clause of it names the head
    with every other part before it (or in ``heading``, the section's subject), a part of urban or rural
    scope also counting in its synonym (农村 as 乡村). A text about the head alone (常住人口) or about
    something else says nothing of it."""
    *mods, head = parts
    for m in re.finditer(re.escape(head), text):
        start = max((x.end() for x in _CLAUSE_START.finditer(text, 0, m.start())), default=0)
        before = text[start:m.start()]
        scope = lexicon().scope(before)
        if all(p in before or p in heading or (scope and lexicon().scope(p) == scope) for p in mods):
            return False
    return True


def _urban_section(frame: QuestionFrame, c: Candidate) -> bool:
    """The entity asked about is the urban area (中心城区) and the candidate's section is about the city
    (``城市风貌管控``): a county plan's city chapter speaks of its central city."""
    urban = any(lexicon().scope(a) == "Urban" for names in frame.subjects for a in names)
    return urban and bool(c.citations) and lexicon().scope(" ".join(c.citations[0].passage.path[1:])) == "Urban"


def problems(frame: QuestionFrame, c: Candidate) -> list[str]:
    """Why ``c`` does not answer ``frame`` (empty: it does)."""
    out = list(c.violations)
    if frame.answer_type not in ("overview", "definition") and frame.unknown_places:
        out.append("unknown subject")  # asked about a place the plan never names: it cannot state it
    if not c.citations:
        out.append("no citation")
    if c.features.get("off_topic"):
        out.append("off the topic")  # 高铁站周边打造成什么 is not answered by the water supply rates
    if frame.unseen and set(frame.topic.split()) <= set(frame.unseen) \
            and (frame.lang == "zh" or all(w in frame.text for w in frame.unseen)):
        # every word of the topic is one the plan never uses, as the resident wrote it (not the glossary's
        # rendering of an English word, which may not be the plan's)
        out.append("topic not in the plan")
    if not numbers_supported(c):
        out.append("numbers")
    if frame.wants_number and c.source in ("text", "indicator", "list") \
            and any(v not in c.text for v in _QUALIFIER.findall(frame.text)):
        out.append("another grade")  # 几座220千伏变电站 is not answered by 变电站布局 or by the 110千伏 ones
    pair = counted_pair(frame)
    if pair and c.source in ("text", "indicator", "list", "entity") \
            and not all(re.search(rf"\d+\s*个?{k}(?![级域区])", c.text) for k in pair):
        out.append("not both counted")  # 几个镇几个乡 is answered by 15个镇和4个乡, not by 4个特色小镇
    if frame.pointed and not any(d in c.text or d[:2] in c.text for d in frame.pointed):
        out.append("not the part asked")  # 城区靠南的那一片 is answered by what the plan says of 南城区
    if _ASKS_CLASS.search(frame.text) and not _CLASS_WORD.search(c.text + _heading(c)) and (
            c.source == "text" or (c.source == "entity" and any(n in c.text for n in _SORT_OF.findall(frame.text)))):
        # 甲村算啥类型的村 is not answered by what the village has, 什么类型的重点镇 not by 列为重点镇
        out.append("no class for it")
    if frame.wants_number and c.source != "list" and not (states_number(c.text) or "年" in frame.quantity):
        out.append("no number")
    if frame.answer_type not in ("list", "definition") and frame.quantity \
            and c.source in ("text", "indicator") and not states_kind(frame.quantity, c):
        out.append("quantity kind")
    if frame.wants_number and c.source in ("text", "indicator") and frame.subjects \
            and not any(a in c.text or a in _heading(c) for names in frame.subjects for a in names) \
            and not _urban_section(frame, c):
        out.append("subject")  # a figure about something else than the entity asked about (its section may name it)
    if frame.answer_type in ("yesno", "membership") and c.source in ("list", "text") and frame.subjects \
            and not any(a in c.text for names in frame.subjects for a in names):
        out.append("subject not stated")  # whether X is a Y: a list of Y without X does not say
    if frame.measures and c.source in ("text", "indicator") \
            and not any(m in c.text or m in _heading(c) for m in frame.measures):
        out.append("another figure")  # 地区生产总值 is not answered by the 森林覆盖率 and 城镇化率 beside it
    if frame.wants_number and c.source in ("text", "indicator", "entity") and "subject" not in out:
        parts = [n for n in _named_parts(frame.text) if n not in frame.jurisdiction]
        if parts and not any(n in c.text or n in _heading(c) for n in parts):
            out.append("subject")  # 上田组有多少人 is not answered by the whole village's population
    if frame.answer_type in ("yesno", "membership") and c.source in ("list", "text", "outline", "indicator"):
        missing = [n for n in village_names(frame.text) if n not in c.text and n not in frame.jurisdiction]
        if missing and "subject not stated" not in out:
            out.append("subject not stated")  # 东坡村算不算中心村: a quote without 东坡村 does not say
    if dates_only(c.text) and "年" not in frame.quantity and c.features.get("idf_match", 0.0) < 1.0:
        out.append("dates only")  # a plan period (2021年至2035年…) answers only a question about it
    if states_period(c.text) and not _ASKS_PERIOD.search(frame.search_text) \
            and (not c.features.get("idf_match", 0.0) or _ASKS_LIKE.search(frame.text)):
        out.append("plan period")  # only the year is shared: 到2035年建成什么样 is not 规划期限2021年至2035年
    if _ASKS_WHEN.search(frame.search_text) and c.source in ("text", "indicator", "list", "entity") \
            and not (_TIME.search(c.text) and c.features.get("key_match", 1.0)):
        out.append("no date for it")  # 卫生院扩建什么时候完工 is not answered by a list of near-term projects without it
    if _ASKS_WHERE.search(frame.search_text) and not _ASKS_FROM.search(frame.search_text) \
            and c.source in ("text", "indicator", "list") \
            and not _LOCATIVE.search(c.text) and not _place_heading(c) \
            and not ((re.search("几|多少", frame.text) or _EACH_IS.search(c.text)) and names_listed(c.text) >= 2
                     and not _among_the_named(frame.text, c.text)):
        # (几处避难场所，在哪里 and 避难场所设在哪里 are answered by the sites' names: 两处，分别为甲和乙; where 甲 is
        # is not: 甲 is one of the names)
        out.append("no place for it")  # 中学建在哪 is not answered by 新建中学一所
    if _ASKS_FROM.search(frame.search_text) and c.source in ("text", "indicator", "list") and not _SOURCE.search(c.text):
        out.append("no source for it")  # 天然气从哪儿接过来 is not answered by the gas coverage rate
    which = pointed(frame)
    if which and c.source in ("text", "indicator", "list", "entity"):
        named = [n for h in which[0] if counts(h[-2:], c.text) for n in [names_for(h[-2:], c.text)]]
        if named and max(named) < min(which[1], 2) and not any(_spells_out(h[-2:], c.text) for h in which[0]):
            out.append("a count, not the names")  # 2项国家级非物质文化遗产 does not say which they are
        elif c.source not in ("list", "entity") and not _about_noun(which[0], c.text):
            out.append("not the things asked")  # the 文物保护单位 beside them are not the 非遗 asked for
    many = asked_how_many(frame.text)
    if many and c.source == "list" and 0 < len(c.entities) < many:
        out.append("partial list")  # 哪两个生态屏障 is not answered by one of them
    if many and many >= 2 and c.source in ("text", "indicator") and names_listed(c.text) < 2 \
            and any(_cn_int(m.group(1)) == many and not re.search("[和与及]", clause)
                    for clause in re.split(r"[，,。；;：:]", c.text)
                    for m in re.finditer(rf"({_NUMERAL}+)[类种个项处座条所片级]", clause)):
        # (培育甲小镇和乙小镇2个特色小镇 names them in the clause that counts them)
        out.append("a count, not the names")  # 分成哪五种类型 is not answered by 形成5类村庄 alone
    head = _counted_head(frame)
    # (a list too, for an English question: its head is the glossary's genre term, not a resident's paraphrase)
    if head and (c.source in ("text", "indicator") or (c.source == "list" and frame.lang == "en")) \
            and not counts(head, c.text):
        out.append("counts something else")  # 几项非物质文化遗产 is not answered by 6处文物保护单位
    if frame.answer_type == "count" and c.source in ("text", "indicator") and not states_measure(frame.text, c.text):
        out.append("counts in another measure")  # 分几级 is not answered by 共148个
    if frame.scope and c.source in ("text", "indicator") and lexicon().scope(c.text) not in (None, frame.scope):
        out.append("scope")  # a town figure for a question about the villages, or the reverse
    if frame.unit and c.source == "text" and frame.unit not in c.text:
        out.append("unit")
    if c.source == "entity" and c.features.get("match", 0.0) == 0.0:
        out.append("entity named, property not stated")
    if frame.year and c.source == "text" and re.search(r"20\d\d年", c.text) and str(frame.year) not in c.text:
        out.append("year")
    for term in _quoted_parts(frame):
        if _only_in_formula(term, c.text) and not _explains(term, c.text) and term not in _heading(c):
            out.append("named, not explained")  # 那个“两域”指哪两块 is not answered by 构建“一带、一区、两域、六园”的格局
            break
    if frame.answer_type in ("value", "count", "list", "overview") and any(
            another_kind(parts, c.text, _heading(c)) for parts in frame.kinds):
        out.append("another kind")  # 户籍人口 is not answered by 常住人口, 十分钟生活圈 not by 十五分钟生活圈
    if unlabelled_level(frame.text, c.text):
        out.append("no level for it")  # 乙阁 listed beside 甲氏宗祠（县级文物保护单位） has no level of its own
    walk = _minutes(frame.text)
    if walk and c.source in ("text", "list", "indicator", "outline") and not walk <= _minutes(c.text):
        out.append("another kind")  # a 十分钟 life circle is not answered by the 十五分钟 and 五分钟 ones
    kind = asked_places(frame)
    if kind and not place_names_in(c.text, kind):
        out.append("no names of the places")  # 哪些村被列为搬迁撤并类 is not answered by what the class means
    return out
