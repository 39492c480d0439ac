"""A local answer cache: the same update, prompt, model and retrieved passages are served from
disk instead of paying for the model again. Only answers that passed the guard are stored.

SQLite in settings.cache_dir (one small file, safe across threads and processes); a broken or
unwritable cache is skipped, never fatal: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_SCHEMA = "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT, created REAL)"


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
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                conn.commit()
                self._conn = conn
            except (OSError, sqlite3.Error):
                self.enabled = False  # read-only home, full disk: run without a cache
                return None
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
        with self._lock:
            db = self._db()
            if db is None:
                return
            try:
                db.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                    (key, json.dumps(value, ensure_ascii=False), time.time()),
                )
                db.commit()
            except sqlite3.Error:
                pass

    def clear(self) -> int:
        with self._lock:
            db = self._db()
            if db is None:
                return 0
            n = db.execute("DELETE FROM answers").rowcount
            db.commit()
            return int(n)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
