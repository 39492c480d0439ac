"""Grounding metrics on any directory of the real-updates schema, with organisation-grouped CV.

    python -m coach.evals.grounding --data DIR [--calibrate] [--json]

DIR holds strategy/<org>/*.md (any format coach ingests; SOURCES.md and README.md are skipped),
strategy/ITEMS.jsonl, updates.jsonl, grounding.jsonl and grounding_updates.jsonl. Each
organisation's strategy is indexed into its own collection, the sample corpus into another, in a
temporary store, and every update goes through `Retriever.ground_vectors`: the code a rewrite runs.

Positives: an update against its own organisation's strategy, where it has a gold item. Negatives:
every update against the sample corpus and against the other organisations' strategies. The
threshold is a quantile of the negatives' normalised scores (precision first), so it transfers to a
corpus it was not fitted on; leave-one-organisation-out folds fit it without the held-out
organisation (neither its updates nor its strategy) and score it on that organisation.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.errors import CoachError
from coach.evals.gold import item_passages
from coach.evals.grounding_logo import (
    BASELINE_FLOOR,
    background_parts,
    fit,
    logo,
    weight_of,
)
from coach.evals.grounding_rows import (
    SAMPLE,
    best,
    cites_gold,
    index_collections,
    mean,
    sample_corpus,
)
from coach.evals.grounding_units import (
    best_accuracy,
    fit_units,
    maps,
    unit_acc,
    unit_rows,
)
from coach.evals.real import org_key
from coach.evals.real_gold import gold_rows


def _folders(cols: dict[str, str]) -> Any:
    """An organisation's name as its strategy folder spells it (case, unicode form), else as is."""
    by_key = {org_key(name): name for name in cols if name != SAMPLE}
    return lambda org: by_key.get(org_key(org), org) if org else org


def run(
    data_dir: Path,
    sample: Path | None = None,
    home: Path | None = None,
    calibrate: bool = False,
) -> dict[str, Any]:
    """Score every update against every collection once; return the raw rows for `metrics`.
    With `calibrate`, the query weight is refitted on these collections' background first, so
    the thresholds `fit` takes from the rows are fitted on the score they will be used with."""
    from dataclasses import replace

    from coach import Coach
    from coach.retrieval import query_texts, query_vector

    data_dir = Path(data_dir)
    set_aside: list[str] = []  # rows of the gold files that could not be read: said, not fatal
    with tempfile.TemporaryDirectory(prefix="coach-grounding-") as tmp:
        if home is None:  # share the model files (ONNX graph, background vectors) of COACH_HOME
            from coach.settings import Settings

            models = Settings.load().models_dir
            if models.is_dir():
                (Path(tmp) / "models").symlink_to(models, target_is_directory=True)
        coach = Coach(home=str(home or tmp))
        documents_skipped: list[str] = []
        cols = index_collections(
            coach, data_dir, sample if sample is not None else sample_corpus(), documents_skipped
        )
        store, retriever = coach.store, coach.retriever
        parts = background_parts(retriever, cols)
        weight = weight_of(parts)
        if calibrate:
            retriever.calibrated = replace(retriever.calibrated, query_weight=weight)
        passages = {org: store.all(c) for org, c in cols.items()}
        counts = {org: len(p) for org, p in passages.items()}
        folder_of = _folders(cols)  # "NRW" in the updates finds strategy/nrw/, as rewrites do
        items = [
            {**it, "org": folder_of(it.get("org"))}
            for it in gold_rows(data_dir / "strategy" / "ITEMS.jsonl", set_aside)
        ]
        gold_ids = {it["item_id"]: item_passages(it, passages.get(it["org"], [])) for it in items}
        holds: dict[str, int] = {}  # passage id -> how many strategic items it holds
        for held in gold_ids.values():
            for i in held:
                holds[i] = holds.get(i, 0) + 1
        gold_updates = {
            g["update_id"]: g for g in gold_rows(data_dir / "grounding_updates.jsonl", set_aside)
        }
        rows = []
        queries: dict[str, np.ndarray] = {}  # update id -> its query vector (units' context)
        skipped: list[str] = []  # updates coach refuses (too long, say): said, not scored
        for u in gold_rows(data_dir / "updates.jsonl", set_aside):
            try:
                analysis = coach.analyze(u["text"])
            except CoachError as exc:
                skipped.append(f"{u['id']}: {exc}")
                continue
            work = [x.text for x in analysis.units if x.label != "other"]
            query = query_texts(u["text"])
            texts = [u["text"], *work]
            vectors = retriever.embedder.embed([*query, *work])
            queries[u["id"]] = query_vector(vectors[: len(query)])
            closeness = float(retriever.closeness(queries[u["id"]][None, :])[0])
            u = {**u, "org": folder_of(u.get("org"))}
            g = gold_updates.get(u["id"])
            gold = set().union(*(gold_ids.get(i, set()) for i in g["gold_items"])) if g else set()
            for org, col in cols.items():
                got = retriever.ground_vectors(
                    texts, vectors, 3, col, counts[org], windows=len(query)
                )
                hyb = retriever._search(
                    texts[:1], queries[u["id"]][None, :], 3, col, "hybrid", counts[org]
                )
                rows.append(
                    {
                        "update": u["id"],
                        "org": u.get("org"),
                        "collection": org,
                        "own": org == u.get("org"),
                        "gold": sorted(gold) if org == u.get("org") else [],
                        "has_gold": bool(g and g["gold_items"]) and org == u.get("org"),
                        "ranked": [c.id for c in got.ranked],
                        "hybrid": [c.id for c in hyb[0]],
                        "scores": got.scores,
                        "query closeness": closeness,
                        "cosine": [c.score for c in got.ranked],
                        "top": got.ranked[0].text[:90] if got.ranked else "",
                        "top_items": holds.get(got.ranked[0].id, 0) if got.ranked else 0,
                        "unit picks": [(a.passage, a.score) for a in got.alignment],
                    }
                )
        cited = {
            (r["update"], r["collection"]): list(zip(r["ranked"], r["scores"], strict=True))
            for r in rows
        }
        labelled = [
            {**g, "org": folder_of(g.get("org"))}
            for g in gold_rows(data_dir / "grounding.jsonl", set_aside)
        ]
        labelled = [g for g in labelled if g["org"] in cols]
        units = unit_rows(coach, labelled, cols, counts, gold_ids, queries, cited)
    return {
        "rows": rows,
        "units": units,
        "query weight": weight,
        "scored at": retriever.calibrated.query_weight,
        "background": parts,
        "chunks": counts,
        "skipped": skipped,
        "documents skipped": documents_skipped,
        "rows set aside": set_aside,
    }


