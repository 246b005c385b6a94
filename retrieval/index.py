"""Build and load the two passage indexes: sparse BM25 postings and dense vectors, both memory-mapped.

A build's index is assembled from one *part* per plan (``PlanPart``: passage ids, the plan's term
counts, its vectors), so that a plan's part can be cached and a build only computes the parts of
new or changed plans. Rows of the corpus are grouped by plan: a plan's passages are one contiguous
row range, and a search filtered to a plan touches only that range.

Files written into a build directory (``FORMAT_VERSION`` 2, numpy ``.npy``, opened with mmap):
- ``bm25_vocab.npy``: sorted distinct terms (unicode array); term id = position.
- ``bm25_idf.npy``: Okapi idf per term (float64), exactly as ``rank_bm25.BM25Okapi`` computes it.
- ``bm25_indptr.npy`` / ``bm25_rows.npy`` / ``bm25_weights.npy``: postings by term (CSC): the rows
  holding term ``t`` are ``rows[indptr[t]:indptr[t+1]]`` (ascending), with their precomputed BM25
  weight ``idf · tf·(k1+1) / (tf + k1·(1-b+b·dl/avgdl))``.
- ``doc_indptr.npy`` / ``doc_terms.npy``: the sorted term ids of each row (CSR), for coverage.
- ``vectors.npy``: L2-normalised float32 rows (inner product = cosine).
- ``ids_sorted.npy`` / ``ids_rows.npy``: the passage ids sorted, with their rows: id → row by binary
  search, so a worker maps the ids instead of holding a dict (and may hold no passages at all).
- ``index.json``: ``{"version", "model_id", "dim", "count", "corpus_hash", "plans": {id: [start, end]}}``.

What gets indexed for a passage is its heading trail plus its text (``index_text``), so a short
paragraph still matches the words of its heading.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.tokenize import tokens

if TYPE_CHECKING:
    import jieba

    from ingest.records import Passage
    from retrieval.embed import Embedder

FORMAT_VERSION = 3
META_FILE = "index.json"
VECTORS_FILE = "vectors.npy"
K1, B, EPSILON = 1.5, 0.75, 0.25  # rank_bm25.BM25Okapi defaults
_ARRAYS = ("bm25_vocab", "bm25_idf", "bm25_indptr", "bm25_rows", "bm25_weights", "doc_indptr", "doc_terms",
           "ids_sorted", "ids_rows")
_PART_ARRAYS = ("terms", "indptr", "term_ids", "tf")
_ENCODE_BATCH = 32


class StaleIndexError(Exception):
    """The index on disk was built for another corpus or another embedding model."""


def corpus_hash(passages: Sequence[Passage]) -> str:
    """sha256 over the passage ids in order (ids are content hashes, so this covers the text)."""
    return ids_hash(p.id for p in passages)


def ids_hash(ids: Iterable[str]) -> str:
    h = hashlib.sha256()
    for pid in ids:
        h.update(pid.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def index_text(p: Passage) -> str:
    """The text that BM25 and the embedder see for a passage: heading trail, then the text."""
    trail = " / ".join(p.path) if p.path else p.heading
    return f"{trail}\n{p.text}" if trail else p.text


# ---------------------------------------------------------------- per-plan parts


@dataclass
class PlanPart:
    """One plan's share of the index. ``terms`` are the plan's distinct terms in order of first
    appearance; row ``i``'s terms are ``term_ids[indptr[i]:indptr[i+1]]`` (first appearance in the
    row) with counts ``tf``; ``vectors[i]`` is its embedding."""

    plan: str
    ids: list[str]
    terms: np.ndarray
    indptr: np.ndarray
    term_ids: np.ndarray
    tf: np.ndarray
    vectors: np.ndarray

    @classmethod
    def from_tokens(cls, plan: str, ids: list[str], token_lists: list[list[str]], vectors: np.ndarray) -> PlanPart:
        local: dict[str, int] = {}
        indptr, term_ids, tf = [0], [], []
        for toks in token_lists:
            counts: dict[str, int] = {}
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                term_ids.append(local.setdefault(t, len(local)))
                tf.append(c)
            indptr.append(len(term_ids))
        return cls(plan, list(ids), _unicode(list(local)), np.array(indptr, dtype=np.int64),
                   np.array(term_ids, dtype=np.int32), np.array(tf, dtype=np.int32),
                   np.ascontiguousarray(vectors, dtype=np.float32))

    def write(self, folder: Path, vectors_name: str = VECTORS_FILE) -> None:
        """The term arrays (raw ``.bin``, dtypes in ``ids.json``) and ids into ``folder``; the vectors
        (model-specific) as ``vectors_name``. Raw files because a build reads every plan's part:
        ``np.load`` parses each ``.npy`` header with ``ast`` (2.4 s for 1000 plans, 0.2 s raw)."""
        folder.mkdir(parents=True, exist_ok=True)
        dtypes = {}
        for name in _PART_ARRAYS:
            arr = np.ascontiguousarray(getattr(self, name))
            arr.tofile(folder / f"{name}.bin")
            dtypes[name] = arr.dtype.str
        np.save(folder / vectors_name, self.vectors)
        head = {"plan": self.plan, "ids": self.ids, "dtypes": dtypes}
        (folder / "ids.json").write_text(json.dumps(head), "utf-8")

    @classmethod
    def read(cls, folder: Path, vectors_name: str = VECTORS_FILE) -> PlanPart:
        head = json.loads((folder / "ids.json").read_text("utf-8"))
        arrays = {name: np.fromfile(folder / f"{name}.bin", dtype=np.dtype(head["dtypes"][name]))
                  for name in _PART_ARRAYS}
        return cls(head["plan"], head["ids"], vectors=read_vectors(folder / vectors_name), **arrays)


_NPY_HEADER = re.compile(rb"\{'descr': '(<f4)', 'fortran_order': False, 'shape': \((\d+), (\d+)\), \} *\n")


def read_vectors(path: Path) -> np.ndarray:
    """A plan's vectors: the header ``np.save`` writes for a 2-d float32 array read by a pattern (as
    ``np.load`` but without its ``ast`` parse, 0.5 s of every build at 1000 plans); any other file
    through ``np.load``."""
    with path.open("rb") as f:
        head = f.read(128)
        m = _NPY_HEADER.match(head, 10) if head[:8] == b"\x93NUMPY\x01\x00" else None
        if m is None or int.from_bytes(head[8:10], "little") + 10 != m.end():
            return np.load(path, mmap_mode="r")
        f.seek(m.end())
        rows, dim = int(m.group(2)), int(m.group(3))
        return np.fromfile(f, dtype=m.group(1).decode(), count=rows * dim).reshape(rows, dim)


def _unicode(words: list[str]) -> np.ndarray:
    return np.array(words, dtype=f"<U{max((len(w) for w in words), default=1) or 1}")


def _user_freq(word: str) -> int:
    return max(1000, 200 * len(word))  # as ingest.tokenize.make_tokenizer writes its user dictionary


@contextmanager
def plan_words(tok: jieba.Tokenizer, words: Iterable[str]) -> Iterator[jieba.Tokenizer]:
    """``tok`` with ``words`` added as ``make_tokenizer(words)`` would add them, restored on exit.

    Lets one base tokenizer segment each plan with that plan's own dictionary, so a plan's tokens
    depend on the plan alone (and can be cached with it). Not thread-safe: for building only."""
    unique = sorted({w.strip() for w in words if w and w.strip() and " " not in w.strip()})
    tok.check_initialized()
    total, saved = tok.total, dict[str, int | None]()
    for w in unique:
        for i in range(1, len(w) + 1):
            saved.setdefault(w[:i], tok.FREQ.get(w[:i]))
    try:
        for w in unique:
            tok.add_word(w, _user_freq(w))
        yield tok
    finally:
        for key, value in saved.items():
            if value is None:
                tok.FREQ.pop(key, None)
            else:
                tok.FREQ[key] = value
        tok.total = total


def encode_all(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors of ``texts`` in order; batches of similar length (the encoder pads to the longest)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = [embedder.encode([texts[i] for i in order[j : j + _ENCODE_BATCH]])
             for j in range(0, len(order), _ENCODE_BATCH)]
    sorted_vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    vectors = np.empty_like(sorted_vectors)
    vectors[order] = sorted_vectors
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.shape != (len(texts), embedder.dim):
        raise ValueError(
            f"embedder {embedder.model_id!r} returned shape {vectors.shape}, "
            f"expected {(len(texts), embedder.dim)}"
        )
    return vectors


def encode_each(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors of ``texts``, one call per text: a vector then depends on its text alone (a batch pads
    to its longest text, which moves the floats by ~1e-7), so cached and fresh vectors agree bit for bit."""
    rows = [embedder.encode([t]) for t in texts]
    return np.concatenate(rows) if rows else np.zeros((0, embedder.dim), dtype=np.float32)


