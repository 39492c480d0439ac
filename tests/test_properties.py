"""Property tests: any text gives units that cover it in order, spans inside units, no exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import analyze

PIECES = st.sampled_from(
    [
        "Held 4 standups",
        "- [x] closed 40 tickets",
        "## Week 3\n",
        "<li>Calls down 26%</li>",
        "so patients wait less",
        "e.g.",
        "Dr. Okafor",
        ". ",
        "\n",
        "\n\n",
        "* ",
        "1. ",
        ": ",
        "?",
        "JIRA-12",
        "£1.2m",
        "stand-ups",
        "  ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300), st.lists(st.one_of(PIECES, st.text(max_size=12))).map("".join)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_units_cover_the_text_in_order(text: str) -> None:
    a = analyze(text)
    pos = 0
    for u in a.units:
        assert pos <= u.start < u.end <= len(text)
        assert u.text == text[u.start : u.end]
        assert u.label in {"process", "outcome", "mixed", "other"}
        last = u.start
        for s in u.spans:
            assert u.start <= s.start < s.end <= u.end
            assert s.start >= last  # spans in order, not overlapping
            assert text[s.start : s.end] == s.text
            last = s.end
        pos = u.end
    assert 0.0 <= a.process_density <= 1.0


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_analysis_is_deterministic(text: str) -> None:
    assert analyze(text) == analyze(text)
