"""coach ingest | retrieve | corpus list: the strategy corpus and what is indexed from it."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from coach.cli.common import add_collection, make_coach, print_json, progress_bar, read_text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ingest", help="index strategy documents (files or folders)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="md, txt, html, pdf, docx or folders")
    p.add_argument("--prune", action="store_true", help="remove documents deleted from PATH")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_collection(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("retrieve", help="find the strategy passages closest to a text")
    p.add_argument("text", nargs="?", help="the text, or - to read stdin")
    p.add_argument("--k", type=int, default=3, help="how many passages (default 3)")
    p.add_argument("--json", action="store_true", help="print the passages as JSON")
    add_collection(p)
    p.set_defaults(func=cmd_retrieve)

    p = sub.add_parser("corpus", help="what is indexed: `coach corpus list`")
    csub = p.add_subparsers(dest="corpus_command", metavar="ACTION")
    lp = csub.add_parser("list", help="the indexed documents of each collection")
    lp.add_argument("--json", action="store_true", help="print the listing as JSON")
    add_collection(lp)
    lp.set_defaults(func=cmd_corpus_list)
    rp = csub.add_parser("remove", help="remove documents (by the name `corpus list` shows)")
    rp.add_argument("names", nargs="+", metavar="NAME", help="document name or declared doc_id")
    add_collection(rp)
    rp.set_defaults(func=cmd_corpus_remove)
    p.set_defaults(func=cmd_corpus_list, json=False, collection=None)


def cmd_ingest(args: argparse.Namespace) -> int:
    coach = make_coach(args)
    bar: Any = None

    def progress(done: int, total: int, name: str) -> None:
        nonlocal bar
        if bar is None:
            bar = progress_bar("file", total, leave=False)
        bar.set_postfix_str(name[-40:], refresh=False)
        bar.update(1)

    show = not args.quiet and sys.stderr.isatty()
    try:
        stats = coach.ingest(args.paths, prune=args.prune, progress=progress if show else None)
    finally:
        if bar is not None:
            bar.close()
    for message in stats["messages"]:
        print(f"coach: skipped: {message}", file=sys.stderr)
    pruned = f", {stats['pruned_files']} deleted file(s) pruned" if args.prune else ""
    print(
        f"Indexed {stats['files']} file(s) into {coach.settings.collection!r}: "
        f"{stats['added']} new chunk(s), {stats['unchanged']} unchanged, "
        f"{stats['removed']} removed{pruned}, {stats['errors']} error(s)."
    )
    return 2 if stats["errors"] and stats["errors"] == stats["files"] else 0


def cmd_retrieve(args: argparse.Namespace) -> int:
    text = read_text(args.text)
    coach = make_coach(args)
    hits = coach.retrieve(text, k=args.k)
    if args.json:
        print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print(f"No passages in collection {coach.settings.collection!r}: run `coach ingest`.")
    for i, h in enumerate(hits, 1):
        page = f", page {h.page}" if h.page else ""
        print(f"[{i}] {h.score:.3f} {h.source}{page} > {h.section} (pillar: {h.pillar or '-'})")
        print("    " + h.text[:200].replace("\n", " "))
    return 0


def cmd_corpus_list(args: argparse.Namespace) -> int:
    coach = make_coach(args)
    listing = coach.corpus(args.collection)
    if args.json:
        print_json({n: [vars(e) for e in es] for n, es in listing.items()})
        return 0
    if not any(listing.values()):
        print("Nothing indexed yet: run `coach ingest PATH`.")
        return 0
    for name, entries in listing.items():
        chunks = sum(len(e.chunk_ids) for e in entries)
        print(f"{name}: {len(entries)} document(s), {chunks} chunk(s)")
        for e in entries:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.indexed_at))
            print(f"  {e.source:<48} {len(e.chunk_ids):>5} chunks  {e.hash[:12]}  {when}")
    return 0


def cmd_corpus_remove(args: argparse.Namespace) -> int:
    coach = make_coach(args)
    removed = coach.remove(args.names)
    print(
        f"Removed {len(removed)} document(s) from {coach.settings.collection!r}: "
        + ", ".join(removed)
        + "."
    )
    return 0
