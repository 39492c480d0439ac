"""Read the offline engine on real updates: rewrite every update of a real-updates directory
offline and print the rewrites with a few figures, so a person can READ them for garbles.

    .venv/bin/python -m eval.offline_real [--data DIR] [--out FILE] [--audience A] [--length L]

Each organisation's strategy documents (DIR/strategy/<org>/) are indexed into a temporary home;
updates of other organisations are grounded against the project's sample corpus. The figures
are rough checks for the offline engineer (the eval suite's `coach eval real` is the measure):
leads-with-outcome by embedding similarity, markup and fragment patterns, curated-fact recall,
process density before and after, and whether a process-heavy update without an outcome is
asked for one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path.cwd()  # run from the repository root
MARKUP = re.compile(
    r"<[a-zA-Z/][^>]*>|&#?\w+;|^\s*>\s|\]\[|\[\^|\]\s*\[\d+\]|^\s*\d+[.)]\s|\t|\*\*|__|"
    r"!\[|^\s*[-*+]\s*$",
    re.M,
)
FRAGMENT = re.compile(
    r"[.!?,;:]\s*[.!?]|\s[,;:.]|\b(?:I|we|and|or|the|a|of|to|with|for|in|on|by|from)\.$|:\s*\.|"
    r"^[a-z]",
    re.M,
)


def _eye(path: str) -> object | None:
    """The eye engineer's scoring (coach.evals.rewrites), from main or from a worktree path."""
    import importlib.util

    try:
        from coach.evals import rewrites

        return rewrites
    except ImportError:
        pass
    if not path:
        return None
    for name in ("garble", "real", "rewrites"):
        spec = importlib.util.spec_from_file_location(f"coach.evals.{name}", f"{path}/{name}.py")
        mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[f"coach.evals.{name}"] = mod
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return sys.modules["coach.evals.rewrites"]


