"""Readers and writers for batch files: CSV, JSONL, Markdown, plain text (XLSX, DOCX in office.py).

Every reader streams records (one update each, in input order) and every writer takes the same
records again, paired with their journal payloads, so memory stays flat as the input grows.
Writers go to a temporary file that replaces the output only when complete.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from coach.batch.columns import ADDED, added_cells
from coach.batch.encoding import Detected, detect_encoding, safe_cell
from coach.errors import InputError

TEXT_COLUMNS = ("update", "text", "status", "status update", "body", "summary", "description")
csv.field_size_limit(64 * 1024 * 1024)  # very long cells are row errors, not file errors


@dataclass(frozen=True)
class Record:
    """One unit of the input: an update to rewrite, or structure to pass through (skip)."""

    index: int
    text: str
    raw: Any = None
    skip: bool = False  # a heading with no body: kept in the output, not rewritten
    error: str = ""  # a bad row: recorded as failed with this reason


class Format(Protocol):
    name: str
    fingerprint: str

    def records(self) -> Iterator[Record]: ...

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None: ...


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` that replaces it (after fsync) only on success."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def pick_column(header: list[str], column: str | None, what: str) -> int:
    """The index of the text column: the one named, or an obvious one, or a clear error."""
    names = [h.strip() for h in header]
    if column is not None:
        for i, h in enumerate(names):
            if h == column or h.lower() == column.lower():
                return i
        raise InputError(f"{what} has no column {column!r}; its columns are {', '.join(names)}.")
    for want in TEXT_COLUMNS:
        for i, h in enumerate(names):
            if h.lower() == want:
                return i
    if len(names) == 1:
        return 0
    raise InputError(
        f"{what} has no column named like an update; choose one with --column: {', '.join(names)}."
    )


class CsvFormat:
    name = "csv"

    def __init__(self, path: Path, column: str | None = None) -> None:
        self.path = path
        self.det: Detected = detect_encoding(path, "CSV file")
        with self._open() as fh:
            sample = fh.read(64 * 1024)
        try:
            self.delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            self.delimiter = ","
        rows = self._rows()
        try:
            self.header = next(rows)
        except StopIteration:
            raise InputError(f"The CSV file {path.name} is empty.") from None
        self.col = pick_column(self.header, column, f"The CSV file {path.name}")
        self.fingerprint = f"csv:{self.det.sha256}:{self.col}"

    def _open(self) -> IO[str]:
        return self.path.open(encoding=self.det.encoding, newline="")

    def _rows(self) -> Iterator[list[str]]:
        with self._open() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter, strict=True)
            try:
                yield from reader
            except csv.Error as exc:
                raise InputError(
                    f"The CSV file {self.path.name} is malformed near line {reader.line_num} "
                    f"({exc}): check for an unmatched quote."
                ) from None

    def records(self) -> Iterator[Record]:
        rows = self._rows()
        next(rows, None)
        for i, row in enumerate(rows):
            text = row[self.col] if self.col < len(row) else ""
            yield Record(i, text, raw=row)

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="") as fh:
            w = csv.writer(fh, delimiter=self.delimiter, lineterminator="\r\n")
            w.writerow([safe_cell(h) for h in [*self.header, *ADDED]])
            width = len(self.header)
            for rec, payload in pairs:
                row = list(rec.raw) + [""] * (width - len(rec.raw))
                w.writerow([safe_cell(c) for c in row + added_cells(payload)])


class JsonlFormat:
    name = "jsonl"

    def __init__(self, path: Path, column: str | None = None) -> None:
        self.path = path
        self.det = detect_encoding(path, "JSONL file")
        self.column = column
        self.fingerprint = f"jsonl:{self.det.sha256}:{column or ''}"

    def records(self) -> Iterator[Record]:
        with self.path.open(encoding=self.det.encoding) as fh:
            i = 0
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                yield self._record(i, n, line)
                i += 1

    def _record(self, i: int, n: int, line: str) -> Record:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            return Record(i, "", raw=line.rstrip("\r\n"), error=f"Line {n} is not valid JSON.")
        except RecursionError:  # json recurses per nesting level: a hostile line, not a crash
            return Record(i, "", raw=line.rstrip("\r\n"), error=f"Line {n} is nested too deeply.")
        if isinstance(obj, str):
            return Record(i, obj, raw=obj)
        if not isinstance(obj, dict):
            return Record(i, "", raw=obj, error=f"Line {n} is not a JSON object or string.")
        try:
            key = list(obj)[pick_column(list(obj), self.column, f"Line {n}")]
        except InputError as exc:
            return Record(i, "", raw=obj, error=str(exc))
        value = obj[key]
        if not isinstance(value, str):
            return Record(i, "", raw=obj, error=f"Line {n}: field {key!r} is not text.")
        return Record(i, value, raw=obj)

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for rec, payload in pairs:
                base = rec.raw if isinstance(rec.raw, dict) else {"text": rec.raw}
                fh.write(json.dumps({**base, "coach": payload}, ensure_ascii=False) + "\n")


_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


class MarkdownFormat:
    """One update per heading section; text before the first heading is a section too."""

    name = "markdown"

    def __init__(self, path: Path, column: str | None = None) -> None:
        self.path = path
        self.det = detect_encoding(path, "Markdown file")
        self.fingerprint = f"markdown:{self.det.sha256}"

    def records(self) -> Iterator[Record]:
        heading: str | None = None
        body: list[str] = []
        fence = False
        i = 0
        with self.path.open(encoding=self.det.encoding) as fh:
            for line in fh:
                line = line.rstrip("\r\n")
                if _FENCE.match(line):
                    fence = not fence
                if not fence and _HEADING.match(line):
                    if heading is not None or "".join(body).strip():
                        yield _section(i, heading, body)
                        i += 1
                    heading, body = line, []
                else:
                    body.append(line)
        if heading is not None or "".join(body).strip():
            yield _section(i, heading, body)

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="\n") as fh:
            first = True
            for rec, payload in pairs:
                heading, body = rec.raw
                parts = [heading] if heading else []
                if payload and payload.get("status") != "failed":
                    parts.append(payload["rewrite"].strip("\n"))
                    parts.append(f"<!-- coach: {note(payload)} -->")
                elif body.strip():
                    parts.append(body.strip("\n"))
                    if payload:
                        parts.append(f"<!-- coach: failed: {payload.get('error', '')} -->")
                fh.write(("" if first else "\n") + "\n\n".join(parts) + "\n")
                first = False


def _section(i: int, heading: str | None, body: list[str]) -> Record:
    text = "\n".join(body).strip("\n")
    return Record(i, text, raw=(heading, text), skip=not text.strip())


def note(p: dict[str, Any]) -> str:
    """A one-line summary of a row's result, for formats without columns."""
    s = p.get("scores", {})
    facts = "facts kept" if p.get("facts_ok") else "facts check failed"
    return (
        f"{p.get('status')}, engine {p.get('engine')}, {facts}, process talk "
        f"{s.get('process_density_before', 0):.0%} -> {s.get('process_density_after', 0):.0%}"
    )


