"""'Risks and asks' opens on a risk or an ask (second out-of-sample probe, 2 December evening,
docs/quality.md): a "please" of courtesy, an "If you ..." that goes on to ask nothing and a
risk word inside a link's address file nothing there. Paraphrased excerpts."""

from __future__ import annotations

APPEAL = """Our spring appeal closed yesterday with 62% of its target raised from 21 donors. We \
will have to cut back a little and come back to you in a few months. Please bear with us then.

Thank you for standing with us."""

LIBRARY = """The library lent 211,000 items this year, up 6%. More than 14,000 people used our \
public computers. If you really wanted to be precise, that works out at roughly 35 items an \
hour. Our long-range plan will support this growth."""

EVENTS = """We published the flood map for the county team.

We attended two events online:

- A webinar on a [mapping programme](https://example.org/webinars/disaster-risk-management-programme)
- A community of practice for charities
"""


def _rewrite(coach: object, text: str) -> str:
    r = coach.rewrite(text, engine="offline", collection="probe-none")  # type: ignore[attr-defined]
    return str(r.text).split("\n\n[engine", 1)[0]


def test_a_please_of_courtesy_is_no_ask(coach: object) -> None:
    """Before: "Risks and asks: Please bear with us then."."""
    assert "Risks and asks" not in _rewrite(coach, APPEAL)


def test_an_if_you_aside_is_no_ask(coach: object) -> None:
    """Before: "Risks and asks: If you really wanted to be precise, that works out at ..."."""
    text = _rewrite(coach, LIBRARY)
    assert "Risks and asks" not in text and "35 items an hour" in text


def test_a_risk_word_in_an_address_is_no_risk(coach: object) -> None:
    """Before: "Risks and asks: We attended two events online: ..." ("risk" in the address)."""
    text = _rewrite(coach, EVENTS)
    assert "Risks and asks" not in text and "disaster-risk-management" in text


def test_an_if_you_that_asks_is_still_an_ask(coach: object) -> None:
    text = _rewrite(
        coach, "We shipped the new search page.\n\nIf you can test it, please reply here."
    )
    assert "Risks and asks: If you can test it" in text
