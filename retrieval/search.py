"""Hybrid passage search: BM25 over jieba tokens + dense cosine, fused by reciprocal rank.

Pure functions over a loaded ``retrieval.index.Index``. Every hit carries two confidence signals
for deciding that the plan does not cover a question:
- ``coverage``: idf-weighted share of the query's distinct terms found in the passage (0..1); terms
  the corpus never uses weigh as much as the rarest corpus term, so off-topic words pull it down.
- ``cosine``: cosine similarity of the query and passage embeddings.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.tokenize import tokens

if TYPE_CHECKING:
    import jieba
    import numpy as np

    from ingest.records import Passage
    from retrieval.embed import Embedder
    from retrieval.index import Index

RRF_K = 60
_MIN_DEPTH = 20  # candidates taken from each ranker before fusion
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs", "Cn"})
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_REPEATED_PUNCT = re.compile(r"([^\w\s])\1+")
_OPENERS = "([{<《「『“‘〈【"
_CLOSERS = ")]}>》」』”’〉】%"


@dataclass(frozen=True)
class Hit:
    """One fused result. Ranks are 1-based and ``None`` when the ranker did not return the passage."""

    passage: Passage
    score: float  # reciprocal rank fusion score
    bm25_rank: int | None
    dense_rank: int | None
    bm25_score: float  # raw BM25 (Okapi) score
    coverage: float  # idf-weighted share of query terms present in the passage, 0..1
    cosine: float  # query-passage cosine similarity


def _keep_char(c: str) -> bool:
    return unicodedata.category(c) not in _DROP_CATEGORIES


def _strip_edges(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_punct(text[start]) and text[start] not in _OPENERS:
        start += 1
    while end > start and _is_punct(text[end - 1]) and text[end - 1] not in _CLOSERS:
        end -= 1
    return text[start:end]


def _is_punct(c: str) -> bool:
    return unicodedata.category(c).startswith("P") or c.isspace()


def normalize_query(query: str) -> str:
    """Traditional → simplified, NFKC (full-width → half-width), no emoji/symbols, no stray punctuation.

    Keeps what carries meaning in a plan question: digits, ``%``, ``.``, ``-``, ``≥``, brackets.
    """
    import zhconv

    text = zhconv.convert(query, "zh-cn")
    text = unicodedata.normalize("NFKC", text)
    text = _VARIATION_SELECTORS.sub("", text)
    text = "".join(c if c.isprintable() or c.isspace() else " " for c in text if _keep_char(c))
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _strip_edges(text).strip()


def fuse(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: ``score(id) = Σ 1 / (k + rank)`` with 1-based ranks.

    Each ranking is a list of ids, best first; a repeated id counts at its first position only.
    Ties keep the order in which ids were first seen.
    """
    if k < 0:
        raise ValueError(f"fuse: k must be >= 0, got {k}")
    scores: dict[str, float] = {}
    for ranking in rankings:
        seen: set[str] = set()
        for rank, pid in enumerate(ranking, start=1):
            if pid in seen:
                continue
            seen.add(pid)
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def _bm25_scores(index: Index, query_tokens: list[str], span: tuple[int, int]) -> np.ndarray | None:
    """BM25 score of every row in ``span`` (offset by its start), or ``None`` for a query without tokens.

    Adds each query token's precomputed weights in query order, as ``rank_bm25`` does, touching only
    the postings that fall in ``span``: the cost follows the plan searched, not the corpus."""
    import numpy as np

    if not query_tokens:
        return None
    a, b = span
    scores = np.zeros(b - a, dtype=np.float64)
    whole = (a, b) == (0, len(index))
    for term in query_tokens:
        t = index.term_id(term)
        if t < 0 or a == b:
            continue
        lo, hi = int(index.indptr[t]), int(index.indptr[t + 1])
        rows = index.rows[lo:hi]
        if not whole:
            i0, i1 = np.searchsorted(rows, (a, b))
            rows, lo, hi = rows[i0:i1], lo + int(i0), lo + int(i1)
        scores[rows - a] += index.weights[lo:hi]
    return scores


