"""The Batch tab's Stop button: one flag per browser session, honest about a run still queued.

A click on Run batch sends two requests: `armed` (outside the queue, at once) and the run itself
(queued while the page runs its other jobs: two at a time, coach/app/server.py CONCURRENCY). Counting both, per session, tells the
three states apart in whatever order they arrive: running (the run has started and not ended),
queued (armed more often than started) and idle. Stop sets the flag only while a run is
running or queued, and says which; the run reads it between rows (coach.batch.runner `stop`).
A flag is new for every run, so a Stop of one run never stops the next.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

RUNNING = "Stop pressed: the run ends after the update in progress; the updates done are kept."
QUEUED = "Stop pressed: your run was waiting for its turn and will not start."
IDLE = "Nothing is running: Stop ends a batch run in progress."


@dataclass
class Stops:
    """Per session: the Stop flag of its next or current run, and where that run is."""

    _flags: dict[str, threading.Event] = field(default_factory=dict)
    _armed: Counter[str] = field(default_factory=Counter)
    _started: Counter[str] = field(default_factory=Counter)
    _running: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def armed(self, session: str) -> None:
        """Run batch was clicked: a run of this session is on its way to the queue."""
        with self._lock:
            self._armed[session] += 1

    def start(self, session: str) -> Callable[[], bool] | None:
        """The run begins: its flag's reader, or None when Stop was pressed while it queued."""
        with self._lock:
            flag = self._flags.setdefault(session, threading.Event())
            self._started[session] += 1
            if flag.is_set():  # pressed while queued: this run never starts
                self._flags[session] = threading.Event()
                return None
            self._running.add(session)
            return flag.is_set

    def end(self, session: str) -> None:
        """The run is over: the next run of the session gets a flag of its own."""
        with self._lock:
            self._running.discard(session)
            self._flags[session] = threading.Event()

    def stop(self, session: str) -> str:
        """Set the session's flag if it has a run running or queued; the sentence that says so."""
        with self._lock:
            if session in self._running:
                state = RUNNING
            elif self._armed[session] > self._started[session]:
                state = QUEUED
            else:
                return IDLE
            self._flags.setdefault(session, threading.Event()).set()
            return state


__all__ = ["IDLE", "QUEUED", "RUNNING", "Stops"]
