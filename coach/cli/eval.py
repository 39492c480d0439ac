"""coach eval | eval compare | score: run the eval suite, compare runs, score any rewrites."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from coach import engines
from coach.cli.common import add_collection, make_coach
from coach.errors import CoachError, InputError


def _add_engine(p: argparse.ArgumentParser, help_text: str) -> None:
    """--engine for `eval` and `eval real`: any registered engine, offline unless named."""
    p.add_argument("--engine", default=engines.FALLBACK, choices=engines.names(), help=help_text)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="run the eval suite over a dataset and write a report")
    p.add_argument("--suite", help="suite YAML (default eval/suites/default.yaml)")
    p.add_argument("--dataset", help="cases JSONL (default: the suite's, eval/cases.jsonl)")
    _add_engine(p, "engine to evaluate (default offline)")
    p.add_argument("--prompt-version", help="prompt version for the llm engine")
    p.add_argument("--out", help="run folder (default runs/<timestamp>/)")
    p.add_argument("--limit", type=int, help="only the first N cases")
    p.add_argument("--ids", help="only these case ids, comma-separated")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument(
        "--judge", action="store_true", help="also score with the LLM judge (COACH_JUDGE_*)"
    )
    add_collection(p)
    p.set_defaults(func=cmd_eval)
    esub = p.add_subparsers(dest="eval_command", metavar="compare | real", required=False)
    c = esub.add_parser("compare", help="compare two runs; exit 1 on a gate regression if asked")
    c.add_argument("run_a", metavar="RUN_A", help="the baseline run folder")
    c.add_argument("run_b", metavar="RUN_B", help="the new run folder")
    c.add_argument("--fail-on-regression", action="store_true", help="exit 1 when a gate regresses")
    c.add_argument("--suite", help="suite YAML with the compare tolerance and critical gates")
    c.add_argument("--json", action="store_true", help="print the comparison as JSON")
    c.set_defaults(func=cmd_compare)
    r = esub.add_parser("real", help="every quality figure on a real-updates dataset directory")
    r.add_argument(
        "--data",
        metavar="DIR",
        help="dataset directory (default $COACH_REAL_DATA or ../shared/datasets/real-updates)",
    )
    r.add_argument("--out", help="report folder (default runs/real-<timestamp>/)")
    _add_engine(r, "engine whose rewrites are scored (default offline)")
    r.add_argument(
        "--only",
        choices=["eye", "rewrites", "grounding"],
        action="append",
        help="run only this section (repeatable)",
    )
    r.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    r.set_defaults(func=cmd_real)

    s = sub.add_parser("score", help="score rewrites made by anything (JSONL of source/rewrite)")
    s.add_argument("pairs", metavar="PAIRS.jsonl", help='one {"source", "rewrite"} per line, or -')
    s.add_argument("-o", "--output", metavar="FILE", help="write the JSON lines here, not stdout")
    s.set_defaults(func=cmd_score)


def cmd_eval(args: argparse.Namespace) -> int:
    from coach.evals.dataset import load_cases
    from coach.evals.report import summary_table, write_report
    from coach.evals.runner import ensure_corpus, run, use_prompt_version, write_run
    from coach.evals.suite import load_suite

    suite = load_suite(args.suite)
    dataset = Path(args.dataset) if args.dataset else suite.dataset_path()
    cases = suite.select(load_cases(dataset))
    if args.ids:
        wanted = {x.strip() for x in args.ids.split(",") if x.strip()}
        cases = [c for c in cases if c.id in wanted]
        if unknown := wanted - {c.id for c in cases}:
            raise InputError(f"Unknown case id(s) in {dataset.name}: {', '.join(sorted(unknown))}.")
    if args.limit:
        cases = cases[: args.limit]
    out = Path(args.out or Path("runs") / time.strftime("%Y%m%d-%H%M%S"))
    coach = make_coach(args)
    if args.prompt_version:
        use_prompt_version(coach, args.engine, args.prompt_version)
    passages = ensure_corpus(coach, args.collection)
    total = len(cases)

    def progress(item: dict[str, Any]) -> None:
        if not args.quiet:
            n = progress.done = getattr(progress, "done", 0) + 1  # type: ignore[attr-defined]
            failed = ", ".join(item.get("failed_gates", []))
            print(f"[{n}/{total}] {item['id']} {item['verdict']} {failed}", file=sys.stderr)

    started = time.perf_counter()
    items = run(
        coach,
        cases,
        engine=args.engine,
        collection=args.collection,
        suite=suite,
        progress=progress,
        with_judge=args.judge,
    )
    meta = {
        "engine": args.engine,
        "dataset": str(dataset),
        "suite": suite.name,
        "prompt_version": args.prompt_version or "",
        "judge": bool(args.judge),
        "collection": args.collection or coach.settings.collection,
        "passages": passages,
        "seconds": round(time.perf_counter() - started, 1),
    }
    summary = write_run(out, items, meta)
    write_report(out, items, summary)
    print(summary_table(summary))
    print(f"\nWrote {out}/items.jsonl, summary.json, report.md, report.html and charts/.")
    return 0


def cmd_real(args: argparse.Namespace) -> int:
    from coach.evals.realrun import run_real, summary_text

    out = Path(args.out or Path("runs") / time.strftime("real-%Y%m%d-%H%M%S"))

    def progress(n: int, total: int, uid: str) -> None:
        if not args.quiet and (n % 10 == 0 or n == total):
            print(f"[{n}/{total}] rewritten ({uid})", file=sys.stderr)

    sections = tuple(args.only or ("eye", "rewrites", "grounding"))
    report = run_real(args.data, out=out, engine=args.engine, sections=sections, progress=progress)
    print(summary_text(report))
    print(f"\nWrote {out}/real.json, real.md and rows.jsonl ({report['seconds']} s).")
    return 1 if report.get("failed_sections") else 0  # every other figure is still written


def cmd_compare(args: argparse.Namespace) -> int:
    from coach.evals.compare import compare, load_items, render
    from coach.evals.suite import load_suite

    suite = load_suite(args.suite)
    result = compare(
        load_items(args.run_a), load_items(args.run_b), suite.tolerance, suite.critical
    )
    if result.common == 0:
        raise InputError("The two runs have no case ids in common: nothing to compare.")
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(render(result, args.run_a, args.run_b))
    return 1 if (args.fail_on_regression and result.regressions) else 0


def _pair(line: str, where: str) -> dict[str, Any]:
    from coach.evals.dataset import json_object

    row = json_object(line, where, "a JSON object with 'source' and 'rewrite'")
    for key in ("source", "rewrite"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise InputError(f"{where}: {key!r} must be a non-empty string.")
    cites = row.get("citations", [])
    if not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        raise InputError(f"{where}: 'citations' must be a list of passage texts.")
    return row


def cmd_score(args: argparse.Namespace) -> int:
    from coach.evals.metrics import score

    if args.pairs == "-":
        lines = sys.stdin.read().splitlines()
    else:
        path = Path(args.pairs)
        if not path.is_file():
            raise InputError(f"{args.pairs!r} does not exist.")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    bad = done = 0
    try:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"line {n}"
            try:
                row = _pair(line, where)
                metrics = score(
                    row["source"],
                    row["rewrite"],
                    row.get("citations", []),
                    required_facts=row.get("facts") or (),
                    canary=row.get("canary"),
                )
            except CoachError as exc:
                bad += 1
                print(f"coach: {exc}", file=sys.stderr)
                continue
            record = {"line": n, **({"id": row["id"]} if "id" in row else {}), **metrics}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            done += 1
    finally:
        if args.output:
            out.close()
    if bad:
        print(f"coach: scored {done} pair(s); {bad} line(s) could not be scored.", file=sys.stderr)
        return 2
    return 0
