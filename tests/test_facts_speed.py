"""Fact extraction is linear in the text (issue 18: a 12,000-digit number took 23 s, quadratic
in the digit run). The work is counted, not timed: machine instructions under valgrind
(tests/work_count.py), on 4x the text, less the cost of one repetition. Linear gives ~4x,
quadratic ~16x; the bound is 8x. Speed itself is measured in `make bench`."""

from __future__ import annotations

import random

from tests.work_count import growth, instructions

# Pieces that stress each pattern: digit runs, separators inside numbers, dates, ids, money,
# versions, names, list markers; repeated without spaces they make one long token.
PIECES = ["1", "12", "1,", "1.", "-1", "#1", "v1.", "£1", "1%", "Q1", "A-1", "AB", "Ab", "x",
          " ", "\n", "1. ", "March ", "3 ", "/", ":", "@", "week"]  # fmt: skip
TIMES, BOUND = 4, 8


def test_work_per_character_is_flat() -> None:
    rng = random.Random(7)
    cases = ["1.", "1"]  # "1.1.1.": the email pattern once scanned from every boundary
    cases += ["".join(rng.choices(PIECES, k=rng.randint(1, 6))) for _ in range(8)]
    ratios = growth("coach.facts:extract_facts", cases, 1500, TIMES)
    slow = {u: round(r, 1) for u, r in ratios.items() if r > BOUND}
    assert not slow, f"{TIMES}x the text took more than {BOUND}x the work: {slow}"


def test_a_twelve_thousand_digit_number_costs_what_prose_does() -> None:
    """The reported case, as a ratio to ordinary prose of the same length (12,000 chars)."""
    digits = "1" * 12_000
    prose = ("Closed 40 tickets for ward nurses. " * 400)[:12_000]
    d, p = instructions("coach.facts:extract_facts", [digits, prose])
    assert d < 5 * p, f"12,000 digits: {d / p:.1f}x the work of prose of that length"
