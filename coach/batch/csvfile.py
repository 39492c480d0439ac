"""CSV and TSV: the header picks the delimiter; a row that does not fit the header is kept whole.

The delimiter is read from the header line, not guessed from the data: a one-column file whose
updates contain ";" stays one column. A header that splits cleanly on two candidates (say
"a;b,c") is refused with one sentence rather than guessed. A row with more fields than the
header is not rewritten and its extra fields are folded back into its last column, so no
column lands under the wrong header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO

from coach.batch.base import (
    TEXT_COLUMNS,
    Pairs,
    Record,
    TextInput,
    atomic_path,
    pick_column,
    sheet_rows,
)
from coach.errors import InputError

csv.field_size_limit(64 * 1024 * 1024)  # very long cells are row errors, not file errors
CANDIDATES = ",;\t|"
ONE_COLUMN = "\x1f"  # the unit separator: refused as a control byte, so never in a text file


def header_delimiter(line: str, name: str, suffix: str = "") -> str:
    """The delimiter the header line uses: one candidate that splits it, or a clear error."""
    if suffix == ".tsv":
        return "\t"
    splits = {d: _split(line, d) for d in CANDIDATES}
    many = {d: row for d, row in splits.items() if len(row) > 1}
    if not many:
        return ONE_COLUMN
    if len(many) == 1:
        return next(iter(many))
    known = [d for d, row in many.items() if any(h.strip().lower() in TEXT_COLUMNS for h in row)]
    if len(known) == 1:
        return known[0]
    shown = " or ".join(repr(d).replace("'\\t'", "tab") for d in many)
    raise InputError(
        f"Cannot tell which delimiter the header of {name} uses ({shown}): save it with one "
        "delimiter, or quote the header cells."
    )


class CsvFormat(TextInput):
    name = "csv"
    label = "CSV file"

    def __init__(self, path: Path, column: str | None = None) -> None:
        super().__init__(path)
        with self._open() as fh:
            first = _first_record(fh)
        if not first.strip():
            raise InputError(f"The CSV file {path.name} is empty.")
        self.delimiter = header_delimiter(first, path.name, path.suffix.lower())
        rows = self._rows()
        self.header = next(rows)
        rows.close()
        self.col = pick_column(self.header, column, f"The CSV file {path.name}")
        self.fingerprint = f"csv:{self.det.sha256}:{self.col}"

    def _open(self) -> IO[str]:
        return self.path.open(encoding=self.det.encoding, newline="")

    def _rows(self) -> Generator[list[str], None, None]:
        with self._open() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter, strict=True)
            try:
                yield from reader
            except csv.Error as exc:
                raise InputError(
                    f"The CSV file {self.path.name} is malformed near line {reader.line_num} "
                    f"({exc}): check for an unmatched quote."
                ) from None

    def _records(self) -> Iterator[Record]:
        rows = self._rows()
        next(rows, None)
        width = len(self.header)
        for i, row in enumerate(rows):
            if len(row) > width:
                kept = [*row[: width - 1], self._join(row[width - 1 :])]
                yield Record(
                    i,
                    "",
                    raw=kept,
                    error=(
                        f"Row {i + 2} has {len(row)} fields but the header has {width}: quote "
                        f"the cell that contains {self._shown}; the row was kept as it is."
                    ),
                )
                continue
            text = row[self.col] if self.col < len(row) else ""
            yield Record(i, text, raw=row)

    @property
    def _shown(self) -> str:
        return "a tab" if self.delimiter == "\t" else f"a {self.delimiter!r}"

    def _join(self, cells: list[str]) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.delimiter, lineterminator="").writerow(cells)
        return buf.getvalue()

    def write(self, out: Path, pairs: Pairs) -> None:
        delimiter = "," if self.delimiter == ONE_COLUMN else self.delimiter
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
            w.writerows(sheet_rows(self.header, pairs))
            fh.flush()
            self.pin.check(full=True)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter, strict=True), [])
    except csv.Error:
        return [line]


def _first_record(fh: IO[str]) -> str:
    """The header line (a quoted header cell may hold a newline: read up to 20 lines for it)."""
    lines: list[str] = []
    for _ in range(20):
        line = fh.readline()
        if not line:
            break
        lines.append(line)
        if "".join(lines).count('"') % 2 == 0:
            break
    return "".join(lines).rstrip("\r\n")
