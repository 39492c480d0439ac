"""Score the analyzer on eval/units.jsonl: process vs outcome+mixed, plus the 4-label confusion.

Tune on `--split train`; report `--split test` (the held-apart updates) in the README.
Usage: .venv/bin/python eval/measure_analyzer.py --split test [--semantic] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.analysis import label_unit  # noqa: E402

LABELS = ("process", "outcome", "mixed", "other")


def load(split: str) -> list[dict]:
    rows = [json.loads(x) for x in (ROOT / "eval" / "units.jsonl").read_text().splitlines() if x]
    return [r for r in rows if split == "all" or r["split"] == split]


def score(rows: list[dict], predicted: list[str]) -> dict:
    """Binary figures on units whose gold label is process, outcome or mixed."""
    tp = fp = fn = tn = 0
    for r, p in zip(rows, predicted, strict=True):
        if r["label"] == "other":
            continue
        gold, pred = r["label"] == "process", p == "process"
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
        tn += not gold and not pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for r, p in zip(rows, predicted, strict=True):
        confusion[r["label"]][p] += 1
    exact = sum(r["label"] == p for r, p in zip(rows, predicted, strict=True)) / len(rows)
    return {
        "n": tp + fp + fn + tn,
        "precision": precision,
        "recall": recall,
        "specificity": specificity,
        "balanced_accuracy": (recall + specificity) / 2,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "four_label_accuracy": exact,
        "confusion": confusion,
    }


def report(m: dict) -> str:
    lines = [
        f"units scored (gold process/outcome/mixed): {m['n']}",
        f"process precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
        f"specificity {m['specificity']:.3f}  balanced accuracy {m['balanced_accuracy']:.3f}  "
        f"F1 {m['f1']:.3f}",
        f"4-label accuracy (all units) {m['four_label_accuracy']:.3f}",
        "",
        "| gold \\ predicted | " + " | ".join(LABELS) + " |",
        "|---|" + "---:|" * len(LABELS),
    ]
    for g in LABELS:
        lines.append(f"| {g} | " + " | ".join(str(m["confusion"][g][p]) for p in LABELS) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train", "test", "all"])
    ap.add_argument("--semantic", action="store_true", help="use the shipped classifier too")
    ap.add_argument("--errors", action="store_true", help="print the misclassified units")
    args = ap.parse_args()
    rows = load(args.split)
    units = [label_unit(r["text"], semantic=args.semantic) for r in rows]
    predicted: list[str] = [u.label for u in units]
    print(f"split={args.split} semantic={args.semantic}")
    print(report(score(rows, predicted)))
    if args.errors:
        for r, u in zip(rows, units, strict=True):
            if r["label"] != u.label:
                cats = ",".join(f"{s.category}:{s.text}" for s in u.spans)
                print(f"{r['id']} gold={r['label']} got={u.label} [{cats}] {r['text']}")


if __name__ == "__main__":
    main()
