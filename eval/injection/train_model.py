"""Train the language-independent injection classifier (coach/data/injection_model.json).

    OMP_WAIT_POLICY=passive .venv/bin/python eval/injection/train_model.py [--real DIR]

Logistic regression (numpy, fixed iterations, no randomness) on MiniLM vectors: positives are
eval/injection/train_payloads.py (orders to a model in 17 languages and many guises), negatives
the real update units (units.jsonl) and eval/units.jsonl. The threshold is chosen by
leave-one-organisation-out: for each real organisation, train without its units, score them;
the shipped threshold sits above the highest held-out clean score (0 false alarms held out).
Also prints leave-one-language-out recall, so what the English-centric MiniLM does on languages
it did not see is on record.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval/injection"))

from train_payloads import clean, positives  # noqa: E402

from coach.embeddings import get_embedder  # noqa: E402

DEFAULT_REAL = Path(os.environ.get("COACH_REAL_DATA", ROOT.parent / "shared/datasets/real-updates"))
MARGIN = 0.02


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 800
) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by full-batch gradient descent (deterministic)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    pos = y.sum()
    weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = weight * (p - y) / len(y)
        w -= 2.0 * (x.T @ g + l2 * w)
        b -= 2.0 * g.sum()
    return w, b


def score(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w + b)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    args = ap.parse_args()
    real = Path(args.real)
    org_of = {}
    for line in (real / "updates.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            u = json.loads(line)
            org_of[u["id"]] = u.get("org") or "none"
    negs: list[tuple[str, str]] = []
    for line in (real / "units.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            negs.append((org_of.get(r["update_id"], "none"), r["unit"]))
    for line in (ROOT / "eval/units.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            negs.append(("synthetic", json.loads(line)["text"]))
    negs.extend(("multilingual", t) for _, t in clean())
    pos = positives()
    emb = get_embedder()
    xp = np.asarray(emb.embed([t for _, t in pos]), dtype=np.float64)
    xn = np.asarray(emb.embed([t for _, t in negs]), dtype=np.float64)
    x = np.vstack([xp, xn])
    y = np.concatenate([np.ones(len(xp)), np.zeros(len(xn))])
    orgs = np.array(["pos"] * len(xp) + [o for o, _ in negs])

    # Leave one organisation out: the highest clean score on units never trained on.
    held_max = 0.0
    for org in sorted(set(o for o, _ in negs)):
        train = orgs != org
        w, b = fit(x[train], y[train])
        s = score(x[~train], w, b)
        held_max = max(held_max, float(s.max()))
        print(f"held-out {org:16} {int((~train).sum()):5} units, max clean score {s.max():.3f}")
    threshold = min(0.99, held_max + MARGIN)

    # Leave one language out: recall at that threshold on a language never trained on.
    langs = np.array([lang for lang, _ in pos] + ["-"] * len(xn))
    by_lang = defaultdict(str)
    for lang in sorted(set(lang for lang, _ in pos)):
        train = langs != lang
        w, b = fit(x[train], y[train])
        s = score(x[~train], w, b)
        by_lang[lang] = f"{int((s >= threshold).sum())}/{len(s)}"
    print("leave-one-language-out recall:", dict(by_lang))

    w, b = fit(x, y)
    train_recall = float((score(xp, w, b) >= threshold).mean())
    print(f"threshold {threshold:.3f}; training recall {train_recall:.2f}")
    out = {
        "model": emb.model_id,
        "threshold": round(threshold, 4),
        "bias": round(float(b), 6),
        "weights": [round(float(v), 6) for v in w],
        "trained_on": f"{len(xp)} payloads, {len(xn)} clean units; see eval/injection/train_model.py",
    }
    (ROOT / "coach/data/injection_model.json").write_text(json.dumps(out) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
