"""Content preservation: how much of the source's meaning the rewrite keeps.

The score (coach/preservation.py) reads all-MiniLM-L6-v2 embeddings unit by unit: each source
unit's best cosine to a piece of the rewrite, averaged over the source's words. It was the
cosine of the two whole texts, chosen on principle (an outcome-first rewrite changes most of
the words, so a surface metric such as chrF punishes exactly the rewrites we want, while a
sentence embedding measures meaning); the unit reading keeps that, sees past MiniLM's 256 word
pieces and embeds only the rewrite's new sentences. chrF is reported beside it as a diagnostic.
Validation: docs/benchmarks.md (Spearman with human ratings, Lai et al. 2023; the whole-text
cosine `cosine_pairs` is kept as the reference it is compared with).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def _char_ngrams(text: str, n: int) -> Counter[str]:
    s = "".join(text.split())  # chrF ignores whitespace
    return Counter(s[i : i + n] for i in range(len(s) - n + 1))


def chrf(hypothesis: str, reference: str, order: int = 6, beta: float = 2.0) -> float:
    """chrF (Popović 2015, as sacrebleu computes it): char n-gram F-beta, averaged over n=1..6.

    Returns a value in [0, 1] (sacrebleu reports it times 100). Each n-gram is counted as an
    integer code (the characters renumbered densely, so six fit an int64) with numpy: the same
    integer counts as `chrf_counter`, so the same float, in about a seventh of the CPU (a
    batch row's metrics call it on the whole update: docs/benchmarks.md, eleventh round).
    """
    s, r = "".join(hypothesis.split()), "".join(reference.split())
    chars = np.frombuffer((s + r).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    alphabet, ids = np.unique(chars, return_inverse=True)
    base = len(alphabet) + 1
    if base**order >= 2**62:  # too many distinct characters for one int64 code
        return chrf_counter(hypothesis, reference, order, beta)
    ids = ids.reshape(-1).astype(np.int64) + 1
    hyp_ids, ref_ids = ids[: len(s)], ids[len(s) :]
    hyp, ref = hyp_ids.copy(), ref_ids.copy()  # codes of the n-grams, n = 1 first
    precisions: list[float] = []
    recalls: list[float] = []
    for n in range(1, order + 1):
        if n > 1:
            hyp = hyp[:-1] * base + hyp_ids[n - 1 :]
            ref = ref[:-1] * base + ref_ids[n - 1 :]
        if not len(hyp) or not len(ref):
            continue  # sacrebleu skips orders a text is too short for
        hyp_codes, hyp_counts = np.unique(hyp, return_counts=True)
        ref_codes, ref_counts = np.unique(ref, return_counts=True)
        _, a, b = np.intersect1d(hyp_codes, ref_codes, assume_unique=True, return_indices=True)
        match = int(np.minimum(hyp_counts[a], ref_counts[b]).sum())
        precisions.append(match / len(hyp))
        recalls.append(match / len(ref))
    return _f_beta(precisions, recalls, beta)


def chrf_counter(hypothesis: str, reference: str, order: int = 6, beta: float = 2.0) -> float:
    """chrF with a Counter per n-gram order: the reference `chrf` is checked against, and
    what it falls back to on text of very many distinct characters."""
    precisions: list[float] = []
    recalls: list[float] = []
    for n in range(1, order + 1):
        hyp, ref = _char_ngrams(hypothesis, n), _char_ngrams(reference, n)
        if not hyp or not ref:
            continue  # sacrebleu skips orders a text is too short for
        match = sum((hyp & ref).values())
        precisions.append(match / sum(hyp.values()))
        recalls.append(match / sum(ref.values()))
    return _f_beta(precisions, recalls, beta)


def _f_beta(precisions: list[float], recalls: list[float], beta: float) -> float:
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r)


_CACHE: dict[str, np.ndarray] = {}
_CACHE_MAX = 4096


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-norm MiniLM vectors, cached by text: an eval run sees the same passages many times."""
    from coach.embeddings import DIM, get_embedder

    todo = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if todo:
        if len(_CACHE) + len(todo) > _CACHE_MAX:
            _CACHE.clear()
        for text, vec in zip(todo, get_embedder().embed(todo), strict=True):
            _CACHE[text] = vec
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i] = _CACHE[t]
    return out


def cosine_pairs(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Cosine of each (a, b), clipped to [0, 1]; all texts embedded in one batch."""
    if not pairs:
        return []
    vecs = embed([t for pair in pairs for t in pair])
    a, b = vecs[0::2], vecs[1::2]
    return [float(max(0.0, min(1.0, x))) for x in np.einsum("ij,ij->i", a, b)]


def content_preservation(source: str, rewrite: str) -> float:
    """The suite's content-preservation score for one pair (see the module docstring): what
    `coach.scoring.score` puts on every rewrite."""
    if not source.strip() or not rewrite.strip():
        return 0.0
    from coach.analysis import analyze
    from coach.embeddings import get_embedder
    from coach.preservation import preservation

    units = [analyze(t).unit_texts for t in (source, rewrite)]
    return preservation(units[0], units[1], get_embedder())


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho with average ranks for ties (what scipy.stats.spearmanr computes)."""

    def ranks(v: Sequence[float]) -> np.ndarray:
        a = np.asarray(v, dtype=float)
        order = np.argsort(a, kind="mergesort")
        r = np.empty(len(a))
        r[order] = np.arange(1, len(a) + 1)
        for value in np.unique(a):  # ties share their mean rank
            tied = a == value
            r[tied] = r[tied].mean()
        return r

    rx, ry = ranks(x), ranks(y)
    return float(np.corrcoef(rx, ry)[0, 1])


def lai_pairs(path: str) -> list[tuple[str, str, float]]:
    """(source, system rewrite, mean human rating) from Lai et al.'s content.src.json, no `ref`."""
    import json

    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                for name, s in row["sys"].items():
                    if name != "ref":
                        out.append((row["src"], s["out"], (s["human_1"] + s["human_2"]) / 2))
    return out
