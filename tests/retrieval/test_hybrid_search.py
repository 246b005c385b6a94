"""Query normalisation and hybrid search over the real plan text with the real use-m3 model."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.read import read_plan
from ingest.records import PlanMeta
from ingest.structure import split
from ingest.tokenize import tokens
from retrieval.index import build_index, index_text, load_index
from retrieval.search import (
    bm25_search,
    confidence,
    dense_search,
    hybrid_search,
    normalize_query,
    warm_up,
)

PLAN = "pingquan-2021-2035"
DEMO_PLAN = "demo-county-2021-2035"
PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "plans" / f"{PLAN}.md"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        pytest.param("自然保護區", "自然保护区", id="traditional"),
        pytest.param("規劃期限到幾年", "规划期限到几年", id="traditional-sentence"),
        pytest.param("３２９４．１３平方公里", "3294.13平方公里", id="full-width-digits"),
        pytest.param("城镇化率５７．１６％是多少？？", "城镇化率57.16%是多少", id="percent-kept"),
        pytest.param("👍🏻平泉❤️的森林公园有哪些！！！", "平泉的森林公园有哪些", id="emoji"),
        pytest.param("  平泉市\u3000\t人口\n规模  ", "平泉市 人口 规模", id="spaces"),
        pytest.param("……什么是“三区三线”……", "什么是“三区三线”", id="edge-punctuation"),
        pytest.param("（2035年）", "(2035年)", id="brackets-kept"),
        pytest.param("规划\u200d期限\x07", "规划期限", id="control-chars"),
        pytest.param("？！。", "", id="only-punctuation"),
    ],
)
def test_normalize_query(raw: str, want: str) -> None:
    assert normalize_query(raw) == want
    assert normalize_query(want) == want  # idempotent


def _ids(hits) -> list[str]:
    return [h.passage.id for h in hits]


def test_traditional_query_finds_what_simplified_finds(index, tok, use_m3) -> None:
    simplified = hybrid_search(index, tok, use_m3, "自然保护区", top_k=5)
    traditional = hybrid_search(index, tok, use_m3, "自然保護區", top_k=5)
    assert _ids(traditional) == _ids(simplified)
    assert "自然保护区" in traditional[0].passage.text


def test_full_width_digits_match_half_width_text(index, tok) -> None:
    (top_id, _), *_ = bm25_search(index, tok, "国土面积３２９４．１３平方公里", top_k=3)
    top = index.passages[index.row(top_id)]
    assert "3294.13平方公里" in top.text


def test_hits_carry_consistent_signals(index, tok, use_m3) -> None:
    query = "平泉市有哪些省级森林公园"
    hits = hybrid_search(index, tok, use_m3, query, top_k=20, depth=4)
    lexical, dense = bm25_search(index, tok, query, top_k=4), dense_search(index, use_m3, query, top_k=4)
    assert set(_ids(hits)) == {pid for pid, _ in lexical} | {pid for pid, _ in dense}
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    qvec = use_m3.encode([normalize_query(query)])[0]
    qterms = set(tokens(tok, query))
    for h in hits:
        assert h.bm25_rank is not None or h.dense_rank is not None
        want_cos = float(use_m3.encode([index_text(h.passage)])[0] @ qvec)
        assert h.cosine == pytest.approx(want_cos, abs=1e-5)  # also for hits outside the dense top 4
        assert 0.0 <= h.coverage <= 1.0
        assert (h.coverage > 0) == bool(qterms & set(tokens(tok, index_text(h.passage))))
        assert (h.bm25_score > 0) == (h.coverage > 0)
    assert any(h.dense_rank is None for h in hits) and any(h.bm25_rank is None for h in hits)


def test_plan_filter(index, tok, use_m3) -> None:
    demo = hybrid_search(index, tok, use_m3, "自然保护区", top_k=5, plan=DEMO_PLAN)
    assert demo and {h.passage.plan for h in demo} == {DEMO_PLAN}
    main = hybrid_search(index, tok, use_m3, "自然保护区", top_k=5, plan=PLAN)
    assert len(main) == 5 and {h.passage.plan for h in main} == {PLAN}
    assert hybrid_search(index, tok, use_m3, "自然保护区", plan="no-such-plan") == []
    assert all(
        index.passages[index.row(pid)].plan == DEMO_PLAN
        for pid, _ in bm25_search(index, tok, "自然保护区", plan=DEMO_PLAN)
    )


def test_bm25_only_returns_passages_sharing_a_term(index, tok) -> None:
    results = bm25_search(index, tok, "森林公园", top_k=50)
    assert results
    assert [s for _, s in results] == sorted((s for _, s in results), reverse=True)
    for pid, score in results:
        assert score > 0
        assert set(tokens(tok, "森林公园")) & set(tokens(tok, index_text(index.passages[index.row(pid)])))
    assert bm25_search(index, tok, "埃菲尔铁塔", top_k=5) == []


def test_confidence_is_lower_off_topic(index, tok, use_m3) -> None:
    on = confidence(hybrid_search(index, tok, use_m3, "平泉市的森林公园有哪些", top_k=5))
    off = confidence(hybrid_search(index, tok, use_m3, "巴黎埃菲尔铁塔的门票多少钱", top_k=5))
    assert on[0] > off[0] and on[1] > off[1]
    assert confidence([]) == (0.0, 0.0)


def test_empty_queries(index, tok, use_m3) -> None:
    assert hybrid_search(index, tok, use_m3, "？？", top_k=5) == []
    assert hybrid_search(index, tok, use_m3, "自然保护区", top_k=0) == []
    assert bm25_search(index, tok, "的", top_k=5) == []  # stop words only
    warm_up(index, tok, use_m3)


def test_with_the_real_splitter(tmp_path: Path, tok, use_m3) -> None:
    meta = PlanMeta(id=PLAN, title="plan")
    _sections, passages = split(read_plan(PLAN_FILE, meta))
    build_index(passages, tok, use_m3, tmp_path)
    idx = load_index(tmp_path, use_m3, passages)
    hits = hybrid_search(idx, tok, use_m3, "自然保護區有哪些", top_k=3)
    assert any("辽河源省级自然保护区" in h.passage.text for h in hits)
    assert all(h.passage.plan == PLAN for h in hits)


DEV_SET = Path(__file__).resolve().parents[1] / "data" / "dev_questions.jsonl"


@pytest.fixture(scope="module")
def dev_questions() -> list[str]:
    import json

    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _old_bm25(index, tok, query: str, top_k: int, plan: str | None) -> list[tuple[str, float]]:
    """The search as it was: rank_bm25 over every passage, then the plan's rows kept."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([tokens(tok, index_text(p)) for p in index.passages])
    qt = tokens(tok, normalize_query(query))
    if not qt:
        return []
    scores = bm25.get_scores(qt)
    rows = np.array([i for i, p in enumerate(index.passages) if plan is None or p.plan == plan], dtype=np.int64)
    candidates = rows[scores[rows] > 0]
    order = np.argsort(-scores[candidates], kind="stable")[:top_k]
    return [(index.passages[int(r)].id, float(scores[r])) for r in candidates[order]]


