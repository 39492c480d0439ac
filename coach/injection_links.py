"""Orders read across a structural link: what a set-aside passage points at goes with it.

An order to a model can be split so that no single part reads as one: a heading addressed to
"whoever writes the summary" over the line that says what to write, a note saying "the next
bullet is the only text to keep", "see note 2" with the order in footnote 2, a comment naming
"the alt text of the map below" as the summary. coach.injection finds the pointing part (it
talks to the rewriter); this module adds what it points at, by structure only: a heading's
section, the next non-blank line for a forward pointer (coach/data/injection_links.yaml), the
footnote definition a reference names. Nothing is added for a passage that was not already
set aside, so clean text is never touched by this module alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach import yaml_io

_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]", re.M)
_NOTE_REF = re.compile(r"\[\^([^\]\s]{1,20})\]|\b(?:foot)?notes?\s+(\d{1,3}|[a-z])\b", re.I)


@lru_cache(maxsize=1)
def _forward() -> re.Pattern[str]:
    words = yaml_io.data("injection_links.yaml")["forward"]
    return re.compile("|".join(f"(?:{w})" for w in words), re.I)


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def linked(text: str, folded: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans `found` points at in `text` (`folded`: the same-length folded view the pointer
    words are read in). Only the parts a link names: a heading's section up to the next
    heading of its level or higher, the next non-blank line, a footnote's definition."""
    if not found:
        return []
    lines = _lines(text)
    extra: list[tuple[int, int]] = []
    for s, e in found:
        first = next(i for i, (a, b) in enumerate(lines) if b >= s)
        last = next(i for i, (a, b) in enumerate(lines) if b >= e)
        head = _HEADING.match(text, lines[first][0], lines[first][1])
        if head and first == last:
            level = len(head.group(1))
            stop = len(lines)
            for k in range(first + 1, len(lines)):
                h = _HEADING.match(text, *lines[k])
                if h and len(h.group(1)) <= level:
                    stop = k
                    break
            if stop > first + 1:
                extra.append((lines[first + 1][0], lines[stop - 1][1]))
        if _forward().search(folded, s, e):
            for k in range(last + 1, len(lines)):
                a, b = lines[k]
                if text[a:b].strip():
                    extra.append((a, b))
                    break
        for m in _NOTE_REF.finditer(text, s, e):
            label = m.group(1) or m.group(2)
            definition = re.compile(rf"^[ \t]*\[\^{re.escape(label)}\]:", re.M)
            for d in definition.finditer(text):
                if not s <= d.start() < e:
                    end = text.find("\n", d.start())
                    extra.append((d.start(), len(text) if end < 0 else end))
    return extra
