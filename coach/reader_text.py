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
# - a heading's section number, "### 1.1) Codeorigin", "### 1.2 Blog sites": numbering the
#   cleaner takes off with the heading marks (as a list's "1." is, "listmark" below), not a
#   figure. Only at a heading's start and only as an outline number: "## 2024 in review" keeps
#   its year. (A version opening a heading, "### 4.2 release", would be read as numbering.)
REF_LABEL = re.compile(r"(?<=\])\[[^\]\n]*\]")
SECTION_NUMBER = re.compile(
    r"(?m)^[ \t]*#{1,6}[ \t]+(?:\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+)(?=[ \t])"
)
UNREAD: tuple[re.Pattern[str], ...] = (REF_LABEL, SECTION_NUMBER)


def unread(text: str) -> str:
    """`text` without what a reader never reads as a fact (UNREAD above)."""
    for pattern in UNREAD:
        text = pattern.sub("", text)
    return text
