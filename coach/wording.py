"""How a line reads, the one test of each that the segmenter, the offline engine and the garble
detector share: whether it stops on a word a sentence cannot end on (`ends_open`), and whether
it is written in Title Case (`title_case`). One word list (coach/data/open_ends.txt) and one
list of small words, so a line is never open or a title to one reader and not to another.
"""

from __future__ import annotations

import re
from functools import cache

from coach.resources import word_list

# Words a title keeps in lower case ("Flood Risk Management Plan for the Region").
SMALL = frozenset(
    ("a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "at", "by", "with", "via", "&")
)
# Prepositions and particles a sentence may end on ("log in", "what it is for", "that"), but a
# line rarely does: at a line break the sentence goes on ("... a litterpick in" / "Malvern").
LINE_ONLY = frozenset(("in", "on", "at", "for", "by", "as", "that"))
_LAST = re.compile(r"([A-Za-z]+)\W*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


@cache
def open_ends() -> frozenset[str]:
    """The words a sentence cannot end on (coach/data/open_ends.txt), loaded once."""
    return frozenset(word_list("open_ends.txt"))


def open_word(word: str, line: bool = False) -> bool:
    """`word` cannot end a sentence; with `line`, nor a line (`LINE_ONLY` too).

    >>> open_word("The"), open_word("in"), open_word("in", line=True), open_word("them")
    (True, False, True, False)
    """
    low = word.lower()
    return low in open_ends() or (line and low in LINE_ONLY)


def ends_open(text: str, line: bool = False) -> bool:
    """The text stops on a word it cannot end on ("... a much better understanding of the").

    >>> ends_open("for all the"), ends_open("We shipped it"), ends_open("a litterpick in", line=True)
    (True, False, True)
    """
    m = _LAST.search(text)
    return m is not None and open_word(m.group(1), line)


def title_case(text: str, most: bool = False) -> bool:
    """Every word but the small ones opens on a capital ("Legal Entity", "Team Updates for the
    Year"); with `most`, more than half of them do ("Audit Preparation completed"). Digits and
    punctuation are no words: "December 2020" is in Title Case.

    >>> title_case("Flood Risk Management Plan for the Region"), title_case("Team news")
    (True, False)
    >>> title_case("Audit Preparation completed", most=True), title_case("we shipped it", most=True)
    (True, False)
    """
    words = [w for w in _WORD.findall(text) if w.lower() not in SMALL]
    caps = sum(w[0].isupper() for w in words)
    return caps * 2 > len(words) if most else caps == len(words)


__all__ = ["LINE_ONLY", "SMALL", "ends_open", "open_ends", "open_word", "title_case"]
