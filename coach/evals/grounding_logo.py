"""Leave-one-organisation-out folds for coach.evals.grounding: everything fitted, fitted without
the held-out organisation.

Two things are fitted: the score's query weight (the mean over the collections of the
background updates' slope, `fit_query_weight`) and the thresholds (the 95th percentile of the
unrelated pairs' scores). A fold refits both without the held-out organisation: the weight from
the other collections' slopes, the thresholds on the pairs that involve neither its updates nor
its strategy. The rows were scored once at the run's weight; `reweigh` moves every score to
another weight exactly (the score is linear in the weight, the collection base is the median
of a background array the run keeps), so a fold needs no second pass through the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from coach.evals.grounding_rows import best, cites_gold, mean
from coach.evals.grounding_units import FPR, fit_units, maps, unit_acc

NO_FOLD = "n/a: without it no other organisation's updates are left to fit a threshold on"
BASELINE_FLOOR = 0.34  # main's raw-cosine "unmapped" floor, for the dense-only baseline


def fit(rows: Sequence[dict[str, Any]], fpr: float = FPR) -> float:
    """Precision first: the (1 - fpr) quantile of the unrelated pairs' best normalised score."""
    neg = [best(r) for r in rows if not r["own"]]
    return float(np.quantile(neg, 1 - fpr)) if neg else 0.0


def background_parts(retriever: Any, cols: dict[str, str]) -> dict[str, tuple[Any, Any]]:
    """Per collection (keyed as the rows are): the background updates' best (cosine - passage
    closeness) and their own closeness, the two arrays the base and the slope are read from."""
    out = {}
    for org, col in cols.items():
        got = retriever._background_best(col)
        if got is not None:
            out[org] = (np.asarray(got[0]), np.asarray(got[1]))
    return out


def slope(parts: tuple[Any, Any]) -> float:
    """`Retriever.background_slope` on kept arrays."""
    return float(np.polyfit(parts[1], parts[0], 1)[0])


def fit_query_weight(retriever: Any, cols: dict[str, str]) -> float:
    """The score's query weight: the mean over the collections of the background updates'
    slope (`Retriever.background_slope`): fitted on background text only, no gold label."""
    return weight_of(background_parts(retriever, cols))


def weight_of(parts: dict[str, tuple[Any, Any]], without: str | None = None) -> float:
    """The mean background slope over the collections but `without` (1.0 with none left)."""
    slopes = [slope(p) for org, p in parts.items() if org != without]
    slopes = [s for s in slopes if np.isfinite(s)]
    return round(float(np.mean(slopes)), 4) if slopes else 1.0


def reweigh(raw: dict[str, Any], weight: float) -> dict[str, Any]:
    """`raw` (coach.evals.grounding.run's rows and units) with every normalised score moved
    from the weight it was scored at to `weight`: score + (w0 - w) x query closeness + base at
    w0 - base at w, per collection."""
    w0, parts = raw["scored at"], raw["background"]
    if weight == w0 or not parts:
        return raw
    shift = {
        org: float(np.median(b - w0 * q)) - float(np.median(b - weight * q))
        for org, (b, q) in parts.items()
    }

    def moved(scores: Sequence[float], closeness: float, org: str) -> list[float]:
        d = (w0 - weight) * closeness + shift.get(org, 0.0)
        return [s + d for s in scores]

    rows = [
        {**r, "scores": moved(r["scores"], r["query closeness"], r["collection"])}
        for r in raw["rows"]
    ]
    units = []
    for u in raw["units"]:
        org = u["collection"]
        update = u["update"]
        if update is not None:
            ids = [i for i, _ in update]
            new = moved([s for _, s in update], u["update closeness"], org)
            update = list(zip(ids, new, strict=True))
        units.append({**u, "score": moved([u["score"]], u["closeness"], org)[0], "update": update})
    return {**raw, "rows": rows, "units": units, "scored at": weight}


def logo(raw: dict[str, Any], fpr: float = FPR, refit_weight: bool = True) -> list[dict[str, Any]]:
    """Leave one organisation out: query weight and thresholds fitted without it, scored on it
    (`refit_weight=False`: the run's weight in every fold, the figures before 2 December's
    ninth round)."""
    folds = []
    orgs = sorted({r["org"] for r in raw["rows"] if r["own"] and r["has_gold"]})
    for org in orgs:
        w = weight_of(raw["background"], without=org) if refit_weight else raw["scored at"]
        fold = reweigh(raw, w)
        rows, units = fold["rows"], fold["units"]
        train = [r for r in rows if r["org"] != org and r["collection"] != org]
        test_pos = [r for r in rows if r["own"] and r["has_gold"] and r["org"] == org]
        test_neg = [r for r in rows if not r["own"] and (r["org"] == org or r["collection"] == org)]
        if not any(not r["own"] for r in train):  # nothing unrelated left to fit on
            folds.append({"held out": org, "threshold": None, "n/a": NO_FOLD})
            continue
        t = fit(train, fpr)
        tu = fit_units([u for u in units if u["org"] != org and u["collection"] != org])
        mine = [u for u in units if u["org"] == org]
        folds.append(
            {
                "held out": org,
                "query weight": w,
                "threshold": round(t, 4),
                "unit threshold": round(tu, 4),
                "hit@1": mean(
                    [r["ranked"][:1] != [] and r["ranked"][0] in r["gold"] for r in test_pos]
                ),
                "own cites gold": mean([cites_gold(r, t) for r in test_pos]),
                "unrelated cite anything": mean([best(r) >= t for r in test_neg]),
                "unit accuracy": unit_acc(mine, tu, t),
                "unit accuracy, dense baseline": unit_acc(
                    mine, BASELINE_FLOOR, None, "cosine", "baseline_hit"
                ),
                "held-out units mapped, unrelated": mean(
                    [
                        maps(u, tu, t)
                        for u in units
                        if not u["own"] and org in (u["org"], u["collection"])
                    ]
                ),
            }
        )
    return folds
