"""Measuring helpers shared by the bench modules, so every figure is taken the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of timings."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def cpu_rate(fn: Callable[[], Any], seconds: float = 2.0) -> float:
    """Calls per second of CPU time: the machine is shared, and wall time would measure the
    neighbours; every row (ours and the references) is measured the same way."""
    fn()
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn()
        n += 1
    return n / (time.process_time() - start)
