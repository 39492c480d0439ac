"""The tenth round's grounding measurements (docs/history/grounding.md), over the real rows.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_round10 [--data DIR]

Every variant is a decision score over `coach.evals.grounding.run`'s rows, scored as
eval/grounding_round9.py scores its variants (per held-out organisation: query weight and
threshold fitted without it, the 95th percentile of the training pairs' unrelated best).
Families, all built from shipped data or fitted without the held-out organisation:
the collection's own spread of background-update scores (subtracted or divided by); lexical
overlap of distinctive terms (rare in the shipped generic text, or rare within the collection)
as a bonus; a logistic classifier on two to six features fitted per fold (positives: gold
passages of the training organisations' own updates; negatives: every other ranked passage of
their rows and every unrelated pair); a contrast with the update's best against the shipped
sample corpus; a passage's attraction to the shipped background updates; the passage's score for
each window of the update read alone (max, second, min, mean). About a minute warm.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coach import Coach
from coach.calibration import background_texts
from coach.evals import grounding as G
from coach.evals import grounding_rows as R
from coach.evals.grounding_logo import weight_of
from coach.evals.real_gold import gold_rows
from coach.ingest.chunking import passage_context
from coach.lexical import tokens
from coach.retrieval_query import query_windows
from coach.settings import Settings
from eval.grounding_replica import Normaliser
from eval.grounding_round9 import Decision, evaluate, folds, line, shipped

Row = dict[str, Any]


def passages(data_dir: Path, sample: Path | None = None) -> dict[str, dict[str, Any]]:
    """Each collection's passage ids, token sets and vectors, indexed as the eval indexes them,
    and the shipped background updates' vectors (under "background updates")."""
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="coach-round10-") as tmp:
        models = Settings.load().models_dir
        if models.is_dir():
            (Path(tmp) / "models").symlink_to(models, target_is_directory=True)
        coach = Coach(home=tmp)
        cols = R.index_collections(coach, data_dir, sample or R.sample_corpus())
        for org, col in cols.items():
            hits = coach.store.all(col)
            found = coach.store.embeddings(col, [h.id for h in hits])
            out[org] = {
                "ids": [h.id for h in hits],
                "tokens": [set(tokens(passage_context(h.metadata, h.text))) for h in hits],
                "m": np.asarray([found[h.id] for h in hits], dtype=np.float32),
            }
        out["background updates"] = {"m": coach.retriever.background("background_updates.txt")}
        out["background sentences"] = {"m": coach.retriever.background("background.txt")}
        out["windows"] = {
            u["id"]: np.asarray(coach.retriever.embedder.embed(w), dtype=np.float32)
            for u in gold_rows(data_dir / "updates.jsonl")
            if (w := query_windows(u["text"]))
        }
    return out


def over_windows(p: dict[str, dict[str, Any]], raw: dict[str, Any], how: str, a: float) -> Decision:
    """(1 - a) x score + a x the passage's shipped score for each of the update's windows read
    alone (max, second best, min or mean over them; a one-window update keeps its score), at
    the fold's query weight (the numpy replica of eval/grounding_replica.py)."""
    cols = {org: got for org, got in p.items() if "ids" in got}
    d = {
        "background": {
            "background.txt": {"mini": p["background sentences"]["m"]},
            "background_updates.txt": {"mini": p["background updates"]["m"]},
        },
        "passages": {org: {"mini": got["m"]} for org, got in cols.items()},
    }
    at = {org: {i: k for k, i in enumerate(got["ids"])} for org, got in cols.items()}
    norms: dict[str, Normaliser] = {}
    picks: dict[str, Callable[[np.ndarray], float]] = {
        "max": lambda v: float(np.max(v)),
        "second": lambda v: float(np.sort(v)[-2] if len(v) > 1 else v.max()),
        "min": lambda v: float(np.min(v)),
        "mean": lambda v: float(np.mean(v)),
    }
    pick = picks[how]

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        windows = p["windows"].get(r["update"])
        if windows is None:
            return list(r["scores"])
        if x not in norms:
            norms[x] = Normaliser(d, "mini", query_weight=weight_of(raw["background"], without=x))
        each = np.array([norms[x].score(w, r["collection"]) for w in windows])
        return [
            (1 - a) * s + a * float(pick(each[:, at[r["collection"]][i]]))
            for i, s in zip(r["ranked"], r["scores"], strict=True)
        ]

    return f


