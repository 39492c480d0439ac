"""Measure retrieval on eval/retrieval.jsonl: hit@1 and hit@3 of the gold pillar, per mode.

A query hits at k when one of its top-k passages carries the gold pillar or one listed in "also".
It also chooses the "unmapped work" threshold: the alignment score that best separates the
labelled status items (each serves a pillar) from the units labelled "other" in eval/units.jsonl
(greetings, scheduling, thanks), by balanced accuracy.

    .venv/bin/python eval/measure_retrieval.py [--home DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach import Coach  # noqa: E402
from coach.retrieval import Retriever  # noqa: E402

MODES = ("dense", "lexical", "hybrid")


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / "eval" / name).open() if line.strip()]


def hits(coach: Coach, queries: list[dict], mode: str) -> dict[str, float]:
    retriever = Retriever(coach.store, mode=mode)  # type: ignore[arg-type]
    at1 = at3 = 0
    by_style: dict[str, list[int]] = {}
    for q in queries:
        gold = {q["gold_pillar"], *q.get("also", [])}
        top = [c.pillar for c in retriever.retrieve(q["query"], 3, coach.settings.collection)]
        h1, h3 = int(top[:1] != [] and top[0] in gold), int(any(p in gold for p in top))
        at1 += h1
        at3 += h3
        by_style.setdefault(q["style"], []).append(h1)
    n = len(queries)
    out = {"hit@1": at1 / n, "hit@3": at3 / n}
    out.update({f"hit@1 {s}": sum(v) / len(v) for s, v in sorted(by_style.items())})
    return out


def threshold(coach: Coach, queries: list[dict], mode: str) -> dict[str, float]:
    """The alignment score that best separates mapped items from "other" units."""
    retriever = Retriever(coach.store, mode=mode)  # type: ignore[arg-type]
    name = coach.settings.collection
    others = [u["text"] for u in load("units.jsonl") if u["label"] == "other"]
    pos = np.array([a.score for a in retriever.align([q["query"] for q in queries], name, -1.0)])
    neg = np.array([a.score for a in retriever.align(others, name, -1.0)])
    best = (0.0, 0.0)
    for t in np.arange(0.05, 0.60, 0.005):
        bal = ((pos >= t).mean() + (neg < t).mean()) / 2
        if bal > best[0] + 1e-9:
            best = (float(bal), float(t))
    t = round(best[1], 3)
    return {
        "threshold": t,
        "balanced_accuracy": best[0],
        "items_mapped": float((pos >= t).mean()),
        "other_unmapped": float((neg < t).mean()),
        "n_items": float(len(pos)),
        "n_other": float(len(neg)),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "coach-eval-home"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    coach = Coach(home=args.home, engine="offline", collection="eval-corpus")
    coach.ingest([ROOT / "corpus"], prune=True)
    queries = load("retrieval.jsonl")
    report = {m: hits(coach, queries, m) for m in MODES}
    report["unmapped"] = threshold(coach, queries, "hybrid")
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{len(queries)} queries, collection of {coach.store.count('eval-corpus')} chunks")
    print("| mode | hit@1 | hit@3 |\n|---|---|---|")
    for m in MODES:
        print(f"| {m} | {report[m]['hit@1']:.3f} | {report[m]['hit@3']:.3f} |")
    for m in MODES:
        styles = {k: round(v, 3) for k, v in report[m].items() if k.startswith("hit@1 ")}
        print(m, styles)
    print("unmapped threshold:", json.dumps(report["unmapped"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
