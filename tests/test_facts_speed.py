"""Fact extraction is linear in the text: time per character stays flat as pathological
inputs grow (issue 18: a 12,000-digit number took 23 s, quadratic in the digit run). Ratios
are asserted, generously (linear gives ~4x for 4x the text, quadratic ~16x), never speed."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coach.facts import _extract, extract_facts

# Pieces that stress each pattern: digit runs, separators inside numbers, dates, ids, money,
# versions, names, list markers; repeated without spaces they make one long token.
PIECES = ["1", "12", "1,", "1.", "-1", "#1", "v1.", "£1", "1%", "Q1", "A-1", "AB", "Ab", "x",
          " ", "\n", "1. ", "March ", "3 ", "/", ":", "@", "week"]  # fmt: skip


def _seconds(text: str) -> float:
    """CPU seconds (best of five): wall time on a shared machine is mostly other people's."""
    best = float("inf")
    for _ in range(5):
        _extract.cache_clear()  # extraction itself, not the per-text cache
        t = time.process_time()
        extract_facts(text)
        best = min(best, time.process_time() - t)
    return best


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6))
@example(["1."])  # the email pattern once scanned from every boundary of "1.1.1.": quadratic
def test_time_per_character_is_flat(pattern: list[str]) -> None:
    unit = "".join(pattern)
    small = unit * max(1, 2500 // len(unit))
    big = small * 4
    t_small, t_big = _seconds(small), _seconds(big)
    floor = 0.005  # below this, timer noise dominates the ratio
    ratio = max(t_big, floor) / max(t_small, floor)
    assert ratio < 10, f"{unit!r}: 4x the text took {ratio:.1f}x the time"


def test_a_twelve_thousand_digit_number_is_quick() -> None:
    """The reported case, as a ratio to a text of the same length that is ordinary prose."""
    digits = "1" * 12_000
    prose = ("Closed 40 tickets for ward nurses. " * 400)[:12_000]
    assert _seconds(digits) < 5 * _seconds(prose) + 0.05
