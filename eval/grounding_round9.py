"""The ninth round's grounding measurements (docs/grounding.md), over the real pipeline's rows.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_round9 [--data DIR]

Every variant is a decision score built from `coach.evals.grounding.run`'s rows (each (update,
collection) pair's top 3 passages with their normalised scores, the update's units' in-context
picks) and scored as `coach.evals.grounding_logo.logo` scores the shipped one: per held-out
organisation, the query weight and the threshold fitted without it (the 95th percentile of the
training pairs' unrelated best decision score), own cites gold and unrelated cite anything on
it. Families: the precision knob; the margin between the best and the next passage; a
per-collection reference from other organisations' real updates (left out: the held-out
organisation, the update's own and the collection's); the agreement of update-level and
unit-level evidence (a bonus for units that pick the passage, or a passage no unit picks is not
cited); passage terms (centrality in its own collection, closeness to generic strategy text,
both centred per collection); an update's best against reference collections as a contrast.
The last lines split the held-out unrelated citations into openssf <-> rust-lang pairs and the
rest. About 30 s with warm caches.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach import Coach
from coach.evals import grounding as G
from coach.evals import grounding_rows as R
from coach.evals.grounding_logo import FPR, reweigh, weight_of
from coach.settings import Settings

Row = dict[str, Any]
# decision(fold rows, row, held-out org) -> one decision score per ranked passage
Decision = Callable[[list[Row], Row, str], list[float]]


def passages(data_dir: Path, sample: Path | None = None) -> dict[str, dict[str, Any]]:
    """Each collection's passage ids and vectors, indexed as the eval indexes them."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="coach-round9-") as tmp:
        models = Settings.load().models_dir
        if models.is_dir():
            (Path(tmp) / "models").symlink_to(models, target_is_directory=True)
        coach = Coach(home=tmp)
        cols = R.index_collections(coach, data_dir, sample or R.sample_corpus())
        for org, col in cols.items():
            ids = [h.id for h in coach.store.all(col)]
            found = coach.store.embeddings(col, ids)
            out[org] = {"ids": ids, "m": np.asarray([found[i] for i in ids], dtype=np.float32)}
    return out


def folds(raw: dict[str, Any]) -> dict[str, list[Row]]:
    """Per organisation with gold: every row at the query weight fitted without it."""
    orgs = sorted({r["org"] for r in raw["rows"] if r["own"] and r["has_gold"]})
    return {x: reweigh(raw, weight_of(raw["background"], without=x))["rows"] for x in orgs}


def evaluate(by_fold: dict[str, list[Row]], decide: Decision, fpr: float = FPR) -> dict[str, Any]:
    """Per fold (cites gold, n, unrelated cite anything) at a threshold fitted without it."""
    out: dict[str, Any] = {}
    for x, rows in by_fold.items():
        train = [r for r in rows if r["org"] != x and r["collection"] != x and not r["own"]]
        t = float(np.quantile([max(decide(rows, r, x), default=-9.0) for r in train], 1 - fpr))
        pos = [r for r in rows if r["own"] and r["has_gold"] and r["org"] == x]
        neg = [r for r in rows if not r["own"] and x in (r["org"], r["collection"])]
        gold = [
            any(
                s >= t and i in r["gold"]
                for i, s in zip(r["ranked"], decide(rows, r, x), strict=True)
            )
            for r in pos
        ]
        out[x] = (
            sum(gold),
            len(gold),
            R.mean([max(decide(rows, r, x), default=-9.0) >= t for r in neg]),
        )
    return out


def line(name: str, f: dict[str, Any]) -> str:
    got, n = sum(a for a, _, _ in f.values()), sum(b for _, b, _ in f.values())
    worst = max(u for _, _, u in f.values())
    per = " | ".join(f"{x} {a}/{b} {u:.3f}" for x, (a, b, u) in f.items())
    return f"{name:58s} cites gold {got}/{n} = {got / max(n, 1):.3f}, worst unrelated {worst:.3f} | {per}"


def shipped(rows: list[Row], r: Row, x: str) -> list[float]:
    return list(r["scores"])


def margin(a: float) -> Decision:
    """Score + a x the cosine margin between the best and the next passage."""

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        c = r["cosine"]
        m = c[0] - c[1] if len(c) > 1 else 0.0
        return [s + a * m for s in r["scores"]]

    return f


def reference(
    stat: Callable[[np.ndarray], float], lam: float, owner: dict[str, str | None]
) -> Decision:
    """Score - lam x stat of other organisations' real updates' best against the collection
    (left out: the held-out organisation, the update's own, the collection's owner)."""
    cache: dict[tuple[int, str, frozenset[str]], float] = {}

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        c = r["collection"]
        out = frozenset({x, r["org"], owner.get(c)} - {None})
        key = (id(rows), c, out)
        if key not in cache:
            ref = [R.best(q) for q in rows if q["collection"] == c and q["org"] not in out]
            cache[key] = stat(np.asarray(ref)) if ref else 0.0
        return [s - lam * cache[key] for s in r["scores"]]

    return f


def units_agree(b: float, mode: str) -> Decision:
    """Score + b x the units' evidence for the passage: the share / count (up to 3) of the
    update's units whose in-context pick it is, any such unit, or the best such unit's score."""

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        picks = r["unit picks"]
        out = []
        for i, s in zip(r["ranked"], r["scores"], strict=True):
            mine = [sc for p, sc in picks if p == i]
            value = {
                "share": len(mine) / max(len(picks), 1),
                "count": min(len(mine), 3) / 3,
                "any": float(bool(mine)),
                "best": max(mine, default=-0.3),
            }[mode]
            out.append(s + b * value)
        return out

    return f