def _best(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest values, best first, ties by position (a stable sort)."""
    import numpy as np

    if k < len(values):
        cut = np.partition(values, len(values) - k)[len(values) - k]
        values_idx = np.flatnonzero(values >= cut)
    else:
        values_idx = np.arange(len(values))
    order = np.argsort(-values[values_idx], kind="stable")[:k]
    return values_idx[order]


def _bm25_ranked(scores: np.ndarray | None, top_k: int, start: int) -> list[int]:
    """Rows with a positive BM25 score, best first (ties by row order), at most ``top_k``."""
    import numpy as np

    if scores is None or top_k <= 0:
        return []
    candidates = np.flatnonzero(scores > 0)
    return [int(start + candidates[i]) for i in _best(scores[candidates], top_k)]


def _dense_ranked(
    index: Index, qvec: np.ndarray, top_k: int, span: tuple[int, int]
) -> list[tuple[int, float]]:
    """``(row, cosine)`` best first over the rows of ``span`` (one matrix-vector product on the slice)."""
    a, b = span
    k = min(top_k, b - a)
    if k <= 0:
        return []
    sims = index.vectors[a:b] @ qvec
    return [(int(a + i), float(sims[i])) for i in _best(sims, k)]


def _embed_query(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.encode([text])[0]


def bm25_search(
    index: Index, tok: jieba.Tokenizer, query: str, top_k: int = 10, plan: str | None = None
) -> list[tuple[str, float]]:
    """``(passage id, BM25 score)`` best first; only passages sharing a term with the query."""
    span = index.span(plan)
    scores = _bm25_scores(index, tokens(tok, normalize_query(query)), span)
    rows = _bm25_ranked(scores, top_k, span[0])
    return [(index.passages[r].id, float(scores[r - span[0]])) for r in rows] if scores is not None else []


def dense_search(
    index: Index, embedder: Embedder, query: str, top_k: int = 10, plan: str | None = None
) -> list[tuple[str, float]]:
    """``(passage id, cosine)`` best first by embedding similarity."""
    qvec = _embed_query(embedder, normalize_query(query))
    ranked = _dense_ranked(index, qvec, top_k, index.span(plan))
    return [(index.passages[r].id, cos) for r, cos in ranked]


def _term_weights(index: Index, query_tokens: list[str]) -> dict[int, float]:
    """Distinct query terms (by id; unseen terms get distinct negative ids) → idf; unseen terms weigh
    like a term in no passage at all."""
    n = len(index)
    unseen = math.log((n + 0.5) / 0.5)
    weights: dict[int, float] = {}
    for i, term in enumerate(dict.fromkeys(query_tokens)):
        t = index.term_id(term)
        weights[t if t >= 0 else -1 - i] = max(float(index.idf[t]), 0.0) if t >= 0 else unseen
    return weights


def _coverage(weights: dict[int, float], terms: np.ndarray) -> float:
    import numpy as np

    total = sum(weights.values())
    if total <= 0:
        return 0.0
    known = [t for t in weights if t >= 0]
    if not known:
        return 0.0
    pos = np.searchsorted(terms, known)
    found = [t for t, j in zip(known, pos, strict=True) if j < len(terms) and terms[j] == t]
    return sum(weights[t] for t in found) / total


def hybrid_search(
    index: Index,
    tok: jieba.Tokenizer,
    embedder: Embedder,
    query: str,
    top_k: int = 5,
    plan: str | None = None,
    depth: int | None = None,
    lexical: str | None = None,
) -> list[Hit]:
    """BM25 and dense rankings (``depth`` candidates each) fused by RRF; the best ``top_k`` hits.

    ``lexical``: the words BM25 should match (a question without its question and filler words), when
    they differ from the text the dense ranker reads; default ``query``.

    ``plan``: only passages of that plan id (only that plan's rows are scored). One query embedding,
    one pass over the query terms' postings, one matrix-vector product.
    """
    text = normalize_query(query)
    if not text or top_k <= 0:
        return []
    depth = depth or max(_MIN_DEPTH, 4 * top_k)
    span = index.span(plan)
    query_tokens = tokens(tok, text)
    lexical_tokens = (tokens(tok, normalize_query(lexical)) if lexical and lexical.strip() else []) or query_tokens
    bm25_scores = _bm25_scores(index, lexical_tokens, span)
    ranked = _bm25_ranked(bm25_scores, depth, span[0])
    qvec = _embed_query(embedder, text)
    dense = _dense_ranked(index, qvec, depth, span)
    fused = fuse([[str(r) for r in ranked], [str(r) for r, _ in dense]])[:top_k]  # rows: no passage read
    bm25_rank = {r: i for i, r in enumerate(ranked, start=1)}
    dense_rank = {r: i for i, (r, _) in enumerate(dense, start=1)}
    cosines = dict(dense)
    weights = _term_weights(index, query_tokens)
    hits = []
    for key, score in fused:
        row = int(key)
        cos = cosines.get(row)
        if cos is None:
            cos = float(index.vectors[row] @ qvec)
        hits.append(
            Hit(
                passage=index.passages[row],
                score=score,
                bm25_rank=bm25_rank.get(row),
                dense_rank=dense_rank.get(row),
                bm25_score=0.0 if bm25_scores is None else float(bm25_scores[row - span[0]]),
                coverage=_coverage(weights, index.row_terms(row)),
                cosine=cos,
            )
        )
    return hits


def confidence(hits: Sequence[Hit]) -> tuple[float, float]:
    """``(best coverage, best cosine)`` over ``hits``; ``(0.0, 0.0)`` when there are none."""
    if not hits:
        return 0.0, 0.0
    return max(h.coverage for h in hits), max(h.cosine for h in hits)


def warm_up(index: Index, tok: jieba.Tokenizer, embedder: Embedder) -> None:
    """Run one query so lazy loads (zhconv's tables, jieba, BLAS) happen at start, not on a user."""
    hybrid_search(index, tok, embedder, "預熱 warm-up", top_k=1)
