"""Local caches that only ever save time: a broken or unwritable one is skipped, never fatal.

- AnswerCache: the same update, prompt, model and retrieved passages are served from disk
  instead of paying for the model again. Only answers that passed the guard are stored.
- VectorCache: embedding vectors by text hash, so no text is embedded twice (see embeddings.py).

Both are SQLite files (safe across threads and processes).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_SCHEMA = "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT, created REAL)"


def _connect(path: Path, *statements: str) -> sqlite3.Connection | None:
    """One SQLite file in WAL mode with `statements` run; None where it cannot be opened
    (read-only home, full disk), so the caller runs without that cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    except (OSError, sqlite3.Error):
        return None
    return conn


def _write(db: sqlite3.Connection | None, sql: str, rows: Sequence[Sequence[Any]] = ((),)) -> int:
    """Run one write statement (once per row of parameters) and commit; the rows changed, or 0
    where the file cannot take it (locked past the timeout, full, its table gone): a cache
    write that fails only costs time later, so it is never an error."""
    if db is None:
        return 0
    try:
        n = db.executemany(sql, rows).rowcount
        db.commit()
    except sqlite3.Error:
        return 0
    return max(int(n), 0)


def cache_key(
    *,
    text: str,
    prompt: str,
    model: str,
    retrieved: Sequence[str],
    **options: Any,
) -> str:
    """sha256 over everything that shapes the answer (options: audience, length, server...)."""
    blob = json.dumps(
        {"text": text, "prompt": prompt, "model": model, "retrieved": list(retrieved), **options},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class AnswerCache:
    """get/put of JSON values by key; `enabled=False` makes every call a no-op."""

    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.path = Path(directory) / "llm-answers.sqlite3"
        self.enabled = enabled
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection | None:
        if not self.enabled:
            return None
        if self._conn is None:
            self._conn = _connect(self.path, _SCHEMA)
            if self._conn is None:
                self.enabled = False  # read-only home, full disk: run without a cache
        return self._conn

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            db = self._db()
            if db is None:
                return None
            try:
                row = db.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
                return json.loads(row[0]) if row else None
            except (sqlite3.Error, json.JSONDecodeError):
                return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        row = (key, json.dumps(value, ensure_ascii=False), time.time())
        with self._lock:
            _write(self._db(), "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", [row])

    def clear(self) -> int:
        """Forget every answer; how many there were."""
        with self._lock:
            return _write(self._db(), "DELETE FROM answers")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# --------------------------------------------------------------------------- vector cache


def text_key(text: str) -> bytes:
    """The cache key of a text: 16 bytes of its sha256 (the text itself is never stored)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:16]


_VECTORS = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB)"


class VectorCache:
    """Embedding vectors by text hash: a bounded in-memory LRU in front of an optional SQLite
    file, so a unit is embedded once per process (alignment, classifier, metrics share it) and
    once per machine across runs (journals, resumes, eval re-runs). Misses are cheap and a broken
    file is skipped: like the answer cache, it only ever saves time."""

    def __init__(self, dim: int, path: Path | None = None, max_items: int = 20_000) -> None:
        self.dim = dim
        self.path = path
        self.max_items = max_items
        self._memory: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._disk = path is not None
        self.hits = self.misses = 0

    def _db(self) -> sqlite3.Connection | None:
        if not self._disk or self.path is None:
            return None
        if self._conn is None:
            # synchronous=NORMAL: a vector lost in a crash is only recomputed
            self._conn = _connect(self.path, "PRAGMA synchronous=NORMAL", _VECTORS)
            if self._conn is None:
                self._disk = False
        return self._conn

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, Any]:
        """The cached vectors among `keys` (memory first, then disk; disk hits are promoted)."""
        import numpy as np

        found: dict[bytes, Any] = {}
        with self._lock:
            missing = []
            for k in keys:
                v = self._memory.get(k)
                if v is None:
                    missing.append(k)
                else:
                    self._memory.move_to_end(k)
                    found[k] = v
            db = self._db() if missing else None
            if db is not None:
                try:
                    for start in range(0, len(missing), 500):
                        part = missing[start : start + 500]
                        marks = ",".join("?" * len(part))
                        rows = db.execute(
                            f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
                        ).fetchall()
                        for k, blob in rows:
                            v = np.frombuffer(blob, dtype=np.float32)
                            if v.shape == (self.dim,):
                                found[bytes(k)] = v
                                self._remember(bytes(k), v)
                except sqlite3.Error:
                    pass
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Sequence[tuple[bytes, Any]]) -> None:
        import numpy as np

        with self._lock:
            for k, v in items:
                self._remember(k, v)
            if items:
                rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items]
                _write(self._db(), "INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def _remember(self, key: bytes, vector: Any) -> None:
        vector.setflags(write=False)  # shared between callers: nobody may edit it in place
        self._memory[key] = vector
        self._memory.move_to_end(key)
        while len(self._memory) > self.max_items:
            self._memory.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            _write(self._db(), "DELETE FROM vectors")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


_shared: dict[str, VectorCache] = {}
_shared_lock = threading.Lock()


def shared_vectors(path: Path, dim: int, max_items: int = 20_000) -> VectorCache | None:
    """The process-wide vector cache of one model, kept in the file `path`.

    COACH_VECTOR_CACHE=memory keeps it in memory only, =off disables it (every call runs the
    model). Keyed by the real file, not the model's name: the same weights in another home use
    the file beside *their* models, homes that link one models dir share it, and a memory-only
    cache is never handed out where a disk one was asked for. An unwritable home gives a memory
    cache: a cache only ever saves time."""
    mode = (os.environ.get("COACH_VECTOR_CACHE") or "on").strip().lower()
    if mode in ("off", "0", "false", "no"):
        return None
    disk: Path | None = None if mode == "memory" else path.resolve()
    key = f"memory:{path.name}" if disk is None else str(disk)
    with _shared_lock:
        if key not in _shared:
            if disk is not None:
                try:
                    disk.parent.mkdir(parents=True, exist_ok=True)
                except OSError:
                    disk = None
            _shared[key] = VectorCache(dim, disk, max_items)
        return _shared[key]
