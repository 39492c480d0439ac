"""coach rewrite | analyze | serve (ingest and retrieve live in coach.cli.corpus)."""

from __future__ import annotations

import argparse
import sys

from coach import engines
from coach.cli.common import (
    add_collection,
    add_style,
    check_collection,
    make_coach,
    print_json,
    read_text,
    style_notes,
)
from coach.facts import describe
from coach.options import RewriteOptions


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rewrite", help="rewrite one status update in outcome language")
    p.add_argument("text", nargs="?", help="the update, or - to read stdin")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--engine", choices=engines.choices(), help="which engine to use")
    add_style(p)
    add_collection(p)
    p.set_defaults(func=cmd_rewrite)

    p = sub.add_parser("analyze", help="show which words are process talk, and why")
    p.add_argument("text", nargs="?", help="the update, or - to read stdin")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("serve", help="serve the web page (default http://127.0.0.1:7860)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1, or COACH_HOST)")
    p.add_argument("--port", type=int, help="port (default 7860, or COACH_PORT)")
    p.add_argument(
        "--no-warmup",
        action="store_true",
        help="skip the warm-up rewrite at start (the first click then loads the models)",
    )
    p.set_defaults(func=cmd_serve)


def cmd_rewrite(args: argparse.Namespace) -> int:
    text = read_text(args.text)
    coach = make_coach(args)
    opts = RewriteOptions(
        audience=args.audience, length=args.length, collection=args.collection, engine=args.engine
    )
    check_collection(coach, args.collection)
    result = coach.rewrite(text, opts)
    for note in style_notes(coach, args.engine, args.audience, args.length):
        print(f"coach: {note}", file=sys.stderr)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(result.text)
    print()
    print(
        f"[engine: {result.engine} | facts: {describe(result.facts)} | "
        f"process talk in your update: {result.analysis.process_density:.0%} of items]"
    )
    if result.unmapped:
        print(f"[unmapped work: {len(result.unmapped)} item(s) serve no strategic pillar]")
    for i, c in enumerate(result.citations, 1):
        print(f"[{i}] {c.title or c.source} > {c.section} ({c.source}, score {c.score:.2f})")
    for q in result.questions:
        print(f"question: {q}")
    for finding in result.findings:
        print(f"note: {finding}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    text = read_text(args.text)
    coach = make_coach(args)
    a = coach.analyze(text)
    if args.json:
        print_json(a.to_dict())
        return 0
    for u in a.units:
        print(f"{u.label:8} {u.text}")
        for s in u.spans:
            print(f"         ^ {s.text!r} [{s.category}] {s.explanation}")
        if u.question:
            print(f"         ? {u.question}")
    print(f"process density: {a.process_density:.0%}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from coach.app import serve

    serve(host=args.host, port=args.port, warmup=not args.no_warmup)
    return 0