@pytest.mark.parametrize("plan", [None, PLAN, DEMO_PLAN])
def test_sparse_bm25_equals_rank_bm25_on_the_dev_set(index, tok, dev_questions, plan) -> None:
    for question in dev_questions:
        got = bm25_search(index, tok, question, top_k=20, plan=plan)
        want = _old_bm25(index, tok, question, 20, plan)
        assert [pid for pid, _ in got] == [pid for pid, _ in want], question
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12), question


def test_dense_slice_equals_brute_force_on_the_dev_set(index, use_m3, dev_questions) -> None:
    import numpy as np

    vecs = use_m3.encode([index_text(p) for p in index.passages])
    for question in dev_questions[::4]:
        q = use_m3.encode([normalize_query(question)])[0]
        sims = vecs @ q
        want = [index.passages[int(i)].id for i in np.argsort(-sims, kind="stable")[:20]]
        assert [pid for pid, _ in dense_search(index, use_m3, question, top_k=20)] == want, question


def test_plan_words_tokenizes_like_a_tokenizer_built_with_those_words(tok, plan_passages) -> None:
    from ingest.tokenize import make_tokenizer
    from retrieval.index import plan_words

    words = ["辽河源省级自然保护区", "平泉市", "中心城区", "七沟镇"]
    fresh = make_tokenizer(["自然保护区", "森林公园", "永久基本农田", *words])
    before = [tokens(tok, index_text(p)) for p in plan_passages[:20]]
    with plan_words(tok, words):
        during = [tokens(tok, index_text(p)) for p in plan_passages[:20]]
    assert during == [tokens(fresh, index_text(p)) for p in plan_passages[:20]]
    assert [tokens(tok, index_text(p)) for p in plan_passages[:20]] == before
