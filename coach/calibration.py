"""The grounding thresholds and the background texts the calibrated score is measured against.

Data, not code: the thresholds live in coach/data/grounding.json (written by
`python -m coach.evals.grounding --calibrate`, precision first, see docs/grounding.md); the
background is generic status-update sentences (background.txt) and unrelated updates from
made-up organisations (background_updates.txt). coach.retrieval reads both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Calibration", "background_texts", "calibration"]


@dataclass(frozen=True)
class Calibration:
    """Thresholds on the normalised score, and how many background neighbours it averages."""

    threshold: float  # an update earns a citation at or above this
    unit_threshold: float  # a unit of work maps to a passage at or above this
    background_top: int = 10
    # how much of the query's background closeness the score subtracts: the slope of the
    # background updates' best score on their closeness, fitted by `--calibrate` (never typed in)
    query_weight: float = 1.0


@cache
def calibration() -> Calibration:
    """coach/data/grounding.json, written by `python -m coach.evals.grounding --calibrate`."""
    raw = json.loads(resources.files("coach").joinpath("data/grounding.json").read_text("utf-8"))
    return Calibration(
        float(raw["threshold"]),
        float(raw["unit_threshold"]),
        int(raw.get("background_top", 10)),
        float(raw.get("query_weight", 1.0)),
    )


@cache
def background_texts(name: str = "background.txt") -> tuple[str, ...]:
    """Background sentences (background.txt) or unrelated updates (background_updates.txt)."""
    text = resources.files("coach").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(t for t in text.splitlines() if t.strip() and not t.startswith("#"))
