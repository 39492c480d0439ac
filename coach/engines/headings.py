"""Headings as the rewrite shows them, and plain-text titles read as headings.

A short line alone in its paragraph, over the text it heads, is a heading (`bare_titles`).

E-mail and plain-text updates head their sections with a bare line ("December 2020", "CentOS
Stream") and no Markdown marks, so coach.segment reads each as a unit of its own, and the
supporting-work list showed "- December 2020." and "- CentOS." as items of work that say
nothing. coach.engines.sections reads such a line as the heading of what follows: it leads its
first item of work in when it says something the items do not (a date, a name said nowhere
else) or when a heading would; over a result it leads nothing (the lead stays the result's own
words) and a fact of it said nowhere else is the rewrite's "Context:" line
(coach.engines.offline._unplaced). Nothing is lost either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.engines.vocab import starts
from coach.facts import extract_facts
from coach.markup import MD_BULLET, clean_unit, link_definitions, plain
from coach.reader_text import section_numbers
from coach.segment import Segment, parse
from coach.types import Unit
from coach.wording import title_case

NUMBERING = re.compile(
    r"^\d{1,3}(?:\.\d{1,3})*[.)]\s+|^\d{1,3}(?:\.\d{1,3})+\s+"
)  # "1.2) ", "1.3 "
_DOTTED = re.compile(r"^#{1,6}[ \t]+\d{1,3}(?:\.\d{1,3})+[ \t]")  # "### 4.2 Release"
MAX_WORDS = 8  # longer is a sentence without its stop, not a title
_END = re.compile(r"[.!?:;,)\]\"”*_`]$")  # a closed sentence, a label, markup: not a bare title


def bare_titles(source: str, units: Sequence[Unit]) -> dict[int, tuple[str, bool]]:
    """{unit start: (title, whether it carries a fact said nowhere else)} for each unit that is
    a bare title: one plain line, alone in its paragraph (a blank line or the start of the text
    above, a blank line or a list below), of at most MAX_WORDS words in Title Case (or at most
    three words), ending on no stop, with more text after it.

    >>> from coach.segment import segment
    >>> text = "December 2020\\n\\nThe project is awarded £150,000.\\n\\nTeam news\\n\\nAll well."
    >>> sorted(t for t, _ in bare_titles(text, segment(text)).values())
    ['December 2020', 'Team news']
    """
    out: dict[int, tuple[str, bool]] = {}
    for u in units[:-1]:  # the last unit heads nothing
        line = source[u.start : u.end]
        if u.kind != "sentence" or "\n" in line.strip() or not _alone(source, u.start, u.end):
            continue
        title = line.strip()
        words = title.split()
        if not words or len(words) > MAX_WORDS or _END.search(title) or "<" in title:
            continue
        if not (title_case(title) or len(words) <= 3) or starts(title, "greeting_start"):
            continue
        rest = " ".join((source[: u.start] + " " + source[u.end :]).lower().split())
        new = any(" ".join(f.text.lower().split()) not in rest for f in extract_facts(title))
        out[u.start] = (title, new)
    return out


_HTML_OPEN = re.compile(r"<(p|div)\b[^<>]{0,200}>[ \t]*$", re.I)
_HTML_CLOSE = re.compile(r"[ \t]*</(p|div)\s*>", re.I)


def _alone(source: str, start: int, end: int) -> bool:
    """The line holds the unit alone, with a blank line (or the text's start) above and a blank
    line or a list item below; or, as a CMS writes it, the unit is a whole HTML paragraph
    ("<p>Legal entity</p>", on a line of its own or inside one line of HTML)."""
    if (o := _HTML_OPEN.search(source, max(0, start - 220), start)) and o.end() == start:
        c = _HTML_CLOSE.match(source, end)
        return c is not None and c.group(1).lower() == o.group(1).lower()
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", end)
    if source[line_start:start].strip() or (line_end >= 0 and source[end:line_end].strip()):
        return False
    if line_start and source[: line_start - 1].rsplit("\n", 1)[-1].strip():
        return False  # the line above has words: this one goes on its paragraph
    if line_end < 0:
        return False
    below = source[line_end + 1 :]
    nxt = below.split("\n", 1)[0]
    return not nxt.strip() or bool(MD_BULLET.match(nxt))


def heading_text(raw: str, refs: dict[str, str]) -> str:
    return re.sub(r"[:\s]+$", "", plain(clean_unit(raw, refs)))


def heading_shown(raw: str, refs: dict[str, str], version: bool = False) -> str:
    """A heading as the reader sees it in the rewrite: markup cleaned, links kept with their
    targets ("(tracked in [#117](https://...))"), list numbering and end punctuation off; a
    `version` ("### 4.2 Release", no outline around it) is its title, not numbering."""
    text = clean_unit(raw, refs).strip()
    return (text if version else NUMBERING.sub("", text)).strip(" *_#:.;,")


def versions(source: str, segs: list[Segment]) -> set[int]:
    """Starts of "#" headings opening on a dotted number that coach.reader_text does not read
    as outline numbering (a lone "4.2" is a version: its facts stay in the heading)."""
    outline = {source.count("\n", 0, s) for s, _ in section_numbers(source)}
    return {
        s.start
        for s in segs
        if _DOTTED.match(s.text) and source.count("\n", 0, s.start) not in outline
    }


def headings_with_facts(source: str, kept_text: str) -> list[str]:
    """Headings that carry a fact the kept units do not ("## Update October 2025")."""
    refs = link_definitions(source)
    # What the reader sees: a number inside a link target ("v1.0" in a URL) is not said.
    visible = re.sub(r"https?://\S+", " ", re.sub(r"\]\([^)]*\)", "]", kept_text))
    hay = " ".join(visible.lower().split())
    out = []
    for seg in parse(source):
        if seg.kind != "heading":
            continue
        text = heading_text(seg.text, refs)
        text = re.sub(r"^\d{1,3}[.)]\s+", "", text)  # list numbering is layout, not a fact
        facts = [f for f in extract_facts(text) if f.kind != "number" or len(f.text) > 1]
        if facts and any(" ".join(f.text.lower().split()) not in hay for f in facts):
            version = seg.start in versions(source, [seg])
            out.append(heading_shown(seg.text, refs, version))  # links kept, as written
    return out


__all__ = [
    "MAX_WORDS",
    "NUMBERING",
    "bare_titles",
    "heading_shown",
    "heading_text",
    "headings_with_facts",
    "versions",
]
