"""Question analysis: a question becomes a typed ``QuestionFrame`` (what kind of answer, about what, under
which constraints), after normalisation (traditional → simplified, NFKC, typo repair against the plan's
vocabulary, English genre terms)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from retrieval.answering.lexicon import Lexicon, lexicon
from retrieval.answering.typos import Vocabulary, correct
from retrieval.glossary import expand

_LATIN = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NAME = re.compile(r"(?<=\w )[A-Z][a-z]{3,}")  # a capitalised word past the first: a name, perhaps in pinyin
_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年?")
_QWORDS = re.compile(r"多少|几[个处项类种级条座所成]?|哪些|哪几|哪个|哪里|哪儿|什么|啥|怎么样|怎么|怎样|如何|咋|"
                     r"是否|是不是|有没有|会不会|能不能|要不要|为什么")
TYPES = ("count", "definition", "membership", "value", "list", "yesno", "overview")


@dataclass(frozen=True)
class QuestionFrame:
    raw: str
    text: str  # normalised, corrected
    search_text: str  # what retrieval is asked (English questions carry their Chinese genre terms)
    lang: str  # "zh" | "en"
    script: str  # "simplified" | "traditional" | "latin"
    answer_type: str  # one of TYPES
    topic: str  # the question without filler and cue words: what it is about
    year: int | None
    status: str | None  # "Current" | "Planned" | "Both" (the current figure and the target) | None
    level: str | None
    unit: str | None
    corrections: tuple[tuple[str, str], ...] = ()
    out_of_scope: str | None = None
    scope: str | None = None  # "Urban" | "Rural": the question speaks of towns or of villages only
    unseen: tuple[str, ...] = ()  # content words of the question that the plan never uses
    unknown_places: tuple[str, ...] = ()  # village names, and things of the genre, in the question that the plan never uses
    quantity: tuple[str, ...] = ()  # units that can state the asked-for quantity (empty: any)
    subjects: tuple[tuple[str, ...], ...] = ()  # names of each entity the question asks about (not the plan's)
    jurisdiction: tuple[str, ...] = ()  # the plan's own place names (what every sentence of it is about)
    spelled: tuple[str, ...] = ()  # the plan's names an English question spells in pinyin (Jiashan → 甲山)
    kinds: tuple[tuple[str, ...], ...] = ()  # compounds the plan never uses, as (modifier…, head) parts
    measures: tuple[str, ...] = ()  # the plan's indicators (地区生产总值, 森林覆盖率) the question names
    pointed: tuple[str, ...] = ()  # the plan's districts the question points at by direction (城南 → 南城区)

    @property
    def wants_number(self) -> bool:
        return self.answer_type in ("value", "count")


def script_of(raw: str) -> str:
    import zhconv

    cjk = "".join(_CJK.findall(raw))
    if not cjk:
        return "latin"
    return "traditional" if zhconv.convert(cjk, "zh-cn") != cjk else "simplified"


def answer_type(text: str, lex: Lexicon) -> str:
    for t, pat in lex.answer_types:
        if pat.search(text):
            return t
    return "overview"


def english_type(text: str, search_text: str, lex: Lexicon) -> str:
    """An English question's type from its own words (Which areas make up … is a list, whatever the
    glossary's 面积 says); from its genre terms where its words give none."""
    for t, pat in lex.answer_types:
        if pat.search(text):
            return t
    return answer_type(search_text, lex)


@functools.cache
def _fillers() -> tuple[re.Pattern[str], frozenset[str]]:
    """Multi-character fillers (removed wherever they occur) and single characters (removed only as a
    word of their own, so 地 leaves ``这地方`` but stays in 耕地, 能 stays in 能源)."""
    from retrieval.answering.lexicon import rows

    words = [w for r in rows("fillers.tsv") for w in r[0].split("|")]
    long = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, long))), frozenset(w for w in words if len(w) == 1)


