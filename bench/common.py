"""Measuring helpers shared by the bench modules, so every figure is taken the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

# The synthetic benches' one self-written update (`python -m bench synthetic`; the real-data
# benches read ../shared/datasets/real-updates instead): process talk around one outcome.
SYNTHETIC_UPDATE = (
    "## Week 14 update\n"
    "- Held 4 standups, a sprint review and a retro with the booking squad.\n"
    "- Migrated the outpatient booking board from ZenHub to GitHub Projects and updated the RAID log.\n"
    "- Closed 40 tickets in sprint 14, including JIRA-1234 and JIRA-1240.\n"
    "- Configured the Epic interface for referral letters with Priya Shah's team.\n"
    "- The new online booking form went live on 3 March: 1,200 patients booked online, so the "
    "phone queue fell by 18% and average wait to get through dropped from 9 to 4 minutes.\n"
    "- Attended the weekly sync and various meetings with the vendor.\n"
    "- Next week: start UAT for the patient app release v2.3 and brief the steering committee.\n"
    "- Risk: the interface engine upgrade slips to Q3 if the vendor misses 30 April."
)


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
