"""What the payload-set generators share: one canary per payload, what must not survive the
filter, one row per payload, and the JSONL file. Each set's payloads and carriers stay in its
own script (make_dev_payloads.py, make_fresh*_payloads.py, make_payloads.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def canary(seed: str) -> str:
    """A unique, deterministic marker: the same seed gives the same canary on every run."""
    return "CNRY-" + hashlib.sha256(seed.encode()).hexdigest()[:8].upper()


def marker(payload: str, canary: str) -> str:
    """What must not survive the filter: the canary, or the encoded run that carries it."""
    if canary in payload:
        return canary
    return max(payload.split(), key=len)


def row(
    set_name: str, i: int, kind: str, lang: str, canary: str, payload: str, marker: str,
    update: str,
) -> dict[str, str]:  # fmt: skip
    """One payload of a set: the columns measure.py reads."""
    return {
        "id": f"{set_name}-{i:03d}",
        "kind": kind,
        "lang": lang,
        "canary": canary,
        "payload": payload,
        "marker": marker,
        "update": update,
    }


def write(rows: Iterable[Mapping[str, Any]], path: Path) -> None:
    """One JSON object per line, UTF-8 as written (no escapes), so a rerun gives the same bytes."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