def summarise(raw: dict[str, Any], t: float, tu: float) -> dict[str, Any]:
    """The Done-when figures at thresholds (t, tu) over all rows."""
    rows, units = raw["rows"], raw["units"]
    pos = [r for r in rows if r["own"] and r["has_gold"]]
    neg = [r for r in rows if not r["own"]]

    def hit(r: dict[str, Any], k: int, key: str = "ranked") -> bool:
        return any(i in r["gold"] for i in r[key][:k])

    out: dict[str, Any] = {
        "updates_with_gold": len(pos),
        "hit@1": mean([hit(r, 1) for r in pos]),
        "hit@3": mean([hit(r, 3) for r in pos]),
        "items held by the top passage (specificity; 1 is one priority)": mean(
            [r["top_items"] for r in pos]
        ),
        "hybrid hit@1": mean([hit(r, 1, "hybrid") for r in pos]),
        "hybrid hit@3": mean([hit(r, 3, "hybrid") for r in pos]),
        "own cites gold": mean([cites_gold(r, t) for r in pos]),
        "own cites anything": mean([best(r) >= t for r in pos]),
        "unrelated pairs": len(neg),
        "unrelated cite anything": mean([best(r) >= t for r in neg]),
        "unit accuracy (none a class)": unit_acc(units, tu, t),
        "unit accuracy, dense cosine >= 0.34 baseline": unit_acc(
            units, BASELINE_FLOOR, None, "cosine", "baseline_hit"
        ),
        "unit accuracy, all none": mean([not u["gold"] for u in units if u["own"]]),
        "unit top passage is gold (units with gold)": mean([u["hit"] for u in units if u["gold"]]),
        "unit top passage is gold, unit read alone": mean(
            [u["baseline_hit"] for u in units if u["gold"]]
        ),
        "units mapped, own / unrelated": f"{mean([maps(u, tu, t) for u in units if u['own']])}"
        f" / {mean([maps(u, tu, t) for u in units if not u['own']])}",
        "unit accuracy at its best threshold (in-sample)": unit_acc(
            units, best_accuracy(units, t), t
        ),
    }
    for org in sorted({r["org"] for r in pos}):
        mine = [r for r in pos if r["org"] == org]
        out[f"{org}: hit@1 / hit@3 / cites gold (n)"] = (
            f"{mean([hit(r, 1) for r in mine]):.2f} / {mean([hit(r, 3) for r in mine]):.2f}"
            f" / {mean([cites_gold(r, t) for r in mine]):.2f} ({len(mine)})"
        )
    for col in sorted({r["collection"] for r in neg}):
        out[f"unrelated vs {col}: cite anything"] = mean(
            [best(r) >= t for r in neg if r["collection"] == col]
        )
    return out


