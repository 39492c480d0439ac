"""Offline batch on real updates, beside "embed every unit once", and LLM batch throughput.

Offline: N real updates (sample corpus indexed, default options: per-row metrics on) as a CSV
through `run_batch`, with 1 and 2 worker processes, each in a fresh subprocess with an empty
vector cache. The floor, measured in the same run by a subprocess of its own: the same
embedder embedding every distinct unit of those rows once, uncached, in one call. It is taken
before and after the batches; the two differ by how busy the shared machine was.

LLM (synthetic rows, loopback fake server with a fixed latency): measured rows/s beside the
ideal min(concurrency / latency, rate limit).
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

from bench.real import cycled, fresh_home, load, units_of

ROOT = Path(__file__).resolve().parent.parent
ROWS, DISTINCT = 30, 26  # 26 distinct real updates, 4 of them twice (a repeat is reused)


def _child(mode: str, src: str, out: str, home: str) -> None:
    from coach import Coach

    coach = Coach(home=home, engine="offline")
    if mode == "floor":
        with open(src, newline="") as fh:
            texts = [row["update"] for row in csv.DictReader(fh)]
        distinct = list(dict.fromkeys(u for us in units_of(texts) for u in us))
        emb = coach.retriever.embedder
        emb.embed_uncached(distinct[:4])  # the session's first run pays for allocations
        t = time.perf_counter()
        emb.embed_uncached(distinct)
        seconds = time.perf_counter() - t
    else:
        from coach.batch import Options, run_batch

        workers = int(mode.split(":")[1])
        metrics = not mode.startswith("nometrics")
        extra = {"workers": workers} if workers > 1 else {}
        coach.store  # noqa: B018 - opening the store is start-up, not batch work
        t = time.perf_counter()
        run_batch(coach, src, out, options=Options(metrics=metrics), **extra)
        seconds = time.perf_counter() - t
    cpu = sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )  # whole process incl. start-up and workers: wall time alone measures the neighbours
    print(json.dumps({"seconds": seconds, "rss_mb": _peak_rss_mb(), "cpu": cpu}))


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM is reset by exec; ru_maxrss carries the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(mode: str, src: Path, tmp: Path) -> dict[str, float]:
    home = fresh_home()
    out = tmp / f"{mode.replace(':', '-')}.csv"
    cmd = [sys.executable, "-m", "bench.batch", mode, str(src), str(out), str(home)]
    got = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if got.returncode:
        raise RuntimeError(f"bench.batch {mode} failed:\n{got.stderr[-2000:]}")
    return json.loads(got.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _offline(rows: int = ROWS, distinct: int = DISTINCT) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-batch-"))
    src = tmp / "updates.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "update"])
        w.writerows([str(i), t] for i, t in enumerate(cycled(rows, distinct)))
    first = _measure("floor:1", src, tmp)
    before = first["seconds"]
    runs = {m: _measure(m, src, tmp) for m in ("batch:1", "batch:2", "nometrics:1")}
    last = _measure("floor:1", src, tmp)
    after = last["seconds"]
    floor = (before + after) / 2
    note = f"floor before/after {before:.1f}/{after:.1f} s, {load()}"
    ref = f"embed every distinct unit once (floor, mean of {before:.1f} and {after:.1f} s)"
    out: list[dict] = []
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers"),
                        ("nometrics:1", "1 worker, --no-metrics")):  # fmt: skip
        r = runs[mode]
        out.append(
            dict(metric=f"offline batch, {rows} real rows, {label}: wall time", value=r["seconds"],
                 unit="s", reference=ref, reference_value=floor, higher_is_better=False,
                 target=1.5 if mode != "nometrics:1" else None, note=note)
        )  # fmt: skip
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers")):
        out.append(
            dict(metric=f"offline batch, {label}: throughput", value=rows / runs[mode]["seconds"],
                 unit="rows/s", reference="rows / floor time", reference_value=rows / floor,
                 higher_is_better=True)
        )  # fmt: skip
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers")):
        out.append(
            dict(metric=f"offline batch, {label}: CPU time (whole process)",
                 value=runs[mode]["cpu"], unit="s", reference="the floor process's CPU time",
                 reference_value=(first["cpu"] + last["cpu"]) / 2, higher_is_better=False)
        )  # fmt: skip
    out.append(
        dict(metric="offline batch, 1 worker: peak RSS", value=runs["batch:1"]["rss_mb"],
             unit="MB", reference="the floor process", reference_value=last["rss_mb"],
             higher_is_better=False)
    )  # fmt: skip
    return out


def _llm(rows: int, latency: float, concurrency: int, rpm: float) -> float:
    sys.path.insert(0, str(ROOT))
    from coach import Coach
    from coach.batch import Options
    from tests.fake_openai import fake_openai

    texts = [
        f"Held {i} standups and closed {i % 40} tickets in sprint {i % 30}." for i in range(rows)
    ]
    with fake_openai(latency=latency) as fake, tempfile.TemporaryDirectory() as home:
        coach = Coach(home=home, engine="llm", cache=False, rpm=rpm, **fake.settings())
        opts = Options(engine="llm", metrics=False)
        list(coach.rewrite_many(texts[:4], options=opts))
        t = time.perf_counter()
        done = list(coach.rewrite_many(texts, options=opts, concurrency=concurrency))
        seconds = time.perf_counter() - t
    assert all(d["status"] == "ok" for d in done)
    return rows / seconds


def _llm_rows() -> list[dict]:
    latency, concurrency, out = 0.2, 8, []
    for rpm in (0.0, 1200.0):
        ideal = concurrency / latency if not rpm else min(concurrency / latency, rpm / 60)
        got = _llm(200, latency, concurrency, rpm)
        limit = f", rpm {rpm:.0f}" if rpm else ", no rate limit"
        out.append(
            dict(metric=f"synthetic: LLM batch rows/s (latency {latency}s, conc. {concurrency}{limit})",
                 value=got, unit="rows/s", reference="ideal min(concurrency/latency, rate limit)",
                 reference_value=ideal, higher_is_better=True)
        )  # fmt: skip
    return out


def run() -> list[dict]:
    return [*_offline(), *_llm_rows()]


if __name__ == "__main__":
    if len(sys.argv) == 5:
        _child(*sys.argv[1:])
    else:
        for row in _offline():
            print(row)
