"""The learned layer of the eye: logistic regression over MiniLM vectors plus the lexical
layer's own findings, trained by eval/train_classifier.py on real units.

Deterministic and sklearn-free: full-batch gradient descent from zero, fixed steps; the shipped
weights are a small JSON file in the package. `train` is the recipe the real-data eval scores
leave-one-organisation-out, so the figure printed is the figure of what ships.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from coach.types import Unit

LABELS = ("process", "outcome", "mixed", "other")
SIGNALS = ("beneficiary", "change", "measure", "strategy")
CATEGORIES = ("tool", "ceremony", "artifact", "activity", "methodology", "effort", "filler")
RULE_LABELS = LABELS
WEIGHTS = "data/classifier.json"
# The recipe's settings, chosen by leave-one-organisation-out CV (eval/train_classifier.py).
DEFAULTS: dict[str, Any] = {"l2": 1e-3, "steps": 400, "lr": 0.5, "lexical_scale": 1.0}


def lexical_features(u: Unit) -> np.ndarray:
    """What the rules saw, as numbers: signals, span counts per category, process score and the
    rules' own label (one-hot), so the model can learn where the rules are right."""
    f = [1.0 if s in u.signals else 0.0 for s in SIGNALS]
    f += [min(3, sum(1 for s in u.spans if s.category == c)) / 3 for c in CATEGORIES]
    f.append(min(u.score, 4.0) / 4)
    f += [1.0 if u.label == lab else 0.0 for lab in RULE_LABELS]
    return np.asarray(f, dtype=np.float32)


N_LEXICAL = len(SIGNALS) + len(CATEGORIES) + 1 + len(RULE_LABELS)


def features(units: Sequence[Unit], vectors: np.ndarray, lexical_scale: float = 1.0) -> np.ndarray:
    lex = (
        np.stack([lexical_features(u) for u in units])
        if units
        else np.zeros((0, N_LEXICAL), np.float32)
    )
    return np.hstack([vectors.astype(np.float32), lexical_scale * lex.astype(np.float32)])


def fit(
    x: np.ndarray, y: np.ndarray, l2: float, steps: int = 400, lr: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced multinomial logistic regression; same data, same weights."""
    x = x.astype(np.float64)
    w = np.zeros((x.shape[1], len(LABELS)))
    b = np.zeros(len(LABELS))
    onehot = np.eye(len(LABELS))[y]
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    cw = (len(y) / (len(LABELS) * np.maximum(counts, 1)))[y][:, None]
    for _ in range(steps):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * cw / len(y)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    return w, b


@dataclass(frozen=True)
class Model:
    W: np.ndarray
    b: np.ndarray
    lexical_scale: float = 1.0

    def logits(self, units: Sequence[Unit], vectors: np.ndarray) -> np.ndarray:
        return features(units, vectors, self.lexical_scale) @ self.W + self.b

    def predict(self, units: Sequence[Unit], vectors: np.ndarray) -> list[str]:
        if not units:
            return []
        return [LABELS[i] for i in np.argmax(self.logits(units, vectors), axis=1)]


def train(
    units: Sequence[Unit], vectors: np.ndarray, labels: Sequence[str], **params: Any
) -> Model:
    """The recipe: lexical units + their vectors + gold labels -> a Model (deterministic)."""
    p = {**DEFAULTS, **params}
    x = features(units, vectors, p["lexical_scale"])
    y = np.array([LABELS.index(lab) for lab in labels])
    w, b = fit(x, y, p["l2"], p["steps"], p["lr"])
    return Model(w.astype(np.float32), b.astype(np.float32), p["lexical_scale"])


@lru_cache(maxsize=1)
def _shipped() -> tuple[Model, dict[str, Any]]:
    text = resources.files("coach").joinpath(WEIGHTS).read_text("utf-8")
    data = json.loads(text)
    model = Model(
        np.asarray(data["W"], dtype=np.float32),
        np.asarray(data["b"], np.float32),
        float(data.get("lexical_scale", 1.0)),
    )
    info = {k: v for k, v in data.items() if k not in ("W", "b")}
    return model, info


def shipped_info() -> dict[str, Any]:
    """What the shipped weights say about themselves (training set fingerprint, CV figures)."""
    return dict(_shipped()[1])


def predict(units: Sequence[Unit], vectors: np.ndarray) -> list[str]:
    """Labels for units whose MiniLM vectors are given (one row per unit), by the shipped model."""
    model = _shipped()[0]
    if len(vectors) and model.W.shape[0] != vectors.shape[1] + N_LEXICAL:
        raise ValueError("the shipped classifier does not match these features: retrain it")
    return model.predict(units, vectors)


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
