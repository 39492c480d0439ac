"""One writer per local store: an fcntl lock file, so a second writer fails fast, not hangs.

Embedded Chroma is not safe for concurrent writers from several processes on one path. Inside
one process the lock is re-entrant (Chroma shares one system per path there).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from types import TracebackType

from coach.errors import StoreLockedError

LOCK_NAME = "coach-write.lock"
_held: dict[str, tuple[int, int]] = {}  # path -> (fd, depth), for this process
_guard = threading.RLock()


class WriteLock:
    """`with WriteLock(store_dir):` holds the store's write lock or raises StoreLockedError."""

    def __init__(self, store_dir: Path, timeout: float = 2.0) -> None:
        self.path = str(store_dir / LOCK_NAME)
        self.store_dir = store_dir
        self.timeout = timeout

    def acquire(self) -> None:
        with _guard:
            if self.path in _held:
                fd, depth = _held[self.path]
                _held[self.path] = (fd, depth + 1)
                return
            self.store_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = _read_holder(fd)
                        os.close(fd)
                        raise StoreLockedError(
                            f"Another process{holder} is writing to the store at "
                            f"{self.store_dir}; wait for it to finish, or run a Chroma server "
                            f"(`chroma run --path {self.store_dir}`) and set COACH_CHROMA_URL "
                            "so several processes can share it."
                        ) from None
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            _held[self.path] = (fd, 1)

    def release(self) -> None:
        with _guard:
            fd, depth = _held[self.path]
            if depth > 1:
                _held[self.path] = (fd, depth - 1)
                return
            del _held[self.path]
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
