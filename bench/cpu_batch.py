"""CPU time of an offline batch beside the embed-every-unit-once floor, in one process.

`python -m bench.cpu_batch`: floor, batch (1 worker, scores on), floor again, the vector cache
emptied before each, timed with process_time. On a loaded shared machine wall time mostly
measures the neighbours; CPU time is what the batch itself costs.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from pathlib import Path

from bench.real import cycled, fresh_home, units_of


def main(rows: int = 30, distinct: int = 26) -> dict[str, tuple[float, float]]:
    os.environ["COACH_VECTOR_CACHE"] = "memory"
    from coach import Coach
    from coach.batch import run_batch

    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-cpu-"))
    src = tmp / "updates.csv"
    texts = cycled(rows, distinct)
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "update"])
        w.writerows([str(i), t] for i, t in enumerate(texts))
    coach = Coach(home=fresh_home(), engine="offline")
    coach.rewrite("warm up")
    emb = coach.retriever.embedder
    units = list(dict.fromkeys(u for us in units_of(texts) for u in us))
    out = {}
    for label in ("floor", "batch", "floor again"):
        if emb.vectors is not None:
            emb.vectors.clear()
        c, w0 = time.process_time(), time.perf_counter()
        if label.startswith("floor"):
            emb.embed_uncached(units)
        else:
            run_batch(coach, src, tmp / "out.csv")
        out[label] = (time.process_time() - c, time.perf_counter() - w0)
    return out


if __name__ == "__main__":
    got = main()
    print(json.dumps(got), "load", os.getloadavg())
    floor = (got["floor"][0] + got["floor again"][0]) / 2
    print(f"batch CPU / floor CPU = {got['batch'][0] / floor:.2f}x")
