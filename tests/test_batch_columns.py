"""Batch columns come from one table: spreadsheet headers, their cells and the report agree."""

from __future__ import annotations

from coach.batch.columns import ADDED, COLUMNS, REPORT_HEAD, added_cells, report_cells

OK = {
    "status": "ok",
    "engine": "offline",
    "rewrite": "Cut waits by 10%.",
    "facts_ok": True,
    "facts_kept": 1,
    "facts_total": 1,
    "questions": ["Who benefits?"],
    "unmapped": [],
    "scores": {"content_preservation": 0.8123, "process_density_before": 0.5},
    "error": "",
}


def test_sheet_and_report_columns_come_from_the_table() -> None:
    assert tuple(c.sheet for c in COLUMNS if c.sheet) == ADDED
    assert len(added_cells(OK)) == len(ADDED) == len(added_cells(None))
    assert len(report_cells(0, OK)) == len(REPORT_HEAD)
    row = dict(zip(ADDED, added_cells(OK), strict=True))
    assert row["coach_content_preservation"] == 0.8123
    assert row["coach_questions"] == "Who benefits?"
    report = dict(zip(REPORT_HEAD, report_cells(4, OK), strict=True))
    assert report["row"] == "5" and report["content"] == "0.81" and report["facts"] == "1/1"


def test_a_failed_row_has_its_reason_and_no_facts() -> None:
    bad = {"status": "failed", "error": "The update is empty."}
    row = dict(zip(ADDED, added_cells(bad), strict=True))
    assert row["coach_error"] == "The update is empty." and row["coach_facts_ok"] == ""
    report = dict(zip(REPORT_HEAD, report_cells(0, bad), strict=True))
    assert report["facts"] == "" and report["reason"] == "The update is empty."
