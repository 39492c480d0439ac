"""A question the update answers itself is a title, not an ask.

"Are we achieving our targets?" over a council's figures, "How is the e-book service going?" as
a post's title, "1. What work did the group do this year?" in a report's template: each stands
on a line of its own and the lines after it answer it. Under "Risks and asks" it reads as if the
author were asking the reader. A question stays an ask when it ends the update, is followed by
another question, runs on in a paragraph, or speaks to the reader ("Can anyone review #12?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.markup import plain
from coach.segment import indent as _indent
from coach.types import Unit

# Words that turn a question to the reader: such a question asks, whatever follows it.
_TO_READER = re.compile(
    r"\b(?:you|your|anyone|anybody|someone|somebody|please|help|volunteers?)\b", re.I
)
# What may stand before a unit on its line (margin, list marker, heading marks, a tag) and after
# it (emphasis, closing tags).
_BEFORE = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)]|#{1,6}|<[^<>\n]{1,200}>|[*_]{1,2})?[ \t]*$")
_AFTER = re.compile(r"^(?:[ \t*_]|</?[^<>\n]{1,200}>)*$")


def answered(source: str, units: Sequence[Unit]) -> set[int]:
    """Starts of the units that are questions the update answers: a question (or questions on
    one line) on a line of its own, with a unit that is no question on a later line after it;
    not to the reader, unless that unit is nested under it (a template's question and its
    answer: "- How are you doing with ...?" / "  - The README is up to date").

    >>> from coach.analysis import analyze
    >>> text = "Are we on target?\\nGreen 7, red 2.\\n\\nCan anyone help with the form?\\nThanks."
    >>> a = analyze(text)
    >>> [a.units[i].text for i in range(len(a.units)) if a.units[i].start in answered(text, a.units)]
    ['Are we on target?']
    """
    out: set[int] = set()
    i = 0
    while i < len(units):
        u, j = units[i], i + 1
        if not _question(u.text):
            i = j
            continue
        while (
            j < len(units)
            and _question(units[j].text)
            and _same_line(source, units[j - 1], units[j])
        ):
            j += 1  # "Is your README accurate? have a CONTRIBUTING.md file?": one question
        last = units[j - 1]
        if j < len(units) and not _question(units[j].text):
            nxt = units[j]
            nested = nxt.kind != "sentence" and _indent(source, nxt.start) > _indent(
                source, u.start
            )
            asks = any(_TO_READER.search(x.text) for x in units[i:j])
            line_start = source.rfind("\n", 0, u.start) + 1
            line_end = source.find("\n", last.end)
            line_end = len(source) if line_end < 0 else line_end
            own = _BEFORE.match(source[line_start : u.start]) and _AFTER.match(
                source[last.end : line_end]
            )
            if own and "\n" in source[last.end : nxt.start] and (nested or not asks):
                out.update(x.start for x in units[i:j])
        i = j
    return out


def _same_line(source: str, a: Unit, b: Unit) -> bool:
    return "\n" not in source[a.end : b.start]


def _question(text: str) -> bool:
    return plain(text).rstrip(" *_").endswith("?")


__all__ = ["answered"]
