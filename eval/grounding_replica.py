"""Try grounding variants cheaply: a numpy replica of the shipped pipeline over cached vectors.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_replica [--data DIR] [--check]

Every round of grounding work (docs/grounding.md) measured its ideas this way and then threw the
script away; this one stays. It indexes DIR's strategies and the sample corpus as
`coach.evals.grounding` does, embeds every passage and update once with MiniLM (the shipped
encoder) and with the multilingual USE (coach.multilingual, already in the package for the
injection classifier: its query is the mean of the update's sentence vectors the classifier
embeds), and then scores each variant in numpy: pooled hit@1 / hit@3 / cites gold / unrelated
citing at the 95th-percentile rule, and per held-out organisation hit@1 / cites gold / unrelated
citing at a threshold fitted without it (the LOGO rule of coach.evals.grounding.logo).

The dump keeps each update's query parts too (the whole-update vector, which the pipeline no
longer embeds but older variants read, its windows' vectors, its text) and each passage's metadata, so a variant can rebuild the query or group passages;
`sample_sets` / `sample_hits` give a ranking change a second opinion on another organisation
(coach's own sample updates and items against the sample corpus). The fifth round's variants
are in eval/grounding_round5.py.

`--check` also runs `coach.evals.grounding.run` and asserts the "shipped" variant ranks and
scores every (update, strategy) pair as the real pipeline does. Variants are functions of the
dump (`VARIANTS`); add one and run. About a minute on 2 cores when the vectors are cached.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coach import Coach, multilingual
from coach.evals import grounding as G
from coach.evals import grounding_rows as R
from coach.evals.gold import item_passages
from coach.evals.grounding_units import FPR
from coach.evals.real_gold import gold_rows
from coach.injection_model import segments, unmasked
from coach.retrieval import (
    background_texts,
    calibration,
    embed_text,
    query_vector,
    query_windows,
)
from coach.settings import Settings

Dump = dict[str, Any]
Rows = list[dict[str, Any]]


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def dump(data_dir: Path, sample: Path | None = None, home: Path | None = None) -> Dump:
    """Passages and updates of DIR with both encoders' vectors, gold passage ids per update
    (`sample`: the unrelated corpus, coach's own by default; `home`: a COACH_HOME to use)."""
    out: Dump = {"passages": {}, "updates": [], "background": {}}
    with tempfile.TemporaryDirectory(prefix="coach-replica-") as tmp:
        models = Settings.load().models_dir
        if home is None and models.is_dir():
            (Path(tmp) / "models").symlink_to(models, target_is_directory=True)
        coach = Coach(home=str(home or tmp))
        cols = R.index_collections(coach, data_dir, sample or R.sample_corpus())
        store, retriever = coach.store, coach.retriever
        hits = {org: store.all(col) for org, col in cols.items()}
        for org, col in cols.items():
            ids = [h.id for h in hits[org]]
            found = store.embeddings(col, ids)
            out["passages"][org] = {
                "ids": ids,
                "meta": [dict(h.metadata, text=h.text) for h in hits[org]],
                "mini": np.asarray([found[i] for i in ids], dtype=np.float32),
                "use": multilingual.embed([embed_text(h) for h in hits[org]]),
            }
        items = gold_rows(data_dir / "strategy" / "ITEMS.jsonl")
        gold_ids = {it["item_id"]: item_passages(it, hits.get(it["org"], [])) for it in items}
        gold_updates = {g["update_id"]: g for g in gold_rows(data_dir / "grounding_updates.jsonl")}
        for u in gold_rows(data_dir / "updates.jsonl"):
            windows = query_windows(u["text"])
            mini = retriever.embedder.embed([u["text"], *windows])
            sentences = [unmasked(u["text"][s:e]) for s, e in segments(u["text"])]
            g = gold_updates.get(u["id"]) or {"gold_items": []}
            out["updates"].append(
                {
                    "id": u["id"],
                    "org": u.get("org"),
                    "query": query_vector(mini[1:] if len(windows) else mini[:1]),
                    "whole": np.asarray(mini[0], dtype=np.float32),
                    "windows": np.asarray(mini[1:], dtype=np.float32),
                    "text": u["text"],
                    "use": multilingual.embed(sentences or [u["text"]]),
                    "gold": set().union(*(gold_ids.get(i, set()) for i in g["gold_items"])),
                    "has_gold": bool(g["gold_items"]),
                }
            )
        for name in ("background.txt", "background_updates.txt"):
            out["background"][name] = {
                "mini": retriever.background(name),
                "use": multilingual.embed(list(background_texts(name))),
            }
    return out


class Normaliser:
    """The shipped score for one encoder: cosine - passage closeness - query closeness - base
    (coach.retrieval.Retriever.normalised), in numpy."""

    def __init__(self, d: Dump, key: str, top: int = 10, query_weight: float | None = None) -> None:
        self.top = top
        # the shipped weight is MiniLM's (coach/data/grounding.json); another encoder's is 1
        if query_weight is None:
            query_weight = calibration().query_weight if key == "mini" else 1.0
        self.query_weight = float(query_weight)
        self.bg = d["background"]["background.txt"][key]
        unrelated = d["background"]["background_updates.txt"][key]
        self.m = {org: p[key] for org, p in d["passages"].items()}
        self.hub = {org: self.closeness(m) for org, m in self.m.items()}
        self.base = {
            org: float(
                np.median(
                    (unrelated @ m.T - self.hub[org]).max(1)
                    - self.query_weight * self.closeness(unrelated)
                )
            )
            for org, m in self.m.items()
        }

    def closeness(self, v: np.ndarray) -> np.ndarray:
        return np.sort(np.atleast_2d(v) @ self.bg.T, axis=1)[:, -self.top :].mean(axis=1)

    def cos(self, q: np.ndarray, org: str) -> np.ndarray:
        return self.m[org] @ q

    def score(self, q: np.ndarray, org: str) -> np.ndarray:
        qc = self.query_weight * self.closeness(q)[0]
        return self.cos(q, org) - self.hub[org] - qc - self.base[org]


Scorer = Callable[[dict[str, Any], str], tuple[np.ndarray, np.ndarray]]


def rows(d: Dump, scorer: Scorer, k: int = 3) -> Rows:
    """(update, strategy) rows in coach.evals.grounding's shape: `scorer(update, org)` gives
    (ranking value, decision score) per passage; the top k by ranking value are kept."""
    out: Rows = []
    for u in d["updates"]:
        for org, p in d["passages"].items():
            rank, score = scorer(u, org)
            order = np.argsort(-rank, kind="stable")[:k]
            own = org == u["org"]
            out.append(
                {
                    "update": u["id"],
                    "org": u["org"],
                    "collection": org,
                    "own": own,
                    "gold": u["gold"] if own else set(),
                    "has_gold": u["has_gold"] and own,
                    "ranked": [p["ids"][j] for j in order],
                    "scores": [float(score[j]) for j in order],
                }
            )
    return out


def figures(rs: Rows, fpr: float = FPR) -> dict[str, Any]:
    """Pooled figures at the in-sample fit, and LOGO folds (threshold fitted without the org)."""
    pos = [r for r in rs if r["own"] and r["has_gold"]]
    neg = [r for r in rs if not r["own"]]
    t = G.fit(rs, fpr)

    def h(r: dict[str, Any], n: int) -> bool:
        return any(i in r["gold"] for i in r["ranked"][:n])

    folds = {}
    for org in sorted({r["org"] for r in pos}):
        tt = G.fit([r for r in rs if r["org"] != org and r["collection"] != org], fpr)
        tp = [r for r in pos if r["org"] == org]
        tn = [r for r in neg if org in (r["org"], r["collection"])]
        folds[org] = (
            R.mean([h(r, 1) for r in tp]),
            R.mean([R.cites_gold(r, tt) for r in tp]),
            R.mean([R.best(r) >= tt for r in tn]),
        )
    return {
        "hit@1": R.mean([h(r, 1) for r in pos]),
        "hit@3": R.mean([h(r, 3) for r in pos]),
        "cites gold": R.mean([R.cites_gold(r, t) for r in pos]),
        "unrelated": R.mean([R.best(r) >= t for r in neg]),
        "folds": folds,
    }


EVAL = Path(__file__).resolve().parent


def sample_sets(d: Dump, embed: Callable[[list[str]], np.ndarray]) -> dict[str, Rows]:
    """A second opinion for ranking changes, on another (made-up) organisation: coach's own
    sample updates (eval/cases.jsonl, gold pillars) and status items (eval/retrieval.jsonl)
    against the sample corpus, as updates of the dump's shape (pillar gold, no folds)."""
    import json

    out: dict[str, Rows] = {}
    for name, text_key in (("cases.jsonl", "update"), ("retrieval.jsonl", "query")):
        path = EVAL / name
        if not path.is_file():
            continue
        rows_: Rows = []
        for raw in (json.loads(x) for x in path.open(encoding="utf-8") if x.strip()):
            text = raw[text_key]
            windows = query_windows(text)
            v = np.asarray(embed([text, *windows]), dtype=np.float32)
            gold = set(raw.get("gold_pillars") or [raw.get("gold_pillar")]) | set(
                raw.get("also", [])
            )
            rows_.append(
                {
                    "id": raw["id"],
                    "text": text,
                    "whole": v[0],
                    "windows": v[1:],
                    "query": query_vector(v[1:] if len(windows) else v[:1]),
                    "pillars": gold,
                }
            )
        out[name] = rows_
    return out


def sample_hits(d: Dump, sets: dict[str, Rows], scorer: Scorer) -> dict[str, tuple[float, float]]:
    """hit@1 / hit@3 of the gold pillar on each sample set, ranked by `scorer`."""
    pillars = [str(m.get("pillar", "")) for m in d["passages"]["sample"]["meta"]]
    out = {}
    for name, items in sets.items():
        h1 = h3 = 0
        for u in items:
            order = np.argsort(-scorer(u, "sample")[0], kind="stable")[:3]
            h1 += pillars[order[0]] in u["pillars"]
            h3 += any(pillars[j] in u["pillars"] for j in order)
        out[name] = (h1 / max(len(items), 1), h3 / max(len(items), 1))
    return out


def _use_query(u: dict[str, Any]) -> np.ndarray:
    return _unit(u["use"].mean(axis=0))


def variants(d: Dump) -> dict[str, Scorer]:
    """The variants of the fourth round (docs/grounding.md); "shipped" is the pipeline."""
    mini, use = Normaliser(d, "mini"), Normaliser(d, "use")

    def shipped(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        return mini.cos(u["query"], org), mini.score(u["query"], org)

    def use_alone(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = _use_query(u)
        return use.cos(q, org), use.score(q, org)

    def ensemble(w: float, a: float) -> Scorer:
        def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
            q = _use_query(u)
            rank = mini.cos(u["query"], org) + w * use.cos(q, org)
            return rank, (1 - a) * mini.score(u["query"], org) + a * use.score(q, org)

        return f

    def agreement(bonus: float) -> Scorer:
        def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
            cos = mini.cos(u["query"], org)
            agree = np.arange(len(cos)) == int(np.argmax(use.cos(_use_query(u), org)))
            return cos, mini.score(u["query"], org) + bonus * agree

        return f

    return {
        "shipped": shipped,
        "USE alone (mean of sentence vectors)": use_alone,
        "rank MiniLM + 0.25 USE cosine": ensemble(0.25, 0.0),
        "rank MiniLM + 0.5 USE cosine": ensemble(0.5, 0.0),
        "rank + 0.25 USE, score half each": ensemble(0.25, 0.5),
        "score + 0.02 if USE's top passage agrees": agreement(0.02),
        "score + 0.05 if USE's top passage agrees": agreement(0.05),
    }


def _logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Ridge logistic regression by Newton steps (weights, then bias): a few features only."""
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    ridge = l2 * np.diag(np.r_[np.ones(len(w) - 1), 0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        w -= np.linalg.solve((x.T * (p * (1 - p))) @ x + ridge, x.T @ (p - y) + ridge @ w)
    return w


def calibrator(d: Dump) -> dict[str, Any]:
    """The learned calibrator of the fourth round: per passage of each row's MiniLM top 3, a
    logistic on (MiniLM score, USE score, USE ranks it first, MiniLM margin top1 - top2),
    fitted per fold on the training organisations' gold passages against their unrelated
    pairs' passages; the threshold is the same 95th-percentile rule on its output."""
    mini, use = Normaliser(d, "mini"), Normaliser(d, "use")
    feats: dict[tuple[str, str], np.ndarray] = {}
    base = rows(d, variants(d)["shipped"])
    by_update = {u["id"]: u for u in d["updates"]}
    for r in base:
        u, org = by_update[r["update"]], r["collection"]
        cos, ids = mini.cos(u["query"], org), d["passages"][org]["ids"]
        q = _use_query(u)
        su, first = use.score(q, org), int(np.argmax(use.cos(q, org)))
        top = np.sort(cos)[::-1]
        margin = float(top[0] - top[1]) if len(top) > 1 else 0.0
        js = [ids.index(i) for i in r["ranked"]]
        feats[(r["update"], org)] = np.array(
            [[s, su[j], float(j == first), margin] for s, j in zip(r["scores"], js, strict=True)]
        )

    def fitted(train: Rows) -> Callable[[dict[str, Any]], dict[str, Any]]:
        pos = [
            f
            for r in train
            if r["has_gold"]
            for f, i in zip(feats[(r["update"], r["collection"])], r["ranked"], strict=True)
            if i in r["gold"]
        ]
        neg = [f for r in train if not r["own"] for f in feats[(r["update"], r["collection"])]]
        x = np.asarray(pos + neg)
        mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
        w = _logistic((x - mu) / sd, np.r_[np.ones(len(pos)), np.zeros(len(neg))])

        def score(r: dict[str, Any]) -> dict[str, Any]:
            f = (feats[(r["update"], r["collection"])] - mu) / sd
            return dict(r, scores=[float(v) for v in f @ w[:-1] + w[-1]])

        return score

    out = figures([fitted(base)(r) for r in base])
    for org in list(out["folds"]):
        score = fitted([r for r in base if org not in (r["org"], r["collection"])])
        t = G.fit([score(r) for r in base if org not in (r["org"], r["collection"])])
        test = [score(r) for r in base if org in (r["org"], r["collection"])]
        pos = [r for r in test if r["has_gold"]]
        out["folds"][org] = (
            out["folds"][org][0],  # the ranking is MiniLM's: hit@1 does not move
            R.mean([R.cites_gold(r, t) for r in pos]),
            R.mean([R.best(r) >= t for r in test if not r["own"]]),
        )
    return out


def check(d: Dump, data_dir: Path, sample: Path | None = None, home: Path | None = None) -> None:
    """The replica's "shipped" rows equal the real pipeline's (same top 3, same scores)."""
    real = {(r["update"], r["collection"]): r for r in G.run(data_dir, sample, home)["rows"]}
    mine = rows(d, variants(d)["shipped"])
    for r in mine:
        other = real[(r["update"], r["collection"])]
        assert r["ranked"] == other["ranked"], (r["update"], r["collection"])
        assert np.allclose(r["scores"], other["scores"], atol=1e-3), (r["update"], r["collection"])
    print(f"replica matches the pipeline on {len(mine)} (update, strategy) pairs")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/real-updates")
    p.add_argument("--check", action="store_true", help="compare with coach.evals.grounding")
    args = p.parse_args(argv)
    data_dir = Path(args.data)
    d = dump(data_dir)
    if args.check:
        check(d, data_dir)
    results = {name: figures(rows(d, scorer)) for name, scorer in variants(d).items()}
    results["learned calibrator (LOGO logistic)"] = calibrator(d)
    for name, f in results.items():
        folds = " | ".join(
            f"{o} {a:.2f} / {b:.2f} / {c:.3f}" for o, (a, b, c) in f["folds"].items()
        )
        print(
            f"{name:44s} h1 {f['hit@1']:.3f} h3 {f['hit@3']:.3f} cites gold {f['cites gold']:.3f}"
            f" unrelated {f['unrelated']:.3f} | {folds}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
