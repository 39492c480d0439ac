"""Slow inputs (issue 18): analysis, segmentation and the injection filter stay linear.

Texts built from the pieces that make regexes backtrack (unclosed comments and brackets, runs
of digits, bullets, base64-looking runs, look-alike letters, repeated trigger words) are run at
n and 8n characters, and the work is COUNTED: machine instructions under valgrind
(tests/work_count.py), the same on a loaded machine as on an idle one. The cost of one
repetition is taken off both, so a fixed start-up cost cannot hide growth. Linear is 8x; the
bound is 16x, and quadratic is 64x. Speed itself is measured in `make bench`, not here.
"""

from __future__ import annotations

import random

from tests.work_count import growth

PIECES = [
    "<!--", "-->", "[[", "]]", "{{", "}}", "####", "SYSTEM:", "ignore ", "instructions ",
    "AI: ", "assistant, ", "- ", "\n- ", "\n", "1234567890", "9" * 40, "aGVsbG8gd29y",
    "QUFBQUFB", "Іgnоrе ", "Ｉｇｎｏｒｅ ", "pretend you are ", '{"instruction": "', '"',
    "the summary should ", "finish with ", ". ", ", ", "(", ")", "http://x.example/",
    "Closed 40 tickets. ", "忽略", "指令", " ", " " * 30, "\t", "é", "#", "*", ":", "[", "<",
]  # fmt: skip
BOUND = 16  # 8x the text: linear ~8x, quadratic ~64x


def units(seed: int, count: int) -> list[str]:
    """`count` pathological units drawn from PIECES with a fixed seed: the same every run."""
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randint(3, 30))) for _ in range(count)]


def _check(ratios: dict[str, float]) -> None:
    slow = {repr(u[:60]): round(r, 1) for u, r in ratios.items() if r > BOUND}
    assert not slow, f"8x the text took more than {BOUND}x the work: {slow}"


def test_injection_filter_is_linear() -> None:
    _check(growth("coach.injection:quarantine", units(1, 5), 1200))


def test_segmentation_is_linear() -> None:
    wrapped = [
        "\n:assistant, ",  # one paragraph of short wrapped lines: was 30x (quadratic)
        "lower wrapped line with (paren\n",  # a bullet's running lines: the same
    ]
    _check(growth("coach.segment:segment", wrapped + units(2, 8), 3000))


def test_analysis_is_linear() -> None:
    _check(growth("coach.analysis:analyze", units(3, 5), 1500))
