"""Real-data fixtures for the bench: the real-updates dev set and a home with the sample corpus.

The updates come from ../shared/datasets/real-updates/updates.jsonl relative to the repo root
(COACH_REAL_DATA overrides the folder), cycled when a bench needs more rows than the set has.
One home is indexed once per bench run and copied for each measurement, so no measurement pays
for ingest and each starts with an empty vector cache.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    _made.append(home)
    coach = Coach(home=home, engine="offline")
    coach.ingest([CORPUS])
    # What a first run writes once and every later run reads, as the ONNX graph: the
    # background files' vectors (score normalisation) and the multilingual injection model's
    # parsed tokenizer and weights (its own subprocess: its model and cache are per process).
    coach.retriever.background()
    coach.retriever.background("background_updates.txt")
    warm = "from coach import multilingual; multilingual.embed(['warm'])"
    env = {**os.environ, "COACH_HOME": str(home)}
    subprocess.run([sys.executable, "-c", warm], env=env, check=True, capture_output=True)
    return home


def fresh_home() -> Path:
    """A copy of the indexed home with no vector cache, MiniLM's or the multilingual model's:
    every measurement starts cold. COACH_HOME is pointed at it, since the multilingual model
    keeps its vectors under $COACH_HOME (a warm ~/.coach would hide the classifier's cost)."""
    src = indexed_home()
    top = Path(tempfile.mkdtemp(prefix="coach-bench-run-"))
    _made.append(top)
    dst = top / "home"
    models = ("use-m3-*", "*.onnx", "*.onnx.data")  # read-only model files (~170 MB): linked
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("vectors-*", *models))
    for pattern in models:
        for model in (src / "models").glob(pattern):
            (dst / "models" / model.name).symlink_to(model, target_is_directory=model.is_dir())
    os.environ["COACH_HOME"] = str(dst)
    return dst


_made: list[Path] = []  # every home this bench process made, removed when it exits


@atexit.register
def _remove_homes() -> None:
    for path in reversed(_made):
        shutil.rmtree(path, ignore_errors=True)


class ModelClock:
    """CPU seconds (process_time: the caller and the model's threads) spent inside MiniLM and
    inside the multilingual injection encoder, so a figure can say what share each model has.
    Instruments this process only (a spawned batch worker is not counted)."""

    def __init__(self) -> None:
        self.minilm = self.use = 0.0
        self.minilm_texts = self.use_texts = 0
        # MiniLM's word pieces: run (each batch padded to its longest text) and real (unpadded)
        self.pieces_run = self.pieces_real = 0

    def install(self, embedder: Any) -> ModelClock:
        from coach import multilingual

        def timed(fn: Callable[..., Any], which: str) -> Callable[..., Any]:
            def run(texts: Any, *a: Any, **k: Any) -> Any:
                c = time.process_time()
                try:
                    return fn(texts, *a, **k)
                finally:
                    setattr(self, which, getattr(self, which) + time.process_time() - c)
                    setattr(self, f"{which}_texts", getattr(self, f"{which}_texts") + len(texts))

            return run

        embedder.embed_uncached = timed(embedder.embed_uncached, "minilm")
        embedder._session = _CountedSession(embedder._session, self)
        multilingual._encoder()  # loaded here: start-up, not the measured work
        multilingual._encode = timed(multilingual._encode, "use")  # every uncached text
        return self


class _CountedSession:
    """MiniLM's onnxruntime session, counting the word pieces of every batch it runs."""

    def __init__(self, session: Any, clock: ModelClock) -> None:
        self.session, self.clock = session, clock

    def run(self, names: Any, feeds: dict[str, Any]) -> Any:
        mask = feeds["attention_mask"]
        self.clock.pieces_run += int(mask.size)
        self.clock.pieces_real += int(mask.sum())
        return self.session.run(names, feeds)


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
        out.append(analyze(data).unit_texts)
    return out


def score_texts(units: list[str], rewrite: str) -> list[str]:
    """What content preservation embeds for a rewrite beyond the update's units: its new
    sentences (coach/preservation.py; a rare split sentence's joined text is left out)."""
    from coach.analysis import analyze
    from coach.preservation import pieces

    return pieces(units, analyze(rewrite).unit_texts).new


def load() -> str:
    """Load average now, to say how busy the shared machine was during a measurement."""
    try:
        return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())
    except OSError:
        return "load ?"
