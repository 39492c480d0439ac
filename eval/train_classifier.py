"""Train the semantic layer on eval/units.jsonl's train split; write coach/data/classifier.json.

Multinomial logistic regression by full-batch gradient descent in numpy (no sklearn, fixed
iterations, zero start: deterministic). L2 strength chosen by 4-fold cross-validation grouped by
update, on the train split only; the test split is never read here.
Usage: .venv/bin/python eval/train_classifier.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.analysis import label_unit  # noqa: E402
from coach.classifier import LABELS, WEIGHTS, features  # noqa: E402
from coach.embeddings import get_embedder  # noqa: E402


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 600, lr: float = 0.5):
    w = np.zeros((x.shape[1], len(LABELS)))
    b = np.zeros(len(LABELS))
    onehot = np.eye(len(LABELS))[y]
    # class weights: each label counts equally, so `other` and `outcome` are not drowned out
    cw = (len(y) / (len(LABELS) * np.bincount(y, minlength=len(LABELS))))[y][:, None]
    for _ in range(steps):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * cw / len(y)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    return w, b


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    """Process vs outcome+mixed, on units whose gold label is not `other` (as the README)."""
    keep = y != 3
    g, p = (y[keep] == 0), (pred[keep] == 0)
    rec = (g & p).sum() / max(1, g.sum())
    spec = (~g & ~p).sum() / max(1, (~g).sum())
    return float((rec + spec) / 2)


def main() -> None:
    rows = [json.loads(x) for x in (ROOT / "eval/units.jsonl").read_text().splitlines() if x]
    train = [r for r in rows if r["split"] == "train"]
    units = [label_unit(r["text"]) for r in train]
    vectors = get_embedder().embed([r["text"] for r in train])
    x = features(units, vectors).astype(np.float64)
    y = np.array([LABELS.index(r["label"]) for r in train])
    groups = sorted({r["update_id"] for r in train})
    fold = {g: i % 4 for i, g in enumerate(groups)}
    f = np.array([fold[r["update_id"]] for r in train])
    lexical = np.array([LABELS.index(u.label) for u in units])
    print(f"lexical layer on train: BA {balanced_accuracy(y, lexical):.3f}")
    best = None
    for l2 in (1e-4, 1e-3, 1e-2, 3e-2, 1e-1):
        pred = np.zeros_like(y)
        for k in range(4):
            w, b = fit(x[f != k], y[f != k], l2)
            pred[f == k] = np.argmax(x[f == k] @ w + b, axis=1)
        ba = balanced_accuracy(y, pred)
        acc = float((pred == y).mean())
        print(f"l2={l2:g}: cross-validated BA {ba:.3f}, 4-label accuracy {acc:.3f}")
        if best is None or ba > best[0]:
            best = (ba, l2)
    assert best is not None
    w, b = fit(x, y, best[1])
    out = ROOT / "coach" / WEIGHTS
    out.write_text(
        json.dumps(
            {
                "labels": list(LABELS),
                "l2": best[1],
                "cv_balanced_accuracy": round(best[0], 4),
                "W": np.round(w, 5).tolist(),
                "b": np.round(b, 5).tolist(),
            },
            separators=(",", ":"),
        )
    )
    print(f"wrote {out} (l2={best[1]:g}, {out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
