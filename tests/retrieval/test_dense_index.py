"""Index build/load round trips with real models, stale-index refusal, dense search against numpy."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.tokenize import tokens
from retrieval.index import StaleIndexError, build_index, corpus_hash, index_text, load_index
from retrieval.search import dense_search, hybrid_search

DEMO_PLAN = "demo-county-2021-2035"


def _brute_force(emb, passages, query: str, rows: list[int]) -> list[tuple[str, float]]:
    vecs = emb.encode([index_text(passages[r]) for r in rows])
    sims = vecs @ emb.encode([query])[0]
    order = np.argsort(-sims, kind="stable")
    return [(passages[rows[i]].id, float(sims[i])) for i in order]


QUERIES = ["自然保护区", "中心城区人口规模", "永久基本农田保护面积", "规划期限到哪一年"]


@pytest.mark.parametrize("query", QUERIES)
def test_dense_equals_numpy_brute_force(index, use_m3, passages, query: str) -> None:
    got = dense_search(index, use_m3, query, top_k=10)
    want = _brute_force(use_m3, passages, query, list(range(len(passages))))[:10]
    assert [pid for pid, _ in got] == [pid for pid, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-5)


def test_dense_plan_filter_equals_numpy_on_that_plan(index, use_m3, passages) -> None:
    rows = [i for i, p in enumerate(passages) if p.plan == DEMO_PLAN]
    got = dense_search(index, use_m3, "自然保护区", top_k=10, plan=DEMO_PLAN)
    want = _brute_force(use_m3, passages, "自然保护区", rows)
    assert [pid for pid, _ in got] == [pid for pid, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    assert dense_search(index, use_m3, "自然保护区", top_k=10, plan="no-such-plan") == []


def test_build_writes_the_index_files(use_dir: Path, passages, tok, use_m3) -> None:
    meta = json.loads((use_dir / "index.json").read_text(encoding="utf-8"))
    main = sum(1 for p in passages if p.plan != DEMO_PLAN)
    assert meta == {
        "version": 3,
        "model_id": use_m3.model_id,
        "dim": 512,
        "count": len(passages),
        "corpus_hash": corpus_hash(passages),
        "plans": {passages[0].plan: [0, main], DEMO_PLAN: [main, len(passages)]},
    }
    idx = load_index(use_dir, use_m3, passages)
    for row in (0, 7, len(passages) - 1):
        assert idx.terms(row) == frozenset(tokens(tok, index_text(passages[row])))
    assert (use_dir / "vectors.npy").stat().st_size > len(passages) * 512 * 4
    assert isinstance(idx.vectors, np.memmap) and isinstance(idx.weights, np.memmap)
    assert [idx.row(p.id) for p in passages] == list(range(len(passages))) and idx.row("p-none") == -1


def _roundtrip(tmp_path: Path, passages, tok, emb) -> None:
    build_index(passages, tok, emb, tmp_path)
    idx = load_index(tmp_path, emb, passages)
    assert idx.vectors.shape == (len(passages), emb.dim) and idx.dim == emb.dim
    # Row i of the vectors is passage i's vector.
    np.testing.assert_allclose(idx.vectors, emb.encode([index_text(p) for p in passages]), atol=1e-5)
    assert [p.id for p in idx.passages] == [p.id for p in passages]


def test_roundtrip_use_m3(tmp_path: Path, passages, tok, use_m3) -> None:
    _roundtrip(tmp_path, passages, tok, use_m3)


def test_roundtrip_sentence_transformers(tmp_path: Path, passages, tok, minilm) -> None:
    _roundtrip(tmp_path, passages, tok, minilm)
    idx = load_index(tmp_path, minilm, passages)
    hits = hybrid_search(idx, tok, minilm, "辽河源省级自然保护区", top_k=3)
    assert "辽河源省级自然保护区" in hits[0].passage.text


def test_other_model_is_refused(use_dir: Path, passages, minilm, use_m3) -> None:
    with pytest.raises(StaleIndexError) as err:
        load_index(use_dir, minilm, passages)
    assert use_m3.model_id in str(err.value) and minilm.model_id in str(err.value)


def test_changed_corpus_is_refused(use_dir: Path, passages, use_m3) -> None:
    with pytest.raises(StaleIndexError, match="passage count"):
        load_index(use_dir, use_m3, passages[:-1])
    swapped = [passages[1], passages[0], *passages[2:]]
    with pytest.raises(StaleIndexError, match="corpus hash"):
        load_index(use_dir, use_m3, swapped)
    edited = [*passages[:-1], replace(passages[-1], id="p-000000000000")]
    with pytest.raises(StaleIndexError, match="corpus hash"):
        load_index(use_dir, use_m3, edited)


def test_missing_file_is_refused(tmp_path: Path, passages, use_m3) -> None:
    with pytest.raises(StaleIndexError, match="missing"):
        load_index(tmp_path, use_m3, passages)


def test_bad_corpora_are_not_built(tmp_path: Path, passages, tok, use_m3) -> None:
    with pytest.raises(ValueError, match="zero passages"):
        build_index([], tok, use_m3, tmp_path)
    with pytest.raises(ValueError, match="duplicate passage id"):
        build_index([passages[0], passages[0]], tok, use_m3, tmp_path)
