"""Batch: offline wall time and peak memory at 1,000 and 10,000 rows, and LLM throughput.

Offline reference, same run: the plain sequential `for row in rows: coach.rewrite(row)` loop
writing a CSV with csv.writer and keeping nothing else, i.e. the least a batch can cost. Each
measurement runs in a fresh subprocess so its peak RSS (getrusage) is its own. No corpus is
indexed and per-row metrics are off (`--no-metrics`): this measures the batch machinery
(streaming, journal, output) around the rewrite pipeline, not retrieval.

LLM reference: the ideal throughput min(concurrency / latency, rate limit) against the loopback
fake server with a fixed latency; the figure is the measured rows/s.
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _updates(n: int) -> list[str]:
    verbs = ["Held", "Closed", "Migrated", "Configured", "Reviewed"]
    return [
        f"{verbs[i % 5]} {i} items for team {i % 17} in sprint {i % 30}. "
        f"Patients waited {i % 9 + 1} minutes less on {i % 28 + 1} March."
        for i in range(n)
    ]


def _child(mode: str, src: str, out: str, home: str) -> None:
    from coach import Coach
    from coach.batch import Options, run_batch

    coach = Coach(home=home, engine="offline")
    t = time.perf_counter()
    if mode == "batch":
        run_batch(coach, src, out, options=Options(metrics=False))
    else:  # the reference: a plain loop, csv in and out
        with open(src, newline="") as fi, open(out, "w", newline="") as fo:
            reader, writer = csv.reader(fi), csv.writer(fo)
            writer.writerow([*next(reader), "rewrite"])
            for row in reader:
                writer.writerow([*row, coach.rewrite(row[1]).text])
    seconds = time.perf_counter() - t
    rss_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb}))


def _peak_rss_mb() -> float:
    """This process's own peak RSS. Linux's ru_maxrss carries the parent's high-water mark over
    fork and exec, so a child forked from a large bench process reports the parent's figure;
    VmHWM in /proc is reset by exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(mode: str, n: int, tmp: Path) -> dict[str, float]:
    src = tmp / f"in{n}.csv"
    if not src.exists():
        with src.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "update"])
            w.writerows([str(i), t] for i, t in enumerate(_updates(n)))
    out = tmp / f"{mode}{n}.csv"
    cmd = [sys.executable, "-m", "bench.batch", mode, str(src), str(out), str(tmp / "home")]
    got = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(got.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _llm(rows: int, latency: float, concurrency: int, rpm: float) -> float:
    sys.path.insert(0, str(ROOT))
    from coach import Coach
    from coach.batch import Options
    from tests.fake_openai import fake_openai

    with fake_openai(latency=latency) as fake, tempfile.TemporaryDirectory() as home:
        coach = Coach(home=home, engine="llm", cache=False, rpm=rpm, **fake.settings())
        texts = _updates(rows)
        list(coach.rewrite_many(texts[:4], options=Options(engine="llm", metrics=False)))
        t = time.perf_counter()
        done = list(
            coach.rewrite_many(
                texts, options=Options(engine="llm", metrics=False), concurrency=concurrency
            )
        )
        seconds = time.perf_counter() - t
    assert all(d["status"] == "ok" for d in done)
    return rows / seconds


def run() -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-batch-"))
    _measure("loop", 10, tmp)  # builds the shared ONNX cache first, outside every measurement
    m = {(mode, n): _measure(mode, n, tmp) for n in (1000, 10000) for mode in ("batch", "loop")}
    ref = "plain loop: coach.rewrite + csv.writer"
    rows: list[dict] = []
    for n in (1000, 10000):
        b, r = m[("batch", n)], m[("loop", n)]
        rows.append(
            dict(metric=f"offline batch, {n:,} rows: wall time", value=b["seconds"], unit="s",
                 reference=ref, reference_value=r["seconds"], higher_is_better=False)
        )  # fmt: skip
        rows.append(
            dict(metric=f"offline batch, {n:,} rows: peak RSS", value=b["rss_mb"], unit="MB",
                 reference=ref, reference_value=r["rss_mb"], higher_is_better=False)
        )  # fmt: skip

    def per_row_growth(mode: str) -> float:
        return (m[(mode, 10000)]["seconds"] / 10000) / (m[(mode, 1000)]["seconds"] / 1000)

    rows.append(
        dict(metric="offline batch: per-row cost 10k / 1k", value=per_row_growth("batch"),
             unit="x", reference=ref, reference_value=per_row_growth("loop"),
             higher_is_better=False)
    )  # fmt: skip
    rows.append(
        dict(metric="offline batch: peak RSS growth 1k -> 10k",
             value=m[("batch", 10000)]["rss_mb"] - m[("batch", 1000)]["rss_mb"], unit="MB",
             reference=ref,
             reference_value=m[("loop", 10000)]["rss_mb"] - m[("loop", 1000)]["rss_mb"],
             higher_is_better=False)
    )  # fmt: skip
    latency, concurrency = 0.2, 8
    for rpm in (0.0, 1200.0):
        ideal = concurrency / latency if not rpm else min(concurrency / latency, rpm / 60)
        got = _llm(200, latency, concurrency, rpm)
        limit = f", rpm {rpm:.0f}" if rpm else ", no rate limit"
        rows.append(
            dict(metric=f"LLM batch throughput (latency {latency}s, concurrency {concurrency}{limit})",
                 value=got, unit="rows/s", reference="ideal min(concurrency/latency, rate limit)",
                 reference_value=ideal, higher_is_better=True)
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5:
        _child(*sys.argv[1:])
    else:
        for row in run():
            print(row)
