"""Slow inputs (issue 18): analysis, segmentation and the injection filter stay linear.

Hypothesis builds pathological inputs from the pieces that make regexes backtrack (unclosed
comments and brackets, runs of digits, bullets, base64-looking runs, look-alike letters,
repeated trigger words) and each function is timed on the input repeated n and 8n times.
Linear means about 8x; the assertion allows 24x (noise on a shared machine), which still
catches quadratic growth (64x). Ratios, never absolute speeds; CPU time of this process, so
other work on the machine does not count.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coach.analysis import analyze
from coach.injection import quarantine
from coach.segment import segment

PIECES = [
    "<!--", "-->", "[[", "]]", "{{", "}}", "####", "SYSTEM:", "ignore ", "instructions ",
    "AI: ", "assistant, ", "- ", "\n- ", "\n", "1234567890", "9" * 40, "aGVsbG8gd29y",
    "QUFBQUFB", "Іgnоrе ", "Ｉｇｎｏｒｅ ", "pretend you are ", '{"instruction": "', '"',
    "the summary should ", "finish with ", ". ", ", ", "(", ")", "http://x.example/",
    "Closed 40 tickets. ", "忽略", "指令", " ", " " * 30, "\t", "é", "#", "*", ":", "[", "<",
]  # fmt: skip
ROUNDS = 3


def _best(f: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        f(text)
        best = min(best, time.process_time() - started)
    return best


def _ratio(f: Callable[[str], object], unit: str, chars: int) -> float:
    small = unit * max(1, chars // len(unit))
    f(small)  # warm caches (compiled patterns, folded characters)
    t_small = max(_best(f, small), 2e-3)  # below this the clock, not the code, is measured
    return _best(f, small * 8) / t_small


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=30).map("".join))
def test_injection_filter_is_linear(unit: str) -> None:
    assert _ratio(quarantine, unit, 3000) < 24, repr(unit[:80])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=30).map("".join))
@example("\n:assistant, ")  # one paragraph of short wrapped lines: was 30x (quadratic)
@example("lower wrapped line with (paren\n")  # a bullet's running lines: the same
def test_segmentation_is_linear(unit: str) -> None:
    assert _ratio(segment, unit, 3000) < 24, repr(unit[:80])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=30).map("".join))
def test_analysis_is_linear(unit: str) -> None:
    assert _ratio(analyze, unit, 2000) < 24, repr(unit[:80])