def topic_of(text: str, lang: str, tokenizer: object = None) -> str:
    """What the question is about: Chinese without question and filler words; for English, the Chinese
    genre terms the glossary added."""
    if lang == "en":
        words = [w for t in text.split() for w in ([t] if _YEAR.fullmatch(t) else _CJK_RUN.findall(t))]
        return " ".join(dict.fromkeys(words))  # a quoted term (甲类) once, without its brackets
    long, single = _fillers()
    t = long.sub(" ", _QWORDS.sub(" ", text))
    if tokenizer is not None:
        from ingest.tokenize import tokens

        t = " ".join(w for w in tokens(tokenizer, t) if w not in single)
    t = re.sub(r"[^\w%.]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


_PLACE_SUFFIX = "村屯庄寨营"
_PRONOUNS = "咱俺我你他她您"  # spoken before a place name (咱村, 俺们镇)
_NOT_A_NAME = re.compile(r"[类个些级种哪几多每各该本这那要是在的会能将被把有还没不]")  # measure, question, function words
_COMMON_NOUN = "子里民内"  # 村子, 村里, 村民, 村内: the suffix starts a common noun, not a name's end


def unknown_places(text: str, unseen: tuple[str, ...], occurs: object) -> tuple[str, ...]:
    """Place names in ``text`` the plan never names: an unseen word carried on to a village suffix
    (``王家`` + ``营村`` → ``王家营村``). ``occurs(name)`` tells whether the plan's text has it."""
    out = []
    for w in unseen:
        i = text.find(w)
        if i < 0 or not _CJK.match(w):
            continue
        ends = [j for j in range(i + len(w), min(len(text), i + len(w) + 3) + 1)
                if text[j - 1] in _PLACE_SUFFIX and j - i >= 3 and (j == len(text) or text[j] not in _COMMON_NOUN)]
        if ends and text[i] not in _PLACE_SUFFIX + "省市县区镇乡" and not _NOT_A_NAME.search(text[i:ends[-1]]) and not occurs(text[i:ends[-1]]):  # type: ignore[operator]
            name = text[i:ends[-1]]
            if name[0] in _PRONOUNS:  # 咱甲庄村 is 咱 + the village's name
                name = name.lstrip(_PRONOUNS)
                if len(name) < 3 or occurs(name):  # type: ignore[operator]
                    continue
            out.append(name)
    return tuple(dict.fromkeys(out))


def unknown_things(text: str, occurs: object) -> tuple[str, ...]:
    """The things of the genre (``lexicon/genre_things.tsv``) that ``text`` names and the plan never
    speaks of by any of their names (``殡仪馆`` in a plan without 殡仪馆, 殡葬服务中心, 火葬场 …)."""
    from retrieval.answering.lexicon import lexicon

    return tuple(line[0] if line[0] in text else next(n for n in line if n in text)
                 for line in lexicon().things_named(text) if not any(occurs(n) for n in line))  # type: ignore[operator]


def unseen_terms(topic: str, vocab: Vocabulary, tokenizer: object) -> tuple[str, ...]:
    """Content words (two or more CJK characters) of ``topic`` that occur nowhere in the plan."""
    from ingest.tokenize import tokens

    words = tokens(tokenizer, topic) if tokenizer is not None else topic.split()
    return tuple(dict.fromkeys(w for w in words if len(w) >= 2 and _CJK.match(w) and not vocab.occurs(w)))


@functools.cache
def generic_heads() -> frozenset[str]:
    from retrieval.answering.lexicon import rows

    return frozenset(r[0] for r in rows("generic_heads.tsv"))


COMPOUND_CHARS = 4  # a compound term: a modifier word and a head word (户籍 + 人口)


def unnamed_kinds(unseen: tuple[str, ...], vocab: Vocabulary, tokenizer: object, topic_text: str = "") -> tuple[tuple[str, ...], ...]:
    """The compound terms among ``unseen`` (``unseen_terms`` of the topic) that the plan never uses although it uses their head (``户籍人口``: the plan
    has 人口 but never 户籍人口), split into the words that make them up, the head last. Asked for a
    figure or a list of such a kind, a candidate about the head alone (常住人口) does not answer.
    ``topic_text``: the question's text, where a compound that modifies another word (``X的Y``) is not
    the thing asked."""
    if tokenizer is None:
        return ()
    from ingest.tokenize import tokens

    out = []
    for w in unseen:
        if len(w) < COMPOUND_CHARS:
            continue
        subs = {t for t in tokens(tokenizer, w) if 2 <= len(t) < len(w)}
        parts, i = [], 0
        while i < len(w):  # the longest sub-word at each point; a compound is words end to end
            t = next((w[i:j] for j in range(len(w), i + 1, -1) if w[i:j] in subs), None)
            if t is None:
                break
            parts.append(t)
            i += len(t)
        if i == len(w) and len(parts) >= 2 and vocab.occurs(parts[-1]) and w + "的" not in topic_text \
                and parts[-1] not in generic_heads() and not vocab.occurs("".join(reversed(parts))):
            # (``重点保护的文物古迹``: the compound modifies what is asked; 工程建设 is the plan's 建设工程,
            # its words the other way round)
            out.append(tuple(parts))
    return tuple(out)


@dataclass(frozen=True)
class Normalised:
    """The question before any plan is known: enough to route it."""

    text: str
    lang: str
    search_text: str


def language_of(text: str) -> str:
    """``en`` where the question is written in English, though it may quote a Chinese name or term
    (``Is Jia Town (甲镇) a key town?``): English words outweigh Chinese characters three to one;
    else ``zh`` (a Chinese question may hold an English abbreviation such as GDP)."""
    words, chars = _LATIN.findall(text), len(_CJK.findall(text))
    if not words:
        return "zh"
    return "en" if chars < 2 or len(words) >= 3 and sum(map(len, words)) >= 3 * chars else "zh"


def spelled_names(text: str, vocab: Vocabulary) -> list[str]:
    """The plan's names an English ``text`` spells in pinyin (``Jiashan Waterworks`` → 甲山), but not the
    jurisdiction's: the plan is about it."""
    return [n for w in _NAME.findall(text) for n in vocab.spelled(w) if not any(n in p for p in vocab.protected)]


def normalise(question: str) -> Normalised:
    from retrieval.search import normalize_query

    text = normalize_query(question)
    lang = language_of(text)
    return Normalised(text, lang, expand(text) if lang == "en" else text)


def analyse(question: str, vocab: Vocabulary | None = None, lex: Lexicon | None = None,
            tokenizer: object = None) -> QuestionFrame:
    """The frame of ``question``; ``vocab`` (the plan's terms) enables typo repair."""
    from retrieval.search import normalize_query

    lex = lex or lexicon()
    simplified = normalize_query(question)
    script = script_of(question)
    text, fixes = correct(simplified, vocab, tokenizer) if vocab is not None else (simplified, ())
    lang = language_of(text)
    search_text = expand(text) if lang == "en" else text
    names: list[str] = []
    if lang == "en" and vocab is not None:  # the plan's words for the question's names and ordinary words
        from retrieval.dictionary import plan_words as english_words
        from retrieval.glossary import matched

        names = spelled_names(text, vocab)
        extra = [w for w in [*names, *english_words(text, vocab.occurs, matched(text))] if w not in search_text]
        extra += [w for w in _as_the_plan_writes(search_text, vocab) if w not in search_text.split()]
        search_text = f"{search_text} {' '.join(extra)}" if extra else search_text
    plan_words = [t for t in lex.plan_terms(text) if vocab is None or vocab.occurs(t)] if lang == "zh" else []
    if plan_words:  # residents' words reach the plan's terms (村子 → 村庄, 看病 → 医疗)
        search_text = f"{text} {' '.join(plan_words)}"
    years = [int(y) for y in _YEAR.findall(text)]
    status = lex.constraint("status", text)
    if years and status is None:
        status = "Planned"
    oos = lex.out_of_scope.search(text)
    return QuestionFrame(
        raw=question, text=text, search_text=search_text, lang=lang, script=script,
        answer_type=english_type(text, search_text, lex) if lang == "en" else answer_type(text, lex),
        topic=" ".join([topic_of(search_text if lang == "en" else text, lang, tokenizer), *plan_words]).strip(), year=years[0] if years else None, status=status,
        level=lex.constraint("level", text), unit=_unit(text, lex), corrections=fixes,
        quantity=next((units for _k, pat, units in lex.quantity_kinds if pat.search(text if lang == "en" else search_text)), ()),  # not the glossary's terms (urban area → 面积)
        out_of_scope=oos.group(0) if oos else None, scope=lex.scope(search_text), spelled=tuple(names))


def _as_the_plan_writes(search_text: str, vocab: Vocabulary) -> list[str]:
    """For each genre term the glossary gave an English question that the plan never uses, the longest
    head or tail of it that the plan does use (防灾减灾 → 防灾 in a plan that says 防灾设施)."""
    out = []
    for term in _CJK_RUN.findall(search_text):
        if len(term) < 3 or vocab.occurs(term):
            continue
        parts = [term[:n] for n in range(len(term) - 1, 1, -1)] + [term[-n:] for n in range(len(term) - 1, 1, -1)]
        found = max((p for p in parts if vocab.occurs(p)), key=len, default=None)
        if found:
            out.append(found)
    return out


def _unit(text: str, lex: Lexicon) -> str | None:
    """A measurement unit the question names outright (平方公里, 亩 …), not one implied by 率."""
    u = lex.constraint("unit", text)
    return None if u == "%" and not re.search(r"%|百分之|percent", text) else u
