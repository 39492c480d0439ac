"""Ingest beside embedding its chunks, and retrieval beside embedding its query, on real text.

Ingest: the real-updates dev set's strategy documents (Rust, OpenSSF,
NRW) into a fresh home, in a subprocess with an empty vector cache. Floor, same subprocess: the
same embedder embedding every chunk's text once, uncached, in one call (the chunks come from the
same loaders). Retrieval: `Coach.retrieve` of real updates (k=3) beside one uncached embedding
call of the same text, query by query.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.real import ROOT, data_dir, fresh_home, load, updates


def _child(home: str) -> None:
    from coach import Coach
    from coach.ingest import iter_files, load_file

    roots = [data_dir() / "strategy"]
    coach = Coach(home=home, engine="offline")
    emb = coach.retriever.embedder
    chunks = [c for p, r in iter_files(roots) for c in load_file(p, r)]
    texts = [c.embed_text for c in chunks]
    emb.embed_uncached(texts[:4])
    t = time.perf_counter()
    emb.embed_uncached(texts)
    floor = time.perf_counter() - t
    t = time.perf_counter()
    stats = coach.ingest(roots)
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "floor": floor, "chunks": stats["added"]}))


def run(queries: int = 30) -> list[dict]:
    home = Path(tempfile.mkdtemp(prefix="coach-bench-ingest-")) / "home"
    models = fresh_home() / "models"  # the built graph, so no build is timed
    home.mkdir(parents=True)
    (home / "models").symlink_to(models)
    cmd = [sys.executable, "-m", "bench.ingest", str(home)]
    got = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if got.returncode:
        raise RuntimeError(got.stderr[-2000:])
    m = json.loads(got.stdout.strip().splitlines()[-1])

    from coach import Coach

    coach = Coach(home=fresh_home(), engine="offline")
    emb = coach.retriever.embedder
    texts = list(updates())[:queries]
    coach.retrieve("warm up")
    ours, floor = [], []
    for text in texts:
        t0 = time.perf_counter()
        emb.embed_uncached([text])
        t1 = time.perf_counter()
        coach.retrieve(text, k=3)
        t2 = time.perf_counter()
        floor.append((t1 - t0) * 1000)
        ours.append((t2 - t1) * 1000)
    note = load()
    return [
        dict(metric=f"ingest {m['chunks']:,} chunks (the 3 real strategies of the dev set)",
             value=m["seconds"], unit="s", reference="embed every chunk once, uncached",
             reference_value=m["floor"], higher_is_better=False, note=note),
        dict(metric=f"retrieve p50 ({queries} real updates as queries, k=3)",
             value=statistics.median(ours), unit="ms",
             reference="one uncached embedding call of the query",
             reference_value=statistics.median(floor), higher_is_better=False),
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 2:
        _child(sys.argv[1])
    else:
        for row in run():
            print(row)