class TextFormat:
    """Plain text: updates separated by blank lines; each rewrite is written as one block."""

    name = "text"

    def __init__(self, path: Path, column: str | None = None) -> None:
        self.path = path
        self.det = detect_encoding(path, "text file")
        self.fingerprint = f"text:{self.det.sha256}"

    def records(self) -> Iterator[Record]:
        block: list[str] = []
        i = 0
        with self.path.open(encoding=self.det.encoding) as fh:
            for line in fh:
                line = line.rstrip("\r\n")
                if line.strip():
                    block.append(line)
                elif block:
                    yield Record(i, "\n".join(block), raw="\n".join(block))
                    i, block = i + 1, []
        if block:
            yield Record(i, "\n".join(block), raw="\n".join(block))

    def write(self, out: Path, pairs: Iterable[tuple[Record, dict[str, Any] | None]]) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="\n") as fh:
            first = True
            for rec, payload in pairs:
                ok = payload and payload.get("status") != "failed"
                text = payload["rewrite"] if ok and payload else rec.raw
                block = "\n".join(line for line in text.splitlines() if line.strip())
                fh.write(("" if first else "\n") + block + "\n")
                first = False


_BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".xlsx": "xlsx",
    ".docx": "docx",
}


def open_format(path: str | Path, column: str | None = None) -> Format:
    """The reader/writer for a file, chosen by its extension; bad files raise InputError."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"No such input file: {p}.")
    kind = _BY_SUFFIX.get(p.suffix.lower())
    if kind is None:
        raise InputError(
            f"Cannot batch {p.name}: use a .csv, .xlsx, .jsonl, .md, .docx or .txt file."
        )
    if kind in ("xlsx", "docx"):
        from coach.batch import office

        return office.XlsxFormat(p, column) if kind == "xlsx" else office.DocxFormat(p, column)
    if kind == "csv":
        return CsvFormat(p, column)
    if kind == "jsonl":
        return JsonlFormat(p, column)
    return MarkdownFormat(p, column) if kind == "markdown" else TextFormat(p, column)
