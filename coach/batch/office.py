"""XLSX (openpyxl read-only / write-only, streaming) and DOCX (python-docx, one update per
heading section; headings and their order kept)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from coach.batch.encoding import file_sha256, safe_cell
from coach.batch.formats import ADDED, Record, added_cells, atomic_path, note, pick_column
from coach.errors import InputError

MAX_UNZIPPED = 100_000_000  # a workbook whose parts expand past this is a zip bomb


def _need_zip(path: Path, kind: str) -> None:
    """Refuse a non-zip or a zip bomb from the zip directory, before anything is inflated."""
    if not zipfile.is_zipfile(path):
        raise InputError(f"The {kind} file {path.name} is not a valid {kind} file (not a zip).")
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(f"The {kind} file {path.name} is not a readable zip file.") from None
    if total > MAX_UNZIPPED:
        raise InputError(
            f"The {kind} file {path.name} expands to {total // 1_000_000:,} MB when unzipped; "
            f"the limit is {MAX_UNZIPPED // 1_000_000} MB."
        )


class XlsxFormat:
    """The first (active) sheet; row 1 is the header."""

    name = "xlsx"

    def __init__(self, path: Path, column: str | None = None) -> None:
        _need_zip(path, "XLSX")
        self.path = path
        wb = self._open()
        try:
            ws = wb.active
            self.title = ws.title
            header = next(ws.iter_rows(values_only=True, max_row=1), None)
        finally:
            wb.close()
        if not header:
            raise InputError(f"The XLSX file {path.name} has an empty first sheet.")
        self.header = ["" if h is None else str(h) for h in header]
        self.col = pick_column(self.header, column, f"The XLSX file {path.name}")
        self.fingerprint = f"xlsx:{file_sha256(path)}:{self.col}"

    def _open(self) -> Any:
        import openpyxl

        try:
            return openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken package
            raise InputError(
                f"The XLSX file {self.path.name} cannot be read ({type(exc).__name__})."
            ) from None

    def records(self) -> Iterator[Record]:
        wb = self._open()
        try:
            rows = wb.active.iter_rows(values_only=True)
            next(rows, None)
            for i, row in enumerate(rows):
                value = row[self.col] if self.col < len(row) else None
                if value is not None and not isinstance(value, str):
                    value = str(value)
                yield Record(i, value or "", raw=tuple(row))
        finally:
            wb.close()

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet(title=self.title)
        ws.append([safe_cell(h) for h in [*self.header, *ADDED]])
        width = len(self.header)
        for rec, payload in pairs:
            row = list(rec.raw) + [None] * (width - len(rec.raw))
            ws.append([safe_cell(c) for c in row + added_cells(payload)])
        with atomic_path(out) as tmp:
            wb.save(tmp)


def _heading_level(style_name: str) -> int | None:
    if style_name == "Title":
        return 0
    if style_name.startswith("Heading"):
        tail = style_name[len("Heading") :].strip()
        return int(tail) if tail.isdigit() else 1
    return None


class DocxFormat:
    """python-docx loads the whole document (DOCX is one XML part), so this one is not streamed."""

    name = "docx"

    def __init__(self, path: Path, column: str | None = None) -> None:
        _need_zip(path, "DOCX")
        self.path = path
        self.fingerprint = f"docx:{file_sha256(path)}"
        self._load()  # fail early on a broken package

    def _load(self) -> Any:
        import docx

        try:
            return docx.Document(str(self.path))
        except Exception as exc:
            raise InputError(
                f"The DOCX file {self.path.name} cannot be read ({type(exc).__name__})."
            ) from None

    def records(self) -> Iterator[Record]:
        doc = self._load()
        heading: tuple[int, str] | None = None
        body: list[str] = []
        i = 0
        for para in doc.paragraphs:
            level = _heading_level(para.style.name if para.style is not None else "")
            if level is None:
                if para.text.strip():
                    body.append(para.text)
                continue
            if heading is not None or body:
                yield _section(i, heading, body)
                i += 1
            heading, body = (level, para.text), []
        if heading is not None or body:
            yield _section(i, heading, body)

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        import docx

        doc = docx.Document()
        for rec, payload in pairs:
            heading, body = rec.raw
            if heading is not None:
                doc.add_heading(heading[1], level=heading[0])
            if payload and payload.get("status") != "failed":
                lines = payload["rewrite"].splitlines()
                tail = f"coach: {note(payload)}"
            else:
                lines = body
                tail = f"coach: failed: {payload.get('error', '')}" if payload else ""
            for line in lines:
                if line.strip():
                    doc.add_paragraph(line)
            if tail:
                doc.add_paragraph().add_run(tail).italic = True
        with atomic_path(out) as tmp:
            doc.save(str(tmp))


def _section(i: int, heading: tuple[int, str] | None, body: list[str]) -> Record:
    text = "\n".join(body)
    return Record(i, text, raw=(heading, list(body)), skip=not text.strip())
