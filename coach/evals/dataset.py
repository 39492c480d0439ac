"""Eval datasets as JSONL: one case per line, checked on load so a bad line names itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.options import AUDIENCES, DEFAULT_AUDIENCE


@dataclass(frozen=True)
class Case:
    """One status update to rewrite, with what a good rewrite must keep."""

    id: str
    update: str
    audience: str = DEFAULT_AUDIENCE
    facts: tuple[str, ...] = ()
    gold_pillars: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    field: str = ""
    difficulty: str = ""
    tags: tuple[str, ...] = ()
    canary: str | None = None
    extra: dict[str, Any] = _field(default_factory=dict)


def _strings(row: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = row.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key!r} must be a list of strings.")
    return tuple(value)


def parse_case(row: Any, where: str) -> Case:
    """A Case from one decoded JSON line; InputError names the line and the problem."""
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected a JSON object.")
    update = row.get("update")
    if not isinstance(update, str) or not update.strip():
        raise InputError(f"{where}: 'update' must be a non-empty string.")
    audience = row.get("audience") or DEFAULT_AUDIENCE
    if audience not in AUDIENCES:
        raise InputError(f"{where}: unknown audience {audience!r}; use {', '.join(AUDIENCES)}.")
    known = {
        "id",
        "update",
        "audience",
        "facts",
        "gold_pillars",
        "references",
        "field",
        "difficulty",
        "tags",
        "canary",
    }
    return Case(
        id=str(row.get("id") or where),
        update=update,
        audience=audience,
        facts=_strings(row, "facts", where),
        gold_pillars=_strings(row, "gold_pillars", where),
        references=_strings(row, "references", where),
        field=str(row.get("field") or ""),
        difficulty=str(row.get("difficulty") or ""),
        tags=_strings(row, "tags", where),
        canary=row.get("canary") or None,
        extra={k: v for k, v in row.items() if k not in known},
    )


def json_object(line: str, where: str, expected: str = "a JSON object") -> dict[str, Any]:
    """One JSONL line as a dict, or one InputError sentence that says where it went wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not valid JSON ({exc.msg}).") from None
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected {expected}.")
    return row


def load_cases(path: str | Path, limit: int | None = None) -> list[Case]:
    """All cases of a JSONL dataset; blank lines are skipped, ids must be unique."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Dataset {str(p)!r} does not exist.")
    cases: list[Case] = []
    seen: set[str] = set()
    with p.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{p.name} line {n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where} is not valid JSON ({exc.msg}).") from None
            case = parse_case(row, where)
            if case.id in seen:
                raise InputError(f"{where}: duplicate id {case.id!r}.")
            seen.add(case.id)
            cases.append(case)
            if limit and len(cases) >= limit:
                break
    if not cases:
        raise InputError(f"Dataset {str(p)!r} has no cases.")
    return cases
