"""Eval suite cost: scoring one rewrite with every offline metric, beside chrF alone (the cheapest
published content metric) on the same pair, both in CPU time in the same run."""

from __future__ import annotations

import time
from typing import Any

from bench.common import SYNTHETIC_UPDATE as UPDATE
from bench.common import cpu_rate

REWRITE = (
    "Patients booking online should no longer hit the confirmation timeout. "
    + UPDATE
    + " This serves Digital by default [1]."
)
PASSAGE = "Digital by default: patients book, change and cancel appointments online."


def run() -> list[dict[str, Any]]:
    from coach.evals import content
    from coach.evals.content import chrf
    from coach.evals.metrics import score

    def cold() -> None:
        content._CACHE.clear()  # every pair is new in a real run
        score(UPDATE, REWRITE, [PASSAGE], True)

    ours = cpu_rate(cold)
    ref = cpu_rate(lambda: chrf(REWRITE, UPDATE))
    return [
        {
            "metric": "score() one pair, all offline metrics (MiniLM, facts, analyser, FK)",
            "value": 1000 / ours,
            "unit": "ms/pair",
            "reference": "chrF alone, same pair",
            "reference_value": 1000 / ref,
            "higher_is_better": False,
        }
    ]


if __name__ == "__main__":
    started = time.perf_counter()
    for row in run():
        print(row)
    print(f"{time.perf_counter() - started:.1f} s")
