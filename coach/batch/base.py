"""What every batch format shares: the record, the added columns, the input pin, atomic writes.

Every reader streams records (one update each, in input order) and every writer takes the same
records again, paired with their journal payloads, so memory stays flat as the input grows.
The input is pinned when it is opened (size, mtime, content hash): a file re-saved during the
run is refused, not read half old and half new. Writers go to a temporary file that replaces
the output only when complete; a full disk or a read-only folder is one sentence.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from coach.batch.columns import ADDED, added_cells
from coach.batch.encoding import safe_cell
from coach.errors import InputError
from coach.untrusted import detect_file, file_sha256

__all__ = ["ADDED", "TEXT_COLUMNS", "Format", "Pin", "Record", "added_cells", "atomic_path"]

TEXT_COLUMNS = ("update", "text", "status", "status update", "body", "summary", "description")


@dataclass(frozen=True)
class Record:
    """One unit of the input: an update to rewrite, or structure to pass through (skip)."""

    index: int
    text: str
    raw: Any = None
    skip: bool = False  # a heading with no body: kept in the output, not rewritten
    error: str = ""  # a bad row: recorded as failed with this reason


Pairs = Iterable[tuple[Record, dict[str, Any] | None]]


class Format(Protocol):
    name: str
    fingerprint: str
    pin: Pin
    notes: list[str]  # what the reader had to decide (encoding, sheets, formulas): said, not hidden

    def records(self) -> Iterator[Record]: ...

    def write(self, out: Path, pairs: Pairs) -> None: ...


@dataclass
class Pin:
    """The input as it was when the batch started; `check()` refuses a file that changed since."""

    path: Path
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""
    checks: int = field(default=0, repr=False)

    @classmethod
    def of(cls, path: Path, sha256: str = "") -> Pin:
        st = _stat(path)
        return cls(path, st.st_size, st.st_mtime_ns, sha256 or file_sha256(path))

    def check(self, full: bool = False) -> None:
        """Raise InputError if the file's size or mtime moved (and, if `full`, its content)."""
        self.checks += 1
        st = _stat(self.path)
        changed = (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns)
        if not changed and full:
            changed = file_sha256(self.path) != self.sha256
        if changed:
            raise InputError(
                f"The input file {self.path.name} changed while the batch was running; nothing "
                "was written: run the batch again on the saved file."
            )


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as exc:
        raise InputError(f"Cannot read the input file {path}: {exc.strerror}.") from None


class PinnedInput:
    """A batch input whose records are checked against its pin as they stream."""

    pin: Pin

    def records(self) -> Iterator[Record]:
        return pinned(self.pin, self._records())

    def _records(self) -> Iterator[Record]:
        raise NotImplementedError


class TextInput(PinnedInput):
    """A text input (CSV, JSONL, Markdown, plain text): its encoding detected by the one policy
    of coach.untrusted (and said in the notes when it was not UTF-8), its content pinned. A
    subclass names itself (`name`, and `label` for messages) and reads `_records`."""

    name = ""
    label = ""  # "CSV file": how messages name the input

    def __init__(self, path: Path, column: str | None = None) -> None:
        self.path = path
        self.det = detect_file(path, f"{self.label} {path.name}")
        self.pin = Pin.of(path, self.det.sha256)
        self.notes = [n for n in [self.det.note] if n]
        self.fingerprint = f"{self.name}:{self.det.sha256}"


def pinned(pin: Pin, rows: Iterator[Record]) -> Iterator[Record]:
    """The records of one pass over the input, checked against the pin before and after."""
    pin.check()
    yield from rows
    pin.check()


def check_output(out: Path, *inputs: Path, what: str = "output") -> None:
    """Refuse, before any work, an output that is an input, a folder, or cannot be written."""
    flag = "-o" if what == "output" else "--journal"
    for src in inputs:
        same = out.exists() and src.exists() and os.path.samefile(out, src)
        if same or out.resolve() == src.resolve():
            raise InputError(
                f"The {what} {out} is the input file itself: choose another {flag} so the "
                "original is kept."
            )
    if out.is_dir():
        raise InputError(f"The {what} {out} is a folder: give {flag} a file name.")
    parent = out.parent
    for p in (*reversed(parent.parents), parent):
        if p.exists() and not p.is_dir():
            raise InputError(f"The {what} {out} cannot be created: {p} is a file, not a folder.")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the folder {parent} ({exc.strerror}).") from None
    try:  # a real probe: os.access says yes to root, and to folders on read-only mounts
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            f"The {what} {out} cannot be written ({exc.strerror}): choose another {flag}."
        ) from None
    if out.exists() and not os.access(out, os.W_OK):
        raise InputError(f"The {what} {out} is read-only: choose another {flag}.")


def write_error(out: Path, exc: OSError) -> InputError:
    """One sentence for a write that failed part-way (disk full, quota, permissions)."""
    reason = (
        "the disk is full"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
        else (exc.strerror or type(exc).__name__)
    )
    return InputError(
        f"Cannot write {out}: {reason}; nothing was written there (the journal keeps every "
        "finished row: fix it and run again with --resume)."
    )


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` that replaces it (after fsync) only on success."""
    tmp = ""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        os.close(fd)
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        raise write_error(out, exc) from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def sheet_rows(header: list[str], pairs: Pairs, blank: object = "") -> Iterator[list[object]]:
    """A spreadsheet output (CSV, XLSX) row by row, so both write the same table: the input's
    header and the coach_* columns, then each row's own cells (padded to the header's width with
    `blank`) and its coach_* cells; every cell safe to open (no formula injection)."""
    yield [safe_cell(h) for h in [*header, *ADDED]]
    width = len(header)
    for rec, payload in pairs:
        row = list(rec.raw)[:width] + [blank] * (width - len(rec.raw))
        yield [safe_cell(c) for c in row + added_cells(payload)]


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


def note(p: dict[str, Any]) -> str:
    """A one-line summary of a row's result, for formats without columns."""
    s = p.get("scores", {})
    facts = "facts kept" if p.get("facts_ok") else "facts check failed"
    return (
        f"{p.get('status')}, engine {p.get('engine')}, {facts}, process talk "
        f"{s.get('process_density_before', 0) or 0:.0%} -> "
        f"{s.get('process_density_after', 0) or 0:.0%}"
    )
