"""Units come out in order with exact offsets; headings are skipped; lists of every kind split."""

from __future__ import annotations

from coach.segment import segment


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


def test_sentences_split_but_not_after_abbreviations() -> None:
    t = "Held a retro, e.g. on Friday. Calls are down 26%. Dr. Okafor agreed."
    assert _texts(t) == [
        "Held a retro, e.g. on Friday.",
        "Calls are down 26%.",
        "Dr. Okafor agreed.",
    ]


def test_bullets_checkboxes_and_headings() -> None:
    t = "## Week 14\nThis week:\n- [x] Held a retro\n* Closed 40 tickets\n1. Released v2.0\n**Risks**\n- [ ] Brief the board"
    segs = segment(t)
    assert [s.text for s in segs] == [
        "Held a retro",
        "Closed 40 tickets",
        "Released v2.0",
        "Brief the board",
    ]
    assert [s.kind for s in segs] == ["checkbox", "bullet", "bullet", "checkbox"]
    for s in segs:
        assert t[s.start : s.end] == s.text


def test_html_list_items() -> None:
    t = "<ul><li>Held a retro</li><li> Calls down 26% </li></ul>"
    segs = segment(t)
    assert [s.text for s in segs] == ["Held a retro", "Calls down 26%"]
    assert all(t[s.start : s.end] == s.text for s in segs)


def test_empty_and_whitespace() -> None:
    assert segment("") == [] and segment(" \n\t\n") == []
