"""An out-of-sample probe: real updates from organisations the dev set does not hold.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.probe PATH [--dev DIR] [--no-cli] [--json OUT]

PATH is a JSONL file of the real-updates schema (or the folder holding its `updates.jsonl`); a
`units.jsonl` beside it adds the eye's figures. Every update is rewritten offline as a reader
gets it (no strategy of its own) and scored as `coach eval real` scores a rewrite (garbles and
leaked markup, curated facts, the code fact check, leads, asks), plus:

- garbles and markup in every audience x length of the offline engine;
- grounding: every update is a NEGATIVE against the sample corpus and each strategy folder of
  the dev set (`--dev`, default ../shared/datasets/real-updates), indexed as the eval indexes
  them; the share of rewrites that cite anything estimates a hidden set's "unrelated cite
  anything" (target at most 10%);
- questions: more than 3, a question repeated, a question asking for the outcome an update with
  a curated outcome states;
- the page's handler (`coach.app.handlers.handle_rewrite`) and `coach rewrite -` (exit code)
  on every update.

The probe texts stay outside the repository (third-party text; docs/quality.md says how the
2 December probe was built).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from coach import engines
from coach.errors import CoachError, InputError
from coach.evals.garble import find_garbles
from coach.evals.orphans import CHOICES
from coach.evals.real import DEFAULT_DATA, RealDataset, load_real
from coach.evals.rewrites import _ASKS_OUTCOME, score_rewrite, summarise

NO_DATA = "probe: give the probe's updates.jsonl (or its folder): python -m eval.probe PATH"


def _dataset(path: Path, tmp: Path) -> RealDataset:
    """The probe as a dataset: a folder as is, a file linked into a folder as updates.jsonl
    (with the units.jsonl beside it, when there is one)."""
    if path.is_dir():
        return load_real(path)
    if not path.is_file():
        raise InputError(f"{path} is not a file or a folder.")
    (tmp / "updates.jsonl").symlink_to(path.resolve())
    units = path.with_name("units.jsonl")
    if units.is_file():
        (tmp / "units.jsonl").symlink_to(units.resolve())
    return load_real(tmp)


def every_choice_garbles(offline: Any, result: Any, source: str) -> list[dict[str, str]]:
    """Garbles and markup of the offline engine's text in every audience x length."""
    from coach.engines.base import Request

    out = []
    for audience, length in CHOICES:
        req = Request(result.analysis.text, result.analysis, result.citations, audience, length)  # type: ignore[arg-type]
        for g in find_garbles(offline.rewrite(req).text, source):
            out.append({"audience": audience, "length": length, **g.__dict__})
    return out