def failures(raw: dict[str, Any], t: float, n: int = 4) -> list[str]:
    """A few examples of each kind of miss, for the report."""
    rows = raw["rows"]
    out = []
    wrong = [
        r
        for r in rows
        if r["own"] and r["has_gold"] and r["ranked"][:1] != [] and r["ranked"][0] not in r["gold"]
    ]
    out += [f"wrong top passage: {r['update']} -> {r['top']!r}" for r in wrong[:n]]
    false = sorted((r for r in rows if not r["own"] and best(r) >= t), key=best, reverse=True)
    out += [
        f"cited an unrelated strategy: {r['update']} vs {r['collection']} ({best(r):+.3f}) -> {r['top']!r}"
        for r in false[:n]
    ]
    silent = [r for r in rows if r["own"] and r["has_gold"] and not cites_gold(r, t)]
    out += [
        f"no earned gold citation from its own strategy: {r['update']} (best {best(r):+.3f})"
        for r in silent[:n]
    ]
    return out


def evaluate_grounding(
    data_dir: str | Path,
    *,
    sample: str | Path | None = None,
    calibrate: bool = False,
    home: str | Path | None = None,
) -> dict[str, Any]:
    """Every grounding figure for `data_dir`: at the shipped calibration (or, with `calibrate`,
    at thresholds fitted on all of it, written to coach/data/grounding.json), and LOGO folds."""
    from coach.retrieval import calibration

    raw = run(
        Path(data_dir), Path(sample) if sample else None, Path(home) if home else None, calibrate
    )
    cal = calibration()
    t, tu, w = cal.threshold, cal.unit_threshold, cal.query_weight
    if calibrate:
        t, tu, w = (
            round(fit(raw["rows"]), 4),
            round(fit_units(raw["units"]), 4),
            raw["query weight"],
        )
        write_calibration({"threshold": t, "unit threshold": tu, "query weight": w})
    return {
        "threshold": t,
        "unit threshold": tu,
        "query weight": w,
        "chunks": raw["chunks"],
        "summary": summarise(raw, t, tu),
        "logo": logo(raw),
        "fitted on all": {
            "query weight (background updates)": raw["query weight"],
            "threshold": round(fit(raw["rows"]), 4),
            "unit threshold": round(fit_units(raw["units"]), 4),
        },
        "failures": failures(raw, t),
        "updates skipped": raw["skipped"],
        "documents skipped": raw["documents skipped"],
        "rows set aside": raw["rows set aside"],
    }


def _shown(v: Any) -> Any:
    """A figure as printed: 4 places (real.json keeps every digit)."""
    return round(v, 4) if isinstance(v, float) else v


def format_report(result: dict[str, Any]) -> str:
    """The grounding section of `coach eval real`, as plain text."""
    lines = [
        f"Grounding (threshold {result['threshold']:+.3f} update, {result['unit threshold']:+.3f} unit; "
        f"passages per collection: {result['chunks']})"
    ]
    lines += [f"  {k}: {_shown(v)}" for k, v in result["summary"].items()]
    lines.append(
        "  leave-one-organisation-out (query weight and thresholds fitted without the held-out"
        " organisation):"
    )
    for f in result["logo"]:
        lines.append("    " + ", ".join(f"{k} {_shown(v)}" for k, v in f.items()))
    lines.append(f"  fitted on all organisations: {result['fitted on all']}")
    if result.get("updates skipped"):
        lines.append(f"  updates not scored: {result['updates skipped']}")
    lines.append("  failure examples:")
    lines += [f"    {x}" for x in result["failures"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m coach.evals.grounding", description=__doc__.split("\n")[0]
    )
    p.add_argument("--data", required=True, help="a directory of the real-updates schema")
    p.add_argument("--sample", help="the unrelated sample corpus (default: coach's corpus/)")
    p.add_argument(
        "--calibrate", action="store_true", help="write the thresholds fitted on all of DIR"
    )
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    result = evaluate_grounding(args.data, sample=args.sample, calibrate=args.calibrate)
    print(json.dumps(result, indent=1) if args.json else format_report(result))
    for why in result["documents skipped"]:  # `coach eval real` lists them under "not computed"
        print(why, file=sys.stderr)
    return 0


def write_calibration(fitted: dict[str, float]) -> None:
    path = Path(__file__).resolve().parent.parent / "data" / "grounding.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["threshold"] = fitted["threshold"]
    data["unit_threshold"] = fitted["unit threshold"]
    data["query_weight"] = fitted["query weight"]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())


def real_section(ds: Any) -> dict[str, Any]:
    """The grounding section of `coach eval real` (coach/evals/realrun.py): figures + text."""
    result = evaluate_grounding(ds.path)
    result["text"] = format_report(result)
    return result
