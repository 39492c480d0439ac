"""Offline batch on real updates, beside "embed every unit once", and LLM batch throughput.

Offline: N real updates (sample corpus indexed, default options: per-row metrics on) as a CSV
through `run_batch`, with 1 and 2 worker processes, each in a fresh subprocess with an empty
vector cache. The floor, measured in the same run by a subprocess of its own: the same
embedder embedding every distinct unit of those rows once, uncached, in one call. It is taken
before and after the batches; the two differ by how busy the shared machine was.

Each figure is given in wall time and in CPU time (user+sys of the process and its worker
processes, counted around the measured call only, so start-up is left out on both sides). On a
shared 2-core machine wall time mostly measures the neighbours, so the target is read on CPU.
A second reference, "every text the design embeds once", adds to the units what this design
embeds beyond them, each once and uncached: the update's passage-sized windows (grounding's
query; the update itself only when it is one window), and each row's new rewrite sentences
(content preservation, from the 1-worker output).
The batch's ratio to it is the overhead left; the units floor's ratio to it is the design's.

LLM (synthetic rows, loopback fake server with a fixed latency): measured rows/s beside the
ideal min(concurrency / latency, rate limit).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.real import ModelClock, cycled, fresh_home, load, score_texts, units_of

ROOT = Path(__file__).resolve().parent.parent
ROWS, DISTINCT = 30, 26  # 26 distinct real updates, 4 of them twice (a repeat is reused)
THROUGHPUT_ROWS = 96  # distinct real updates: several blocks per worker, so rows/s means something


def _cpu() -> float:
    """user+sys of this process and its reaped children (batch workers) so far."""
    return sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )


def _design_texts(texts: list[str], rewritten: str) -> dict[str, list[str]]:
    """Every distinct text a batch of `texts` must embed in this design, by purpose: the units,
    grounding's query (the update's windows, or the update when it is one window), and the new
    sentences of the rewrites in `rewritten` (a batch CSV); a text is counted under the first
    purpose that needs it."""
    from coach.retrieval import query_texts
    from coach.settings import MAX_INPUT_CHARS
    from coach.text import clean_input

    units = units_of(texts)
    windows: list[str] = []
    for t in texts:
        windows += query_texts(clean_input(t, MAX_INPUT_CHARS).text)
    with open(rewritten, newline="") as fh:
        rows = list(csv.DictReader(fh))
    new = [x for us, r in zip(units, rows, strict=True) if r.get("coach_rewrite")
           for x in score_texts(us, r["coach_rewrite"])]  # fmt: skip
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for purpose, items in (("units", [u for us in units for u in us]), ("windows", windows),
                           ("new sentences", new)):  # fmt: skip
        out[purpose] = [t for t in dict.fromkeys(items) if t not in seen]
        seen.update(out[purpose])
    return out


def _pieces(embedder: Any, texts: list[str]) -> int:
    """MiniLM's word pieces for `texts` (each cut at 256, as the model reads it)."""
    return sum(len(e.ids) for e in embedder._tokenizer.encode_batch(texts)) if texts else 0


