"""The answering pipeline: analyse → route → candidates from every source → score → verify → render.
Three honest outcomes: answered; covered but not stated (what the plan does say, cited); declined (the
nearest passages offered as possibly related)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from retrieval.answering.analysis import (
    QuestionFrame,
    analyse,
    normalise,
    unknown_places,
    unknown_things,
    unnamed_kinds,
    unseen_terms,
)
from retrieval.answering.candidates_graph import (
    entity_candidates,
    indicator_candidates,
    list_candidates,
    pointed_districts,
)
from retrieval.answering.candidates_text import PERIOD_END, TEXT_HITS, outline_candidates, text_candidates
from retrieval.answering.lexicon import lexicon
from retrieval.answering.render import sentence
from retrieval.answering.routing import Gazetteer, Route, foreign_plan, route
from retrieval.answering.scoring import figure, on_topic, score, weights
from retrieval.answering.types import Answer, Candidate, Citation
from retrieval.answering.typos import Vocabulary
from retrieval.answering.verify import asked_how_many, located_by_heading, names_listed, problems
from retrieval.facts import ADMIN_SUFFIXES, FactBase, aliases, place_names, title_units
from retrieval.text import bigrams, sentences

if TYPE_CHECKING:
    from retrieval.search import Hit



class Search(Protocol):
    """``search(text, k, plan, lexical, depth)``: the dense ranker reads ``text``, BM25 matches ``lexical``
    (default ``text``); ``plan`` None searches every plan; ``depth``: candidates each ranker gives the
    fusion (default from ``k``)."""

    def __call__(self, text: str, k: int, plan: str | None, lexical: str | None = None, depth: int | None = None,
                 /) -> Sequence[Hit]: ...


NEAR_CHARS = 120  # a quote of what the plan does state stays short
_YEARLIKE = re.compile(r"(?:19|20)\d\d年?")  # a year is the question's constraint, not its topic
DECLINE = {"zh": "规划文本中没有找到与这个问题相关的内容，无法据此回答。",
           "en": "The plan text does not cover this question, so it cannot be answered from the plan."}
NOT_STATED = {"zh": "规划没有明确说明这一点。规划中与此相关的内容是：",
              "en": "The plan does not state this. What the plan says on the topic:"}
UNNAMED = {"zh": "规划没有提到{name}，因此没有说明这一点。规划中与此相关的内容是：",
           "en": "The plan does not name {name}, so it does not state this. What the plan says on the topic:"}
CLARIFY = {"zh": "这个问题可能涉及多个规划，请先选择要查询的规划：",
           "en": "Several plans could answer this; please choose a plan first: "}
FOREIGN = {"zh": "目前没有收录{name}的规划，无法回答关于它的问题。",
           "en": "No plan of {name} is served here, so this cannot be answered."}
OUT_OF_SCOPE = {"zh": "国土空间总体规划不涉及这类事项（{topic}），无法据此回答。",
                "en": "A territorial spatial plan does not settle this kind of matter ({topic})."}


class Context:
    """Per-build answering data: the fact base, the gazetteer and each plan's vocabulary (built lazily)."""

    def __init__(self, kb: FactBase, tokenizer: Any = None) -> None:
        self.kb = kb
        self.tokenizer = tokenizer
        self.gazetteer = Gazetteer.build(kb.plans.values(), kb.entities.values())
    def _passage_tokens(self, plan: str) -> list[list[str]]:
        """The search tokens of each of the plan's passages, segmented once for the vocabulary and the idf."""
        kb = self.kb.for_plan(plan)
        key = f"tokens:{plan}"
        if key not in kb.memo:
            from ingest.tokenize import tokens

            # a passage's own heading says what it is about (``搬迁撤并型`` over its one-line definition)
            texts = [(p.path[-1] if p.path else "") + "\n" + p.text for p in kb.passages.values() if p.plan == plan]
            kb.memo[key] = [tokens(self.tokenizer, x) for x in texts] if self.tokenizer is not None else []
        return kb.memo[key]  # type: ignore[no-any-return]

    def idf(self, plan: str) -> dict[str, float]:
        """Inverse document frequency of each word over the plan's passages (BM25's form): how much a
        question word says about which sentence answers it. Per plan, not the search index's build-wide
        idf: among thousands of plans a word's weight in one plan is what tells its sentences apart. Kept
        with the plan's own base."""
        kb = self.kb.for_plan(plan)
        key = f"idf:{plan}"
        if key not in kb.memo:
            per_passage = self._passage_tokens(plan)
            df = Counter(t for words in per_passage for t in set(words))
            n = len(per_passage)
            kb.memo[key] = {t: math.log((n - d + 0.5) / (d + 0.5) + 1.0) for t, d in df.items()}
        return kb.memo[key]  # type: ignore[no-any-return]

    def topic_weights(self, frame: QuestionFrame, plan: str) -> dict[str, float]:
        """The topic's words with their idf in the plan (words the plan never uses weigh nothing)."""
        if self.tokenizer is None:
            return {}
        from ingest.tokenize import tokens

        idf = self.idf(plan)
        words = [t for t in tokens(self.tokenizer, frame.topic) if len(t) >= 2 and not _YEARLIKE.fullmatch(t)]
        return {t: idf[t] for t in dict.fromkeys(words) if t in idf}

    def vocabulary(self, plan: str) -> Vocabulary:
        kb = self.kb.for_plan(plan)  # the plan's own base; its vocabulary lives (and is evicted) with it
        key = f"vocabulary:{plan}"
        if key not in kb.memo:
            from ingest.tokenize import STOP_WORDS, tokens

            texts = [p.text for p in kb.passages.values() if p.plan == plan]
            heads = {h for p in kb.passages.values() if p.plan == plan for h in p.path}
            terms = {e.label for e in kb.entities.values() if e.plan == plan}
            terms |= {str(e.first("subject")) for e in kb.of_kind("Indicator", plan)}
            if self.tokenizer is not None:
                terms |= {t for words in self._passage_tokens(plan) for t in words}
                terms |= {t for x in heads for t in tokens(self.tokenizer, x)}
                terms |= {w for w in STOP_WORDS if len(w) > 1}  # not searched, but words a slip may be of (规化)
            common = getattr(self.tokenizer, "FREQ", None)
            vocab = Vocabulary.from_terms(terms, "\n".join([*texts, *heads]), common)
            meta = self.kb.plans.get(plan)
            units = title_units(meta.title) if meta else []
            vocab.protected = frozenset(a for u in units for a in aliases(u))  # never "corrected"
            kb.memo[key] = vocab
        return kb.memo[key]  # type: ignore[no-any-return]


