"""Which outcome leads: choose the offline engine's `lead_rank` weights leave-one-organisation-out.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.lead_logo [--data DIR]

For every update with a curated outcome, each outcome item the offline engine would consider is
scored by the lead metric of coach.evals.rewrites (its first sentence vs the curated outcome,
against the other outcome, plan, risk and ask sentences): a replay that needs one embedding pass.
For each held-out organisation the weights (result, measure, change, facts; position fixed at
prompts/offline.yaml's value) are the replay's best on the OTHER organisations (ties: closest to
the shipped weights), and the real offline rewrite of the held-out organisation's updates is
scored with them. Prints the per-fold weights and the held-out total beside the shipped weights'
figure (docs/quality.md reports both; ~3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from typing import Any

import numpy as np

from coach.analysis import analyze
from coach.embeddings import get_embedder
from coach.engines.arrange import as_lead, render_item, weak_lead
from coach.engines.sections import items, template
from coach.evals.garble import sentences
from coach.evals.real import RealDataset, assign_folds, load_real
from coach.evals.rewrites import LEAD_FLOOR, LEAD_MARGIN, LEAD_STRONG, rewrite_all, summarise

FEATURES = ("result", "measure", "change", "facts")
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
REST = ("outcome", "plan", "risk", "ask")


def replay(ds: RealDataset) -> list[dict[str, Any]]:
    """Per update: the candidate features and whether each candidate would pass as the lead."""
    emb = get_embedder()
    w = template()["lead_rank"]
    out = []
    for upd in ds.updates:
        if not upd.outcome:
            continue
        found = items(upd.text, analyze(upd.text).units)
        shown = [as_lead(it) if it.role == "outcome" else it for it in found]
        firsts = [(sentences(t) or [t])[0] for t in (render_item(it) for it in shown)]
        vecs = emb.embed([upd.outcome, *firsts]) if firsts else np.zeros((1, 1))
        sims = vecs[1:] @ vecs[0]
        pool = [k for k, it in enumerate(found) if it.role == "outcome"]
        pool = [k for k in pool if not weak_lead(found[k])] or pool
        if not pool:
            continue
        feats, ok = [], []
        for k in pool:
            it = found[k]
            sig = {s for u in it.units for s in u.signals}
            cap = int(w["facts_cap"])
            feats.append([*(float(f in sig) for f in FEATURES[:3]), min(it.facts, cap) / cap])
            others = [sims[j] for j, o in enumerate(found) if j != k and o.role in REST]
            s, rest = float(sims[k]), float(max(others, default=0.0))
            ok.append(s >= LEAD_STRONG or (s >= LEAD_FLOOR and s >= rest - LEAD_MARGIN))
        pos = -float(w["position"]) * np.array(pool, float)
        out.append({"id": upd.id, "F": np.array(feats), "pos": pos, "ok": np.array(ok)})
    return out


def _passes(rows: list[dict[str, Any]], weights: np.ndarray) -> np.ndarray:
    """How many updates each weight vector (rows of `weights`) leads right, in the replay."""
    total = np.zeros(len(weights))
    for r in rows:
        score = r["F"] @ weights.T + r["pos"][:, None] - 1e-9 * np.arange(len(r["F"]))[:, None]
        total += r["ok"][np.argmax(score, axis=0)]
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    args = ap.parse_args()
    ds = load_real(args.data)
    folds = assign_folds(ds.updates)
    rows = replay(ds)
    for r in rows:
        r["fold"] = folds[r["id"]]
    shipped = np.array([float(template()["lead_rank"][f]) for f in FEATURES])
    grid = np.array(list(itertools.product(GRID, repeat=len(FEATURES))))
    held, n = 0, 0
    for fold in sorted({r["fold"] for r in rows}):
        score = _passes([r for r in rows if r["fold"] != fold], grid)
        best = np.where(score == score.max())[0]
        w = grid[best[np.argmin(np.abs(grid[best] - shipped).sum(1))]]
        template()["lead_rank"].update(dict(zip(FEATURES, w.tolist(), strict=True)))
        sub = [u for u in ds.updates if folds[u.id] == fold]
        s = summarise(rewrite_all(dataclasses.replace(ds, updates=tuple(sub))))
        k = round((s["leads_with_outcome"] or 0) * s["outcome_updates"] / 100)
        held, n = held + k, n + s["outcome_updates"]
        print(
            f"held out {fold}: weights {dict(zip(FEATURES, w.tolist(), strict=True))}, "
            f"leads {k}/{s['outcome_updates']}"
        )
    print(f"leave-one-organisation-out, real rewrites: {held}/{n} = {100 * held / max(n, 1):.1f}%")


if __name__ == "__main__":
    main()
