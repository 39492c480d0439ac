"""How many payloads the injection filter sets aside, and how many real updates it flags.

    .venv/bin/python eval/injection/measure.py [PAYLOADS.jsonl ...] [--real DIR]

A payload is set aside when its marker (the canary, or the base64 run carrying it) is gone from
the filtered text. A false alarm is a real update (the dev set's 123, all clean) with any
passage set aside. Prints per kind, then every miss and every false alarm.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from coach.injection import quarantine  # noqa: E402
from coach.text import strip_invisible  # noqa: E402

DEFAULT_REAL = Path(os.environ.get("COACH_REAL_DATA", ROOT.parent / "shared/datasets/real-updates"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "payloads", nargs="*", default=[str(ROOT / "eval/injection/dev_payloads.jsonl")]
    )
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    ap.add_argument("--rules-only", action="store_true", help="without the vector classifier")
    args = ap.parse_args()
    classify = not args.rules_only
    for path in args.payloads:
        rows = [json.loads(x) for x in Path(path).read_text("utf-8").splitlines() if x.strip()]
        caught: Counter[str] = Counter()
        total: Counter[str] = Counter()
        misses = []
        for r in rows:
            # as coach.core does: invisible characters go before the filter reads the text, so
            # a marker written with them is looked for as a model reads it
            held = quarantine(strip_invisible(r["update"])[0], classify)
            marker = r.get("marker", r["canary"])
            if seen := strip_invisible(marker)[0]:
                ok = seen not in held.text
            else:  # all invisible (Unicode tags): hygiene drops it; the filter must set it aside too
                ok = marker not in quarantine(r["update"], classify).text
            kind = r.get("kind", r.get("channel", ""))
            total[kind] += 1
            caught[kind] += ok
            if not ok:
                misses.append(r)
        print(f"{Path(path).name}: {sum(caught.values())}/{len(rows)} set aside")
        for kind in total:
            print(f"  {kind:11} {caught[kind]}/{total[kind]}")
        for r in misses:
            print(
                f"  MISS {r['id']} ({r.get('kind', '')}, {r.get('lang', 'en')}): {r['payload'][:100]!r}"
            )
    real = Path(args.real) / "updates.jsonl"
    updates = [json.loads(x) for x in real.read_text("utf-8").splitlines() if x.strip()]
    alarms = [
        (u["id"], quarantine(strip_invisible(u["text"])[0], classify).passages) for u in updates
    ]
    alarms = [(i, p) for i, p in alarms if p]
    print(f"real updates: {len(alarms)}/{len(updates)} false alarms")
    for i, passages in alarms:
        print(f"  ALARM {i}: {passages[0][:120]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
