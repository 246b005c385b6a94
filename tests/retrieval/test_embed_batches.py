"""Content-defined embedding batches: an edit changes the batch it falls in, the others keep their
members, and reused batches equal freshly encoded ones bit for bit."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from retrieval.embed import load_embedder
from retrieval.index import batch_bounds, encode_batched, known_batches, read_vectors


def ids(n: int, salt: str = "") -> list[str]:
    return [hashlib.sha256(f"{salt}{i}".encode()).hexdigest()[:16] for i in range(n)]


def members(xs: list[str]) -> set[tuple[str, ...]]:
    return {tuple(xs[a:b]) for a, b in batch_bounds(xs)}


def test_batches_cover_every_row_in_order() -> None:
    xs = ids(500)
    bounds = batch_bounds(xs)
    assert bounds[0][0] == 0 and bounds[-1][1] == 500
    assert all(a < b and b == c for (a, b), (c, _d) in zip(bounds, bounds[1:], strict=False))
    assert batch_bounds([]) == []


def test_an_inserted_passage_changes_one_or_two_batches() -> None:
    xs = ids(400)
    edited = xs[:200] + ids(1, "new") + xs[200:]
    assert len(members(xs) - members(edited)) <= 2
    assert len(members(xs) & members(edited)) >= len(members(xs)) - 2


def test_reused_batches_equal_fresh_ones() -> None:
    embedder = load_embedder("use-m3")
    texts = [f"第{i}条 城镇开发边界内的用地规模为{i * 3}公顷。" for i in range(60)]
    xs = ids(60)
    fresh = encode_batched(embedder, xs, texts)
    again = encode_batched(embedder, xs, ["不会被编码"] * 60, known_batches(xs, fresh))
    assert np.array_equal(fresh, again)
    assert np.array_equal(fresh, encode_batched(embedder, xs, texts))
    assert np.allclose(np.linalg.norm(fresh, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("array", [np.arange(80 * 512, dtype=np.float32).reshape(80, 512),
                                   np.zeros((0, 512), dtype=np.float32),
                                   np.arange(12, dtype=np.float64).reshape(3, 4),  # not the fast path
                                   np.arange(6, dtype=np.float32)])  # fmt: skip
def test_plan_vectors_read_as_np_load_reads_them(tmp_path: Path, array: np.ndarray) -> None:
    np.save(tmp_path / "v.npy", array)
    got, want = read_vectors(tmp_path / "v.npy"), np.load(tmp_path / "v.npy")
    assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)
