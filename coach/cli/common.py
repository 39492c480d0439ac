"""Helpers shared by the command modules: reading TEXT|-, building the Coach, printing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coach.errors import InputError
from coach.settings import MAX_INPUT_CHARS


def read_text(value: str | None) -> str:
    """TEXT as given, or stdin for `-` or when no TEXT and stdin is piped."""
    if value is None or value == "-":
        if value is None and sys.stdin.isatty():
            raise InputError("Give the update as TEXT, or pipe it in and use `-`.")
        data = sys.stdin.buffer.read(MAX_INPUT_CHARS * 4 + 1)
        from coach.text import decode_bytes

        if len(data) > MAX_INPUT_CHARS * 4:
            raise InputError(
                f"The update on stdin is larger than {MAX_INPUT_CHARS * 4:,} bytes; "
                f"the limit is {MAX_INPUT_CHARS:,} characters."
            )
        return decode_bytes(data, what="update on stdin")
    return value


def add_collection(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--collection", help="strategy collection to use (default: COACH_COLLECTION or 'strategy')"
    )


def make_coach(args: argparse.Namespace, **extra: Any) -> Any:
    from coach.core import Coach

    overrides = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "collection", None):
        overrides["collection"] = args.collection
    return Coach(**overrides)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def progress_bar(unit: str, total: int | None = None, **kwargs: Any) -> Any:
    """A tqdm bar on stderr (the one tqdm import): stdout stays clean for the command's output."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, **kwargs)
