"""The Batch tab's Stop button: one flag per run, honest about a run still queued.

A click on Run batch first sends `armed` (outside the queue, at once), which hands the click a
ticket, and then the run itself with that ticket (queued while the page runs its other jobs: two
at a time, coach/app/server.py CONCURRENCY). Per session, tickets tell the three states apart:
running (a run has started and not ended), queued (a ticket handed out and not yet started) and
idle. Stop sets the flag of every running run of the session, or cancels its queued tickets, and
says which; a run reads its flag between rows (coach.batch.runner `stop`). Each run has a flag
of its own, so a Stop of one run never stops the next.

A run request can be lost after its ticket was handed out (Gradio drops a request whose input
fails to load, a browser drops it): its ticket is cancelled by a Stop or dropped as soon as a
later ticket of the session starts (the queue serves a session's clicks in order), and it never
holds back a later run.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

RUNNING = "Stop pressed: the run ends after the update in progress; the updates done are kept."
QUEUED = "Stop pressed: your run was waiting for its turn and will not start."
IDLE = "Nothing is running: Stop ends a batch run in progress."


@dataclass
class Stops:
    """Per session: the tickets of its queued runs, and the Stop flags of its running ones."""

    _next: itertools.count = field(default_factory=lambda: itertools.count(1))
    _queued: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _cancelled: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _running: defaultdict[str, dict[int, threading.Event]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def armed(self, session: str) -> int:
        """Run batch was clicked: the ticket its run brings when it starts."""
        with self._lock:
            ticket = next(self._next)
            self._queued[session].append(ticket)
            return ticket

    def start(
        self, session: str, ticket: int | None = None
    ) -> tuple[int, Callable[[], bool]] | None:
        """The run begins: (its ticket, its flag's reader), or None when Stop cancelled it while
        it queued. A run with no ticket (a caller that did not arm) gets one now."""
        with self._lock:
            if ticket is not None and ticket in self._cancelled[session]:
                self._cancelled[session].discard(ticket)
                return None
            if ticket is None:
                ticket = next(self._next)
            # earlier tickets still queued were lost: the queue would have started them first
            self._queued[session] = [t for t in self._queued[session] if t > ticket]
            self._cancelled[session] = {t for t in self._cancelled[session] if t > ticket}
            flag = self._running[session][ticket] = threading.Event()
            return ticket, flag.is_set

    def end(self, session: str, ticket: int) -> None:
        """The run is over: its flag goes with it."""
        with self._lock:
            self._running[session].pop(ticket, None)

    def stop(self, session: str) -> str:
        """Stop the session's running runs, or cancel its queued ones; the sentence that says so."""
        with self._lock:
            if self._running[session]:
                for flag in self._running[session].values():
                    flag.set()
                return RUNNING
            if self._queued[session]:
                self._cancelled[session].update(self._queued[session])
                self._queued[session] = []
                return QUEUED
            return IDLE


__all__ = ["IDLE", "QUEUED", "RUNNING", "Stops"]
