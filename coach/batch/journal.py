"""The batch journal: SQLite in WAL mode, one committed transaction per finished row.

Keyed by row index and an idempotency key (content hash + prompt version + model + corpus
version), so after a crash or `kill -9` a resumed batch skips every row already recorded and
reuses the answer for a repeated update instead of calling the model again. A commit in WAL mode
survives the death of the process (synchronous=NORMAL); an OS crash may lose the last rows, which
are then simply redone.

One run at a time: the journal is flock-ed for the life of the run, so a second batch on the
same journal (another terminal, a page upload) is refused instead of wiping the first's rows.
A journal that cannot be created or written (read-only folder, full disk) is one sentence.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coach.errors import InputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    idx INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    final INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_key ON rows (key);
"""


def idempotency_key(text: str, *, prompt: str, model: str, corpus: str, options: str = "") -> str:
    """Same text, prompt, model, corpus and options: same answer, so no second model call."""
    h = hashlib.sha256()
    for part in (text, prompt, model, corpus, options):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class Journal:
    def __init__(self, path: Path, fingerprint: str, *, resume: bool) -> None:
        self.path = path
        self._lock = -1
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _flock(path)
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._open(fingerprint, resume)
        except sqlite3.Error as exc:
            self._unlock()
            raise _error(path, exc) from None
        except OSError as exc:
            self._unlock()
            raise InputError(
                f"Cannot use the journal {path} ({exc.strerror}): pass --journal a file in a "
                "folder you can write to."
            ) from None

    def _open(self, fingerprint: str, resume: bool) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)
        old = self.db.execute("SELECT v FROM meta WHERE k='fingerprint'").fetchone()
        if resume and old and old[0] != fingerprint:
            self.close()
            raise InputError(
                f"The journal {self.path.name} belongs to another input file or other options: "
                "run without --resume to start over."
            )
        if not resume:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM rows")
            self.db.execute("DELETE FROM meta")
            self.db.execute("COMMIT")
        self.db.execute(
            "INSERT OR REPLACE INTO meta (k, v) VALUES ('fingerprint', ?)", (fingerprint,)
        )

    def _unlock(self) -> None:
        if self._lock >= 0:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock, fcntl.LOCK_UN)
                os.close(self._lock)
            self._lock = -1

    def done(self, idx: int, key: str) -> dict[str, Any] | None:
        """The recorded payload of row `idx` if it is finished (succeeded or failed for good)."""
        row = self.db.execute(
            "SELECT payload FROM rows WHERE idx=? AND key=? AND final=1", (idx, key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def by_key(self, key: str) -> dict[str, Any] | None:
        """A finished, successful answer for the same request made for another row."""
        row = self.db.execute(
            "SELECT payload FROM rows WHERE key=? AND status!='failed' LIMIT 1", (key,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def record(self, idx: int, key: str, payload: dict[str, Any], *, final: bool = True) -> None:
        """One row, one committed transaction: a kill after this line loses nothing."""
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO rows (idx, key, status, final, payload) VALUES (?,?,?,?,?)",
                (idx, key, payload["status"], int(final), json.dumps(payload, ensure_ascii=False)),
            )
        except sqlite3.Error as exc:
            raise _error(self.path, exc) from None

    def get(self, idx: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT payload FROM rows WHERE idx=?", (idx,)).fetchone()
        return json.loads(row[0]) if row else None

    def payloads(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for idx, raw in self.db.execute("SELECT idx, payload FROM rows ORDER BY idx"):
            yield idx, json.loads(raw)

    def counts(self) -> dict[str, int]:
        out = {"ok": 0, "fallback": 0, "failed": 0}
        for status, n in self.db.execute("SELECT status, COUNT(*) FROM rows GROUP BY status"):
            out[status] = n
        return out

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self._unlock()


def _flock(path: Path) -> int:
    """flock a `JOURNAL.lock` beside the journal (not the database itself: closing another fd
    of a SQLite file drops SQLite's own POSIX locks), or refuse with the holder's pid."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
        os.close(fd)
        holder = f" (pid {pid})" if pid.isdigit() else ""
        raise InputError(
            f"Another batch{holder} is running on the journal {path}; wait for it to finish, "
            "or give this run its own -o (or --journal)."
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _error(path: Path, exc: sqlite3.Error) -> InputError:
    text = str(exc).lower()
    if "full" in text:
        reason = "the disk is full"
    elif "disk i/o" in text:  # what SQLite reports for EFBIG (a file-size limit) and failing disks
        reason = "the disk is full or failing (disk I/O error)"
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        reason = "it cannot be written"
    else:
        reason = str(exc).strip().rstrip(".")[:100]
    return InputError(
        f"Cannot write the batch journal {path}: {reason}; the rows finished so far are kept: "
        "fix it and run again with --resume."
    )
