"""The optional semantic layer: a 4-label logistic regression over MiniLM vectors plus the
lexical layer's own findings, trained by eval/train_classifier.py on the train split only.

Deterministic and sklearn-free at run time: the weights are a small JSON file in the package.
It costs one MiniLM pass per update (see bench/analysis.py), so `analyze()` uses it only when
asked (`semantic=True`); the offline rewrite stays on the lexical layer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from coach.types import Unit

LABELS = ("process", "outcome", "mixed", "other")
SIGNALS = ("beneficiary", "change", "measure", "strategy")
CATEGORIES = ("tool", "ceremony", "artifact", "activity", "methodology", "effort", "filler")
WEIGHTS = "data/classifier.json"


def lexical_features(u: Unit) -> np.ndarray:
    """What the rules saw, as numbers: the signals and span counts per category. Not the rules'
    label: they were tuned on the same train split, so the model would learn to copy it."""
    f = [1.0 if s in u.signals else 0.0 for s in SIGNALS]
    f += [min(3, sum(1 for s in u.spans if s.category == c)) / 3 for c in CATEGORIES]
    f.append(min(u.score, 4.0) / 4)
    return np.asarray(f, dtype=np.float32)


def features(units: Sequence[Unit], vectors: np.ndarray) -> np.ndarray:
    lex = np.stack([lexical_features(u) for u in units]) if units else np.zeros((0, 12))
    return np.hstack([vectors.astype(np.float32), lex.astype(np.float32)])


@lru_cache(maxsize=1)
def _weights() -> dict[str, Any]:
    text = resources.files("coach").joinpath(WEIGHTS).read_text("utf-8")
    data = json.loads(text)
    return {"W": np.asarray(data["W"], dtype=np.float32), "b": np.asarray(data["b"], np.float32)}


def predict(units: Sequence[Unit], vectors: np.ndarray) -> list[str]:
    """Labels for units whose MiniLM vectors are given (one row per unit)."""
    if not units:
        return []
    w = _weights()
    logits = features(units, vectors) @ w["W"] + w["b"]
    return [LABELS[i] for i in np.argmax(logits, axis=1)]


def relabel(units: Sequence[Unit]) -> list[Unit]:
    """The lexical units with the classifier's labels; spans and signals are kept as they are."""
    from dataclasses import replace

    from coach.embeddings import get_embedder

    if not units:
        return []
    vectors = get_embedder().embed([u.text for u in units])
    return [
        replace(u, label=lab) if lab != u.label else u  # type: ignore[arg-type]
        for u, lab in zip(units, predict(units, vectors), strict=True)
    ]
