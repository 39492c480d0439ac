"""The fifth round's grounding variants (docs/grounding.md), over the replica's dump.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_round5 [--family F] [--only WORD]

Each variant is a scorer of `eval.grounding_replica` (ranking value, decision score per passage),
scored by the same `figures` (pooled at the in-sample 95th-percentile fit; LOGO folds fitted
without the held-out organisation), and, as a second opinion on another organisation, by its
ranking's pillar hit@1/hit@3 on coach's own sample updates and items (`sample_hits`). Grids are
printed whole, so a good cell is read with its neighbours; nothing is keyed to the dev set's
wording. Families: "query" (job A, eval/grounding_queries.py), "score" (job B), "contexts"
(passages re-embedded with other context). About 90 s on 2 cores with warm vector caches.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from eval.grounding_queries import _windows, by_query, query_variants
from eval.grounding_replica import (
    Dump,
    Normaliser,
    Scorer,
    _unit,
    dump,
    figures,
    rows,
    sample_hits,
    sample_sets,
)


def window_vote(norm: Normaliser, k: float, decide: str, query: Callable | None = None) -> Scorer:
    """Rank by reciprocal-rank fusion of each window's own ranking (constant k); the decision
    score is the mean-vector query's ("mean"), or the best window's normalised score for that
    passage ("max")."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        w = _windows(u)
        cos = w @ norm.m[org].T  # windows x passages
        ranks = np.argsort(np.argsort(-cos, axis=1), axis=1)
        fused = (1.0 / (k + 1 + ranks)).sum(axis=0)
        q = (query or (lambda x: x["query"]))(u)
        fused = fused + 1e-6 * norm.cos(q, org)  # ties: the mean query's cosine
        if decide == "max":
            score = (cos - norm.hub[org][None, :] - norm.closeness(w)[:, None]).max(0)
            score = score - norm.base[org]
        else:
            score = norm.score(q, org)
        return fused, score

    return f


def scaled(norm: Normaliser, d: Dump, alpha: float, stat: str = "sd") -> Scorer:
    """The shipped score divided by the collection's spread of background-update scores,
    relative to the median spread over collections, to the power alpha (0: shipped)."""
    unrelated = d["background"]["background_updates.txt"]["mini"]
    spread = {}
    for org, m in norm.m.items():
        s = (unrelated @ m.T - norm.hub[org]).max(1) - norm.closeness(unrelated)
        spread[org] = float(
            np.std(s) if stat == "sd" else np.subtract(*np.quantile(s, [0.75, 0.25]))
        )
    mid = float(np.median(list(spread.values())))

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = u["query"]
        return norm.cos(q, org), norm.score(q, org) / (spread[org] / mid) ** alpha

    return f


def sections(d: Dump, org: str) -> np.ndarray:
    """Section index of each passage (title > heading path)."""
    keys = [f"{m.get('source')}|{m.get('section')}" for m in d["passages"][org]["meta"]]
    names = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return np.asarray([names[k] for k in keys])


def section_vote(norm: Normaliser, d: Dump, share: float) -> Scorer:
    """A section scores its best passage's cosine plus `share` x the mean of its others';
    each passage ranks by its section's score (best passage of the section first)."""
    sec = {org: sections(d, org) for org in d["passages"]}

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = u["query"]
        cos = norm.cos(q, org)
        s = sec[org]
        value = np.empty_like(cos)
        for k in np.unique(s):
            idx = np.where(s == k)[0]
            c = cos[idx]
            best = c.max()
            others = (c.sum() - best) / (len(c) - 1) if len(c) > 1 else 0.0
            value[idx] = best + share * others + 1e-3 * (c - best)  # best of section first
        return value, norm.score(q, org)

    return f


def hubness(norm: Normaliser, d: Dump) -> dict[str, np.ndarray]:
    """Per passage: the share of coach's background updates and sentences whose nearest passage
    in its collection it is (a passage that wins unrelated text is generic)."""
    texts = np.vstack(
        [
            d["background"]["background_updates.txt"]["mini"],
            d["background"]["background.txt"]["mini"],
        ]
    )
    out = {}
    for org, m in norm.m.items():
        top = np.argmax(texts @ m.T, axis=1)
        out[org] = np.bincount(top, minlength=len(m)) / len(texts)
    return out


def centred(d: Dump, n_pc: int, rank_only: bool = True) -> Scorer:
    """'All-but-the-top' (Mu and Viswanath 2018) with coach's own background: subtract the
    background texts' mean vector and their top `n_pc` principal directions from queries and
    passages before the cosine that ranks (and, unless rank_only, the whole score)."""
    texts = np.vstack(
        [
            d["background"]["background_updates.txt"]["mini"],
            d["background"]["background.txt"]["mini"],
        ]
    )
    mu = texts.mean(axis=0)
    _, _, vt = np.linalg.svd(texts - mu, full_matrices=False)
    pcs = vt[:n_pc]

    def post(x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x) - mu
        x = x - (x @ pcs.T) @ pcs
        return _unit(x)

    dd = {**d, "passages": {o: {**p, "mini": post(p["mini"])} for o, p in d["passages"].items()}}
    dd["background"] = {k: {**v, "mini": post(v["mini"])} for k, v in d["background"].items()}
    norm, plain = Normaliser(dd, "mini"), Normaliser(d, "mini")

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = post(u["query"])[0]
        rank = norm.cos(q, org)
        return rank, plain.score(u["query"], org) if rank_only else norm.score(q, org)

    return f


def line(name: str, f: dict[str, Any]) -> str:
    folds = " | ".join(f"{o} {a:.2f} / {b:.2f} / {c:.3f}" for o, (a, b, c) in f["folds"].items())
    return (
        f"{name:44s} h1 {f['hit@1']:.3f} h3 {f['hit@3']:.3f} cites gold {f['cites gold']:.3f}"
        f" unrelated {f['unrelated']:.3f} | {folds}"
    )