_BATCH_MASK = 15  # a batch ends after a passage whose id hash has these bits clear: 16 on average
_BATCH_MAX = 48


def batch_bounds(ids: Sequence[str]) -> list[tuple[int, int]]:
    """Content-defined embedding batches ``[(start, end)]`` over a plan's passage ids in order.

    A batch ends after a passage whose id hashes to 0 under ``_BATCH_MASK`` (or at ``_BATCH_MAX``
    passages), so a batch's members depend on the ids around it only: an edited passage changes its
    own batch, the other batches of the plan keep their members and hence their vectors (a batched
    vector depends on the whole batch by ~1e-7; the same batch gives the same floats)."""
    bounds, start = [], 0
    for i, pid in enumerate(ids):
        cut = int(hashlib.sha256(pid.encode("utf-8")).hexdigest()[:8], 16) & _BATCH_MASK == 0
        if cut or i + 1 - start >= _BATCH_MAX:
            bounds.append((start, i + 1))
            start = i + 1
    if start < len(ids):
        bounds.append((start, len(ids)))
    return bounds


def encode_batched(embedder: Embedder, ids: Sequence[str], texts: Sequence[str],
                   known: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Vectors of a plan's passages, encoded batch by batch (``batch_bounds``); a batch whose key
    (``ids_hash`` of its ids) is in ``known`` reuses those rows instead of encoding again."""
    out = np.zeros((len(ids), embedder.dim), dtype=np.float32)
    for start, end in batch_bounds(ids):
        rows = (known or {}).get(ids_hash(ids[start:end]))
        if rows is None:
            rows = embedder.encode(list(texts[start:end]))
        if rows.shape != (end - start, embedder.dim):
            raise ValueError(f"embedder {embedder.model_id!r} returned shape {rows.shape}, "
                             f"expected {(end - start, embedder.dim)}")
        out[start:end] = rows
    return out


def known_batches(ids: Sequence[str], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """``{batch key: rows}`` of an already encoded plan, for ``encode_batched(known=...)``."""
    return {ids_hash(ids[a:b]): np.array(vectors[a:b]) for a, b in batch_bounds(ids)}


# ---------------------------------------------------------------- assembly


def _check_unique(ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for pid in ids:
        if pid in seen:
            raise ValueError(f"duplicate passage id {pid!r}: ids must be unique")
        seen.add(pid)


def _global_terms(parts: Sequence[PlanPart]) -> tuple[list[str], dict[str, int], list[np.ndarray]]:
    """Terms in corpus first-appearance order, term → sorted id, and each part's local → sorted id map."""
    first: dict[str, None] = {}
    for part in parts:
        first.update(dict.fromkeys(part.terms.tolist()))
    ordered = list(first)
    sorted_id = {t: i for i, t in enumerate(sorted(ordered))}
    maps = [np.array([sorted_id[t] for t in part.terms.tolist()], dtype=np.int64) for part in parts]
    return ordered, sorted_id, maps


def _okapi_idf(ordered: list[str], sorted_id: dict[str, int], df: np.ndarray, n: int) -> np.ndarray:
    """rank_bm25's idf: log(n-df+.5) - log(df+.5), negatives → ε · mean idf (same summation order)."""
    idf = np.zeros(len(ordered), dtype=np.float64)
    idf_sum = 0.0
    negative = []
    for t in ordered:
        i = sorted_id[t]
        value = math.log(n - int(df[i]) + 0.5) - math.log(int(df[i]) + 0.5)
        idf[i] = value
        idf_sum += value
        if value < 0:
            negative.append(i)
    if ordered:
        idf[negative] = EPSILON * (idf_sum / len(ordered))
    return idf


def assemble(parts: Sequence[PlanPart], out_dir: Path | str, model_id: str, dim: int) -> dict[str, Any]:
    """Write the index of the concatenated ``parts`` (rows in part order) into ``out_dir``."""
    ids = [pid for part in parts for pid in part.ids]
    if not ids:
        raise ValueError("cannot build an index over zero passages")
    _check_unique(ids)
    if len({p.plan for p in parts}) != len(parts):
        raise ValueError("passages of a plan must be contiguous (one part per plan)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ordered, sorted_id, maps = _global_terms(parts)
    n = len(ids)
    row_parts, term_parts, tf_parts, spans, start = [], [], [], {}, 0
    for part, local in zip(parts, maps, strict=True):
        rows_here = len(part.ids)
        row_parts.append(start + np.repeat(np.arange(rows_here, dtype=np.int64), np.diff(part.indptr)))
        term_parts.append(local[part.term_ids])
        tf_parts.append(part.tf)
        spans[part.plan] = [start, start + rows_here]
        start += rows_here
    rows = np.concatenate(row_parts)
    terms = np.concatenate(term_parts)
    tf = np.concatenate(tf_parts).astype(np.float64)
    doc_len = np.bincount(rows, weights=tf, minlength=n)
    avgdl = float(doc_len.sum()) / n
    df = np.bincount(terms, minlength=len(ordered))
    idf = _okapi_idf(ordered, sorted_id, df, n)
    dl = doc_len[rows]
    weights = idf[terms] * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl)))
    # rows never decrease along the postings (parts and their rows in order), so a stable sort by term
    # keeps each term's rows ascending, and one int64 key orders by row then term: the orders of
    # np.lexsort((rows, terms)) and np.lexsort((terms, rows)), in a third of the time at 1000 plans.
    by_term = np.argsort(terms, kind="stable")
    by_doc = np.argsort(rows * np.int64(max(len(ordered), 1)) + terms, kind="stable")
    arrays = {
        "bm25_vocab": _unicode(sorted(ordered)),
        "bm25_idf": idf,
        "bm25_indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
        "bm25_rows": rows[by_term].astype(np.int32),
        "bm25_weights": weights[by_term],
        "doc_indptr": np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64),
        "doc_terms": terms[by_doc].astype(np.int32),
        "ids_sorted": _unicode(sorted(ids)),
        "ids_rows": np.argsort(np.array(ids), kind="stable").astype(np.int32),
    }
    for name, arr in arrays.items():
        np.save(out / f"{name}.npy", arr)
    vectors = np.concatenate([np.asarray(p.vectors, dtype=np.float32).reshape(-1, dim) for p in parts])
    np.save(out / VECTORS_FILE, vectors)
    meta = {"version": FORMAT_VERSION, "model_id": model_id, "dim": dim, "count": n,
            "corpus_hash": ids_hash(ids), "plans": spans}
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta


