"""Real-data fixtures for the bench: the real-updates dev set and a home with the sample corpus.

The updates come from ../shared/datasets/real-updates/updates.jsonl relative to the repo root
(COACH_REAL_DATA overrides the folder), cycled when a bench needs more rows than the set has.
One home is indexed once per bench run and copied for each measurement, so no measurement pays
for ingest and each starts with an empty vector cache.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def data_dir() -> Path:
    return Path(os.environ.get("COACH_REAL_DATA") or ROOT.parent / "shared/datasets/real-updates")


@lru_cache(maxsize=1)
def updates() -> tuple[str, ...]:
    path = data_dir() / "updates.jsonl"
    if not path.is_file():
        raise RuntimeError(f"the real-updates dev set is not at {path}: set COACH_REAL_DATA")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return tuple(r["text"] for r in rows)


def cycled(n: int, distinct: int | None = None) -> list[str]:
    """n rows: the first `distinct` real updates (all by default), repeated in order."""
    pool = updates()[: distinct or None]
    return [pool[i % len(pool)] for i in range(n)]


@lru_cache(maxsize=1)
def indexed_home() -> Path:
    """A home with the sample corpus indexed (built once per bench process)."""
    from coach import Coach

    home = Path(tempfile.mkdtemp(prefix="coach-bench-home-"))
    Coach(home=home, engine="offline").ingest([CORPUS])
    return home


def fresh_home() -> Path:
    """A copy of the indexed home with no vector cache: every measurement starts cold."""
    src = indexed_home()
    dst = Path(tempfile.mkdtemp(prefix="coach-bench-run-")) / "home"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("vectors-*"))
    return dst


def units_of(texts: list[str]) -> list[list[str]]:
    """The units a rewrite embeds, per update: the same cleaning, quarantine and segmentation
    as Coach.rewrite, so the floor embeds exactly the texts the rewrite needs."""
    from coach.analysis import analyze
    from coach.injection import quarantine
    from coach.settings import MAX_INPUT_CHARS
    from coach.text import clean_input

    out = []
    for t in texts:
        data = quarantine(clean_input(t, MAX_INPUT_CHARS).text).text
        out.append([u.text for u in analyze(data).units] or [data])
    return out


def load() -> str:
    """Load average now, to say how busy the shared machine was during a measurement."""
    try:
        return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())
    except OSError:
        return "load ?"