def _child(mode: str, src: str, out: str, home: str) -> None:
    from coach import Coach

    coach = Coach(home=home, engine="offline")
    models: dict[str, float] = {}
    if mode.startswith("floor") or mode.startswith("design"):
        with open(src, newline="") as fh:
            texts = [row["update"] for row in csv.DictReader(fh)]
        if mode.startswith("design"):
            groups = _design_texts(texts, out)
        else:
            groups = {"units": list(dict.fromkeys(u for us in units_of(texts) for u in us))}
        distinct = [t for g in groups.values() for t in g]
        emb = coach.retriever.embedder
        emb.embed_uncached(distinct[:4])  # the session's first run pays for allocations
        c, t = _cpu(), time.perf_counter()
        emb.embed_uncached(distinct)
        seconds, cpu = time.perf_counter() - t, _cpu() - c
        models = {"texts": len(distinct),
                  **{f"pieces {k}": _pieces(emb, g) for k, g in groups.items()},
                  **{f"texts {k}": len(g) for k, g in groups.items()}}  # fmt: skip
    else:
        from coach.batch import Options, run_batch

        workers = int(mode.split(":")[1])
        metrics = not mode.startswith("nometrics")
        extra = {"workers": workers} if workers > 1 else {}
        coach.store  # noqa: B018 - opening the store is start-up, not batch work
        clock = ModelClock().install(coach.retriever.embedder) if workers == 1 else None
        from coach import multilingual

        coach.retriever.embedder  # noqa: B018 - both models are loaded before the call in
        multilingual._encoder()  # every mode: this process's start-up, not its rows
        c, t = _cpu(), time.perf_counter()
        run_batch(coach, src, out, options=Options(metrics=metrics), **extra)
        seconds, cpu = time.perf_counter() - t, _cpu() - c  # workers are reaped by now
        if clock is not None:
            models = {"minilm": clock.minilm, "use": clock.use, "use_texts": clock.use_texts,
                      "minilm_texts": clock.minilm_texts, "pieces_run": clock.pieces_run,
                      "pieces_real": clock.pieces_real}  # fmt: skip
    print(json.dumps({"seconds": seconds, "rss_mb": _peak_rss_mb(), "cpu": cpu, **models}))


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM is reset by exec; ru_maxrss carries the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(mode: str, src: Path, tmp: Path, out: Path | None = None) -> dict[str, float]:
    home = fresh_home()
    out = out or tmp / f"{mode.replace(':', '-')}.csv"
    cmd = [sys.executable, "-m", "bench.batch", mode, str(src), str(out), str(home)]
    env = {**os.environ, "COACH_HOME": str(home)}  # the multilingual model's cache too
    got = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if got.returncode:
        raise RuntimeError(f"bench.batch {mode} failed:\n{got.stderr[-2000:]}")
    return json.loads(got.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


_WORKER = """
import os, sys
from coach import Coach
from coach.batch import blocks
coach = Coach(home=sys.argv[1], engine="offline")
blocks._start(coach.settings, coach.rules, 1, os.getppid())
blocks._COACH.rewrite(sys.argv[2])
"""


def _worker_startup() -> float:
    """CPU seconds one batch worker spends before its first row is done: a new interpreter,
    imports, its own Coach, MiniLM session, multilingual model and snapshot, on a small row."""
    home = fresh_home()
    env = {**os.environ, "COACH_HOME": str(home)}
    rows = ["Held 4 standups and fixed the billing export for 300 customers.",
            "Closed 12 tickets so that 40 clinics can book rooms online."]  # fmt: skip
    for row in rows:  # the first rebuilds the copied home's collection snapshot
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", _WORKER, str(home), row], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _csv(path: Path, texts: list[str]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "update"])
        w.writerows([str(i), t] for i, t in enumerate(texts))
    return path


def _throughput(tmp: Path, rows: int = THROUGHPUT_ROWS) -> list[dict]:
    """rows/s of 1 and 2 workers on `rows` distinct real updates (wall time, default options),
    beside the 1-worker figure: the 30-row batch is two blocks, too few to share."""
    src = _csv(tmp / "throughput.csv", cycled(rows, rows))
    got = {w: _measure(f"batch:{w}", src, tmp, out=tmp / f"throughput-{w}.csv") for w in (1, 2)}
    same = (tmp / "throughput-1.csv").read_bytes() == (tmp / "throughput-2.csv").read_bytes()
    note = (
        f"1 / 2 workers: {got[1]['seconds']:.1f} / {got[2]['seconds']:.1f} s wall, "
        f"{got[1]['cpu']:.1f} / {got[2]['cpu']:.1f} s CPU, outputs "
        f"{'byte-identical' if same else 'DIFFER'}, {load()}"
    )
    from coach.embeddings import cores

    n = cores()
    ceiling = rows / (got[1]["cpu"] / n)  # 1 worker's CPU spread over every core, no waiting
    return [
        *(dict(metric=f"offline batch, {rows} distinct real rows, {w} worker{'s' * (w > 1)}: "
               "throughput", value=rows / got[w]["seconds"], unit="rows/s",
               reference="1 worker, same rows", reference_value=rows / got[1]["seconds"],
               higher_is_better=True, note=note)
          for w in (1, 2)),
        # one worker already runs MiniLM on every core (onnxruntime's intra-op threads), so
        # what a second can add is the cores the first leaves idle: these rows say how many
        *(dict(metric=f"offline batch, {rows} distinct real rows, {w} worker{'s' * (w > 1)}: "
               "cores busy (CPU / wall)", value=got[w]["cpu"] / got[w]["seconds"],
               unit="cores", reference="the machine's cores", reference_value=float(n),
               higher_is_better=True, note=note)
          for w in (1, 2)),
        dict(metric=f"offline batch, {rows} distinct real rows, 2 workers: throughput against "
                    "the ceiling",
             value=rows / got[2]["seconds"], unit="rows/s",
             reference=f"the ceiling: 1 worker's CPU spread over {n} cores",
             reference_value=ceiling, higher_is_better=True, note=note),
    ]  # fmt: skip


def _offline(rows: int = ROWS, distinct: int = DISTINCT) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-batch-"))
    src = _csv(tmp / "updates.csv", cycled(rows, distinct))
    first = _measure("floor:1", src, tmp)
    runs = {m: _measure(m, src, tmp) for m in ("batch:1", "batch:2", "nometrics:1")}
    design = _measure("design:1", src, tmp, out=tmp / "batch-1.csv")
    last = _measure("floor:1", src, tmp)
    floor = (first["seconds"] + last["seconds"]) / 2
    floor_cpu = (first["cpu"] + last["cpu"]) / 2
    note = (
        f"floor before/after {first['seconds']:.1f}/{last['seconds']:.1f} s wall, "
        f"{first['cpu']:.2f}/{last['cpu']:.2f} s CPU, {load()}"
    )
    ref = f"embed every distinct unit once (floor, {first['texts']} texts)"
    out: list[dict] = []
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers"),
                        ("nometrics:1", "1 worker, --no-metrics")):  # fmt: skip
        r = runs[mode]
        out.append(
            dict(metric=f"offline batch, {rows} real rows, {label}: CPU time", value=r["cpu"],
                 unit="s", reference=f"{ref}, CPU", reference_value=floor_cpu,
                 higher_is_better=False, target=1.5 if mode != "nometrics:1" else None,
                 note=note)
        )  # fmt: skip
    one = runs["batch:1"]
    rest = one["cpu"] - one["minilm"] - one["use"]
    for label, value in (
        (f"MiniLM ({one['minilm_texts']:.0f} texts)", one["minilm"]),
        (f"injection classifier, multilingual USE ({one['use_texts']:.0f} texts)", one["use"]),
        ("everything but the two models", rest),
    ):
        out.append(
            dict(metric=f"offline batch, 1 worker: CPU inside {label}", value=value, unit="s",
                 reference=f"{ref}, CPU", reference_value=floor_cpu, higher_is_better=False)
        )  # fmt: skip
    out.append(
        dict(metric="offline batch, 1 worker: CPU time", value=runs["batch:1"]["cpu"], unit="s",
             reference=f"every text the design embeds once ({design['texts']} texts), CPU",
             reference_value=design["cpu"],
             higher_is_better=False)
    )  # fmt: skip
    out.append(
        dict(metric=f"every text the design embeds once ({design['texts']} texts): CPU time",
             value=design["cpu"],
             unit="s", reference=f"{ref}, CPU", reference_value=floor_cpu,
             higher_is_better=False)
    )  # fmt: skip
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers"),
                        ("nometrics:1", "1 worker, --no-metrics")):  # fmt: skip
        out.append(
            dict(metric=f"offline batch, {label}: wall time", value=runs[mode]["seconds"],
                 unit="s", reference=f"{ref}, wall", reference_value=floor,
                 higher_is_better=False)
        )  # fmt: skip
    for mode, label in (("batch:1", "1 worker"), ("batch:2", "2 workers")):
        out.append(
            dict(metric=f"offline batch, {label}: throughput", value=rows / runs[mode]["seconds"],
                 unit="rows/s", reference="rows / floor time", reference_value=rows / floor,
                 higher_is_better=True)
        )  # fmt: skip
    # What MiniLM reads in the batch, by purpose, in word pieces (its CPU follows them:
    # docs/benchmarks.md, tenth round): the batch against every text the design embeds once
    # says whether anything is embedded twice or for nothing
    units = first["pieces units"]
    pref = f"the units' word pieces (floor, {first['texts']} texts)"
    for label, value in (
        (
            f"MiniLM word pieces run in the batch ({one['minilm_texts']:.0f} texts, batches padded)",
            one["pieces_run"],
        ),
        ("MiniLM word pieces in the batch, unpadded", one["pieces_real"]),
        (
            f"every text the design embeds once ({design['texts']} texts): word pieces",
            sum(v for k, v in design.items() if k.startswith("pieces ")),
        ),
        *(
            (f"of which {k} ({design[f'texts {k}']:.0f} texts): word pieces", design[f"pieces {k}"])
            for k in ("windows", "new sentences")
        ),
    ):
        out.append(
            dict(
                metric=f"offline batch: {label}",
                value=value,
                unit="pieces",
                reference=pref,
                reference_value=units,
                higher_is_better=False,
            )
        )
    start = _worker_startup()
    extra = runs["batch:2"]["cpu"] - runs["batch:1"]["cpu"]
    out.append(
        dict(metric="offline batch: CPU of 2 workers above 1 worker", value=extra, unit="s",
             reference="one spawned worker's start-up, CPU (this process is the other worker)",
             reference_value=start,
             higher_is_better=False)
    )  # fmt: skip
    out.append(
        dict(metric="offline batch, 1 worker: peak RSS", value=runs["batch:1"]["rss_mb"],
             unit="MB", reference="the floor process", reference_value=last["rss_mb"],
             higher_is_better=False)
    )  # fmt: skip
    return out + _throughput(tmp)


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