def units_required(k: int) -> Decision:
    """A passage fewer than k units pick is not cited (an update without units: its score)."""

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        picks = [p for p, _ in r["unit picks"]]
        return [
            s if not picks or picks.count(i) >= k else -9.0
            for i, s in zip(r["ranked"], r["scores"], strict=True)
        ]

    return f


def passage_term(table: dict[str, float], lam: float) -> Decision:
    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        return [s - lam * table.get(i, 0.0) for i, s in zip(r["ranked"], r["scores"], strict=True)]

    return f


def centred(
    p: dict[str, dict[str, Any]], value: Callable[[str, np.ndarray], np.ndarray]
) -> dict[str, float]:
    """A per-passage value, less its collection's mean (each collection's scale unchanged)."""
    out: dict[str, float] = {}
    for org, got in p.items():
        v = value(org, got["m"])
        out.update(zip(got["ids"], map(float, v - v.mean()), strict=True))
    return out


def centrality(org: str, m: np.ndarray) -> np.ndarray:
    """Mean cosine to the other passages of its own collection."""
    return ((m @ m.T).sum(axis=1) - 1.0) / max(len(m) - 1, 1)


def strategy_closeness(sample: np.ndarray) -> Callable[[str, np.ndarray], np.ndarray]:
    """Mean cosine to the 10 nearest sample-corpus passages (generic strategy text; a sample
    passage is not its own neighbour)."""

    def f(org: str, m: np.ndarray) -> np.ndarray:
        s = m @ sample.T
        if org == R.SAMPLE:
            np.fill_diagonal(s, -1.0)
        return np.sort(s, axis=1)[:, -10:].mean(axis=1)

    return f


def contrast(lam: float, agg: Callable[[Sequence[float]], float]) -> Decision:
    """Score - lam x the update's best against reference collections (not this one, not the
    held-out organisation's, not the update's own organisation's)."""
    cache: dict[int, dict[str, dict[str, float]]] = {}

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        if id(rows) not in cache:
            table: dict[str, dict[str, float]] = defaultdict(dict)
            for q in rows:
                table[q["update"]][q["collection"]] = R.best(q)
            cache[id(rows)] = table
        refs = [
            v
            for c, v in cache[id(rows)][r["update"]].items()
            if c not in (r["collection"], x, r["org"])
        ]
        ref = agg(refs) if refs else 0.0
        return [s - lam * ref for s in r["scores"]]

    return f


def variants(p: dict[str, dict[str, Any]], owner: dict[str, str | None]) -> dict[str, Decision]:
    out: dict[str, Decision] = {"shipped": shipped}
    out |= {f"score + {a} x cosine margin top1 - top2": margin(a) for a in (-0.5, 0.5, 1.0, 2.0)}
    stats: dict[str, Callable[[np.ndarray], float]] = {
        "median": lambda a: float(np.median(a)),
        "q75": lambda a: float(np.quantile(a, 0.75)),
        "q90": lambda a: float(np.quantile(a, 0.9)),
    }
    for name, stat in stats.items():
        for lam in (0.5, 1.0):
            out[f"score - {lam} x {name} of other orgs' real updates vs it"] = reference(
                stat, lam, owner
            )
    for mode in ("share", "count", "any", "best"):
        for b in (0.05, 0.1, 0.2, 0.4):
            out[f"score + {b} x units picking the passage ({mode})"] = units_agree(b, mode)
    for k in (1, 2):
        out[f"cite only a passage >= {k} units pick"] = units_required(k)
    central = centred(p, centrality)
    generic = centred(p, strategy_closeness(p[R.SAMPLE]["m"])) if R.SAMPLE in p else {}
    for lam in (0.1, 0.25, 0.5):
        out[f"score - {lam} x passage centrality (centred)"] = passage_term(central, lam)
        out[f"score - {lam} x passage closeness to strategy text (centred)"] = passage_term(
            generic, lam
        )
    for name, agg in (("max", max), ("mean", lambda v: float(np.mean(v)))):
        for lam in (0.25, 0.5):
            out[f"score - {lam} x {name} best vs reference collections"] = contrast(lam, agg)
    return out


def split_unrelated(by_fold: dict[str, list[Row]], pair: set[str], fpr: float = FPR) -> list[str]:
    """Held-out unrelated citations, shipped: pairs between the two organisations of `pair`
    (in either direction) and the rest."""
    out = []
    for x, rows in by_fold.items():
        train = [r for r in rows if r["org"] != x and r["collection"] != x and not r["own"]]
        t = float(np.quantile([R.best(r) for r in train], 1 - fpr))
        neg = [r for r in rows if not r["own"] and x in (r["org"], r["collection"])]
        cross = [r for r in neg if {r["org"], r["collection"]} == pair]
        rest = [r for r in neg if {r["org"], r["collection"]} != pair]
        out.append(
            f"held out {x}: {'/'.join(sorted(pair))} pairs cited {sum(R.best(r) >= t for r in cross)}"
            f" of {len(cross)}, the rest {sum(R.best(r) >= t for r in rest)} of {len(rest)}"
            f" ({R.mean([R.best(r) >= t for r in rest]):.3f})"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/real-updates")
    args = p.parse_args(argv)
    data_dir = Path(args.data)
    by_fold = folds(G.run(data_dir))
    found = passages(data_dir)
    owner: dict[str, str | None] = {org: org for org in found}
    owner[R.SAMPLE] = None
    for fpr in (0.05, 0.06, 0.08, 0.10):
        print(line(f"shipped, fitted at {fpr:.2f}", evaluate(by_fold, shipped, fpr)))
    for name, decide in variants(found, owner).items():
        print(line(name, evaluate(by_fold, decide)))
    for text in split_unrelated(by_fold, {"openssf", "rust-lang"}):
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