def context_for(kb: FactBase, tokenizer: Any = None) -> Context:
    ctx = getattr(kb, "_answer_context", None)
    if ctx is None:
        ctx = Context(kb, tokenizer)
        kb._answer_context = ctx  # type: ignore[attr-defined]
    return ctx


DEEPER = 5  # fused hits looked at beyond the top ones for the passage BM25 puts first


def lexical_first(hits: Sequence[Hit], deeper: Sequence[Hit]) -> list[Hit]:
    """The passage BM25 ranks first and that holds more of the question's words than any top hit, when
    the dense ranker sank it below the top hits (村里的产业布局: the 产业布局 passage)."""
    best = max((h.coverage for h in hits[:TEXT_HITS]), default=0.0)
    return [h for h in deeper[len(hits):] if h.bm25_rank == 1 and h.coverage > best]


def of_the_year_asked(frame: QuestionFrame, hits: Sequence[Hit], deeper: Sequence[Hit]) -> list[Hit]:
    """The first passage below the top hits whose heading names the year asked (2025年目标), when no top
    hit's heading does: the top ones may be the plan's other years."""
    if not frame.year:
        return []
    said = f"{frame.year}年"
    if any(said in "".join(h.passage.path) for h in hits[:TEXT_HITS]):
        return []
    return next(([h] for h in deeper[TEXT_HITS:] if said in "".join(h.passage.path)), [])


