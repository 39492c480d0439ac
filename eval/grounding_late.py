"""Seventh grounding round (docs/grounding.md): late chunking of the grounding query.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.grounding_late [--data DIR] [--cost]

The shipped query embeds the update (MiniLM's first 256 pieces) and each of its 600-character
windows on their own. Late chunking (Guenther et al. 2024) reads the update once, up to 512
pieces a segment (`MiniLM.token_states`), and pools each window's pieces (`TokenStates.pool`
over `window_spans`): every window is read in its update's context. The variants, scored by the
replica (`eval.grounding_replica`: pooled and leave-one-organisation-out figures):

  (a) shipped: 0.5 whole (256 pieces) + 0.5 mean of the windows, each embedded alone
  (b) 0.5 whole (256) + 0.5 mean of the late-chunked windows
  (c) 0.5 late whole (every piece) + 0.5 mean of the late windows: one pass only
  (d) the late whole alone, no windows

`--cost` times MiniLM on the query texts of the updates the bench's batch rewrites (its 30 real
rows): today's texts in one uncached call, against one token-states pass over the updates.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from coach.retrieval import query_windows
from coach.retrieval_query import blended_query as query_vector
from coach.retrieval_query import window_spans
from eval.grounding_replica import Dump, Normaliser, Scorer, dump, figures, rows


def attach(d: Dump, embedder: Any) -> None:
    """Each update's late-chunked whole and windows (one token-states pass per update)."""
    states = embedder.token_states([u["text"] for u in d["updates"]])
    for u, s in zip(d["updates"], states, strict=True):
        windows = query_windows(u["text"])
        u["late_whole"] = s.whole()
        u["late_windows"] = s.pool(window_spans(u["text"], windows)) if windows else u["windows"]
        u["pieces"] = len(s.states)


def late_variants(d: Dump) -> dict[str, Scorer]:
    mini = Normaliser(d, "mini")

    def by(query: str) -> Scorer:
        def f(u: dict[str, Any], org: str) -> tuple[np.ndarray, np.ndarray]:
            q = u[query]
            return mini.cos(q, org), mini.score(q, org)

        return f

    for u in d["updates"]:
        short = len(u["windows"]) == 0  # one window: every variant is the whole vector
        u["q_b"] = u["query"] if short else query_vector(u["whole"], u["late_windows"])
        u["q_c"] = u["query"] if short else query_vector(u["late_whole"], u["late_windows"])
        u["q_d"] = u["query"] if short else u["late_whole"]
        u["q_e"] = u["query"] if short else query_vector(u["late_windows"].mean(0), np.empty(0))
    return {
        "(a) shipped": by("query"),
        "(b) whole 256 + late windows": by("q_b"),
        "(c) late whole + late windows (one pass)": by("q_c"),
        "(d) late whole alone": by("q_d"),
        "(e) late windows alone (mean)": by("q_e"),
    }


def line(name: str, f: dict[str, Any]) -> str:
    folds = " | ".join(f"{o} {a:.2f} / {b:.2f} / {c:.3f}" for o, (a, b, c) in f["folds"].items())
    return (
        f"{name:44s} h1 {f['hit@1']:.3f} h3 {f['hit@3']:.3f} cites gold {f['cites gold']:.3f}"
        f" unrelated {f['unrelated']:.3f} | {folds}"
    )


def cost(embedder: Any, data: Path, rows_: int = 30, repeats: int = 3) -> dict[str, float]:
    """CPU ms of MiniLM on the bench batch's updates' query texts, uncached, best of `repeats`,
    alternated: today's (whole + windows, one call) against one token-states pass."""
    raw = [json.loads(x) for x in (data / "updates.jsonl").open(encoding="utf-8") if x.strip()]
    texts = [u["text"] for u in raw[:rows_]]
    today = [t for text in texts for t in [text, *query_windows(text)]]
    best = {"today: whole + windows": 1e9, "late: one pass": 1e9, "whole 256 alone": 1e9}
    for _ in range(repeats):
        for name, run in (
            ("today: whole + windows", lambda: embedder.embed_uncached(today)),
            ("late: one pass", lambda: embedder.token_states(texts)),
            ("whole 256 alone", lambda: embedder.embed_uncached(texts)),
        ):
            t = time.process_time()
            run()
            best[name] = min(best[name], 1000 * (time.process_time() - t))
    best["texts today"] = len(today)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="../shared/datasets/real-updates")
    p.add_argument("--cost", action="store_true", help="time the query texts both ways")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from coach.embeddings import get_embedder
    from coach.settings import Settings

    embedder = get_embedder(str(Settings.load().models_dir))
    data = Path(args.data)
    if args.cost:
        for k, v in cost(embedder, data).items():
            print(f"  {k}: {v:.0f}")
        return 0
    d = dump(data)
    attach(d, embedder)
    for name, scorer in late_variants(d).items():
        print(line(name, figures(rows(d, scorer))), flush=True)
    long = [u for u in d["updates"] if len(u["windows"])]
    sims = [float(u["late_whole"] @ u["whole"]) for u in long]
    print(
        f"  {len(long)} multi-window updates; cosine late whole vs whole 256: median "
        f"{np.median(sims):.3f}; pieces > 510: {sum(u['pieces'] > 510 for u in long)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
