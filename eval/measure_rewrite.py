"""Measure the offline rewrite on eval/cases.jsonl: process talk before/after, content kept, facts.

Usage: .venv/bin/python eval/measure_rewrite.py [--show c001,c002]
Indexes the sample corpus into a temporary home, rewrites every case with the offline engine and
prints the means the README reports (process density, flagged spans, content cosine, fact fails).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from coach import Coach, analyze  # noqa: E402
from coach.embeddings import get_embedder  # noqa: E402

PROCESS_CATS = {"tool", "ceremony", "artifact", "activity", "methodology", "effort", "filler"}


def flagged(text: str) -> int:
    """Process-talk spans in a text (what the page highlights)."""
    return sum(1 for s in analyze(text).spans if s.category in PROCESS_CATS)


def _share(a: object) -> float:
    """Process units as a share of all units (questions and asks count in the denominator)."""
    units = a.units  # type: ignore[attr-defined]
    return sum(u.label == "process" for u in units) / len(units) if units else 0.0


def measure(coach: Coach, cases: list[dict]) -> tuple[dict, list[dict]]:
    rows = []
    for case in cases:
        r = coach.rewrite(case["update"], audience=case.get("audience", "executive"))
        after = analyze(r.text)
        low = r.text.lower()
        rows.append(
            {
                "id": case["id"],
                "density_in": r.analysis.process_density,
                "density_out": after.process_density,
                "share_in": _share(r.analysis),
                "share_out": _share(after),
                "spans_in": flagged(case["update"]),
                "spans_out": flagged(r.text),
                "facts_ok": r.facts.ok and all(f.lower() in low for f in case.get("facts", [])),
                "text": r.text,
                "update": case["update"],
            }
        )
    vecs = get_embedder().embed([x["update"] for x in rows] + [x["text"] for x in rows])
    n = len(rows)
    for i, row in enumerate(rows):
        row["cosine"] = float(np.dot(vecs[i], vecs[n + i]))
    mean = statistics.fmean
    summary = {
        "cases": n,
        "process_density_in": mean(x["density_in"] for x in rows),
        "process_density_out": mean(x["density_out"] for x in rows),
        "process_share_in": mean(x["share_in"] for x in rows),
        "process_share_out": mean(x["share_out"] for x in rows),
        "flagged_spans_in": mean(x["spans_in"] for x in rows),
        "flagged_spans_out": mean(x["spans_out"] for x in rows),
        "content_cosine_mean": mean(x["cosine"] for x in rows),
        "content_cosine_min": min(x["cosine"] for x in rows),
        "fact_failures": sum(not x["facts_ok"] for x in rows),
    }
    return summary, rows


def load_cases() -> list[dict]:
    path = ROOT / "eval" / "cases.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", default="", help="comma-separated case ids to print")
    args = ap.parse_args()
    coach = Coach(home=Path(tempfile.mkdtemp(prefix="coach-measure-")), engine="offline")
    coach.ingest([ROOT / "corpus"])
    summary, rows = measure(coach, load_cases())
    for k, v in summary.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    for row in rows:
        if row["id"] in args.show.split(","):
            print(
                f"\n--- {row['id']} (cosine {row['cosine']:.3f})\n{row['update']}\n>>>\n{row['text']}"
            )


if __name__ == "__main__":
    main()