def states(term: str, text: str) -> bool:
    """``text`` says ``term``; a number only as a number of its own (35 is not said by 2035年)."""
    if term.isdigit():
        return re.search(rf"(?<![\d.]){term}(?![\d])", text) is not None
    return term in text


def candidates(frame: QuestionFrame, kb: FactBase, plan: str, hits: Sequence[Hit],
               weights: dict[str, float] | None = None, extra: Sequence[Hit] = ()) -> list[Candidate]:
    """Every source's candidates; ``weights`` (topic word → idf) set each one's ``idf_match``: the
    idf-weighted share of the topic's words that the candidate's text (or its heading) states, and
    ``no_topic`` when a quote or figure states none of them. ``extra``: hits below the top ones whose
    text is quoted too (``lexical_first``, ``of_the_year_asked``)."""
    rank = {h.passage.id: i for i, h in enumerate(hits)}
    out = [*indicator_candidates(frame, kb, plan, rank), *entity_candidates(frame, kb, plan, rank),
           *list_candidates(frame, kb, plan, rank), *outline_candidates(frame, kb, hits),
           *text_candidates(frame, hits, extra)]
    total = sum((weights or {}).values())
    words = [t for t in weights or {} if not t.isdigit()] or list(weights or {})  # (35 of 35千伏: a figure)
    key = max(words, key=weights.__getitem__) if weights else None  # the topic's rarest word in the plan
    singles = [w for w in frame.topic.split() if len(w) == 1 and "\u4e00" <= w <= "\u9fff"]
    for c in out:
        said = c.text + "".join(h for cit in c.citations[:1] for h in cit.passage.path)  # its heading says too
        c.features["idf_match"] = sum(w for t, w in (weights or {}).items() if states(t, said)) / total if total else 0.0
        c.features["key_match"] = 1.0 if key is None or states(key, said) else 0.0
        c.features["no_topic"] = 1.0 if c.source in ("text", "indicator") and not c.features["idf_match"] else 0.0
        # the plan knows topic words the candidate says none of, nor any one-character word of the topic (镇, 乡)
        c.features["off_topic"] = 1.0 if c.features["no_topic"] and total and not any(w in said for w in singles) else 0.0
    return out


