"""`make bench`: real-data figures, each beside its floor measured in the same run.

Each module's run() returns rows: {"metric", "value", "unit", "reference", "reference_value",
"higher_is_better", optional "target" and "note"}. The ratio printed is the figure's cost in
multiples of its reference: value/reference for times, reference/value for rates, so 1.3x
means 30% slower than the floor and a target reads "<= 1.5x". Results go to bench/results.md
(docs/benchmarks.md quotes them).

`python -m bench` runs the real-data set (a few minutes); `python -m bench synthetic` the older
synthetic benches (sentence-transformers reference venv, browser, eval); or name modules.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

REAL = ["rewrite", "batch", "paste", "startup", "ingest"]
SYNTHETIC = ["embeddings", "llm", "analysis", "eval", "page"]
HERE = Path(__file__).parent


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def _ratio(r: dict) -> float:
    ref, val = r["reference_value"], r["value"]
    if r.get("higher_is_better", False):
        return ref / val if val else float("nan")
    return val / ref if ref else float("nan")


def _verdict(r: dict) -> str:
    target = r.get("target")
    if target is None:
        return ""
    return f"target <= {target}x: {'ok' if r['ratio'] <= target else 'MISSED'}"


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="modules to run, or 'synthetic' (default: real)")
    args = parser.parse_args()
    names = args.only or REAL
    if names == ["synthetic"]:
        names = SYNTHETIC
    rows: list[dict] = []
    failed = []
    started = time.perf_counter()
    for name in names:
        print(f"== bench.{name}", flush=True)
        t0 = time.perf_counter()
        try:
            got = importlib.import_module(f"bench.{name}").run()
        except Exception:  # a broken bench must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            continue
        for r in got:
            r["bench"] = name
            r["ratio"] = _ratio(r)
            rows.append(r)
            print(
                f"  {r['metric']:<58} {_fmt(r['value']):>9} {r['unit']:<7} "
                f"= {r['ratio']:.2f}x ({r['reference']}: {_fmt(r['reference_value'])}) "
                f"{_verdict(r)}",
                flush=True,
            )
            if r.get("note"):
                print(f"      {r['note']}")
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    total = time.perf_counter() - started
    lines = [
        f"Measured by `make bench` ({' '.join(names)}) on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores (shared), Python {platform.python_version()}, {total:.0f} s. "
        "Ratio = the figure's cost in multiples of its reference, measured in the same run.",
        "",
        "| bench | metric | value | reference | ref. value | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['bench']} | {r['metric']} | {_fmt(r['value'])} {r['unit']} | {r['reference']} "
            f"| {_fmt(r['reference_value'])} {r['unit']} | {r['ratio']:.2f}x | {_verdict(r)} |"
        )
    notes = [f"- {r['bench']}: {r['note']}" for r in rows if r.get("note")]
    if notes:
        lines += ["", "Noise (same run):", *dict.fromkeys(notes)]
    out = HERE / ("results.md" if not args.only else "results-partial.md")
    out.write_text("\n".join(lines) + "\n")
    (HERE / ("results.json" if not args.only else "results-partial.json")).write_text(
        json.dumps(rows, indent=1)
    )
    print(f"wrote {out} ({total:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
