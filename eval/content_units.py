"""Validate the unit-level content preservation (coach/preservation.py) against the whole-text
cosine it replaced: human ratings (Lai et al.) and the real dev set's offline rewrites.

    .venv/bin/python eval/content_units.py [--data DIR]

Prints Spearman with the human ratings for both scores; on the real set, the rank correlation
of the two over the rewrites, how often each falls when part of a rewrite is dropped, and the
word pieces each embeds. Both scores are rounded to 4 places, as a rewrite carries them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import numpy as np

from coach.analysis import analyze
from coach.core import Coach
from coach.embeddings import get_embedder
from coach.evals.content import cosine_pairs, lai_pairs, spearman
from coach.evals.real import load_real
from coach.evals.rewrites import strategy_collections
from coach.injection import quarantine
from coach.preservation import pieces, preservation

ROOT = Path(__file__).resolve().parent.parent
LAI = ROOT / "tests" / "data" / "lai2023-content" / "content.src.json"
CAP = 256  # MiniLM's word pieces


def units(text: str) -> list[str]:
    return analyze(text).unit_texts


def old(source: str, rewrite: str) -> float:
    return round(cosine_pairs([(source, rewrite)])[0], 4)


def new(source: str, rewrite: str) -> float:
    return preservation(units(source), units(rewrite), get_embedder())


def drops(rewrite: str, rng: random.Random) -> dict[str, str]:
    """The rewrite with part of its content dropped, four ways."""
    us = units(rewrite)
    half = len(us) // 2
    third = [u for u in us if rng.random() > 1 / 3] or us[:1]
    return {
        "second half dropped": "\n".join(us[:half]),
        "first half dropped": "\n".join(us[half:]),
        "lead sentence dropped": "\n".join(us[1:]),
        "a random third dropped": "\n".join(third),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    args = ap.parse_args()
    lai = lai_pairs(str(LAI))
    human = [h for *_, h in lai]
    print(f"Lai et al., {len(lai)} rated rewrites: Spearman with the mean human rating")
    print(f"  whole-text cosine  {spearman([old(s, o) for s, o, _ in lai], human):.4f}")
    print(f"  unit-level         {spearman([new(s, o) for s, o, _ in lai], human):.4f}")

    ds = load_real(args.data)
    coach = Coach(home=Path(tempfile.mkdtemp(prefix="coach-content-")), cache=False)
    cols = strategy_collections(coach, ds)
    tok = get_embedder()._tokenizer
    rng = random.Random(7)
    olds, news = [], []
    fell: dict[str, list[tuple[bool, bool]]] = {}
    tokens_old = tokens_new = 0
    for upd in ds.updates:
        r = coach.rewrite(upd.text, engine="offline", collection=cols.get(upd.org, "real-none"))
        data = quarantine(r.source, classify=True).text
        a, b = old(data, r.text), r.scores.content_preservation or 0.0
        olds.append(a)
        news.append(b)
        tokens_old += min(CAP, len(tok.encode(r.text).ids))
        new_pieces = pieces(units(data), units(r.text)).new
        tokens_new += sum(min(CAP, len(tok.encode(t).ids)) for t in new_pieces)
        if len(units(r.text)) < 4:
            continue
        for name, cut in drops(r.text, rng).items():
            fell.setdefault(name, []).append((old(data, cut) < a, new(data, cut) < b))
    n = len(olds)
    print(f"real dev set, {n} offline rewrites")
    print(f"  mean whole-text / unit-level: {np.mean(olds):.3f} / {np.mean(news):.3f}")
    print(f"  below the 0.6 gate: {sum(x < 0.6 for x in olds)} / {sum(x < 0.6 for x in news)}")
    print(f"  Spearman of the two scores over the rewrites: {spearman(olds, news):.3f}")
    print(f"  word pieces embedded for the score: rewrites {tokens_old}, new pieces {tokens_new}")
    for name, pairs in fell.items():
        o, w = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        print(f"  {name}: score falls in {o} / {w} of {len(pairs)} (whole-text / unit-level)")


if __name__ == "__main__":
    main()
