"""`coach eval real`: every quality figure on a real-updates directory, as JSON and Markdown.

Sections: the eye (unit labels, leave-one-organisation-out), the rewrites (outcome lead, garble,
markup, facts, process density, asking for outcomes) and, when coach/evals/grounding.py
provides `real_section(ds)`, grounding. A section whose files are missing is skipped, named.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach import engines
from coach.evals.real import RealDataset, load_real

TARGETS = {
    "balanced_accuracy": 0.85,
    "outcome_recall": 0.85,
    "leads_with_outcome": 90.0,
    "garbled_fragments": 0,
    "leaked_markup": 0,
    "facts_kept": 100.0,
    "invented_facts": 0,
    "process_density_ratio": 0.5,
}


def run_real(
    data: str | None = None,
    *,
    out: Path | None = None,
    engine: str = engines.FALLBACK,  # the deterministic engine
    sections: tuple[str, ...] = ("eye", "rewrites", "grounding"),
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Run the chosen sections over the dataset; write real.json and real.md into `out`."""
    started = time.perf_counter()
    ds = load_real(data)
    report: dict[str, Any] = {
        "dataset": str(ds.path),
        "fingerprint": ds.fingerprint(),
        "updates": len(ds.updates),
        "units": len(ds.units),
        "orgs": dict(ds.orgs.most_common()),
        "label_fixes_applied": ds.fixes_applied,
        "label_fixes_unmatched": ds.fixes_unmatched,
        "engine": engine,
    }
    if "eye" in sections:
        from coach.evals.eye import eye_section

        report["eye"] = eye_section(ds)
    if "rewrites" in sections:
        from coach.evals.rewrites import rewrite_all, summarise

        rows = rewrite_all(ds, engine=engine, progress=progress)
        report["rewrites"] = {"summary": summarise(rows), "worst": _worst(rows)}
        report["_rows"] = rows
    if "grounding" in sections:
        report["grounding"] = _grounding(ds)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if out is not None:
        write(report, out)
    return report


def _grounding(ds: RealDataset) -> dict[str, Any]:
    if not ds.grounding and not ds.grounding_updates:
        return {"skipped": "no grounding*.jsonl in the dataset"}
    try:
        from coach.evals import grounding  # type: ignore[attr-defined]
    except ImportError:
        return {"skipped": "coach/evals/grounding.py is not installed yet"}
    section = getattr(grounding, "real_section", None)
    if section is None:
        return {"skipped": "coach.evals.grounding has no real_section(ds)"}
    return dict(section(ds))


def _worst(rows: list[dict[str, Any]], n: int = 5) -> dict[str, list[dict[str, Any]]]:
    """A few failures of each kind, for reading (the rewrite text itself is in rows.jsonl)."""
    ok = [r for r in rows if "error" not in r]
    not_led = sorted(
        (r for r in ok if "lead" in r and not r["lead"]["leads"]),
        key=lambda r: r["lead"]["sim_first"],
    )
    return {
        "not_leading": [
            {"id": r["id"], "outcome": r["outcome"], "first": r["lead"]["first"][:200]}
            for r in not_led[:n]
        ],
        "garbles": [{"id": r["id"], **g} for r in ok for g in r["garbles"]][: 3 * n],
        "facts_missing": [
            {"id": r["id"], "missing": r["facts_missing"][:5]} for r in ok if r["facts_missing"]
        ][:n],
        "invented": [
            {"id": r["id"], "facts": r["invented_facts"][:5]} for r in ok if r["invented_facts"]
        ][:n],
        "invented_outcome": [
            {"id": r["id"], "sentences": r["invented_outcome"][:2]}
            for r in ok
            if r.get("invented_outcome")
        ][:n],
    }


def write(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = report.get("_rows")
    clean = {k: v for k, v in report.items() if k != "_rows"}
    (out / "real.json").write_text(json.dumps(clean, indent=2, ensure_ascii=False), "utf-8")
    if rows is not None:
        with (out / "rows.jsonl").open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "real.md").write_text(markdown(clean), "utf-8")


def _fmt(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.3f}" if abs(x) < 1.5 else f"{x:.1f}"
    return str(x)


