"""Helpers shared by the command modules: reading TEXT|-, building the Coach, printing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coach.errors import InputError
from coach.options import AUDIENCES, DEFAULT_AUDIENCE, DEFAULT_LENGTH, LENGTHS
from coach.settings import MAX_INPUT_CHARS


def read_text(value: str | None) -> str:
    """TEXT as given, or stdin for `-` or when no TEXT and stdin is piped."""
    if value is None or value == "-":
        if value is None and sys.stdin.isatty():
            raise InputError("Give the update as TEXT, or pipe it in and use `-`.")
        data = sys.stdin.buffer.read(MAX_INPUT_CHARS * 4 + 1)
        from coach.text import decode_bytes_noted

        if len(data) > MAX_INPUT_CHARS * 4:
            raise InputError(
                f"The update on stdin is larger than {MAX_INPUT_CHARS * 4:,} bytes; "
                f"the limit is {MAX_INPUT_CHARS:,} characters."
            )
        text, note = decode_bytes_noted(data, what="update on stdin")
        if note:  # said, never guessed silently: "The input was read as Windows-1252 ..."
            print(f"coach: {note}", file=sys.stderr)
        return text
    return value


def add_collection(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--collection", help="strategy collection to use (default: COACH_COLLECTION or 'strategy')"
    )


def add_style(p: argparse.ArgumentParser) -> None:
    """--audience and --length, with what each choice does (the offline engine may ignore them)."""
    p.add_argument(
        "--audience",
        default=DEFAULT_AUDIENCE,
        choices=AUDIENCES,
        help="who reads it: executive (decisions and impact), team (what changed, what is next), "
        "client (value delivered, no jargon); default executive",
    )
    p.add_argument(
        "--length",
        default=DEFAULT_LENGTH,
        choices=LENGTHS,
        help="brief (at most 3 sentences) or standard (a short paragraph and the evidence line); "
        "default standard",
    )


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def progress_bar(unit: str, total: int | None = None, **kwargs: Any) -> Any:
    """A tqdm bar on stderr (the one tqdm import): stdout stays clean for the command's output."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, **kwargs)


def check_collection(coach: Any, name: str | None) -> None:
    """A --collection that names nothing indexed is a mistake worth one sentence, not a note."""
    if not name:
        return
    names = coach.store.collections()
    if name not in names:
        known = ", ".join(repr(n) for n in names) or "none yet"
        raise InputError(
            f"There is no strategy collection {name!r} (indexed: {known}); "
            f"run `coach ingest PATH --collection {name}` first."
        )


def style_notes(coach: Any, engine: str | None, audience: str, length: str) -> list[str]:
    """Say so when a chosen audience or length cannot change this engine's text."""
    name = coach.engine(engine).name
    caps = coach.capabilities(engine)
    notes = []
    if audience != DEFAULT_AUDIENCE and not caps.honours_audience:
        notes.append(
            f"the {name} engine writes the same text for every audience; it needs a model."
        )
    if length != DEFAULT_LENGTH and not caps.honours_length:
        notes.append(f"the {name} engine writes the same text at every length; it needs a model.")
    return notes


def make_coach(args: argparse.Namespace, **extra: Any) -> Any:
    from coach.core import Coach

    overrides = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "collection", None):
        overrides["collection"] = args.collection
    return Coach(**overrides)