def decide(frame: QuestionFrame, cands: list[Candidate], hits: Sequence[Hit], lang: str | None = None) -> Answer:
    """``lang``: the language of the system's own sentences (the page's); default the question's."""
    lang = lang if lang in ("zh", "en") else frame.lang
    if frame.out_of_scope:
        return Answer(False, OUT_OF_SCOPE[lang].format(topic=frame.out_of_scope), "declined",
                      related=_related(hits))
    ranked = score(frame, cands, hits)
    threshold = weights()["answer_threshold"]
    ok = grounded([c for c in ranked if not problems(frame, c)], hits)
    ok = of_the_year(frame, ok)
    ok = of_the_domain(frame, of_the_subject(frame, ok))
    if frame.status == "Both":  # asked for the current figure and the target: the answer that gives both
        ok.sort(key=lambda c: not c.features.get("both"))
    best = next((c for c in ok if c.score >= threshold), None)
    if best is None and hits and hits[0].bm25_rank == 1 and hits[0].dense_rank == 1:
        # both rankers put the same passage first: a valid answer from it needs less to be trusted
        top, low = hits[0].passage.id, weights().get("agree_threshold", 1.0)
        best = next((c for c in ok if c.score >= low and any(x.passage.id == top for x in c.citations)), None)
    if best is None:
        best = as_many_as_asked(frame, ok, hits)
    if best is None:
        best = names_the_thing_asked(frame, ok, hits)
    if best is None:
        best = states_the_class(frame, ok, hits)
    if best is not None:
        best = fuller(frame, best, [c for c in ok if c.score >= threshold])
        where = located_by_heading(frame, best)
        return Answer(True, f"{where}：{best.text}" if where else best.text, best.mode, best.citations, best.entities, plan=best.plan,
                      confidence=best.score)
    topic = on_topic(frame, hits)
    if hits and (topic >= weights()["topic"]["threshold"] or frame.unknown_places or frame.subjects):
        # covered: the retrieved text is on the topic, or the question names a place or thing of the plan
        # what the plan does state on the topic: the best short candidate, one that names what the question
        # names first (even one that fails the question's constraints, such as the 2035 figure for a 2025
        # question), else the top passage's first sentence
        short = [c for c in ranked if c.citations and len(c.text) <= NEAR_CHARS]
        near_by = [c for c in short if c.source in ("text", "indicator")]
        names = [a for group in frame.subjects for a in group]
        said = next((c for c in short if c.source in ("text", "indicator", "entity") and any(a in c.text for a in names)),
                    near_by[0] if near_by else None)
        near = said.citations[:1] if said else _related(hits[:1])
        quote = said.text if said else (sentence(near[0].quote) if near else "")
        when = next((e.first("targetYear") for e in (said.entities if said else []) if e.first("targetYear")), None)
        if when and not _YEARLIKE.search(quote):
            quote = f"（{when}年）{quote}"  # the figure the plan does state, with the year it is for
        lead = UNNAMED[lang].format(name="、".join(frame.unknown_places)) if frame.unknown_places else NOT_STATED[lang]
        return Answer(False, lead + (f"“{quote.rstrip()}”" if quote else ""), "not_stated",
                      near, related=_related(hits[1:3]), confidence=topic)
    return Answer(False, DECLINE[lang], "declined", related=_related(hits[:3]), confidence=topic)


_LEAD_VERB = re.compile(r"^(?:规划)?(?:构建|形成|打造|建设)")


def as_many_as_asked(frame: QuestionFrame, ok: list[Candidate], hits: Sequence[Hit]) -> Candidate | None:
    """For ``哪五种类型``: a valid list or outline from one of the top three hits that names exactly as many
    things as the question says there are, however low it scores (the number asked is the evidence)."""
    many = asked_how_many(frame.text)
    if not many or many < 2:
        return None

    def near_top(c: Candidate) -> bool:  # its passage, or the section it outlines, holds a top hit
        p = c.citations[0].passage
        outlined = p.path[:-1] if c.source == "outline" and len(p.path) > 1 else p.path  # (it cites its first part)
        return any(h.passage.id == p.id or h.passage.path[:len(outlined)] == outlined for h in hits[:3])

    def quoted(c: Candidate) -> bool:  # the thing the question quotes (“三区联动”说的是哪三个区), whatever its rank
        return c.source == "entity" and any(f"“{e.label}”" in frame.text or f"「{e.label}」" in frame.text
                                            for e in c.entities)

    return next((c for c in ok if c.citations and (
        (c.source in ("list", "outline") and near_top(c)
         and (len(c.entities) if c.source == "list" else names_listed(c.text)) == many)
        or (quoted(c) and names_listed(c.text) == many))), None)


# 有没有X, 是不是有X: whether the plan has the thing X (the words after the cue, up to a particle)
_HAS_THING = re.compile(r"(?:有没有|是不是有|有无)(?:规划|建设|新建|建|修)?([\u4e00-\u9fff]{2,8}?)(?=[啊呀呢吗？?，,。]|$|可以|能)")


def names_the_thing_asked(frame: QuestionFrame, ok: list[Candidate], hits: Sequence[Hit]) -> Candidate | None:
    """``县里是不是有高铁站``: a valid quote from one of the top three hits that names the very thing asked
    about says that the plan has it, however low it scores."""
    m = _HAS_THING.search(frame.text) if frame.answer_type == "yesno" else None
    if m is None:
        return None
    top = {h.passage.id for h in hits[:3]}
    return next((c for c in ok if c.source == "text" and c.citations and c.citations[0].passage.id in top
                 and m.group(1) in c.text), None)


