"""The eighth round's grounding measurements (docs/grounding.md), over the replica's dump.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_round8 [--family F]

The question: NRW's updates find their gold passage first (hit@1 0.91) but only 8 of 21 clear
the citation threshold. The threshold is one number on a normalised score, and NRW's strategy is
four passages against the sample corpus's 154, so is a best-of-4 on the same scale as a
best-of-154? Families:

- "diagnose": the score's parts (cosine, passage and query closeness, collection base) for each
  collection's positives and unrelated pairs; the size experiment (random k-passage subsets of a
  collection: the base and the real unrelated pairs' normalised best score, per k); what
  background updates say about real unrelated pairs; the per-collection ceiling (cites gold at
  each collection's own threshold, the oracle no fold can have).
- "correct": corrections that use only the background (its updates and sentences, no positive,
  nothing of one organisation), for the shipped query and the windows-only query (first window
  x2, the fifth round's variant without the whole-update vector), scored as every round is
  (pooled at the 95th-percentile fit; LOGO folds fitted without the held-out organisation),
  with the second opinion on coach's sample updates (`sample_hits`); "diagnose" also prints
  the threshold's own sampling noise (`threshold_noise`).
- "sentences": the passage side read in parts too (a passage scores its best sentence's
  score when that is higher), the mirror of the query's windows; embeds the passages'
  sentences (~600 texts).

About two minutes on 2 cores with warm vector caches.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from coach.evals import grounding_rows as R
from eval.grounding_queries import _windows, by_query, windows_query
from eval.grounding_replica import Dump, Normaliser, Scorer, figures, rows
from eval.grounding_round5 import line

Query = Callable[[dict[str, Any]], np.ndarray]


def _bg_updates(d: Dump) -> np.ndarray:
    return d["background"]["background_updates.txt"]["mini"]


def _bg_best(norm: Normaliser, d: Dump, org: str, cols: np.ndarray | None = None) -> np.ndarray:
    """Each background update's best (cosine - passage closeness) - query closeness against the
    collection (or the passages `cols` of it): what the collection base is the median of."""
    u = _bg_updates(d)
    j = slice(None) if cols is None else cols
    return (u @ norm.m[org][j].T - norm.hub[org][j]).max(1) - norm.closeness(u)


# -- diagnose ---------------------------------------------------------------------------------
def parts(d: Dump, norm: Normaliser) -> list[str]:
    """Per collection: the median of each part of the score, for its own updates' gold passage
    (positives) and for every other update's best passage (unrelated pairs)."""
    out = [
        "collection | passages | base | positives: cos / passage cl. / query cl. / score"
        " | unrelated best: cos / passage cl. / query cl. / score (p95)"
    ]
    for org, m in norm.m.items():
        pos, neg = [], []
        ids = d["passages"][org]["ids"]
        for u in d["updates"]:
            q = u["query"]
            cos, score, qc = norm.cos(q, org), norm.score(q, org), float(norm.closeness(q)[0])
            if u["org"] == org and u["has_gold"]:
                gold = [j for j, i in enumerate(ids) if i in u["gold"]]
                if gold:
                    j = max(gold, key=lambda g: cos[g])
                    pos.append((cos[j], norm.hub[org][j], qc, score[j]))
            elif u["org"] != org:
                j = int(np.argmax(cos))
                neg.append((cos[j], norm.hub[org][j], qc, score[j]))
        p = np.median(pos, axis=0) if pos else [np.nan] * 4
        n = np.median(neg, axis=0)
        p95 = float(np.quantile([x[3] for x in neg], 0.95))
        out.append(
            f"{org} | {len(m)} | {norm.base[org]:.3f} | "
            + " / ".join(f"{x:.3f}" for x in p)
            + " | "
            + " / ".join(f"{x:.3f}" for x in n)
            + f" ({p95:.3f})"
        )
    return out


