"""Does the coach's quality survive a change of surface? The dev set through each transform.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.surface [--data DIR] [--only NAME,...]

Each meaning-preserving transform of coach/evals/surface.py (hard-wrap at 72 columns, "*" and
"1)" bullets, HTML from a CMS, Setext and bold-line headings, smart and straight quotes, CRLF, a
"Subject:" line and a signature) is applied to every update, checked to keep every number, link
and curated fact, and the offline rewrite is scored as `coach eval real` scores it. Prints a
table (a row per surface, each figure with its delta from the original) and what moved the
wrong way. About 40 s a surface on the 123-update set on 2 cores (~8 minutes for all 11).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from coach.errors import CoachError
from coach.evals.real import load_real
from coach.evals.surface import TRANSFORMS
from coach.evals.surface_run import measure, table, worse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="a real-updates directory (default: the dev set)")
    ap.add_argument("--only", default="", help="comma-separated transform names (default: all)")
    ap.add_argument("--json", default=None, help="write the figures and rows here")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in TRANSFORMS]
    if unknown:
        print(
            f"surface: unknown transform {unknown[0]!r} (known: {', '.join(TRANSFORMS)})",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    try:
        ds = load_real(args.data)
        chosen = {n: TRANSFORMS[n] for n in names} if names else None

        def progress(stage: str, n: int, total: int) -> None:
            if n % 41 == 0:
                print(f"  {stage}: {n}/{total}")

        results = measure(ds, chosen, progress=progress)
    except CoachError as e:  # no dataset, a bad row, a transform that changes facts
        print(f"surface: {e}", file=sys.stderr)
        return 2
    print(table(results))
    print()
    for line in worse(results) or ["nothing moved the wrong way"]:
        print(f"- {line}")
    print(
        f"\n{len(ds.updates)} updates x {len(results)} surfaces in {time.perf_counter() - started:.0f} s"
    )
    if args.json:  # the figures, and per update what a reader would look at when one moves
        keep = ("id", "lead_key", "garbles", "markup", "facts_missing", "invented_facts")
        dump = {
            k: {"summary": v["summary"], "rows": [{f: r.get(f) for f in keep} for r in v["rows"]]}
            for k, v in results.items()
        }
        Path(args.json).write_text(json.dumps(dump, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
