"""XLSX (openpyxl read-only / write-only, streaming): the FIRST sheet, row 1 is the header.

Nothing is dropped silently: the other sheets are copied to the output as they are; a merged
cell's value is given to every row it spans (the output cannot keep the merge while streaming,
so the notes say so); a formula cell with no saved value (a file written by a script and never
opened in Excel) fails its row with a reason instead of being read as blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coach.batch.base import Pairs, Pin, PinnedInput, Record, atomic_path, pick_column, sheet_rows
from coach.errors import InputError
from coach.untrusted import XML_ERRORS, check_zip

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class XlsxFormat(PinnedInput):
    name = "xlsx"

    def __init__(self, path: Path, column: str | None = None) -> None:
        check_zip(path, "XLSX", path.name)
        self.path = path
        self.pin = Pin.of(path)
        self.notes: list[str] = []
        wb = self._open()
        try:
            if not wb.worksheets:
                raise InputError(f"The XLSX file {path.name} has no worksheet.")
            ws = wb.worksheets[0]
            self.title = ws.title
            self.others = [s.title for s in wb.worksheets[1:]]
            try:
                header = next(ws.iter_rows(values_only=True, max_row=1), None)
                self.merges = _merges(ws)
            except XML_ERRORS as exc:
                raise self._unreadable(exc) from None
        finally:
            wb.close()
        if not header or all(h is None for h in header):
            raise InputError(f"The XLSX file {path.name} has an empty first sheet.")
        self.header = ["" if h is None else str(h) for h in header]
        self.col = pick_column(self.header, column, f"The XLSX file {path.name}")
        self.fingerprint = f"xlsx:{self.pin.sha256}:{self.col}"
        if self.others:
            names = ", ".join(repr(t) for t in self.others)
            self.notes.append(
                f"Only the first sheet {self.title!r} was rewritten; the other sheet(s) {names} "
                "are copied to the output unchanged."
            )
        if self.merges:
            self.notes.append(
                f"{len(self.merges)} merged cell range(s) on {self.title!r}: each row they span "
                "gets the merged value (the output does not keep the merge)."
            )

    def _open(self, data_only: bool = True) -> Any:
        import openpyxl

        try:
            return openpyxl.load_workbook(self.path, read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many types for a broken package
            raise InputError(
                f"The XLSX file {self.path.name} cannot be read ({type(exc).__name__})."
            ) from None

    def _unreadable(self, exc: Exception) -> InputError:
        """The sheet's XML is malformed or hostile (an entity bomb, an external entity): one
        sentence, never the parser's traceback."""
        return InputError(
            f"The XLSX file {self.path.name} cannot be read: its sheet XML is malformed or uses "
            f"entities ({type(exc).__name__})."
        )

    def _rows(self) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        """(cached values, formulas) of each row after the header, merged values filled in."""
        values, formulas = self._open(True), self._open(False)
        try:
            a = values.worksheets[0].iter_rows(values_only=True)
            b = formulas.worksheets[0].iter_rows(values_only=True)
            fill = _fills(self.merges, self._first_values())
            next(a, None)
            next(b, None)
            for r, (row, raw) in enumerate(zip(a, b, strict=False), start=2):
                if r in fill:
                    cells = list(row) + [None] * max(0, max(fill[r]) + 1 - len(row))
                    for c, v in fill[r].items():
                        cells[c] = v
                    row = tuple(cells)
                yield row, raw
        except XML_ERRORS as exc:
            raise self._unreadable(exc) from None
        finally:
            values.close()
            formulas.close()

    def _first_values(self) -> dict[tuple[int, int], Any]:
        """The top-left value of every merged range (read in one streaming pass)."""
        wanted = {(r0, c0) for r0, c0, _, _ in self.merges}
        found: dict[tuple[int, int], Any] = {}
        if not wanted:
            return found
        wb = self._open(True)
        try:
            last = max(r for r, _ in wanted)
            for r, row in enumerate(wb.worksheets[0].iter_rows(values_only=True, max_row=last), 1):
                for c, v in enumerate(row):
                    if (r, c) in wanted:
                        found[(r, c)] = v
        finally:
            wb.close()
        return found

    def _records(self) -> Iterator[Record]:
        for i, (row, raw) in enumerate(self._rows()):
            value = row[self.col] if self.col < len(row) else None
            formula = raw[self.col] if self.col < len(raw) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                yield Record(
                    i,
                    "",
                    raw=tuple(row),
                    error=(
                        f"Row {i + 2}: the cell is a formula ({formula[:40]}) with no saved value; "
                        "open and save the file in Excel, or paste the values."
                    ),
                )
                continue
            if value is not None and not isinstance(value, str):
                value = str(value)
            yield Record(i, value or "", raw=tuple(row))

    def write(self, out: Path, pairs: Pairs) -> None:
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet(title=self.title)
        for row in sheet_rows(self.header, pairs, blank=None):
            ws.append(row)
        if self.others:
            src = self._open(False)
            try:
                for sheet in src.worksheets[1:]:
                    copy = wb.create_sheet(title=sheet.title)
                    for values in sheet.iter_rows(values_only=True):
                        copy.append(list(values))
            finally:
                src.close()
        with atomic_path(out) as tmp:
            wb.save(tmp)
            self.pin.check(full=True)


def _merges(ws: Any) -> list[tuple[int, int, int, int]]:
    """(first row, first col (0-based), last row, last col) of each merged range on the sheet."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[str] = set()  # a ref is unique on a sheet: a match seen twice in the overlap is one
    tail = b""
    with ws._get_source() as fh:  # the sheet's XML part, streamed: mergeCells sit at its end
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            refs.update(m.group(1).decode() for m in _MERGE.finditer(data))
            tail = data[-200:]
    found = []
    for ref in sorted(refs):
        c0, r0, c1, r1 = range_boundaries(ref)
        found.append((r0, c0 - 1, r1, c1 - 1))
    return found


def _fills(
    merges: list[tuple[int, int, int, int]], first: dict[tuple[int, int], Any]
) -> dict[int, dict[int, Any]]:
    """Row -> {col: value} for the cells a merge covers below or right of its top-left cell."""
    fill: dict[int, dict[int, Any]] = {}
    for r0, c0, r1, c1 in merges:
        value = first.get((r0, c0))
        for r in range(max(r0, 2), r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    fill.setdefault(r, {})[c] = value
    return fill
