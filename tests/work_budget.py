"""Work, not time, in-process: the Python lines and calls a block runs, and the modules it ran in.

A refusal must be cheap whatever the machine is doing: "under 2 s" failed under load and passed
a slow path on an idle machine. A count of lines run is the same on both, grows with any Python
loop a bad input drives (a scan or a quadratic path shows as a count that grows with the input),
and the modules entered say how far an input got (a refused paste must never reach the embedder
or an engine). Work inside one C call (a regex scan, `str.count`) is one line here:
tests/work_count.py counts that. Imports are not counted (a module's first import runs once per
process, whichever test comes first).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

# How far a refused input may get: the gate, the errors, the text decoding, the engine registry's
# names - not these stages (an engine's own modules are "coach.engines.<name>").
STAGES = (
    "coach.analysis",
    "coach.embeddings",
    "coach.engines.",
    "coach.minilm_graph",
    "coach.multilingual",
    "coach.retrieval",
    "coach.segment",
    "coach.store",
)

Tracer = Callable[[FrameType, str, Any], Any]


@dataclass
class Work:
    """What a block did: `calls` Python calls and `lines` Python lines run, in `modules`."""

    calls: int = 0
    lines: int = 0
    modules: set[str] = field(default_factory=set)

    @property
    def steps(self) -> int:
        """Calls plus lines: the bound the tests put on a refusal."""
        return self.calls + self.lines

    def stages(self, stages: tuple[str, ...] = STAGES) -> list[str]:
        """The expensive stages the block entered (empty for a refusal at the gate)."""
        return sorted(m for m in self.modules if m.startswith(stages))


@contextmanager
def counted() -> Iterator[Work]:
    """Count the Python calls and lines of the block, in this thread and threads it starts."""
    work = Work()
    importing = threading.local()  # depth of module bodies being run, per thread

    def in_module(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        if event == "return":
            importing.depth -= 1
        return in_module

    def in_call(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        if event == "line":
            work.lines += 1
        return in_call

    def on_call(frame: FrameType, event: str, arg: Any) -> Tracer | None:
        depth = getattr(importing, "depth", 0)
        if frame.f_code.co_name == "<module>":
            importing.depth = depth + 1
            return in_module
        if depth:
            return None
        work.calls += 1
        work.modules.add(frame.f_globals.get("__name__", ""))
        return in_call

    old, old_threads = sys.gettrace(), threading.gettrace()
    threading.settrace(on_call)
    sys.settrace(on_call)
    try:
        yield work
    finally:
        sys.settrace(old)
        threading.settrace(old_threads)