def sentences(text: str) -> list[str]:
    from coach.segment import segment

    return [s.text for s in segment(text)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared/datasets/real-updates"))
    ap.add_argument("--out", default="")
    ap.add_argument("--audience", default="executive")
    ap.add_argument("--length", default="standard")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--eye", default="", help="a folder holding coach/evals/{garble,rewrites}.py")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    data = Path(args.data)
    if not (data / "updates.jsonl").is_file():  # one sentence, as the CLI says it
        print(f"offline_real: no updates.jsonl in {data}; pass --data DIR.", file=sys.stderr)
        return 2
    rows = [json.loads(x) for x in (data / "updates.jsonl").read_text().splitlines() if x.strip()]
    if args.limit:
        rows = rows[: args.limit]

    from coach import Coach
    from coach.analysis import analyze
    from coach.evals.content import embed

    home = Path(tempfile.mkdtemp(prefix="coach-offline-real-"))
    coach = Coach(home=home, engine="offline")
    orgs = {p.name for p in (data / "strategy").iterdir() if p.is_dir()}
    for org in sorted(orgs):
        coach.ingest([data / "strategy" / org], collection=f"org-{org}")
    coach.ingest([ROOT / "corpus"], collection="sample")

    stats = {
        "n": 0,
        "lead_ok": 0,
        "lead_n": 0,
        "markup": 0,
        "fragment": 0,
        "facts_total": 0,
        "facts_kept": 0,
        "core_missing": 0,
        "core_added": 0,
        "ph_n": 0,
        "ph_before": 0.0,
        "ph_after": 0.0,
        "ph_null_n": 0,
        "ph_null_ask": 0,
        "questions_dup": 0,
        "questions_over3": 0,
    }
    out_lines: list[str] = []
    eye = _eye(args.eye)
    eye_rows = []
    for row in rows:
        coll = f"org-{row['org']}" if row.get("org") in orgs else "sample"
        r = coach.rewrite(row["text"], collection=coll, audience=args.audience, length=args.length)
        stats["n"] += 1
        text = r.text
        hay = " ".join(text.lower().split())
        missing = [f for f in row["facts"] if " ".join(f.lower().split()) not in hay]
        stats["facts_total"] += len(row["facts"])
        stats["facts_kept"] += len(row["facts"]) - len(missing)
        stats["core_missing"] += len(r.facts.missing)
        stats["core_added"] += len(r.facts.added)
        marks = [m.group(0) for m in MARKUP.finditer(text)]
        sents = sentences(text)
        frags = [s for s in sents if FRAGMENT.search(s.strip())]
        stats["markup"] += bool(marks)
        stats["fragment"] += len(frags)
        lead = ""
        if row.get("outcome"):
            stats["lead_n"] += 1
            body = re.sub(r"^[A-Z][\w ,]{0,30}:\s*", "", text.split("\n\n")[0])
            lead = sentences(body)[0] if sentences(body) else body
            src_units = [u.text for u in r.analysis.units] or [row["text"]]
            vecs = embed([row["outcome"], lead, *src_units])
            cos_lead = float(vecs[0] @ vecs[1])
            best = float(max(vecs[0] @ v for v in vecs[2:]))
            ok = cos_lead >= 0.5 or cos_lead >= best - 0.05
            stats["lead_ok"] += ok
            lead = f"{'OK' if ok else 'MISS'} lead cos {cos_lead:.2f} best {best:.2f}"
        if row["label"] == "process-heavy":
            stats["ph_n"] += 1
            stats["ph_before"] += analyze(row["text"]).process_density
            stats["ph_after"] += analyze(text).process_density
            if not row.get("outcome"):
                stats["ph_null_n"] += 1
                stats["ph_null_ask"] += any(
                    re.search(r"\bchang|\bresult|\boutcome|\bdifference", q, re.I)
                    for q in r.questions
                )
        if eye is not None:
            from types import SimpleNamespace

            upd = SimpleNamespace(
                **{k: row.get(k) for k in ("id", "org", "label", "text", "facts", "outcome")}
            )
            er = eye.score_rewrite(upd, r, embed)  # type: ignore[attr-defined]
            eye_rows.append(er)
            lead += f" | eye lead={er.get('lead', {}).get('leads')} garbles={[(g['rule'], g['match']) for g in er['garbles']][:4]}"
        qs = list(r.questions)
        stats["questions_dup"] += len(qs) != len(set(qs))
        stats["questions_over3"] += len(qs) > 3
        out_lines += [
            f"===== {row['id']} [{row['label']}] outcome: {row.get('outcome')}",
            text,
            "--- questions: " + " | ".join(qs),
            f"--- {lead} markup={marks[:5]} fragments={frags[:3]} missing={missing} "
            f"core_missing={list(r.facts.missing)[:5]} added={list(r.facts.added)[:5]}",
            "--- changes: " + "; ".join(f"{c.became}" for c in r.changes)[:300],
            "",
        ]
    s = stats
    summary = {
        "updates": s["n"],
        "lead_with_outcome": f"{s['lead_ok']}/{s['lead_n']}",
        "updates_with_markup": s["markup"],
        "fragment_sentences": s["fragment"],
        "curated_facts_kept": f"{s['facts_kept']}/{s['facts_total']}",
        "core_facts_missing": s["core_missing"],
        "core_facts_added": s["core_added"],
        "process_heavy_density": f"{s['ph_before'] / max(1, s['ph_n']):.3f} -> "
        f"{s['ph_after'] / max(1, s['ph_n']):.3f}",
        "process_heavy_no_outcome_asked": f"{s['ph_null_ask']}/{s['ph_null_n']}",
        "repeated_questions": s["questions_dup"],
        "over_3_questions": s["questions_over3"],
    }
    if eye is not None:
        summary["eye"] = eye.summarise(eye_rows)  # type: ignore[attr-defined]
    report = "\n".join(out_lines)
    if args.out:
        Path(args.out).write_text(report)
    elif not args.quiet:
        print(report)
    print(json.dumps(summary, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
