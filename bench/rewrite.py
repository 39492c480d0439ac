"""Offline rewrite latency on real updates, beside one embedding call of the same update.

Each of the first N real updates (sample corpus indexed) is rewritten once, in a process that
has never seen it, and right before it the same embedder embeds that update's units in one
uncached call: the floor of this design (a rewrite must embed each unit once). Measuring the
two back to back, update by update, keeps the ratio honest on a shared machine; the spread of
the per-update ratios says how noisy the run was.
"""

from __future__ import annotations

import statistics
import time

from bench.common import percentiles
from bench.real import fresh_home, load, units_of, updates

N = 40


def run(n: int = N) -> list[dict]:
    from coach import Coach

    texts = list(updates())
    measured, warmup = texts[:n], texts[-3:]
    coach = Coach(home=fresh_home(), engine="offline")
    for t in warmup:
        coach.rewrite(t)
    emb = coach.retriever.embedder
    units = units_of(measured)
    ours, floor, whole, ratios = [], [], [], []
    for text, us in zip(measured, units, strict=True):
        t0 = time.perf_counter()
        emb.embed_uncached(us)
        t1 = time.perf_counter()
        emb.embed_uncached([text])
        t2 = time.perf_counter()
        coach.rewrite(text)
        t3 = time.perf_counter()
        floor.append((t1 - t0) * 1000)
        whole.append((t2 - t1) * 1000)
        ours.append((t3 - t2) * 1000)
        ratios.append((t3 - t2) / (t1 - t0))
    p50, p95 = percentiles(ours)
    f50, f95 = percentiles(floor)
    w50, _ = percentiles(whole)
    q = statistics.quantiles(ratios, n=4)
    note = f"per-update ratio IQR {q[0]:.2f}-{q[2]:.2f}, {load()}"
    ref = "one uncached embedding call of the same update's units"
    return [
        dict(metric=f"offline rewrite p50 ({n} real updates, corpus indexed)", value=p50,
             unit="ms", reference=ref, reference_value=f50, higher_is_better=False,
             target=3.0, note=note),
        dict(metric=f"offline rewrite p95 ({n} real updates)", value=p95, unit="ms",
             reference=ref + " (p95)", reference_value=f95, higher_is_better=False, note=note),
        dict(metric="offline rewrite, median per-update ratio", value=statistics.median(ratios),
             unit="x", reference="1 (the floor)", reference_value=1.0, higher_is_better=False,
             note=note),
        dict(metric="offline rewrite p50 vs embedding the whole update as one text",
             value=p50, unit="ms", reference="one uncached call on the update text (p50)",
             reference_value=w50, higher_is_better=False),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(row)
