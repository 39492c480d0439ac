"""The batch formats: one module each, registered here in one dict that everything derives from.

`FORMATS` maps a file suffix to its reader/writer class (the shape of httpx's
SUPPORTED_DECODERS). The page's accepted upload types, the CLI's help and the "cannot batch"
error all read it, so a format added here is accepted everywhere at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.batch.base import ADDED, Format, Record, added_cells, atomic_path, note, pick_column
from coach.batch.csvfile import CsvFormat
from coach.batch.docxfile import DocxFormat
from coach.batch.jsonlfile import JsonlFormat
from coach.batch.markdownfile import MarkdownFormat
from coach.batch.textfile import TextFormat
from coach.batch.xlsxfile import XlsxFormat
from coach.errors import InputError

FORMATS: dict[str, Any] = {
    ".csv": CsvFormat,
    ".tsv": CsvFormat,
    ".xlsx": XlsxFormat,
    ".jsonl": JsonlFormat,
    ".ndjson": JsonlFormat,
    ".md": MarkdownFormat,
    ".markdown": MarkdownFormat,
    ".docx": DocxFormat,
    ".txt": TextFormat,
    ".text": TextFormat,
}
SUFFIXES = tuple(FORMATS)

__all__ = [
    "ADDED",
    "FORMATS",
    "SUFFIXES",
    "Format",
    "Record",
    "added_cells",
    "atomic_path",
    "describe",
    "kinds",
    "note",
    "open_format",
    "pick_column",
]


def kinds() -> list[str]:
    """One name per format, its first suffix: ["csv", "xlsx", "jsonl", "md", "docx", "txt"]."""
    seen: dict[Any, str] = {}
    for suffix, cls in FORMATS.items():
        seen.setdefault(cls, suffix.lstrip("."))
    return list(seen.values())


def describe() -> str:
    """The accepted suffixes for help text and errors: ".csv, .tsv, ... or .text"."""
    return ", ".join(SUFFIXES[:-1]) + f" or {SUFFIXES[-1]}"


def open_format(path: str | Path, column: str | None = None) -> Format:
    """The reader/writer for a file, chosen by its extension; bad files raise InputError."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"The input {p} is a folder: give one file to batch.")
    if not p.is_file():
        raise InputError(f"No such input file: {p}.")
    cls = FORMATS.get(p.suffix.lower())
    if cls is None:
        raise InputError(f"Cannot batch {p.name}: use a {describe()} file.")
    fmt: Format = cls(p, column)
    return fmt
