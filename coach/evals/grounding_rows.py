"""The grounding eval's shared pieces: its collections and the figures of one scored row.

coach.evals.grounding builds its report from these, and eval/grounding_replica.py (the numpy
replica that tries variants) indexes and scores by the same functions, so the two agree by
construction (`python -m eval.grounding_replica --check` asserts it). A row is one (update,
collection) pair: `scores` its ranked passages' normalised scores, `ranked` their item ids,
`gold` the update's gold item ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.evals.real import collection_name, index_strategy

SAMPLE = "sample"


def sample_corpus() -> Path:
    """The sample corpus shipped in the package: every update's unrelated strategy."""
    from coach.resources import data_path

    return data_path("corpus")


def index_collections(
    coach: Any, data_dir: Path, sample: Path | None, skipped: list[str] | None = None
) -> dict[str, str]:
    """Collection per organisation with a readable document (and the sample corpus): {org:
    collection name}. A document that fails to ingest is named in `skipped`, not fatal."""
    out: dict[str, str] = {}
    for folder in sorted(p for p in (data_dir / "strategy").iterdir() if p.is_dir()):
        name = collection_name(folder.name)  # any org name: safe, distinct
        said = index_strategy(coach, folder, name)
        if skipped is not None:
            skipped += said
        if coach.store.count(name):
            out[folder.name] = name
    if sample is not None:
        out[SAMPLE] = "strategy-sample-corpus"
        coach.ingest([sample], collection=out[SAMPLE])
    return out


def best(row: dict[str, Any]) -> float:
    """The row's best normalised score (-9 when nothing ranked)."""
    return max(row["scores"], default=-9.0)


def cites_gold(row: dict[str, Any], t: float) -> bool:
    """Whether a gold item is among the passages that clear threshold `t`."""
    return any(
        s >= t and i in row["gold"] for i, s in zip(row["ranked"], row["scores"], strict=True)
    )


def mean(xs: Sequence[bool | float]) -> float:
    """A share or an average to three places; 0.0 for nothing."""
    return round(float(np.mean(xs)), 3) if len(xs) else 0.0
