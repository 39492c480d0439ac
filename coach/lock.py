"""One writer per local store, across processes AND threads: a thread lock, then an fcntl lock.

Embedded Chroma is not safe for concurrent writers on one path. Between processes an fcntl lock
file makes a second writer fail fast, not hang. Inside one process (the page runs several
workers; two Coach objects share one home) flock is per process, so a thread lock per path comes
first: another thread waits for the writer to finish instead of writing beside it. The holding
thread may re-enter (an ingest upserts under its own lock).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from coach.errors import StoreLockedError

LOCK_NAME = "coach-write.lock"
THREAD_WAIT = 60.0  # how long a thread waits for another thread's write in this process


@dataclass
class _Held:
    owner: int  # threading.get_ident() of the holder
    depth: int
    fd: int = -1


_held: dict[str, _Held] = {}  # lock file path -> holder, for this process
_cond = threading.Condition()


class WriteLock:
    """`with WriteLock(store_dir):` holds the store's write lock or raises StoreLockedError."""

    def __init__(
        self, store_dir: Path, timeout: float = 2.0, thread_timeout: float = THREAD_WAIT
    ) -> None:
        self.path = str(store_dir / LOCK_NAME)
        self.store_dir = store_dir
        self.timeout = timeout
        self.thread_timeout = thread_timeout

    def acquire(self) -> None:
        me = threading.get_ident()
        deadline = time.monotonic() + self.thread_timeout
        with _cond:
            while (held := _held.get(self.path)) is not None:
                if held.owner == me:
                    held.depth += 1
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreLockedError(
                        f"Another writer in this process is still writing to the store at "
                        f"{self.store_dir}; wait for it to finish and try again."
                    )
                _cond.wait(left)
            entry = _Held(owner=me, depth=1)
            _held[self.path] = entry  # other threads wait from here on
        try:
            entry.fd = self._flock()
        except BaseException:
            with _cond:
                del _held[self.path]
                _cond.notify_all()
            raise

    def _flock(self) -> int:
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
        return fd

    def release(self) -> None:
        with _cond:
            held = _held[self.path]
            if held.depth > 1:
                held.depth -= 1
                return
            del _held[self.path]
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)
            _cond.notify_all()

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
