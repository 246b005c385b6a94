"""Build and load the two passage indexes: BM25 over jieba tokens and a dense faiss index.

Files written into a build directory:
- ``bm25.json``: ``{"version", "ids": [...], "tokens": [[...], ...]}``, one token list per passage, in
  passage order (the row order of the faiss index).
- ``dense.faiss``: ``faiss.IndexFlatIP`` over L2-normalised vectors, so inner product = cosine.
- ``index.json``: ``{"version", "model_id", "dim", "count", "corpus_hash"}``.

What gets indexed for a passage is its heading trail plus its text (``index_text``), so a short
paragraph still matches the words of its heading.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.tokenize import tokens

if TYPE_CHECKING:
    import faiss
    import jieba
    from rank_bm25 import BM25Okapi

    from ingest.records import Passage
    from retrieval.embed import Embedder

FORMAT_VERSION = 1
BM25_FILE = "bm25.json"
DENSE_FILE = "dense.faiss"
META_FILE = "index.json"
_ENCODE_BATCH = 32


class StaleIndexError(Exception):
    """The index on disk was built for another corpus or another embedding model."""


def corpus_hash(passages: Sequence[Passage]) -> str:
    """sha256 over the passage ids in order (ids are content hashes, so this covers the text)."""
    h = hashlib.sha256()
    for p in passages:
        h.update(p.id.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def index_text(p: Passage) -> str:
    """The text that BM25 and the embedder see for a passage: heading trail, then the text."""
    trail = " / ".join(p.path) if p.path else p.heading
    return f"{trail}\n{p.text}" if trail else p.text


@dataclass
class Index:
    """Loaded indexes over ``passages``; row ``i`` of both indexes is ``passages[i]``."""

    passages: list[Passage]
    bm25: BM25Okapi
    dense: faiss.Index
    model_id: str
    dim: int
    row_of: dict[str, int]
    _plan_rows: dict[str, Any] = field(default_factory=dict, repr=False)
    _term_sets: list[frozenset[str]] = field(default_factory=list, repr=False)

    def rows_for_plan(self, plan: str) -> Any:
        """Sorted int64 numpy array of the rows that belong to ``plan`` (cached)."""
        import numpy as np

        rows = self._plan_rows.get(plan)
        if rows is None:
            rows = np.array([i for i, p in enumerate(self.passages) if p.plan == plan], dtype=np.int64)
            self._plan_rows[plan] = rows
        return rows

    def terms(self, row: int) -> frozenset[str]:
        """The distinct tokens of passage ``row``."""
        return self._term_sets[row]


def _check_unique(passages: Sequence[Passage]) -> None:
    seen: set[str] = set()
    for p in passages:
        if p.id in seen:
            raise ValueError(f"duplicate passage id {p.id!r} (section {p.section_id!r}): ids must be unique")
        seen.add(p.id)


def _encode_all(embedder: Embedder, texts: list[str]) -> Any:
    import numpy as np

    # Batches of similar length: the encoder pads a batch to its longest text.
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


def build_index(
    passages: Sequence[Passage], tok: jieba.Tokenizer, embedder: Embedder, out_dir: Path | str
) -> dict[str, Any]:
    """Write ``bm25.json``, ``dense.faiss`` and ``index.json`` into ``out_dir``; return the metadata."""
    import faiss

    if not passages:
        raise ValueError("cannot build an index over zero passages")
    _check_unique(passages)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts = [index_text(p) for p in passages]
    bm25_doc = {
        "version": FORMAT_VERSION,
        "ids": [p.id for p in passages],
        "tokens": [tokens(tok, t) for t in texts],
    }
    (out / BM25_FILE).write_text(json.dumps(bm25_doc, ensure_ascii=False), encoding="utf-8")
    dense = faiss.IndexFlatIP(embedder.dim)
    dense.add(_encode_all(embedder, texts))
    faiss.write_index(dense, str(out / DENSE_FILE))
    meta = {
        "version": FORMAT_VERSION,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "count": len(passages),
        "corpus_hash": corpus_hash(passages),
    }
    (out / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta


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


def load_index(index_dir: Path | str, embedder: Embedder, passages: Sequence[Passage]) -> Index:
    """Load the indexes in ``index_dir`` for ``passages`` (in build order) and ``embedder``.

    Raises ``StaleIndexError`` when the files were built for another model, dimension or corpus.
    """
    import faiss
    from rank_bm25 import BM25Okapi

    where = Path(index_dir)
    meta = _read_json(where / META_FILE)
    _expect(where, "format version", FORMAT_VERSION, meta.get("version"))
    _expect(where, "embedding model", embedder.model_id, meta.get("model_id"))
    _expect(where, "embedding dimension", embedder.dim, meta.get("dim"))
    _expect(where, "passage count", len(passages), meta.get("count"))
    _expect(where, "corpus hash", corpus_hash(passages), meta.get("corpus_hash"))
    bm25_doc = _read_json(where / BM25_FILE)
    _expect(where, f"passage ids in {BM25_FILE}", [p.id for p in passages], bm25_doc.get("ids"))
    dense = faiss.read_index(str(where / DENSE_FILE))
    _expect(where, f"dimension of {DENSE_FILE}", embedder.dim, dense.d)
    _expect(where, f"vector count of {DENSE_FILE}", len(passages), dense.ntotal)
    token_lists: list[list[str]] = bm25_doc["tokens"]
    return Index(
        passages=list(passages),
        bm25=BM25Okapi(token_lists),
        dense=dense,
        model_id=embedder.model_id,
        dim=embedder.dim,
        row_of={p.id: i for i, p in enumerate(passages)},
        _term_sets=[frozenset(t) for t in token_lists],
    )