def size_experiment(d: Dump, norm: Normaliser, draws: int = 60, seed: int = 0) -> list[str]:
    """Random k-passage subsets of the larger collections: the base (median best-of-k of the
    background updates) and the real unrelated pairs' normalised best score, per k. If the base
    corrects the max's growth with k, the unrelated pairs' median and p95 stay flat in k."""
    rng = np.random.default_rng(seed)
    q = np.asarray([u["query"] for u in d["updates"]])
    qc = norm.closeness(q)
    orgs = np.asarray([u["org"] for u in d["updates"]])
    out = ["collection | k | base | background sd | unrelated median | p95 | p95 - median"]
    for org in ("sample", "openssf", "rust-lang"):
        if org not in norm.m:
            continue
        m, hub, neg = norm.m[org], norm.hub[org], orgs != org
        for k in (2, 4, 8, 16, len(m)):
            if k > len(m):
                continue
            cells = []
            for _ in range(draws if k < len(m) else 1):
                j = rng.choice(len(m), k, replace=False)
                bg = _bg_best(norm, d, org, j)
                base = float(np.median(bg))
                s = (q[neg] @ m[j].T - hub[j]).max(1) - qc[neg] - base
                cells.append((base, bg.std(), np.median(s), np.quantile(s, 0.95)))
            b, sd, med, p95 = np.mean(cells, axis=0)
            out.append(
                f"{org} | {k} | {b:.3f} | {sd:.3f} | {med:.3f} | {p95:.3f} | {p95 - med:.3f}"
            )
    return out


def background_vs_real(d: Dump, norm: Normaliser) -> list[str]:
    """Where real unrelated pairs fall in the background updates' distribution (a rank-based or
    extreme-value correction fitted on the background reads only that distribution)."""
    rs = rows(d, by_query(norm, lambda u: u["query"]))
    out = ["collection | background p95 over its median | real unrelated above background p95"]
    for org in norm.m:
        bg = _bg_best(norm, d, org) - norm.base[org]
        neg = np.asarray([R.best(r) for r in rs if r["collection"] == org and not r["own"]])
        out.append(
            f"{org} | {np.quantile(bg, 0.95):.3f} | {np.mean(neg > np.quantile(bg, 0.95)):.2f}"
        )
    return out


def ceiling(d: Dump, norm: Normaliser, query: Query, rates: tuple[float, ...]) -> list[str]:
    """Cites gold with each collection's own threshold at a given share of its unrelated pairs
    (the oracle: it reads the held-out organisation's own negatives)."""
    rs = rows(d, by_query(norm, query))
    out = ["unrelated rate per collection | " + " | ".join(sorted(norm.m)) + " | pooled cites gold"]
    for rate in rates:
        cites, n, cells = 0, 0, []
        for org in sorted(norm.m):
            neg = [R.best(r) for r in rs if r["collection"] == org and not r["own"]]
            t = float(np.quantile(neg, 1 - rate))
            pos = [r for r in rs if r["collection"] == org and r["own"] and r["has_gold"]]
            got = sum(R.cites_gold(r, t) for r in pos)
            cites, n = cites + got, n + len(pos)
            cells.append(f"{got}/{len(pos)} at {t:.3f}" if pos else f"t {t:.3f}")
        out.append(f"{rate:.2f} | " + " | ".join(cells) + f" | {cites / max(n, 1):.3f}")
    return out


# -- corrections fitted on the background only --------------------------------------------------
class Corrected(Normaliser):
    """The shipped score with one background-only correction (the base is refitted to match):

    - `query_weight`: the query closeness enters times this (shipped: grounding.json's, 1.0
      until 2 December; None reads it); "fit" takes the
      slope of the background updates' best (cosine - passage closeness) on their query
      closeness, averaged over collections (a regression on background updates only);
    - `base_quantile`: the base is this quantile of the background updates (shipped 0.5);
    - `passage`: "sentences" (shipped: closeness to background sentences), "updates" (a
      passage's mean cosine to the background updates), "z" (standardised per passage by the
      background updates' mean and spread, a passage's own specificity);
    - `scale`: divide by the collection's background spread over the median spread
      ("sd") or fit a Gumbel to the background maxima and score the tail ("gumbel").
    """

    def __init__(
        self,
        d: Dump,
        query_weight: float | str | None = None,
        base_quantile: float = 0.5,
        passage: str = "sentences",
        scale: str = "",
    ) -> None:
        super().__init__(d, "mini")
        query_weight = self.query_weight if query_weight is None else query_weight
        u = _bg_updates(d)
        self.mu = {o: (u @ m.T).mean(0) for o, m in self.m.items()}
        self.sd = {o: (u @ m.T).std(0) for o, m in self.m.items()}
        self.sd_all = float(np.mean(np.concatenate(list(self.sd.values()))))
        self.passage = passage
        qc = self.closeness(u)
        if query_weight == "fit":
            slopes = [
                np.polyfit(qc, (u @ m.T - self.hub[o]).max(1), 1)[0] for o, m in self.m.items()
            ]
            query_weight = float(np.mean(slopes))
        self.query_weight = float(query_weight)
        bg = {
            o: np.asarray([self._raw(x, o, qc[i]).max() for i, x in enumerate(u)]) for o in self.m
        }
        self.base = {o: float(np.quantile(s, base_quantile)) for o, s in bg.items()}
        self.scale = scale
        spread = {o: float(np.std(s)) for o, s in bg.items()}
        mid = float(np.median(list(spread.values())))
        self.spread = {o: s / mid for o, s in spread.items()}
        # Gumbel by moments: scale beta = sd * sqrt(6) / pi, location mu = mean - 0.5772 beta
        self.gumbel = {
            o: (
                float(s.mean() - 0.5772 * s.std() * np.sqrt(6) / np.pi),
                s.std() * np.sqrt(6) / np.pi,
            )
            for o, s in bg.items()
        }
        self.beta_mid = float(np.median([b for _, b in self.gumbel.values()]))

    def _raw(self, q: np.ndarray, org: str, qc: float) -> np.ndarray:
        c = self.m[org] @ q
        if self.passage == "updates":
            c = c - self.mu[org]
        elif self.passage == "z":
            c = (c - self.mu[org]) / self.sd[org] * self.sd_all
        else:
            c = c - self.hub[org]
        return c - self.query_weight * qc

    def score(self, q: np.ndarray, org: str) -> np.ndarray:
        raw = self._raw(q, org, float(self.closeness(q)[0]))
        if self.scale == "gumbel":  # the tail in the collection's own Gumbel units, re-scaled
            loc, beta = self.gumbel[org]
            return (raw - loc) / beta * self.beta_mid
        s = raw - self.base[org]
        return s / self.spread[org] if self.scale == "sd" else s


