"""Job A of the fifth grounding round (docs/grounding.md): the query without the whole-update
vector, and the other query forms measured beside it, as scorers of eval.grounding_replica.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_round5 --family query
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eval.grounding_replica import Dump, Normaliser, Scorer, _unit

Vec = np.ndarray


def by_query(
    norm: Normaliser, query: Callable[[dict[str, Any]], Vec], rank_only: bool = False
) -> Scorer:
    """Rank and decide on `query(u)`; with `rank_only`, decide on the shipped query."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = query(u)
        return norm.cos(q, org), norm.score(u["query"] if rank_only else q, org)

    return f


def _windows(u: dict[str, Any]) -> np.ndarray:
    """The update's windows; a one-window update is its own single window."""
    w = u["windows"]
    return w if len(w) else u["whole"][None, :]


def windows_query(first: float = 1.0, head: int = 1) -> Callable[[dict[str, Any]], Vec]:
    """Mean of the windows' vectors with the first `head` windows' share weighted by `first`
    (first = 1: plain mean). first = "half": 0.5 x mean(first head) + 0.5 x mean(all)."""

    def q(u: dict[str, Any]) -> Vec:
        w = _windows(u)
        weights = np.ones(len(w), dtype=np.float32)
        weights[:head] *= first
        return _unit((weights[:, None] * w).sum(axis=0))

    return q


def half_first(head: int = 1) -> Callable[[dict[str, Any]], Vec]:
    """Equal parts the mean of the first `head` windows and the mean of all windows: the
    shipped blend with the whole-update vector replaced by the opening it mostly saw."""

    def q(u: dict[str, Any]) -> Vec:
        w = _windows(u)
        if len(u["windows"]) == 0:
            return u["whole"]
        return _unit(0.5 * _unit(w[:head].mean(axis=0)) + 0.5 * _unit(w.mean(axis=0)))

    return q


def _pieces(texts: list[str]) -> list[int]:
    """Word pieces of each text (MiniLM's tokenizer, no truncation)."""
    from tokenizers import Tokenizer

    from coach.embeddings import model_dir

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return [len(e.ids) - 2 for e in tok.encode_batch(texts)]


def opening_query(cap: int = 254, half: bool = True) -> Callable[[dict[str, Any]], Vec]:
    """The whole-update vector rebuilt from the windows: MiniLM mean-pools the first `cap`
    pieces, so the opening is the windows weighted by their pieces inside that cap; the query
    is half that and half the windows' mean (half=False: the opening alone)."""
    from coach.retrieval_query import query_windows

    cache: dict[str, np.ndarray] = {}

    def q(u: dict[str, Any]) -> Vec:
        if len(u["windows"]) == 0:
            return u["whole"]
        if u["id"] not in cache:
            n = np.asarray(_pieces(query_windows(u["text"])), dtype=np.float32)
            start = np.concatenate([[0.0], np.cumsum(n)[:-1]])
            cache[u["id"]] = np.clip(cap - start, 0.0, n)
        w = cache[u["id"]]
        opening = _unit((w[:, None] * u["windows"]).sum(axis=0))
        if not half:
            return opening
        return _unit(0.5 * opening + 0.5 * _unit(u["windows"].mean(axis=0)))

    return q


def skip_first(whole_in_mean: bool) -> Callable[[dict[str, Any]], Vec]:
    """Keep the whole-update vector and drop the first window instead (the whole vector already
    reads it): 0.5 whole + 0.5 mean of [whole,] windows 2..n."""

    def q(u: dict[str, Any]) -> Vec:
        w = u["windows"]
        if len(w) == 0:
            return u["whole"]
        rest = np.vstack([u["whole"][None, :], w[1:]]) if whole_in_mean else w[1:]
        if len(rest) == 0:
            return u["whole"]
        return _unit(0.5 * u["whole"] + 0.5 * _unit(rest.mean(axis=0)))

    return q


def pooled_windows(norm: Normaliser, tau: float, by: str, rank_only: bool) -> Scorer:
    """0.5 whole + 0.5 x the windows pooled by softmax weights instead of a plain mean: by
    "distinct" (less background closeness weighs more) or "attention" (a window nearer the
    collection's best passage weighs more), temperature tau."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        w = u["windows"]
        if len(w) == 0:
            return norm.cos(u["whole"], org), norm.score(u["whole"], org)
        logit = -norm.closeness(w) if by == "distinct" else (w @ norm.m[org].T).max(axis=1)
        a = np.exp((logit - logit.max()) / tau)
        q = _unit(0.5 * u["whole"] + 0.5 * _unit((a[:, None] * w).sum(axis=0)))
        return norm.cos(q, org), norm.score(u["query"] if rank_only else q, org)

    return f


def query_variants(d: Dump) -> dict[str, Scorer]:
    """Job A: the query without the whole-update vector (and, for the record, the reverse)."""
    mini = Normaliser(d, "mini")
    out: dict[str, Scorer] = {
        "shipped": by_query(mini, lambda u: u["query"]),
        "A whole update alone (ROUND 1)": by_query(mini, lambda u: u["whole"]),
        "A windows only (mean)": by_query(mini, windows_query()),
    }
    for first in (1.5, 2.0, 3.0):
        out[f"A windows, first x{first}"] = by_query(mini, windows_query(first))
    out["A windows, first two x2"] = by_query(mini, windows_query(2.0, 2))
    out["A 0.5 first window + 0.5 mean"] = by_query(mini, half_first(1))
    out["A 0.5 first two windows + 0.5 mean"] = by_query(mini, half_first(2))
    out["A opening (piece-weighted windows) + mean"] = by_query(mini, opening_query())
    out["A opening alone"] = by_query(mini, opening_query(half=False))
    out["A opening 128 / 384 pieces + mean: 128"] = by_query(mini, opening_query(128))
    out["A opening 128 / 384 pieces + mean: 384"] = by_query(mini, opening_query(384))
    for first in (1.0, 1.5, 2.0, 3.0):
        out[f"rank by windows, first x{first}; shipped score"] = by_query(
            mini, windows_query(first), rank_only=True
        )
    for tau in (0.02, 0.05, 0.1):
        out[f"windows pooled by distinctiveness, t={tau}"] = pooled_windows(
            mini, tau, "distinct", False
        )
        for rank_only in (True, False):
            out[f"windows pooled by attention, t={tau}{', rank only' * rank_only}"] = (
                pooled_windows(mini, tau, "attention", rank_only)
            )
    out["A' whole + mean(whole, windows 2..n)"] = by_query(mini, skip_first(True))
    out["A' whole + mean(windows 2..n)"] = by_query(mini, skip_first(False))
    return out
