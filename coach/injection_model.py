"""A language-independent injection signal: logistic regression on the MiniLM line vectors.

The rules in coach.injection read words; a payload in a language or phrasing they do not
spell ("olvida lo anterior", a polite passive, a pirate persona) slips past them. This scores
each line's sentence vector with weights trained by eval/injection/train_model.py (shipped
as coach/data/injection_model.json) and flags lines above a threshold chosen for 0 false
alarms on clean units of organisations held out of training. Vectors come from the caller's
embedder, whose cache is keyed by text, so lines that are also analysis units embed once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

Embed = Callable[[Sequence[str]], Any]
_MIN_CHARS = 12  # shorter lines (headings, dates) carry no order worth a vector


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float, float]:
    raw = resources.files("coach").joinpath("data/injection_model.json").read_text("utf-8")
    data = json.loads(raw)
    return (
        np.asarray(data["weights"], dtype=np.float32),
        float(data["bias"]),
        float(data["threshold"]),
    )


def line_spans(text: str, embed: Embed) -> list[tuple[int, int]]:
    """(start, end) of each line whose vector scores as an order to a model."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= _MIN_CHARS:
            lines.append((s, e))
    if not lines:
        return []
    w, b, threshold = _model()
    vectors = np.asarray(embed([text[s:e] for s, e in lines]), dtype=np.float32)
    scores = 1 / (1 + np.exp(-(vectors @ w + b)))
    return [span for span, p in zip(lines, scores, strict=True) if p >= threshold]
