"""A language-independent injection signal: logistic regression on the MiniLM unit vectors.

The rules in coach.injection read words; a payload in a language or phrasing they do not
spell ("olvida lo anterior", a polite passive, a pirate persona) slips past them. This scores
each unit's sentence vector with weights trained by eval/injection/train_model.py (shipped
as coach/data/injection_model.json) and flags units above a threshold chosen for 0 false
alarms on clean units of organisations held out of training.

What is scored is each unit (sentence or bullet, coach.segment) of the text, the same pieces
the model was trained and thresholded on, and the very texts the analysis embeds next: vectors
come from the caller's embedder, whose cache is keyed by text, so they cost nothing more than
the unit vectors the rewrite needs anyway. (Scoring hard-wrapped lines embedded a second set
of texts, as many tokens as the units themselves, for no more payloads caught: docs/benchmarks.md.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

Embed = Callable[[Sequence[str]], Any]
_MIN_CHARS = 12  # shorter units (dates, labels) carry no order worth a vector


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
    """(start, end) of each unit of `text` whose vector scores as an order to a model."""
    from coach.segment import segment

    pieces = [(g.start, g.end) for g in segment(text) if g.end - g.start >= _MIN_CHARS]
    if not pieces:
        return []
    w, b, threshold = _model()
    vectors = np.asarray(embed([text[s:e] for s, e in pieces]), dtype=np.float32)
    scores = 1 / (1 + np.exp(-(vectors @ w + b)))
    return [span for span, p in zip(pieces, scores, strict=True) if p >= threshold]
