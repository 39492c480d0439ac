"""What a batch reports for each row, in one table: the coach_* columns of spreadsheet outputs and
the report's per-row table both read COLUMNS, so a new figure is one line here.

A cell reads the journalled payload (coach/batch/runner.py `result_payload`), whose scores are
the RewriteResult's own (computed once, with the rewrite).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]


def _score(key: str) -> Callable[[Payload], Any]:
    return lambda p: p.get("scores", {}).get(key, "")


def _done(p: Payload) -> bool:
    return p.get("status") != "failed"


@dataclass(frozen=True)
class Column:
    sheet: str  # the coach_* header in CSV/XLSX/JSONL outputs ("" = not there)
    report: str  # the heading in the batch report's table ("" = not there)
    cell: Callable[[Payload], Any]


COLUMNS: tuple[Column, ...] = (
    Column("coach_rewrite", "", lambda p: p.get("rewrite", "")),
    Column("coach_status", "status", lambda p: p.get("status", "")),
    Column("coach_engine", "engine", lambda p: p.get("engine", "")),
    Column("coach_content_preservation", "content", _score("content_preservation")),
    Column("coach_facts_recall", "", _score("facts_recall")),
    Column("coach_facts_ok", "", lambda p: bool(p.get("facts_ok")) if _done(p) else ""),
    Column(
        "",
        "facts",
        lambda p: f"{p.get('facts_kept', 0)}/{p.get('facts_total', 0)}" if _done(p) else "",
    ),
    Column("coach_facts_missing", "", lambda p: "; ".join(p.get("facts_missing", []))),
    Column("coach_process_before", "process before", _score("process_density_before")),
    Column("coach_process_after", "process after", _score("process_density_after")),
    Column("", "unmapped", lambda p: str(len(p.get("unmapped", []))) if _done(p) else ""),
    Column("coach_questions", "", lambda p: "\n".join(p.get("questions", []))),
    Column("coach_error", "reason", lambda p: p.get("error", "")),
)
ADDED = tuple(c.sheet for c in COLUMNS if c.sheet)
REPORT_HEAD = ("row", *(c.report for c in COLUMNS if c.report))


def added_cells(p: Payload | None) -> list[object]:
    """The coach_* columns of one row (blank for rows that were not rewritten)."""
    if p is None:
        return [""] * len(ADDED)
    return [c.cell(p) for c in COLUMNS if c.sheet]


def report_cells(idx: int, p: Payload) -> list[str]:
    """One row of the report's table, as text (floats to two places)."""

    def text(v: Any) -> str:
        return "" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    return [str(idx + 1), *(text(c.cell(p)) for c in COLUMNS if c.report)]


__all__ = ["ADDED", "COLUMNS", "REPORT_HEAD", "Column", "added_cells", "report_cells"]