# which class a thing is in (属于哪种类型, 归哪一类, 算什么类型的村); a quote that assigns one (类型为甲类, 属于乙型)
_ASKS_CLASS = re.compile(r"(?:属于|归|算|是|列为|划为)(?:哪|什么|啥)[一个]?(?:种|类|种类型|类型)|哪一类|什么类型|啥类型")
_STATES_CLASS = re.compile(r"(?:类型|类别)(?:为|是)[\u4e00-\u9fff]{2,8}[类型]|(?:属于|列为|划为)[\u4e00-\u9fff]{2,8}[类型](?![的])")


def states_the_class(frame: QuestionFrame, ok: list[Candidate], hits: Sequence[Hit]) -> Candidate | None:
    """``桂塘村属于哪种类型``: a valid quote from the top hit that assigns a class (村庄类型为集聚提升类) says
    which, however low it scores (the class said as one is the evidence)."""
    if not _ASKS_CLASS.search(frame.text) or not hits:
        return None
    top = hits[0].passage.id
    return next((c for c in ok if c.source == "text" and c.citations and c.citations[0].passage.id == top
                 and _STATES_CLASS.search(c.text)), None)


def fuller(frame: QuestionFrame, best: Candidate, ok: list[Candidate]) -> Candidate:
    """For a list, count or overview, a valid answer that says all of ``best`` and more (the formula with
    what its parts are; both counts asked) is the fuller answer."""
    if frame.answer_type not in ("list", "count", "overview"):
        return best
    core = _LEAD_VERB.sub("", best.text.rstrip("。"))
    return next((c for c in ok if c is not best and core in c.text and len(c.text) > len(best.text)), best)


def of_the_year(frame: QuestionFrame, cands: list[Candidate]) -> list[Candidate]:
    """Where the graph states the figure for the year asked, a quote that names no year is not the
    answer, unless it states that figure (the indicator's own sentence, its year said in the heading)."""
    if not frame.year:
        return cands
    dated = [c for c in cands if c.source == "indicator" and any(e.first("targetYear") == frame.year for e in c.entities)]
    if not dated:
        return cands
    figures = {f for f in map(figure, dated) if f}
    return [c for c in cands if c.source != "text" or str(frame.year) in c.text or PERIOD_END.search(c.text)
            or any(f in c.text for f in figures)]


_OF = re.compile(r"([\u4e00-\u9fff]{2,8})的([\u4e00-\u9fff]{2,6}?)(?=是|有|怎|如何|包括|为|指|[？?]|$)")


def of_the_subject(frame: QuestionFrame, cands: list[Candidate]) -> list[Candidate]:
    """For ``X的Y`` where X is what the question is about (中心城区的空间格局): when some candidate says
    Y of X (``中心城区空间格局``, ``中心城区的空间格局``), not the ones that say a Y without X before it (the
    county's 空间格局 that merely names 中心城区 as a part)."""
    names = {a for group in frame.subjects for a in group}
    for m in _OF.finditer(frame.text):
        x, y = m.group(1), m.group(2)
        x = next((a for a in sorted(names, key=len, reverse=True) if x.endswith(a)), None)  # type: ignore[assignment]
        if not x:
            continue
        said = re.compile(rf"{re.escape(x)}的?{re.escape(y)}")
        if any(said.search(c.text) for c in cands):
            return [c for c in cands if y not in c.text or said.search(c.text)]
    return cands


_STRUCTURE = "格局|布局|结构|框架|体系"
_ASKED_STRUCTURE = re.compile(rf"([\u4e00-\u9fff]{{1,10}}?)(?:{_STRUCTURE})")
_STATED_STRUCTURE = re.compile(rf"[”\"」』]的?([\u4e00-\u9fff]{{2,10}}?)(?:{_STRUCTURE})")
_ANY_DOMAIN = re.compile(r"总体|整体|空间|全[市县镇乡村域]|市域|县域|镇域|总|大|什么|怎样|怎么|如何|哪些|是|按|来|个")


