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
from coach.errors import CoachError
from coach.evals.eye import LOGO
from coach.evals.real import RealDataset, load_real, strategy_files, strategy_folder
from coach.evals.real_gold import gold_rows

TARGETS = {
    "balanced_accuracy": 0.85,
    "outcome_recall": 0.85,
    "leads_with_outcome": 90.0,
    "garbled_fragments": 0,
    "leaked_markup": 0,
    "orphaned_sentences": 0,
    "orphaned_every_choice": 0,
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
    """Run the chosen sections over the dataset; write real.json and real.md into `out`.

    A section that fails is recorded as {"failed": reason} and the others still run, so one
    surprise in a hidden set costs that section, not every figure (`failed_sections` names
    them; the CLI then exits 1). `not_computed` lists each figure that cannot be computed on
    this set, and why (one organisation: no leave-one-out fold; no strategy: no grounding)."""
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
        "units_orphaned": ds.units_orphaned,
        "updates_without_units": len({u.id for u in ds.updates} - {u.update_id for u in ds.units}),
        "orgs_with_strategy": sorted(o for o in ds.orgs if strategy_files(ds, o)),
        "strategy_folders_unread": _unread_folders(ds),
        "engine": engine,
    }
    if "eye" in sections:
        report["eye"] = _guarded(lambda: _eye(ds))
    if "rewrites" in sections:
        report["rewrites"] = _guarded(lambda: _rewrites(ds, engine, progress))
        report["_rows"] = report["rewrites"].pop("_rows", None)
    if "grounding" in sections:
        report["grounding"] = _guarded(lambda: _grounding(ds))
    report["failed_sections"] = [
        k for k in ("eye", "rewrites", "grounding") if report.get(k, {}).get("failed")
    ]
    report["not_computed"] = not_computed(report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if out is not None:
        write(report, out)
    return report


def _unread_folders(ds: RealDataset) -> list[str]:
    """strategy/<name>/ folders with no document coach ingests, or named for no update's org."""
    if ds.strategy_dir is None:
        return []
    orgs = {o for o in ds.orgs if strategy_files(ds, o)}
    return [
        p.name
        for p in sorted(ds.strategy_dir.iterdir())
        if p.is_dir() and not any(strategy_folder(ds, o) == p for o in orgs)
    ]


def _guarded(section: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return section()
    except CoachError as exc:
        return {"failed": str(exc)}
    except Exception as exc:
        return {"failed": f"{type(exc).__name__}: {exc}"}


def _eye(ds: RealDataset) -> dict[str, Any]:
    from coach.evals.eye import eye_section

    return eye_section(ds)


def _rewrites(
    ds: RealDataset, engine: str, progress: Callable[[int, int, str], None] | None
) -> dict[str, Any]:
    from coach.evals.rewrites import rewrite_all, summarise

    rows = rewrite_all(ds, engine=engine, progress=progress)
    errors = [{"id": r["id"], "error": r["error"][:300]} for r in rows if "error" in r]
    return {"summary": summarise(rows), "worst": _worst(rows), "errors": errors, "_rows": rows}


def _grounding(ds: RealDataset) -> dict[str, Any]:
    """The grounding section, or why it cannot run on this set (one named reason)."""
    if not ds.grounding and not ds.grounding_updates:
        return {"skipped": "no grounding.jsonl or grounding_updates.jsonl in the dataset"}
    if ds.strategy_dir is None:
        return {"skipped": "no strategy/ folder in the dataset, so nothing to ground against"}
    if not (ds.strategy_dir / "ITEMS.jsonl").is_file():
        return {"skipped": "no strategy/ITEMS.jsonl, so gold items cannot be found in passages"}
    gold_orgs = {str(g.get("org")) for g in (*ds.grounding, *ds.grounding_updates)}
    if not any(strategy_files(ds, o) for o in gold_orgs):
        return {"skipped": "no organisation with grounding gold has strategy documents"}
    try:
        from coach.evals import grounding  # type: ignore[attr-defined]
    except ImportError:
        return {"skipped": "coach/evals/grounding.py is not installed yet"}
    section = getattr(grounding, "real_section", None)
    if section is None:
        return {"skipped": "coach.evals.grounding has no real_section(ds)"}
    result = dict(section(ds))
    result["items without a document"] = items_without_document(ds)
    if _mark_empty(ds, result) and hasattr(grounding, "format_report"):
        result["text"] = grounding.format_report(result)
    return result


_UPDATE_FIGURES = ("hit@", "hybrid hit@", "own cites", "items held")


def _mark_empty(ds: RealDataset, result: dict[str, Any]) -> bool:
    """A mean over nothing prints 0.0 in the grounding section; make it "n/a (why)" instead:
    unit figures when no grounding.jsonl row belongs to an indexed organisation, update
    figures when no update has a gold item of its own strategy. True when anything changed."""
    orgs = {str(g.get("org") or "") for g in ds.grounding}  # matched as grounding matches them
    no_units = not any(strategy_files(ds, o) for o in orgs)
    summary = result.get("summary") or {}
    no_updates = not summary.get("updates_with_gold")
    why_u = "n/a (no grounding.jsonl unit of an organisation with strategy documents)"
    why_g = "n/a (no update with a gold item of its own strategy)"
    changed = False
    for table in (summary, *(result.get("logo") or [])):
        for key in list(table):
            if (no_units and key.startswith("unit")) or (
                no_updates and key.startswith(_UPDATE_FIGURES)
            ):
                table[key] = why_u if key.startswith("unit") else why_g
                changed = True
    return changed


def items_without_document(ds: RealDataset) -> list[str]:
    """ITEMS.jsonl items whose file is not among their organisation's strategy documents (by
    name, or by stem: plan.md listed, plan.docx shipped): never found, so never a hit."""
    assert ds.strategy_dir is not None
    out = []
    for item in gold_rows(ds.strategy_dir / "ITEMS.jsonl"):
        files = strategy_files(ds, str(item.get("org") or ""))
        name = str(item.get("file") or "")
        if not any(name in (f.name, f.stem) or Path(name).stem == f.stem for f in files):
            out.append(str(item.get("item_id") or name))
    return out


def not_computed(report: dict[str, Any]) -> list[str]:
    """Figures this set cannot give, each with its reason (printed, and in real.json)."""
    out = []
    eye = report.get("eye", {})
    if eye.get("skipped"):
        out.append(f"eye: {eye['skipped']}")
    elif "eyes" in eye and LOGO not in eye["eyes"]:
        out.append(
            "eye leave-one-organisation-out: needs 2 or more folds, this set has "
            f"{len(eye.get('folds', {}))} ({', '.join(eye.get('folds', {}))})"
        )
    s = report.get("rewrites", {}).get("summary") or {}
    for key, why in (
        ("leads_with_outcome", "no update has a curated outcome"),
        ("facts_kept", "no update lists facts"),
        ("process_density_ratio", "no process-heavy update with process talk"),
        ("asks_for_outcome", "no process-heavy update without an outcome"),
    ):
        if s and s.get(key) is None:
            out.append(f"{key}: {why}")
    for name in report.get("strategy_folders_unread", []):
        out.append(
            f"strategy/{name}/: no update of that organisation, or no document coach ingests "
            "(.md .txt .html .pdf .docx), so no rewrite uses it"
        )
    g = report.get("grounding", {})
    if g.get("skipped"):
        out.append(f"grounding: {g['skipped']}")
    if g.get("items without a document"):
        missing = g["items without a document"]
        out.append(
            f"grounding: {len(missing)} ITEMS.jsonl item(s) name no strategy document "
            f"of their organisation, never scorable (first: {missing[0]})"
        )
    summary = g.get("summary") or {}
    if "summary" in g and not summary.get("updates_with_gold"):
        out.append(
            "grounding: no update was scored against a gold item of its own strategy (check that "
            "each update's org, ITEMS.jsonl's org and the strategy/<org>/ folder name are spelt "
            "the same)"
        )
    for why in [*(g.get("documents skipped") or []), *(g.get("rows set aside") or [])]:
        out.append(f"grounding: {why}")
    for u in g.get("updates skipped", []) or []:
        out.append(f"grounding: update not scored, {u[:200]}")
    for fold in g.get("logo", []) or []:
        if fold.get("threshold") is None:
            out.append(f"grounding leave-one-out, {fold.get('held out')}: {fold.get('n/a', 'n/a')}")
    return out


def _worst(rows: list[dict[str, Any]], n: int = 5) -> dict[str, list[dict[str, Any]]]:
    """A few failures of each kind, for reading (the rewrite text itself is in rows.jsonl)."""
    ok = [r for r in rows if "error" not in r]
    not_led = sorted(
        (r for r in ok if "lead" in r and not r["lead"]["leads"]),
        key=lambda r: r["lead"]["sim_first"],
    )
    orphaned = [{"id": r["id"], **o} for r in ok for o in r.get("orphans_every_choice", [])]
    return {
        "not_leading": [
            {"id": r["id"], "outcome": r["outcome"], "first": r["lead"]["first"][:200]}
            for r in not_led[:n]
        ],
        "garbles": [{"id": r["id"], **g} for r in ok for g in r["garbles"]][: 3 * n],
        "orphaned": orphaned[:n],
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
        if LOGO not in eye["eyes"]:  # one fold: nothing to hold out, said rather than dropped
            rows.append((f"eye BA: {LOGO}", None, TARGETS["balanced_accuracy"]))
    s = report.get("rewrites", {}).get("summary")
    if s:
        for key, label in (
            ("leads_with_outcome", f"leads with outcome, % of {s['outcome_updates']}"),
            ("garbled_fragments", "garbled fragments"),
            ("updates_with_fragments", "updates with a fragment"),
            ("leaked_markup", "leaked markup"),
            ("updates_with_markup", "updates with markup"),
            ("orphaned_sentences", "orphaned leaning sentences"),
            (
                "orphaned_every_choice",
                f"  same, offline x every audience/length ({s['rewrites_every_choice']} rewrites)",
            ),
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
    errors = report.get("rewrites", {}).get("errors") or []
    if errors:
        lines.append(
            f"  rewrites that failed: {len(errors)} (first: {errors[0]['id']}: "
            f"{errors[0]['error'][:160]})"
        )
    for name in report.get("failed_sections", []):
        lines.append(f"  {name}: FAILED ({report[name]['failed'][:300]})")
    g = report.get("grounding", {})
    if g.get("skipped"):
        lines.append(f"  grounding: skipped ({g['skipped']})")
    elif g.get("text"):
        lines.append(g["text"])
    if report.get("not_computed"):
        lines.append("  not computed on this set (n/a):")
        lines += [f"    - {x}" for x in report["not_computed"]]
    if report.get("units_orphaned"):
        lines.append(
            f"  {report['units_orphaned']} units set aside: their update_id is not in updates.jsonl"
        )
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
    if report.get("not_computed") or report.get("failed_sections"):
        out += ["", "## Not computed on this set", ""]
        out += [
            f"- {name}: FAILED ({report[name]['failed']})" for name in report["failed_sections"]
        ]
        out += [f"- {x}" for x in report.get("not_computed", [])]
    g = report.get("grounding")
    if g:
        out += ["", "## Grounding", "", "```", json.dumps(g, indent=1)[:3000], "```"]
    return "\n".join(out) + "\n"


__all__ = ["TARGETS", "headline", "markdown", "run_real", "summary_text", "write"]
