"""`make bench`: run every bench module's run(), print each figure beside its reference.

Each module returns rows: {"metric", "value", "unit", "reference", "reference_value",
"higher_is_better"}. The ratio is value/reference for higher-is-better figures and
reference/value otherwise, so a ratio above 1 always means coach is ahead of the reference.
Results also go to bench/results.md (pasted into the README).
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

MODULES = ["embeddings", "rewrite", "llm", "batch", "ingest", "page", "analysis", "eval"]
HERE = Path(__file__).parent


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="bench modules to run (default: all)")
    args = parser.parse_args()
    names = args.only or MODULES
    rows: list[dict] = []
    failed = []
    for name in names:
        print(f"== bench.{name}", flush=True)
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f"bench.{name}")
            got = mod.run()
        except Exception:  # a broken bench must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            continue
        for r in got:
            r["bench"] = name
            ref, val = r["reference_value"], r["value"]
            if r.get("higher_is_better", True):
                r["ratio"] = val / ref if ref else float("nan")
            else:
                r["ratio"] = ref / val if val else float("nan")
            rows.append(r)
            print(
                f"  {r['metric']:<48} {_fmt(val):>10} {r['unit']:<12} "
                f"ref {_fmt(ref):>10} ({r['reference']})  ratio {r['ratio']:.2f}",
                flush=True,
            )
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    lines = [
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Ratio > 1 means coach is ahead of the reference.",
        "",
        "| bench | metric | coach | reference | ref. value | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['bench']} | {r['metric']} | {_fmt(r['value'])} {r['unit']} | {r['reference']} "
            f"| {_fmt(r['reference_value'])} {r['unit']} | {r['ratio']:.2f} |"
        )
    out = HERE / ("results.md" if not args.only else "results-partial.md")
    out.write_text("\n".join(lines) + "\n")
    (HERE / "results.json").write_text(json.dumps(rows, indent=1))
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