def window_max(norm: Normaliser, query: Query, share: float, per_log_window: float) -> Scorer:
    """Decide on `share` x the best window's normalised score for each passage (minus
    `per_log_window` x log(windows): the expected max of n windows grows with n) plus the rest
    on the query's score; rank on the query."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q, w = query(u), _windows(u)
        best = (w @ norm.m[org].T - norm.hub[org][None, :] - norm.closeness(w)[:, None]).max(0)
        best = best - norm.base[org] - per_log_window * np.log(len(w))
        return norm.cos(q, org), (1 - share) * norm.score(q, org) + share * best

    return f


def threshold_noise(
    d: Dump, norm: Normaliser, query: Query, draws: int = 300, seed: int = 1
) -> str:
    """How much of a cites-gold figure is the threshold's own sampling noise: the updates are
    resampled with replacement (each with all its unrelated pairs), the 95th-percentile rule
    refitted, and the positives scored at it: pooled, and for the NRW fold (fitted without
    NRW), the fold whose cites gold moves most between query variants."""
    rs = rows(d, by_query(norm, query))
    ups = sorted({r["update"] for r in rs})
    by: dict[str, list[dict[str, Any]]] = {u: [] for u in ups}
    for r in rs:
        by[r["update"]].append(r)
    pos = [r for r in rs if r["own"] and r["has_gold"]]
    held = "nrw" if any(r["org"] == "nrw" for r in pos) else pos[0]["org"]
    rng = np.random.default_rng(seed)
    ts, pooled, fold = [], [], []
    for _ in range(draws):
        pick = [by[ups[i]] for i in rng.choice(len(ups), len(ups), replace=True)]
        neg = [R.best(r) for rr in pick for r in rr if not r["own"]]
        negf = [
            R.best(r)
            for rr in pick
            for r in rr
            if not r["own"] and held not in (r["org"], r["collection"])
        ]
        t, tf = float(np.quantile(neg, 0.95)), float(np.quantile(negf, 0.95))
        ts.append(t)
        pooled.append(np.mean([R.cites_gold(r, t) for r in pos]))
        fold.append(np.mean([R.cites_gold(r, tf) for r in pos if r["org"] == held]))
    lo, hi = np.quantile(ts, [0.05, 0.95])
    flo, fhi = np.quantile(fold, [0.05, 0.95])
    return (
        f"threshold sd {np.std(ts):.4f} (5-95% {lo:.3f}-{hi:.3f}); pooled cites gold sd "
        f"{np.std(pooled):.3f}; {held} fold cites gold mean {np.mean(fold):.2f} sd "
        f"{np.std(fold):.2f} (5-95% {flo:.2f}-{fhi:.2f})"
    )


class StrategyCloseness(Normaliser):
    """The query's closeness measured against strategy text, not status sentences: `mix` x the
    mean of its top-k cosines to the sample corpus's passages (CSLS-style, Conneau et al. 2018)
    + (1 - mix) x the shipped closeness; the base refitted to match."""

    def __init__(self, d: Dump, mix: float, k: int = 10) -> None:
        super().__init__(d, "mini")
        self.mix, self.k, self.strategy = mix, k, d["passages"]["sample"]["mini"]
        u = _bg_updates(d)
        qc = self.query_closeness(u)
        self.base = {
            o: float(np.median((u @ m.T - self.hub[o]).max(1) - qc)) for o, m in self.m.items()
        }

    def query_closeness(self, v: np.ndarray) -> np.ndarray:
        v = np.atleast_2d(v)
        strategy = np.sort(v @ self.strategy.T, axis=1)[:, -self.k :].mean(1)
        return (1 - self.mix) * self.closeness(v) + self.mix * strategy

    def score(self, q: np.ndarray, org: str) -> np.ndarray:
        return self.cos(q, org) - self.hub[org] - self.query_closeness(q)[0] - self.base[org]


def lexical_evidence(d: Dump, norm: Normaliser, query: Query, weight: float) -> Scorer:
    """Decide on the score + `weight` x the TF-IDF cosine of the update's and the passage's
    words (IDF over the collection's passages and the background texts): shared rare words as
    a second, embedding-free witness of a link."""
    import math
    from collections import Counter

    from coach.calibration import background_texts
    from coach.ingest.chunking import passage_context
    from coach.lexical import tokens

    background = [
        tokens(t) for n in ("background.txt", "background_updates.txt") for t in background_texts(n)
    ]

    def vec(words: list[str], idf: dict[str, float], top: float) -> dict[str, float]:
        v = {t: (1 + math.log(f)) * idf.get(t, top) for t, f in Counter(words).items()}
        size = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / size for t, x in v.items()}

    lex = {}
    for org, p in d["passages"].items():
        docs = [tokens(passage_context(m, str(m["text"]))) for m in p["meta"]] + background
        df = Counter(t for doc in docs for t in set(doc))
        idf = {t: math.log((len(docs) + 1) / (c + 0.5)) for t, c in df.items()}
        top = math.log((len(docs) + 1) / 0.5)
        lex[org] = (idf, top, [vec(doc, idf, top) for doc in docs[: len(p["meta"])]])
    seen: dict[tuple[str, str], np.ndarray] = {}

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        if (u["id"], org) not in seen:
            idf, top, passages = lex[org]
            qv = vec(tokens(u["text"]), idf, top)
            seen[(u["id"], org)] = np.asarray(
                [sum(qv.get(t, 0.0) * x for t, x in pv.items()) for pv in passages]
            )
        q = query(u)
        return norm.cos(q, org), norm.score(q, org) + weight * seen[(u["id"], org)]

    return f


def sentence_units(d: Dump, query: Query, penalty: float | None, rank_by_units: bool) -> Scorer:
    """The passage side read in parts, as the query side is: each passage of two or more
    sentences also gets a vector per sentence (heading path + sentence); a passage scores the
    max of its own (cosine - closeness) and its best sentence's, less `penalty` (None: the
    passage alone, the shipped score). The base is refitted on the same max, so the extra
    draws a big passage gets are taken out as the collection's are. Ranking by that score
    (`rank_by_units`) or by the passage cosine."""
    import re

    from coach.embeddings import get_embedder
    from coach.ingest.chunking import blocks, passage_context
    from coach.settings import Settings

    norm = Normaliser(d, "mini")
    split = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[*])")
    embed = get_embedder(str(Settings.load().models_dir)).embed
    parts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for org, p in d["passages"].items():
        texts, owner = [], []
        for j, m in enumerate(p["meta"]):
            found = [
                x for b in blocks(str(m["text"])) for x in split.split(b) if len(x.split()) >= 4
            ]
            if len(found) > 1:
                texts += [passage_context(m, x) for x in found]
                owner += [j] * len(found)
        v = np.asarray(embed(texts), dtype=np.float32) if texts else np.zeros((0, 384), np.float32)
        parts[org] = (v, np.asarray(owner, dtype=int), norm.closeness(v) if len(v) else v[:, 0])

    def passage_scores(q: np.ndarray, org: str) -> np.ndarray:
        x = np.atleast_2d(q)
        own = x @ norm.m[org].T - norm.hub[org]
        v, owner, hub = parts[org]
        if penalty is None or not len(v):
            return own
        sent = x @ v.T - hub
        for j in np.unique(owner):
            own[:, j] = np.maximum(own[:, j], sent[:, owner == j].max(1) - penalty)
        return own

    u = _bg_updates(d)
    base = {o: float(np.median(passage_scores(u, o).max(1) - norm.closeness(u))) for o in norm.m}

    def f(x: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = query(x)
        s = passage_scores(q, org)[0]
        return (s if rank_by_units else norm.cos(q, org)), s - norm.closeness(q)[0] - base[org]

    return f


def sentence_variants(d: Dump) -> dict[str, Scorer]:
    out: dict[str, Scorer] = {}
    for qname, query in queries().items():
        out[qname] = sentence_units(d, query, None, False)
        for penalty in (0.0, 0.02, 0.05):
            for rank in (False, True):
                name = f"{qname}: passages as sentences too, - {penalty}{', ranked so' * rank}"
                out[name] = sentence_units(d, query, penalty, rank)
    return out


def queries() -> dict[str, Query]:
    return {"shipped": lambda u: u["query"], "windows x2": windows_query(2.0)}


def corrections(d: Dump) -> dict[str, Scorer]:
    """Every correction for both queries (grids printed whole)."""
    out: dict[str, Scorer] = {}
    plain = Normaliser(d, "mini")
    for qname, query in queries().items():
        out[f"{qname}"] = by_query(plain, query)
        for w in ("fit", 0.75, 0.5, 0.25, 0.0):
            out[f"{qname}: query closeness x {w}"] = by_query(Corrected(d, query_weight=w), query)
        for qq in (0.75, 0.9, 0.95):
            out[f"{qname}: base = background q{qq}"] = by_query(
                Corrected(d, base_quantile=qq), query
            )
        for p in ("updates", "z"):
            out[f"{qname}: passage term = {p}"] = by_query(Corrected(d, passage=p), query)
        for s in ("sd", "gumbel"):
            out[f"{qname}: scale = {s}"] = by_query(Corrected(d, scale=s), query)
        for mix in (0.25, 0.5, 1.0):
            out[f"{qname}: query closeness {mix} to strategy passages"] = by_query(
                StrategyCloseness(d, mix), query
            )
        for w in (0.1, 0.2, 0.4):
            out[f"{qname}: + {w} x TF-IDF cosine"] = lexical_evidence(d, plain, query, w)
        for share in (0.5, 1.0):
            for g in (0.0, 0.02, 0.04):
                out[f"{qname}: decide {share} best window - {g} log n"] = window_max(
                    plain, query, share, g
                )
    return out


def fitted_query_weight(d: Dump) -> float:
    return Corrected(d, query_weight="fit").query_weight


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/real-updates")
    p.add_argument("--family", choices=["diagnose", "correct", "sentences", "all"], default="all")
    args = p.parse_args(argv)
    from eval.grounding_replica import dump, sample_hits, sample_sets

    d = dump(Path(args.data))
    norm = Normaliser(d, "mini")
    if args.family in ("diagnose", "all"):
        for block in (
            parts(d, norm),
            size_experiment(d, norm),
            background_vs_real(d, norm),
            *(ceiling(d, norm, q, (0.05, 0.08, 0.10)) for q in queries().values()),
        ):
            print("\n".join(block), end="\n\n", flush=True)
        for name, q in queries().items():
            print(f"threshold noise, {name}: {threshold_noise(d, norm, q)}", flush=True)
        for name, q in queries().items():  # the precision knob itself, for the record
            for fpr in (0.05, 0.06, 0.07, 0.08, 0.10):
                print(
                    line(f"{name}, fitted at fpr {fpr}", figures(rows(d, by_query(norm, q)), fpr))
                )
    if args.family in ("correct", "sentences", "all"):
        from coach.embeddings import get_embedder
        from coach.settings import Settings

        sets = sample_sets(d, get_embedder(str(Settings.load().models_dir)).embed)
        print(
            f"query closeness weight fitted on the background updates: {fitted_query_weight(d):.3f}"
        )
        families = {"correct": corrections, "sentences": sentence_variants}
        chosen = [f for k, f in families.items() if args.family in (k, "all")]
        for name, scorer in ((n, s) for make in chosen for n, s in make(d).items()):
            sample = " ".join(f"{a:.3f}/{b:.3f}" for a, b in sample_hits(d, sets, scorer).values())
            print(f"{line(name, figures(rows(d, scorer)))} | sample {sample}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
