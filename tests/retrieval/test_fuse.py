"""Reciprocal rank fusion on hand-made rankings."""

from __future__ import annotations

import pytest

from retrieval.search import fuse


def test_single_ranking_keeps_order_and_scores() -> None:
    assert fuse([["a", "b", "c"]], k=60) == [("a", 1 / 61), ("b", 1 / 62), ("c", 1 / 63)]


def test_agreement_beats_a_single_first_place() -> None:
    fused = fuse([["a", "b", "c"], ["c", "d"]], k=60)
    assert [pid for pid, _ in fused] == ["c", "a", "b", "d"]
    assert dict(fused)["c"] == pytest.approx(1 / 63 + 1 / 61)


def test_k_controls_how_much_a_single_first_place_counts() -> None:
    # "a" tops one list; "b" is third in both.
    rankings = [["a", "x", "b"], ["c", "y", "b"]]
    assert fuse(rankings, k=0)[0] == ("a", 1.0)  # 1/1 > 1/3 + 1/3
    assert fuse(rankings, k=60)[0] == ("b", pytest.approx(2 / 63))  # 2/63 > 1/61


def test_repeated_id_counts_once_per_ranking() -> None:
    assert fuse([["a", "a", "b"]], k=60) == [("a", 1 / 61), ("b", 1 / 63)]


def test_ties_keep_first_seen_order() -> None:
    assert [pid for pid, _ in fuse([["x"], ["y"]])] == ["x", "y"]
    assert [pid for pid, _ in fuse([["y"], ["x"]])] == ["y", "x"]


def test_empty_inputs() -> None:
    assert fuse([]) == []
    assert fuse([[], []]) == []


def test_negative_k_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be"):
        fuse([["a"]], k=-1)