def of_the_domain(frame: QuestionFrame, cands: list[Candidate]) -> list[Candidate]:
    """A structure asked of one domain (生态安全布局, 中心城区的空间结构) is not answered by a formula of
    another (“一心两轴”的国土空间总体格局) when some candidate states the formula of the domain asked."""
    if frame.lang == "zh":
        m = _ASKED_STRUCTURE.search(frame.text)
        if not m:
            return cands
        domain = m.group(1).replace("的", " ")
    else:  # an English question: its genre terms besides the structure's (中心城区 beside 空间结构)
        terms = re.findall(r"[\u4e00-\u9fff]+", frame.search_text)
        if not any(re.search(_STRUCTURE, t) for t in terms):
            return cands
        domain = " ".join(t for t in terms if not re.search(_STRUCTURE, t))
    asked = frozenset(b for w in _ANY_DOMAIN.sub(" ", domain).split() for b in bigrams(w))
    if not asked:
        return cands
    said = {id(c): bigrams(x.group(1)) for c in cands if (x := _STATED_STRUCTURE.search(c.text))}
    if not any(b & asked for b in said.values()):
        return cands
    return [c for c in cands if id(c) not in said or said[id(c)] & asked]


def grounded(cands: list[Candidate], hits: Sequence[Hit]) -> list[Candidate]:
    """``cands`` that may answer: where no passage of the plan holds any of the question's words (BM25
    matched nothing), only a candidate that states one of them (a graph fact, a heading); the dense
    ranker's nearest text alone is not enough."""
    if hits and all(h.bm25_rank is None for h in hits):
        return [c for c in cands if c.features.get("idf_match", 0.0) > 0]
    return cands


def _related(hits: Sequence[Hit]) -> list[Citation]:
    return [Citation(h.passage, (sentences(h.passage.text) or [h.passage.text])[0]) for h in hits]


def without_names(topic: str, names: Sequence[str]) -> str:
    """``topic`` without the jurisdiction's names however the segmenter split them (``甲山市县级`` may
    give ``甲山 市 县级``, ``甲山县`` may give ``甲 山县``): the name, its stem, and a lone administrative
    suffix right after the stem."""
    forms = {a for n in names for a in aliases(n)}
    words, out, i = topic.split(), [], 0
    while i < len(words):
        n = next((n for n in (3, 2, 1) if "".join(words[i:i + n]) in forms), 0)
        if n:
            i += n
            if i < len(words) and words[i] in ADMIN_SUFFIXES:
                i += 1
            continue
        out.append(words[i])
        i += 1
    rest = " ".join(out)
    for form in sorted(forms, key=len, reverse=True):  # a name inside a longer word
        rest = rest.replace(form, " ")
    return " ".join(rest.split())


_NEAR_END = re.compile(r"近期期末|近期末|\bby the end of the near term")


# A clause that asks something: a question word (几层, 多高, 哪个组, 有没有 …).
_ASKS = re.compile(r"多少|几|哪|什么|啥|多[大高长远宽深少重]|怎么|怎样|如何|是否|有没有|能不能|会不会|是不是|吗")


# two things asked of at once, each on its own (永久基本农田和生态保护红线各是多少, 甲与乙分别有多大)
_EACH = re.compile(r"(?P<pre>.*?)(?P<a>[^\s\W的和与及]{2,12})(?:和|与|及|以及)(?P<b>[^\s\W的和与及]{2,12})(?:各|分别)(?P<rest>"
                   r"(?:是|有|为|占|达到?)?(?:多少|多大|多长|多高|几[个处项座所条]?)\w{0,6})")