def _runs(passages: Sequence[Passage]) -> list[list[Passage]]:
    runs: list[list[Passage]] = []
    for p in passages:
        if runs and runs[-1][0].plan == p.plan:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def build_index(
    passages: Sequence[Passage], tok: jieba.Tokenizer, embedder: Embedder, out_dir: Path | str
) -> dict[str, Any]:
    """Tokenise with ``tok``, embed with ``embedder`` and write the index of ``passages`` into ``out_dir``."""
    if not passages:
        raise ValueError("cannot build an index over zero passages")
    _check_unique(p.id for p in passages)
    parts = []
    for run in _runs(passages):
        texts = [index_text(p) for p in run]
        parts.append(PlanPart.from_tokens(run[0].plan, [p.id for p in run], [tokens(tok, t) for t in texts],
                                          encode_all(embedder, texts)))
    return assemble(parts, out_dir, embedder.model_id, embedder.dim)


# ---------------------------------------------------------------- loading


@dataclass
class Index:
    """Loaded (memory-mapped) indexes over ``passages``; row ``i`` is ``passages[i]``."""

    passages: Sequence[Passage]
    vectors: np.ndarray
    vocab: np.ndarray
    idf: np.ndarray
    indptr: np.ndarray
    rows: np.ndarray
    weights: np.ndarray
    doc_indptr: np.ndarray
    doc_terms: np.ndarray
    model_id: str
    dim: int
    spans: dict[str, tuple[int, int]]
    ids_sorted: np.ndarray = field(repr=False)
    ids_rows: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.passages)

    def row(self, pid: str) -> int:
        """The row of passage ``pid``, or -1."""
        i = int(np.searchsorted(self.ids_sorted, pid))
        return int(self.ids_rows[i]) if i < len(self.ids_sorted) and self.ids_sorted[i] == pid else -1

    def span(self, plan: str | None) -> tuple[int, int]:
        """The row range of ``plan`` (the whole corpus for ``None``; empty for an unknown plan)."""
        if plan is None:
            return 0, len(self.passages)
        return self.spans.get(plan, (0, 0))

    def rows_for_plan(self, plan: str) -> np.ndarray:
        """The rows that belong to ``plan``, ascending."""
        a, b = self.span(plan)
        return np.arange(a, b, dtype=np.int64)

    def term_id(self, term: str) -> int:
        """The term's id, or -1 when no passage holds it."""
        i = int(np.searchsorted(self.vocab, term))
        return i if i < len(self.vocab) and self.vocab[i] == term else -1

    def row_terms(self, row: int) -> np.ndarray:
        return self.doc_terms[self.doc_indptr[row] : self.doc_indptr[row + 1]]

    def terms(self, row: int) -> frozenset[str]:
        """The distinct tokens of passage ``row``."""
        return frozenset(str(self.vocab[t]) for t in self.row_terms(row))