def _first_paragraphs(p: dict[str, Any], chars: int = 300) -> dict[str, str]:
    """Each document's opening passage (listing order is document order), cut to `chars`."""
    out: dict[str, str] = {}
    for m in p["meta"]:
        out.setdefault(str(m.get("source")), str(m["text"])[:chars])
    return out


def contexts(d: Dump) -> dict[str, Scorer]:
    """Passages re-embedded with other context: no heading path; heading path then the text
    then the document's opening (truncation cuts the opening first); the opening first."""
    from coach.embeddings import get_embedder
    from coach.ingest.chunking import passage_context
    from coach.settings import Settings

    emb = get_embedder(str(Settings.load().models_dir))

    def build(form: Callable[[dict[str, Any], str], str]) -> Scorer:
        passages = {}
        for org, p in d["passages"].items():
            opening = _first_paragraphs(p)
            texts = [form(m, opening[str(m.get("source"))]) for m in p["meta"]]
            passages[org] = {**p, "mini": np.asarray(emb.embed(texts), dtype=np.float32)}
        norm = Normaliser({**d, "passages": passages}, "mini")
        return by_query(norm, lambda u: u["query"])

    def head(m: dict[str, Any]) -> str:
        return passage_context(m, str(m["text"]))

    def same_doc(m: dict[str, Any], first: str) -> bool:
        return str(m["text"])[: len(first)] == first

    return {
        "shipped": build(lambda m, first: head(m)),
        "C passage text only (no heading path)": build(lambda m, first: str(m["text"])),
        "C heading path + text + document opening": build(
            lambda m, first: head(m) if same_doc(m, first) else f"{head(m)}\n{first}"
        ),
        "C document opening + heading path + text": build(
            lambda m, first: head(m) if same_doc(m, first) else f"{first}\n{head(m)}"
        ),
    }


def penalised(norm: Normaliser, pen: dict[str, np.ndarray], w: float, score: bool) -> Scorer:
    """Rank by cosine - w x a per-passage prior (and, with `score`, decide on it too)."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = u["query"]
        return norm.cos(q, org) - w * pen[org], norm.score(q, org) - (w * pen[org] if score else 0)

    return f


def rocchio(norm: Normaliser, beta: float, top: int, decide: bool) -> Scorer:
    """Pseudo-relevance feedback (Rocchio): the query moved toward its `top` nearest passages
    by `beta`, then passages re-ranked (and, with `decide`, scored) by the moved query."""

    def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
        q = u["query"]
        cos = norm.cos(q, org)
        near = norm.m[org][np.argsort(-cos)[:top]].mean(axis=0)
        moved = _unit(q + beta * _unit(near))
        return norm.cos(moved, org), norm.score(moved if decide else q, org)

    return f


def score_variants(d: Dump) -> dict[str, Scorer]:
    """Job B: other rankings and decision scores over the shipped query."""
    mini = Normaliser(d, "mini")
    hub = hubness(mini, d)
    central = {o: m @ _unit(m.mean(axis=0)) for o, m in mini.m.items()}
    out: dict[str, Scorer] = {"shipped": by_query(mini, lambda u: u["query"])}
    for k in (1.0, 5.0, 60.0):
        out[f"B RRF over windows k={k:g}, score mean"] = window_vote(mini, k, "mean")
        out[f"B RRF over windows k={k:g}, score max"] = window_vote(mini, k, "max")
    for a in (0.5, 1.0):
        out[f"B score / collection sd^{a}"] = scaled(mini, d, a)
        out[f"B score / collection IQR^{a}"] = scaled(mini, d, a, "iqr")
    for s in (0.25, 0.5, 1.0):
        out[f"B section best + {s} x others"] = section_vote(mini, d, s)
    for w in (0.1, 0.2, 0.4):
        out[f"B rank - {w} x hubness share"] = penalised(mini, hub, w, False)
        out[f"B rank & score - {w} x hubness share"] = penalised(mini, hub, w, True)
    for w in (-0.5, -0.25, 0.1, 0.25, 0.5):
        out[f"B rank - {w} x centrality"] = penalised(mini, central, w, False)
    for n in (0, 1, 3, 10):
        out[f"B centred, {n} PCs removed (rank)"] = centred(d, n)
        out[f"B centred, {n} PCs removed (rank+score)"] = centred(d, n, False)
    for top in (1, 2, 3, 4, 5, 8):
        for beta in (0.25, 0.5, 0.75, 1.0):
            out[f"B Rocchio top {top}, beta {beta}"] = rocchio(mini, beta, top, False)
    out["B Rocchio top 3, beta 0.5, scored moved"] = rocchio(mini, 0.5, 3, True)
    return out


FAMILIES = {"query": query_variants, "score": score_variants, "contexts": contexts}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/real-updates")
    p.add_argument("--family", choices=[*FAMILIES, "all"], default="all")
    p.add_argument("--only", default="", help="variants whose name contains this")
    args = p.parse_args(argv)
    d = dump(Path(args.data))
    from coach.embeddings import get_embedder
    from coach.settings import Settings

    sets = sample_sets(d, get_embedder(str(Settings.load().models_dir)).embed)
    for family, make in FAMILIES.items():
        if args.family not in (family, "all"):
            continue
        for name, scorer in make(d).items():
            if args.only in name or name == "shipped":
                sample = " ".join(
                    f"{a:.3f}/{b:.3f}" for a, b in sample_hits(d, sets, scorer).values()
                )
                print(f"{line(name, figures(rows(d, scorer)))} | sample {sample}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