def question_parts(text: str) -> list[str]:
    """The parts of a question that asks two things in clauses of its own (最多能盖几层、多高; 幼儿园建在哪个组，
    有几个班): each later part with the words before the first part's question word (its subject). One part
    (no split) where it asks one thing."""
    clauses = [c for c in re.split(r"[，,、？?；;]", text) if c.strip()]
    asking = [c for c in clauses if _ASKS.search(c)]
    m = _EACH.fullmatch(text.rstrip("？?。 "))
    if m and len(clauses) == 1:  # 甲和乙各是多少: 甲是多少, 乙是多少 (the words before and after shared)
        return [m["pre"] + m["a"] + m["rest"], m["pre"] + m["b"] + m["rest"]]
    if len(asking) < 2 or len(asking) > 3 or len(asking) != len(clauses):
        return [text]
    head = asking[0][:_ASKS.search(asking[0]).start()]  # type: ignore[union-attr]
    return [asking[0], *(c if len(c) >= 8 or head in c else head + c for c in asking[1:])]  # (多高: of the same)


def _bare(text: str) -> str:
    """``text`` without the stop that ends it (a sentence of the plan quoted whole, or up to its 。)."""
    return text.rstrip("。；;.！？")


def both_parts(whole: Answer, frame: QuestionFrame, ctx: Context, search: Search, target: str, top_k: int,
               named: Sequence[str], lang: str) -> Answer:
    """A question that asks two things, where ``whole`` is declined or does not say every part's answer, is
    answered part by part when the plan states every part (the answers joined, each cited); otherwise
    ``whole`` stands."""
    # (现在多少，以后多少 is one indicator's two figures: the Both status answers it whole)
    parts = question_parts(frame.text) if frame.lang == "zh" and frame.status != "Both" else [frame.text]
    if len(parts) < 2:
        return whole
    answers = []
    for part in parts:
        f, h, c = gather(part, ctx, search, target, top_k, named)
        a = decide(f, c, h, lang)
        if not a.answered:
            return whole
        answers.append(a)
    texts: list[str] = []
    for t in dict.fromkeys(a.text for a in answers):  # a part's answer inside another's says nothing more
        if not any(_bare(t) in k for k in texts):
            texts = [k for k in texts if _bare(k) not in t] + [t]
    if len(texts) < 2 or (whole.answered and all(t in whole.text for t in texts)):
        return whole
    cites = list({(x.passage.id, x.quote): x for a in answers for x in a.citations}.values())
    ents = list({id(e): e for a in answers for e in a.entities}.values())
    joined = "".join(t if t.endswith(("。", "！", "？", ".")) else t + "。" for t in texts)
    return Answer(True, joined, answers[0].mode, cites, ents, plan=target,
                  confidence=min(a.confidence for a in answers))


def named_measures(frame: QuestionFrame, kb: FactBase, plan: str) -> tuple[str, ...]:
    """The subjects of the plan's indicators that the question's topic names (``地区生产总值``): a figure
    asked of one is not answered by the figures of others."""
    if not frame.wants_number:
        return ()
    key = f"measures:{plan}"
    if key not in kb.memo:
        kb.memo[key] = sorted({str(e.first("subject")) for e in kb.of_kind(("Indicator",), plan)
                               if e.first("subject") and len(str(e.first("subject"))) >= 3}, key=len, reverse=True)
    said = frame.text if frame.lang == "zh" else frame.search_text  # as asked (not a lexicon's guess)
    return tuple(m for m in kb.memo[key] if m in said)


def period_year(frame: QuestionFrame, meta: Any) -> QuestionFrame:
    """A question for the end of the plan period (到规划期末) or of its near term asks for that year's
    target: the year from the plan's manifest."""
    if frame.year is not None or meta is None:
        return frame
    for pattern, year in ((PERIOD_END, meta.period_end), (_NEAR_END, meta.near_term)):
        if year and pattern.search(frame.text):
            return replace(frame, year=int(year), status=frame.status if frame.status == "Both" else "Planned")
    return frame


