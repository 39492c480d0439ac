"""Text of a source a reader never reads as a fact: one rule for the facts guard and the eval.

coach.facts claims and drops these before it extracts facts (the code check), and the eval's
curated-facts metric (coach/evals/rewrites.py _reader_text) calls `unread`, so the two read a
source alike.
"""

from __future__ import annotations

import re

# Text of the source a reader is never asked to repeat, so not a fact a rewrite must keep. One
# rule for the code check (claimed and dropped by _extract) and the eval's curated-facts metric
# (coach/evals/rewrites.py _reader_text calls coach.reader_text.unread), so the two read a source alike:
# - a reference link's label, "[Friday, February 10th][feb-10-zulip-archive]": never rendered;
# - a heading's outline number, numbering the cleaner takes off with the heading marks (as a
#   list's "1." is, "listmark" in coach.facts), not a figure. A real fact must never be unread,
#   so only two shapes count (`section_numbers`): a number closed by ")" or "." before a title
#   ("### 1.1) Codeorigin", "## 2. Goals"), or a dotted number in a numbered heading sequence of
#   the same text ("### 1.2 Blog sites" beside "### 1.1) Codeorigin" or "### 1.3 Mirrors").
#   A version or a figure that opens a heading is read: "### 4.2 release", "## 2025 goals",
#   "### 3 councils joined", "## 1.5x faster", "### 4.2. release".
REF_LABEL = re.compile(r"(?<=\])\[[^\]\n]*\]")
# A heading's leading number: group 1 the number, group 2 its closing ")" or ".", if any.
_HEADING_NUMBER = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+(\d{1,3}(?:\.\d{1,3})*)([.)]?)[ \t]+(\S)")
_TITLE_MARKUP = "`*_[\"'“‘("  # a title may open with markup: "## 2) **Goals**"


def section_numbers(text: str) -> list[tuple[int, int]]:
    r"""Spans (heading marks through the number) of the outline numbers of `text`'s headings.

    >>> text = "## 1) Infra\n### 1.1) Origin\n### 1.2 Blog sites\n### 4.2 release"
    >>> [text[s:e] for s, e in section_numbers(text)]
    ['## 1)', '### 1.1)', '### 1.2']
    """
    if "#" not in text:
        return []
    heads = list(_HEADING_NUMBER.finditer(text))
    numbers = {tuple(m.group(1).split(".")) for m in heads if _titled(m)}
    spans = []
    for m in heads:
        if not _titled(m):
            continue
        parts = tuple(m.group(1).split("."))
        closed = bool(m.group(2))
        if closed or (len(parts) > 1 and _in_sequence(parts, numbers)):
            spans.append((m.start(), m.end(2)))
    return spans


def _titled(m: re.Match[str]) -> bool:
    """The heading's words after the number start as a title does: a capital or markup."""
    first = m.group(3)
    return first.isupper() or first in _TITLE_MARKUP


def _in_sequence(parts: tuple[str, ...], numbers: set[tuple[str, ...]]) -> bool:
    """A dotted number with a neighbour among the text's heading numbers: its parent ("1" for
    "1.2") or a sibling one step away ("1.1" / "1.3"). A lone "4.2" is a version."""
    *parent, last = parts
    siblings = {(*parent, str(int(last) + step)) for step in (-1, 1)}
    return tuple(parent) in numbers or bool(siblings & numbers)


def unread(text: str) -> str:
    """`text` without what a reader never reads as a fact (the rules above)."""
    pieces, at = [], 0
    for s, e in section_numbers(text):
        pieces.append(text[at:s])
        at = e
    return REF_LABEL.sub("", "".join(pieces) + text[at:])
