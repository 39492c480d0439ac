"""Batch rewrite: whole files in, whole files out, in order, journalled, nothing lost.

The names below load on first use (PEP 562), so a command that only lists the formats (the CLI
builds its help from them) does not import the runner and every format's reader."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "open_format": "coach.batch.formats",
    "Options": "coach.batch.runner",
    "Summary": "coach.batch.runner",
    "rewrite_many": "coach.batch.runner",
    "run_batch": "coach.batch.runner",
}

__all__ = ["Options", "Summary", "open_format", "rewrite_many", "run_batch"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'coach.batch' has no attribute {name!r}")