def gather(question: str, ctx: Context, search: Search, target: str, top_k: int = 5,
           named: Sequence[str] = ()) -> tuple[QuestionFrame, Sequence[Hit], list[Candidate]]:
    """The frame, the hits and every candidate for ``question`` on plan ``target`` (before scoring).
    The jurisdiction's own name says nothing within its plan: it leaves the topic."""
    vocab = ctx.vocabulary(target)
    frame = analyse(question, vocab, tokenizer=ctx.tokenizer)
    names = [n for n, plans, juris in ctx.gazetteer.find(frame.text) if juris and target in plans] or [
        n for n in named if ctx.gazetteer.is_jurisdiction(n)]  # a town named is the question's subject: it stays
    topic = without_names(frame.topic, names) or frame.topic
    kb = ctx.kb.for_plan(target)
    meta = ctx.kb.plans.get(target)
    own = place_names(meta.title) if meta else set()  # the plan's own jurisdiction: what every sentence is about
    said = " ".join([frame.text, *frame.spelled])  # an English question's names, as the plan writes them
    subjects = tuple(tuple(aliases(e.label)) for e in kb.mentioned(said, target)
                     if e.kind not in ("Indicator", "Passage", "Section") and not aliases(e.label) & own)
    lex = lexicon()
    never = unseen_terms(topic, vocab, ctx.tokenizer)
    unseen = tuple(w for w in never if not lex.plan_terms(w))
    frame = replace(frame, topic=topic, unseen=unseen, subjects=subjects, jurisdiction=tuple(sorted(own)),
                    kinds=unnamed_kinds(never, vocab, ctx.tokenizer, frame.text),
                    unknown_places=unknown_places(frame.text, unseen, vocab.occurs)
                    + unknown_things(frame.text if frame.lang == "zh" else frame.search_text, vocab.occurs))
    # (an English question: the glossary's plan terms for its words)
    frame = replace(frame, measures=named_measures(frame, kb, target), pointed=pointed_districts(frame.text, kb, target))
    frame = period_year(frame, meta)
    k = max(top_k, 5)  # (the fusion as deep as for k hits: the extra hits do not change the top ones)
    deeper = search(frame.search_text, k + DEEPER, target, frame.topic, 4 * k)  # BM25 matches the topic words
    hits = deeper[:k]
    extra = list({h.passage.id: h for h in lexical_first(hits, deeper) + of_the_year_asked(frame, hits, deeper)}.values())
    return frame, hits, candidates(frame, kb, target, hits, ctx.topic_weights(frame, target), extra)


def answer(question: str, ctx: Context, search: Search, plan: str | None = None, top_k: int = 5,
           lang: str | None = None) -> Answer:
    """Answer ``question`` from the plan it is about (``plan``: the page's plan, the default). ``lang``
    (``zh``/``en``) sets the language of the system's own sentences; default the question's."""
    kb = ctx.kb
    served = sorted(kb.plans)
    first = normalise(question)
    says = lang if lang in ("zh", "en") else first.lang
    other = foreign_plan(first.text, ctx.gazetteer)
    if other:
        return Answer(False, FOREIGN[says].format(name=other), "declined")
    where: Route = route(first.text, ctx.gazetteer, plan, served)
    if where.clarify:
        ranked = [h.passage.plan for h in search(first.search_text, 10, None)]
        where = route(first.text, ctx.gazetteer, plan, served, ranked)
        titles = [(p, kb.plans[p].title if p in kb.plans else p) for p in where.plans]
        sep = "、" if says == "zh" else "; "
        return Answer(False, CLARIFY[says] + sep.join(t for _, t in titles), "clarify", plans=titles)
    target = where.plans[0]
    frame, hits, cands = gather(question, ctx, search, target, top_k, where.named)
    result = decide(frame, cands, hits, says)
    if not frame.out_of_scope:
        result = both_parts(result, frame, ctx, search, target, top_k, where.named, says)
    if result.answered and not result.entities:  # link what the quoted answer names
        result.entities = [e for e in kb.for_plan(target).mentioned(result.text, target) if e.kind not in ("Indicator",)][:8]
    result.plan = target
    result.citations = result.citations[:top_k]
    return result
