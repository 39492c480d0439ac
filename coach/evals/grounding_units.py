"""Unit-level alignment figures for coach.evals.grounding: each labelled unit of work against
every strategy, scored as a rewrite maps it (its passage picked in its update's context, mapped
only when its score clears the unit threshold and its update cites that passage), beside the
dense-only baseline (the unit's own nearest passage at a raw-cosine floor, ungated).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

FPR = 0.05  # the share of unrelated pairs allowed over the threshold on the training folds


def unit_rows(
    coach: Any,
    labelled: list[dict[str, Any]],
    cols: dict[str, str],
    counts: dict[str, int],
    gold_ids: dict[str, set[str]],
    queries: dict[str, np.ndarray],
    cited: dict[tuple[str, str], list[tuple[str, float]]],
) -> list[dict[str, Any]]:
    """Each labelled unit (the grounding.jsonl rows of an indexed organisation) against every
    collection: its passage (picked in its update's context, as a rewrite does) and scores. Against its own organisation's strategy it is scored on the
    gold; against the others it is a negative. `cosine` is the dense-only baseline's: the
    unit's own nearest passage. `update` is its update's ranked passages with their normalised
    scores against the collection: a unit maps only to a passage its update cites (`maps`)."""
    retriever = coach.retriever
    out: list[dict[str, Any]] = []
    if not labelled:
        return out
    texts = [g["unit"] for g in labelled]
    vectors = retriever.embedder.embed(texts)
    closeness = retriever.closeness(vectors)  # what the score subtracts, x the query weight
    around = {uid: float(retriever.closeness(q[None, :])[0]) for uid, q in queries.items()}
    groups: dict[str, list[int]] = {}
    for i, g in enumerate(labelled):
        groups.setdefault(str(g.get("update_id", "")), []).append(i)
    for org, col in cols.items():
        lists = retriever._search(texts, vectors, 1, col, retriever.mode, counts[org])
        picked: dict[int, tuple[str, float]] = {}
        for uid, idx in groups.items():
            query = queries.get(uid)
            if query is None:  # a unit without its update: read on its own
                query = np.asarray(vectors[idx[0]])
            got = retriever.align_in_context(
                [texts[i] for i in idx], vectors[idx], query, col, counts[org]
            )
            picked.update({i: (a.passage, a.score) for i, a in zip(idx, got, strict=True)})
        for i, (g, found) in enumerate(zip(labelled, lists, strict=True)):
            own = g["org"] == org
            gold = set().union(*(gold_ids.get(x, set()) for x in g["gold"])) if own else set()
            passage, score = picked.get(i, ("", -9.0))
            out.append(
                {
                    "org": g["org"],
                    "collection": org,
                    "own": own,
                    "unit": g["unit"],
                    "gold": bool(g["gold"]) and own,
                    "hit": bool(passage) and passage in gold,
                    "passage": passage,
                    "baseline_hit": bool(found) and found[0].id in gold,
                    "score": score,
                    "update": cited.get((str(g.get("update_id", "")), org)),
                    "closeness": float(closeness[i]),
                    "update closeness": around.get(str(g.get("update_id", "")), 0.0),
                    "cosine": found[0].score if found else 0.0,
                }
            )
    return out


def fit_units(units: Sequence[dict[str, Any]], fpr: float = FPR) -> float:
    """Precision first, as for updates: the (1 - fpr) quantile of unrelated units' scores."""
    neg = [u["score"] for u in units if not u["own"]]
    return float(np.quantile(neg, 1 - fpr)) if neg else 0.0


def best_accuracy(units: Sequence[dict[str, Any]], t_update: float) -> float:
    """The unit threshold with the best accuracy ("none" a class), for comparison only."""
    own = [u for u in units if u["own"]]
    grid = np.unique([u["score"] for u in own]) if own else np.zeros(1)
    return float(max(grid, key=lambda t: (unit_acc(own, float(t), t_update), t)))


def maps(u: dict[str, Any], t: float, t_update: float | None, key: str = "score") -> bool:
    """A unit maps when its score clears `t` and (unless `t_update` is None, the dense
    baseline, or the unit has no update) its passage is one its update cites at `t_update`,
    as in a rewrite."""
    if u[key] < t:
        return False
    if t_update is None or u["update"] is None:
        return True
    return any(i == u["passage"] and s >= t_update for i, s in u["update"])


def unit_acc(
    units: Sequence[dict[str, Any]],
    t: float,
    t_update: float | None,
    key: str = "score",
    hit: str = "hit",
) -> float:
    """Accuracy with "none" a class, over units scored against their own strategy."""
    right = [
        (u[hit] and maps(u, t, t_update, key)) if u["gold"] else not maps(u, t, t_update, key)
        for u in units
        if u["own"]
    ]
    return float(np.mean(right)) if right else 0.0