def headline(report: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(figure, value, target) rows that `coach eval real` prints."""
    rows: list[tuple[str, Any, Any]] = []
    eye = report.get("eye", {})
    if "eyes" in eye:
        for name, res in eye["eyes"].items():
            a = res["all"]
            rows.append((f"eye BA: {name}", a["balanced_accuracy"], TARGETS["balanced_accuracy"]))
            rows.append((f"eye outcome+mixed recall: {name}", a["outcome_recall"], 0.85))
    s = report.get("rewrites", {}).get("summary")
    if s:
        for key, label in (
            ("leads_with_outcome", f"leads with outcome, % of {s['outcome_updates']}"),
            ("garbled_fragments", "garbled fragments"),
            ("updates_with_fragments", "updates with a fragment"),
            ("leaked_markup", "leaked markup"),
            ("updates_with_markup", "updates with markup"),
            ("facts_kept", f"curated facts kept, % of {s['facts_total']}"),
            ("invented_facts", "invented facts"),
            (
                "process_density_ratio",
                f"process density rewrite/update ({s['process_heavy_updates']} process-heavy)",
            ),
            ("asks_for_outcome", f"asks for the outcome, % of {s['no_outcome_process_heavy']}"),
            ("invented_outcomes", "invented outcome sentences"),
        ):
            rows.append((label, s[key], TARGETS.get(key, "")))
    return rows


def summary_text(report: dict[str, Any]) -> str:
    lines = [
        f"real dataset {report['dataset']}: {report['updates']} updates, {report['units']} units, "
        f"{report['label_fixes_applied']} silver labels fixed by the overlay",
    ]
    eye = report.get("eye", {})
    if eye.get("shipped_trained_on_this_set"):
        lines.append("  (the shipped learned layer was trained on this set: read its LOGO row)")
    width = max((len(r[0]) for r in headline(report)), default=10)
    for name, value, target in headline(report):
        lines.append(f"  {name:<{width}}  {_fmt(value):>7}   target {_fmt(target)}")
    g = report.get("grounding", {})
    if g.get("skipped"):
        lines.append(f"  grounding: skipped ({g['skipped']})")
    elif g.get("text"):
        lines.append(g["text"])
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    out = [f"# Real-data eval: {report['dataset']}", ""]
    out.append(
        f"{report['updates']} updates, {report['units']} units; organisations "
        + ", ".join(f"{k} {v}" for k, v in report["orgs"].items())
        + f". Silver unit labels fixed by the overlay: {report['label_fixes_applied']}."
    )
    out += ["", "| figure | value | target |", "|---|---|---|"]
    out += [f"| {n} | {_fmt(v)} | {_fmt(t)} |" for n, v, t in headline(report)]
    eye = report.get("eye", {})
    if "eyes" in eye:
        out += ["", "## The eye by held-out organisation (balanced accuracy / outcome recall)", ""]
        folds = list(eye["folds"])
        out.append("| eye | " + " | ".join(f"{f} ({eye['folds'][f]})" for f in folds) + " |")
        out.append("|---|" + "---|" * len(folds))
        for name, res in eye["eyes"].items():
            cells = [
                f"{_fmt(res['by_org'][f]['balanced_accuracy'])} / "
                f"{_fmt(res['by_org'][f]['outcome_recall'])}"
                for f in folds
            ]
            out.append(f"| {name} | " + " | ".join(cells) + " |")
        out += ["", f"Misses of the {eye['scored_eye']} ({eye['n_misses']} in all), a few:", ""]
        out += [
            f"- {m['update_id']}: gold {m['gold']}, eye {m['eye']}: {m['unit']}"
            for m in eye["misses"]
        ]
    worst = report.get("rewrites", {}).get("worst")
    if worst:
        out += ["", "## Worst rewrites", ""]
        for kind, items in worst.items():
            if items:
                out.append(f"### {kind.replace('_', ' ')}")
                out += [f"- {json.dumps(i, ensure_ascii=False)[:400]}" for i in items]
                out.append("")
    g = report.get("grounding")
    if g:
        out += ["", "## Grounding", "", "```", json.dumps(g, indent=1)[:3000], "```"]
    return "\n".join(out) + "\n"


__all__ = ["TARGETS", "headline", "markdown", "run_real", "summary_text", "write"]