class Lexical:
    """Overlap of an update's terms with a passage's, weighted by how distinctive they are:
    "generic" (IDF over the shipped generic text: background sentences, background updates,
    sample corpus), "unseen" (only terms the generic text never has) or "collection" (IDF
    within the passage's collection times the generic IDF). Normalised by the passage's own."""

    def __init__(self, p: dict[str, dict[str, Any]], updates: dict[str, set[str]]) -> None:
        self.updates = updates
        self.terms = {
            i: t
            for org, got in p.items()
            if "ids" in got
            for i, t in zip(got["ids"], got["tokens"], strict=True)
        }
        self.owner = {i: org for org, got in p.items() if "ids" in got for i in got["ids"]}
        generic = [
            set(tokens(t))
            for n in ("background.txt", "background_updates.txt")
            for t in background_texts(n)
        ]
        generic += p[R.SAMPLE]["tokens"]
        self.n = len(generic)
        self.df: dict[str, int] = {}
        for s in generic:
            for t in s:
                self.df[t] = self.df.get(t, 0) + 1
        self.cdf: dict[str, tuple[dict[str, int], int]] = {}
        for org, got in p.items():
            if "ids" not in got:
                continue
            c: dict[str, int] = {}
            for s in got["tokens"]:
                for t in s:
                    c[t] = c.get(t, 0) + 1
            self.cdf[org] = (c, len(got["ids"]))

    def weight(self, t: str, mode: str, org: str) -> float:
        idf = math.log((self.n + 1) / (self.df.get(t, 0) + 1))
        if mode == "generic":
            return idf
        if mode == "unseen":
            return float(t not in self.df)
        c, n = self.cdf[org]
        return math.log((n + 1) / (c.get(t, 0) + 0.5)) * idf

    def __call__(self, update: str, passage: str, mode: str) -> float:
        terms, org = self.terms.get(passage, set()), self.owner.get(passage, "")
        shared = self.updates.get(update, set()) & terms
        own = sum(self.weight(t, mode, org) for t in terms)
        return sum(self.weight(t, mode, org) for t in shared) / max(1.0, math.sqrt(own))


def background_spread(
    parts: dict[str, Any], stat: Callable[[np.ndarray], float], lam: float, divide: bool
) -> Decision:
    """Score - lam x (or / ) a statistic of the collection's background-update scores at the
    fold's weight, centred on their median as the shipped base is."""

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        b, q = parts[r["collection"]]
        s = b - weight_of(parts, without=x) * q
        v = stat(s - np.median(s))
        return [a / v for a in r["scores"]] if divide else [a - lam * v for a in r["scores"]]

    return f


def lexical_bonus(lex: Lexical, b: float, mode: str) -> Decision:
    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        return [
            s + b * lex(r["update"], i, mode) for i, s in zip(r["ranked"], r["scores"], strict=True)
        ]

    return f


FEATURES = (
    "score",
    "cosine margin to next",
    "score margin top1-top2",
    "unseen overlap",
    "generic overlap",
    "query closeness",
)


def features(lex: Lexical, r: Row, j: int) -> list[float]:
    c, s = r["cosine"], r["scores"]
    return [
        s[j],
        c[j] - c[j + 1] if j + 1 < len(c) else 0.0,
        s[0] - s[1] if len(s) > 1 else 0.0,
        lex(r["update"], r["ranked"][j], "unseen"),
        lex(r["update"], r["ranked"][j], "generic"),
        r["query closeness"],
    ]


def logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 300
) -> Callable[[list[float]], float]:
    """L2-regularised logistic regression by gradient descent on standardised features; the
    returned function gives the log-odds (a monotone decision score)."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    a = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-a @ w))
        w -= 0.5 * (a.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0] / len(y))
    return lambda v: float(np.r_[(np.asarray(v) - mu) / sd, 1.0] @ w)


def classifier(lex: Lexical, cols: tuple[int, ...]) -> Decision:
    models: dict[tuple[int, str], Callable[[list[float]], float]] = {}

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        if (id(rows), x) not in models:
            xs, ys = [], []
            for q in rows:
                if x in (q["org"], q["collection"]) or (q["own"] and not q["has_gold"]):
                    continue
                for j, i in enumerate(q["ranked"]):
                    xs.append([features(lex, q, j)[k] for k in cols])
                    ys.append(float(q["own"] and i in q["gold"]))
            models[(id(rows), x)] = logistic(np.asarray(xs), np.asarray(ys))
        m = models[(id(rows), x)]
        return [m([features(lex, r, j)[k] for k in cols]) for j in range(len(r["ranked"]))]

    return f


def sample_contrast(lam: float) -> Decision:
    """Score - lam x max(0, the update's best against the shipped sample corpus)."""
    cache: dict[int, dict[str, float]] = {}

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        if id(rows) not in cache:
            cache[id(rows)] = {q["update"]: R.best(q) for q in rows if q["collection"] == R.SAMPLE}
        ref = (
            0.0 if r["collection"] == R.SAMPLE else max(0.0, cache[id(rows)].get(r["update"], 0.0))
        )
        return [s - lam * ref for s in r["scores"]]

    return f


def attraction(p: dict[str, dict[str, Any]], lam: float) -> Decision:
    """Score - lam x the passage's 90th-percentile cosine to the shipped background updates,
    centred per collection: a passage every unrelated update comes close to is generic."""
    table: dict[str, float] = {}
    for got in p.values():
        if "ids" in got:
            v = np.quantile(p["background updates"]["m"] @ got["m"].T, 0.9, axis=0)
            table.update(zip(got["ids"], map(float, v - v.mean()), strict=True))

    def f(rows: list[Row], r: Row, x: str) -> list[float]:
        return [s - lam * table.get(i, 0.0) for i, s in zip(r["ranked"], r["scores"], strict=True)]

    return f


def variants(
    raw: dict[str, Any], p: dict[str, dict[str, Any]], lex: Lexical
) -> dict[str, Decision]:
    out: dict[str, Decision] = {"shipped": shipped}
    stats: dict[str, Callable[[np.ndarray], float]] = {
        "sd": lambda a: float(np.std(a)),
        "q90": lambda a: float(np.quantile(a, 0.9)),
        "max": lambda a: float(np.max(a)),
    }
    for name, stat in stats.items():
        for lam in (0.5, 1.0, 2.0):
            out[f"score - {lam} x background spread ({name})"] = background_spread(
                raw["background"], stat, lam, False
            )
        out[f"score / background spread ({name})"] = background_spread(
            raw["background"], stat, 1.0, True
        )
    for mode in ("generic", "unseen", "collection"):
        for b in (0.02, 0.05, 0.1, 0.2):
            out[f"score + {b} x {mode} term overlap"] = lexical_bonus(lex, b, mode)
    for cols in ((0,), (0, 1), (0, 2), (0, 3), (0, 4), (0, 3, 5), (0, 1, 2, 3, 4, 5)):
        out["logistic on " + " + ".join(FEATURES[k] for k in cols)] = classifier(lex, cols)
    for lam in (0.1, 0.25, 0.5, 1.0):
        out[f"score - {lam} x best vs the sample corpus"] = sample_contrast(lam)
    for how in ("max", "second", "min", "mean"):
        for a in (0.25, 0.5, 1.0):
            out[f"{1 - a} x score + {a} x {how} over windows"] = over_windows(p, raw, how, a)
    for lam in (0.25, 0.5, 1.0):
        out[f"score - {lam} x passage attraction to background updates"] = attraction(p, lam)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/datasets/real-updates")
    args = ap.parse_args(argv)
    data_dir = Path(args.data)
    raw = G.run(data_dir)
    by_fold = folds(raw)
    p = passages(data_dir)
    updates = {u["id"]: set(tokens(u["text"])) for u in gold_rows(data_dir / "updates.jsonl")}
    lex = Lexical(p, updates)
    for name, decide in variants(raw, p, lex).items():
        print(line(name, evaluate(by_fold, decide)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