def _norm_q(q: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", q.lower()))


def question_faults(result: Any, outcome: str | None) -> dict[str, Any]:
    qs = list(result.questions)
    seen = Counter(_norm_q(q) for q in qs)
    return {
        "n": len(qs),
        "over_3": len(qs) > 3,
        "repeated": sum(c - 1 for c in seen.values() if c > 1),
        # what changed / how much / for whom, after an update that states its outcome (the goal
        # question's "key result" is no such question)
        "asks_stated_outcome": [
            q for q in qs if outcome and _ASKS_OUTCOME.search(q) and "strategic goal" not in q
        ],
    }


def grounding_negatives(coach: Any, ds: RealDataset, dev: Path) -> dict[str, Any]:
    """Each update rewritten against the sample corpus and each dev strategy: what it cites."""
    from coach.evals.grounding_rows import index_collections, sample_corpus

    cols = index_collections(coach, dev, sample_corpus())
    per: dict[str, list[dict[str, Any]]] = {name: [] for name in cols}
    garbles = 0
    for upd in ds.updates:
        for name, col in cols.items():
            try:
                r = coach.rewrite(upd.text, engine=engines.FALLBACK, collection=col)
            except CoachError:
                continue
            garbles += len(find_garbles(r.text, upd.text))
            per[name].append(
                {
                    "id": upd.id,
                    "cites": [f"{c.source} | {c.text[:80]}" for c in r.citations],
                    "invented": list(r.facts.added),
                }
            )
    rows = [x for xs in per.values() for x in xs]
    return {
        "collections": sorted(cols),
        "pairs": len(rows),
        "cite_anything": _share(sum(bool(x["cites"]) for x in rows), len(rows)),
        "updates_citing_any": sum(
            any(x["cites"] for xs in per.values() for x in xs if x["id"] == u.id)
            for u in ds.updates
        ),
        "by_collection": {
            n: _share(sum(bool(x["cites"]) for x in xs), len(xs)) for n, xs in per.items()
        },
        "cited": [{"collection": n, **x} for n, xs in per.items() for x in xs if x["cites"]],
        "garbles_grounded": garbles,
        "invented_grounded": sum(len(x["invented"]) for x in rows),
    }


def cli_exit_codes(ds: RealDataset, home: Path) -> Counter[int]:
    """`coach rewrite -` on every update, in a fresh COACH_HOME: the exit codes."""
    exe = Path(sys.executable).with_name("coach")
    env = {**os.environ, "COACH_HOME": str(home), "COACH_ENGINE": "offline"}
    codes: Counter[int] = Counter()
    for upd in ds.updates:
        p = subprocess.run(
            [str(exe), "rewrite", "-"], input=upd.text, text=True, capture_output=True, env=env
        )
        codes[p.returncode] += 1
        if p.returncode != 0:
            print(
                f"  cli exit {p.returncode} on {upd.id}: {p.stderr.strip()[:200]}", file=sys.stderr
            )
    return codes


def _share(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def run(path: Path, dev: Path, cli: bool = True) -> dict[str, Any]:
    from coach.app import handlers
    from coach.core import Coach
    from coach.evals.eye import eye_section, unit_vectors

    with tempfile.TemporaryDirectory(prefix="coach-probe-") as t:
        tmp = Path(t)
        (tmp / "data").mkdir()
        ds = _dataset(path, tmp / "data")
        coach = Coach(home=tmp / "home", cache=False)
        offline = engines.build(engines.FALLBACK, coach.settings)
        rows: list[dict[str, Any]] = []
        questions: dict[str, dict[str, Any]] = {}
        page_fail: list[str] = []
        for upd in ds.updates:
            try:
                result = coach.rewrite(upd.text, engine=engines.FALLBACK, collection="probe-none")
            except CoachError as exc:
                rows.append({"id": upd.id, "org": upd.org, "error": str(exc)})
                continue
            row = score_rewrite(upd, result, lambda xs: unit_vectors(xs, cache=None))
            row["garbles_every_choice"] = every_choice_garbles(offline, result, upd.text)
            rows.append(row)
            questions[upd.id] = question_faults(result, upd.outcome)
            if handlers.handle_rewrite(coach, upd.text)[1]:  # the page's status sentence
                page_fail.append(upd.id)
        report: dict[str, Any] = {
            "updates": len(ds.updates),
            "organisations": len({u.org for u in ds.updates}),
            "rewrites": summarise(rows),
            "every_choice": {
                "rewrites": len(rows) * len(CHOICES),
                "fragments": sum(
                    g["kind"] == "fragment" for r in rows for g in r.get("garbles_every_choice", [])
                ),
                "markup": sum(
                    g["kind"] == "markup" for r in rows for g in r.get("garbles_every_choice", [])
                ),
            },
            "questions": {
                "over_3": sum(q["over_3"] for q in questions.values()),
                "repeated": sum(q["repeated"] for q in questions.values()),
                "asks_stated_outcome": sum(
                    bool(q["asks_stated_outcome"]) for q in questions.values()
                ),
                "with_outcome": sum(1 for u in ds.updates if u.outcome),
            },
            "page_status_sentences": page_fail,
            "eye": eye_section(ds) if ds.units else {"skipped": "no units.jsonl"},
            "grounding_negatives": grounding_negatives(coach, ds, dev),
            "rows": rows,
            "question_rows": questions,
        }
        if cli:
            report["cli_exit_codes"] = dict(cli_exit_codes(ds, tmp / "cli-home"))
        coach.store.close()
    return report


def headline(rep: dict[str, Any]) -> list[str]:
    rw, g, q = rep["rewrites"], rep["grounding_negatives"], rep["questions"]
    lines = [
        f"probe: {rep['updates']} updates, {rep['organisations']} organisations",
        f"garbled fragments / leaked markup (default rewrite): {rw['garbled_fragments']} / "
        f"{rw['leaked_markup']} ({rw['updates_with_fragments']} / {rw['updates_with_markup']} updates)",
        f"every audience x length ({rep['every_choice']['rewrites']} rewrites): fragments "
        f"{rep['every_choice']['fragments']}, markup {rep['every_choice']['markup']}",
        f"curated facts kept {rw['facts_kept']}% of {rw['facts_total']}; invented (code check) "
        f"{rw['invented_facts']}; invented in grounded rewrites {g['invented_grounded']}",
        f"leads with the outcome: {rw['leads_with_outcome']}% of {rw['outcome_updates']}",
        f"process-heavy with no outcome, asks for it: {rw['asks_for_outcome']}% of "
        f"{rw['no_outcome_process_heavy']}; invented outcomes {rw['invented_outcomes']}",
        f"process density ratio (process-heavy): {rw['process_density_ratio']}",
        f"questions: over 3 {q['over_3']}, repeated {q['repeated']}, asking for a stated "
        f"outcome {q['asks_stated_outcome']} of {q['with_outcome']}",
        f"grounding, every update a negative ({', '.join(g['collections'])}): cite anything "
        f"{g['cite_anything']} of {g['pairs']} pairs; {g['updates_citing_any']} updates cite "
        f"something somewhere; by collection {g['by_collection']}",
        f"page status sentences: {len(rep['page_status_sentences'])}; rewrite errors "
        f"{rw['errors']}; CLI exit codes {rep.get('cli_exit_codes', 'not run')}",
    ]
    eye = rep["eye"]
    for name, e in eye.get("eyes", {}).items():
        a = e["all"]
        lines.append(
            f"eye {name}: balanced accuracy {a['balanced_accuracy']}, outcome+mixed recall "
            f"{a['outcome_recall']} ({a['n_outcome_mixed']} pos / {a['n_process']} process)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--data", help="the same as PATH")
    ap.add_argument("--dev", default=str(DEFAULT_DATA), help="the dev set (its strategy/)")
    ap.add_argument("--no-cli", action="store_true", help="skip `coach rewrite -` per update")
    ap.add_argument("--json", help="write the whole report here")
    args = ap.parse_args(argv)
    path = args.path or args.data
    if not path:
        print(NO_DATA, file=sys.stderr)
        return 2
    dev = Path(args.dev)
    if not (dev / "strategy").is_dir():
        print(f"probe: {dev} has no strategy/ folder to score grounding against.", file=sys.stderr)
        return 2
    try:
        rep = run(Path(path), dev, cli=not args.no_cli)
    except CoachError as e:  # a bad row, no updates: one sentence, as the CLI says it
        print(f"probe: {e}", file=sys.stderr)
        return 2
    print("\n".join(headline(rep)))
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
