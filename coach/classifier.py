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

from coach.embeddings import DIM
from coach.types import Unit

LABELS = ("process", "outcome", "mixed", "other")
SIGNALS = ("beneficiary", "change", "measure", "strategy", "result")
CATEGORIES = ("tool", "ceremony", "artifact", "activity", "methodology", "effort", "filler")
RULE_LABELS = LABELS
WEIGHTS = "data/classifier.json"
# The recipe's settings, chosen by leave-one-organisation-out CV (eval/train_classifier.py).
DEFAULTS: dict[str, Any] = {
    "l2": 1e-2,
    "steps": 400,
    "lr": 0.5,
    "lexical_scale": 1.0,
    "vector_scale": 1.0,
}


# Which of the rules' patterns fire, alternative by alternative (coach/rules/default.yaml).
PATTERN_FEATURES = (
    ("outcome", 6),
    ("benefit", 4),
    ("ongoing", 3),
    ("result_link", 0),
    ("future", 0),
    ("other_start", 0),
    ("intervention", 0),
    ("before_after", 0),
)


def _pattern_features(text: str) -> list[float]:
    """1/0 per default pattern alternative (or per whole pattern when the count is 0). Always
    the default rules, so the shipped weights line up with the features they were trained on."""
    from coach.rules import load_rules

    rules = load_rules()
    low = text.lower()
    out: list[float] = []
    for name, n in PATTERN_FEATURES:
        if n:
            parts = rules.parts.get(name, ())[:n]
            out += [1.0 if p.search(low) else 0.0 for p in parts]
            out += [0.0] * (n - len(parts))
        else:
            pat = rules.patterns.get(name)
            src = text if name == "intervention" else low
            out.append(1.0 if pat is not None and pat.search(src) else 0.0)
    return out


def lexical_features(u: Unit) -> np.ndarray:
    """What the rules saw, as numbers: signals, span counts per category, process score, the
    rules' own label (one-hot) and which patterns fired, so the model learns how far to trust
    each of them on real text."""
    f = [1.0 if s in u.signals else 0.0 for s in SIGNALS]
    f += [min(3, sum(1 for s in u.spans if s.category == c)) / 3 for c in CATEGORIES]
    f.append(min(u.score, 4.0) / 4)
    f += [1.0 if u.label == lab else 0.0 for lab in RULE_LABELS]
    f += _pattern_features(u.text)
    return np.asarray(f, dtype=np.float32)


N_LEXICAL = (
    len(SIGNALS) + len(CATEGORIES) + 1 + len(RULE_LABELS) + sum(n or 1 for _, n in PATTERN_FEATURES)
)


def features(
    units: Sequence[Unit],
    vectors: np.ndarray | None,
    lexical_scale: float = 1.0,
    vector_scale: float = 1.0,
) -> np.ndarray:
    """MiniLM vectors (times vector_scale; 0 = a lexical-only model, no embedding needed) beside
    the lexical features (times lexical_scale)."""
    lex = (
        np.stack([lexical_features(u) for u in units])
        if units
        else np.zeros((0, N_LEXICAL), np.float32)
    )
    if vectors is None or vector_scale == 0:
        vectors = np.zeros((len(units), DIM), np.float32)
    return np.hstack(
        [vector_scale * vectors.astype(np.float32), lexical_scale * lex.astype(np.float32)]
    )


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
    vector_scale: float = 1.0

    @property
    def needs_vectors(self) -> bool:
        return self.vector_scale != 0

    def logits(self, units: Sequence[Unit], vectors: np.ndarray | None) -> np.ndarray:
        x = features(units, vectors, self.lexical_scale, self.vector_scale)
        return x @ self.W + self.b

    def predict(self, units: Sequence[Unit], vectors: np.ndarray | None) -> list[str]:
        if not units:
            return []
        return [LABELS[i] for i in np.argmax(self.logits(units, vectors), axis=1)]


def train(
    units: Sequence[Unit], vectors: np.ndarray | None, labels: Sequence[str], **params: Any
) -> Model:
    """The recipe: lexical units + their vectors + gold labels -> a Model (deterministic)."""
    p = {**DEFAULTS, **params}
    x = features(units, vectors, p["lexical_scale"], p["vector_scale"])
    y = np.array([LABELS.index(lab) for lab in labels])
    w, b = fit(x, y, p["l2"], p["steps"], p["lr"])
    return Model(w.astype(np.float32), b.astype(np.float32), p["lexical_scale"], p["vector_scale"])


@lru_cache(maxsize=1)
def _shipped() -> tuple[Model, dict[str, Any]]:
    text = resources.files("coach").joinpath(WEIGHTS).read_text("utf-8")
    data = json.loads(text)
    params = data.get("params", {})
    model = Model(
        np.asarray(data["W"], dtype=np.float32),
        np.asarray(data["b"], np.float32),
        float(params.get("lexical_scale", 1.0)),
        float(params.get("vector_scale", 1.0)),
    )
    info = {k: v for k, v in data.items() if k not in ("W", "b")}
    return model, info


def shipped_info() -> dict[str, Any]:
    """What the shipped weights say about themselves (training set fingerprint, CV figures)."""
    return dict(_shipped()[1])


def predict(units: Sequence[Unit], vectors: np.ndarray | None) -> list[str]:
    """Labels for units (MiniLM vectors one row per unit, or None), by the shipped model."""
    model = _shipped()[0]
    if model.W.shape[0] != DIM + N_LEXICAL:
        raise ValueError("the shipped classifier does not match these features: retrain it")
    return model.predict(units, vectors)


def probabilities(units: Sequence[Unit]) -> np.ndarray:
    """P(label) per unit (columns in LABELS order) by the shipped model, lexical features only
    (a vector-reading model gets zero vectors here: the lead ranker reads no embeddings)."""
    model = _shipped()[0]
    if not units:
        return np.zeros((0, len(LABELS)), np.float32)
    z = model.logits(units, None)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def needs_vectors() -> bool:
    """Whether the shipped model reads MiniLM vectors (LOGO-CV decides; see train_classifier)."""
    return _shipped()[0].needs_vectors


def relabel(units: Sequence[Unit]) -> list[Unit]:
    """The lexical units with the classifier's labels; spans and signals are kept as they are."""
    from dataclasses import replace

    from coach.embeddings import get_embedder

    if not units:
        return []
    vectors = get_embedder().embed([u.text for u in units]) if needs_vectors() else None
    return [
        replace(u, label=lab) if lab != u.label else u  # type: ignore[arg-type]
        for u, lab in zip(units, predict(units, vectors), strict=True)
    ]
