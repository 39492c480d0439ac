"""coach batch INPUT -o OUTPUT: rewrite a whole file (CSV, XLSX, JSONL, Markdown, DOCX, text)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coach import engines
from coach.batch.formats import kinds
from coach.cli.common import (
    add_collection,
    add_style,
    check_collection,
    make_coach,
    progress_bar,
    style_notes,
)
from coach.options import RewriteOptions


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "batch",
        help=f"rewrite a whole file of updates ({', '.join(kinds())})",
        description=(
            "Rewrite every update in a file and write the same file back with the rewrites "
            "(and, for spreadsheets, engine, scores, fact check and questions as columns). "
            "Every finished row is journalled: after a crash, --resume finishes the job."
        ),
    )
    p.add_argument("input", metavar="INPUT", help="the file of updates")
    p.add_argument("-o", "--output", required=True, help="where to write the rewritten file")
    p.add_argument("--column", help="CSV/XLSX/JSONL: the column holding the update text")
    p.add_argument("--engine", choices=engines.choices(), help="which engine to use")
    p.add_argument("--concurrency", type=int, default=4, help="LLM requests in flight (default 4)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="offline engine: worker processes (default 1; 2 uses both cores of a 2-core machine)",
    )
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch")
    p.add_argument("--journal", help="journal file (default OUTPUT.journal)")
    p.add_argument("--report", help="write a report: .md (with a .png chart) or .html")
    p.add_argument(
        "--no-metrics",
        action="store_true",
        help="skip the embedding-based eval metrics per row (faster; facts and density only)",
    )
    add_style(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_collection(p)
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from coach.batch import run_batch
    from coach.errors import InputError

    if args.concurrency < 1:
        raise InputError("--concurrency must be at least 1.")
    if args.workers < 1:
        raise InputError("--workers must be at least 1.")
    coach = make_coach(args)
    check_collection(coach, args.collection)
    for note in style_notes(coach, args.engine, args.audience, args.length):
        print(f"coach: {note}", file=sys.stderr)
    bar: Any = None

    def progress(done: int, total: int, status: str) -> None:
        """The bar appears with the first finished row, so a bad file is one sentence alone."""
        nonlocal bar
        if bar is None:
            bar = progress_bar("row", total, dynamic_ncols=True)
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    opts = RewriteOptions(
        engine=args.engine,
        collection=args.collection,
        audience=args.audience,
        length=args.length,
        metrics=not args.no_metrics,
    )
    concurrency = args.concurrency if coach.capabilities(args.engine).concurrent else 1
    try:
        summary = run_batch(
            coach,
            args.input,
            args.output,
            column=args.column,
            options=opts,
            concurrency=concurrency,
            workers=args.workers,
            resume=args.resume,
            journal_path=args.journal,
            progress=None if args.quiet else progress,
            report_path=args.report,
        )
    finally:
        if bar is not None:
            bar.close()
    print(summary.line())
    for line in summary.notes:
        print(line)
    for idx, reason in summary.failures[:10]:
        print(f"row {idx + 1} failed: {reason}")
    if len(summary.failures) > 10:
        print(f"... and {len(summary.failures) - 10} more (see the report or the journal).")
    print(f"wrote {summary.output}" + (f" and {summary.report}" if summary.report else ""))
    return 0
