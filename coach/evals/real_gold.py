"""The grounding files of a real-updates directory, read as leniently as a hidden set needs.

`coach.evals.real` loads updates and units strictly (a wrong figure is worse than none); the
gold files (strategy/ITEMS.jsonl, grounding.jsonl, grounding_updates.jsonl) are read row by
row: a row that cannot be read is set aside and said, and the rest are scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.evals.dataset import json_object


def as_id(value: Any) -> str | None:
    """An id as text: strings (stripped) and integers are ids, anything else is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _texts(value: Any) -> list[str]:
    """A list of ids from what a gold file may hold: a list (non-strings dropped), one string,
    or nothing (null, absent)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
    return []


def as_org(value: Any) -> str | None:
    """An organisation as text (a number is a name too); null, true/false or blank: none."""
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


# per file: (the keys a row must have, what it is set aside without, list-valued keys)
_GOLD_SCHEMA = {
    "updates.jsonl": ("id", "text", ()),
    "ITEMS.jsonl": ("item_id", "item_id", ()),
    "grounding_updates.jsonl": ("update_id", "update_id", ("gold_items",)),
    "grounding.jsonl": ("update_id", "unit", ("gold",)),
}


def gold_rows(
    path: Path, notes: list[str] | None = None, *, need_text: bool = True
) -> list[dict[str, Any]]:
    """The rows of a grounding file (updates.jsonl, strategy/ITEMS.jsonl, grounding.jsonl,
    grounding_updates.jsonl) as the grounding section reads them, whatever a hidden set holds:
    ids and organisations as text, list fields as lists of ids (null -> []), an item's file taken
    from its id when absent. A line that is not a JSON object or a row without its id or text
    is set aside and said in `notes` (one sentence a file), never an error. `need_text=False`
    keeps a row that has its id but not its text (enough to say the file holds gold)."""
    if not path.is_file():
        return []
    key, text, lists = _GOLD_SCHEMA.get(path.name, ("", "", ()))
    rows: list[dict[str, Any]] = []
    bad: list[str] = []
    try:
        lines = path.read_bytes().decode("utf-8-sig", "replace").splitlines()
    except OSError as exc:
        bad.append(f"unreadable ({exc.strerror})")
        lines = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json_object(line, f"line {n}")
        except InputError as exc:
            bad.append(str(exc).rstrip("."))
            continue
        if key:
            row[key] = as_id(row.get(key))
        if "org" in row:
            row["org"] = as_org(row["org"])
        for name in lists:
            row[name] = _texts(row.get(name))
        if (
            path.name == "ITEMS.jsonl"
            and row.get("item_id")
            and not isinstance(row.get("file"), str)
        ):
            row["file"] = str(row["item_id"]).split("#", 1)[0]
        has_text = isinstance(row.get(text), str) and row[text].strip()
        if not row.get(key) or (need_text and not has_text):
            missing = text if row.get(key) else key  # name what is missing: the id first
            bad.append(f"line {n} has no {missing!r}")
            continue
        rows.append(row)
    if bad and notes is not None:
        notes.append(f"{path.name}: {len(bad)} row(s) set aside (first: {bad[0]})")
    return rows


__all__ = ["as_id", "as_org", "gold_rows"]