def _expect(where: Path, what: str, expected: object, found: object) -> None:
    if expected != found:
        raise StaleIndexError(
            f"index in {where} is stale: {what} differs (expected {expected!r}, found {found!r}); "
            "rebuild the index"
        )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StaleIndexError(f"index file {path} is missing; rebuild the index") from None
    if not isinstance(data, dict):
        raise StaleIndexError(f"index file {path} does not hold a JSON object; rebuild the index")
    return data


def _load(where: Path, name: str) -> np.ndarray:
    try:
        return np.load(where / name, mmap_mode="r")
    except FileNotFoundError:
        raise StaleIndexError(f"index file {where / name} is missing; rebuild the index") from None


def load_index(index_dir: Path | str, embedder: Embedder, passages: Sequence[Passage]) -> Index:
    """Map the indexes in ``index_dir`` for ``passages`` (in build order) and ``embedder``.

    ``passages`` may be a lazy sequence with ``ids`` (``retrieval.planstore.RowPassages``, which
    checks each plan's ids as it reads them): the corpus hash is then checked on the index's own ids.
    Raises ``StaleIndexError`` when the files were built for another model, dimension or corpus.
    """
    where = Path(index_dir)
    meta = _read_json(where / META_FILE)
    _expect(where, "format version", FORMAT_VERSION, meta.get("version"))
    _expect(where, "embedding model", embedder.model_id, meta.get("model_id"))
    _expect(where, "embedding dimension", embedder.dim, meta.get("dim"))
    _expect(where, "passage count", len(passages), meta.get("count"))
    arrays = {name: _load(where, f"{name}.npy") for name in _ARRAYS}
    lazy = getattr(passages, "lazy", False)
    found = ids_hash(_row_ids(arrays)) if lazy else corpus_hash(passages)
    _expect(where, "corpus hash", found, meta.get("corpus_hash"))
    vectors = _load(where, VECTORS_FILE)
    _expect(where, f"shape of {VECTORS_FILE}", (len(passages), embedder.dim), tuple(vectors.shape))
    return Index(
        passages=passages, vectors=vectors, vocab=arrays["bm25_vocab"], idf=arrays["bm25_idf"],
        indptr=arrays["bm25_indptr"], rows=arrays["bm25_rows"], weights=arrays["bm25_weights"],
        doc_indptr=arrays["doc_indptr"], doc_terms=arrays["doc_terms"], model_id=embedder.model_id,
        dim=embedder.dim, spans={k: (int(v[0]), int(v[1])) for k, v in meta.get("plans", {}).items()},
        ids_sorted=arrays["ids_sorted"], ids_rows=arrays["ids_rows"],
    )


def _row_ids(arrays: dict[str, np.ndarray]) -> list[str]:
    out = np.empty_like(arrays["ids_sorted"])
    out[np.asarray(arrays["ids_rows"])] = arrays["ids_sorted"]
    return [str(x) for x in out]
