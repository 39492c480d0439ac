"""Orders read across a structural link: what a set-aside passage points at goes with it.

An order to a model can be split so that no single part reads as one: a heading addressed to
"whoever writes the summary" over the line that says what to write, a note saying "the next
bullet is the only text to keep", "see note 2" with the order in footnote 2, a comment naming
"the alt text of the map below" as the summary. coach.injection finds the pointing part (it
talks to the rewriter); this module adds what it points at, by structure only: a heading's
section, the next non-blank line for a forward pointer (coach/data/injection_links.yaml), the
footnote definition a reference names, the other parts of a numbered series ("(1 of 2)",
"part 2 of 3"), an image's title for its alt text. Nothing is added for a passage that was not already
set aside, so clean text is never touched by this module alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach import yaml_io

_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]", re.M)
# A numbered part of a series: "(1 of 2)", "[2/3]", "part 1 of 2" (n from 2 to 9).
_PART = re.compile(
    r"[(\[][ \t]{0,3}(?:part[ \t]{1,3})?([1-9])[ \t]{0,3}(?:of|/)[ \t]{0,3}([2-9])[ \t]{0,3}[)\]]"
    r"|\bpart[ \t]{1,3}([1-9])[ \t]{1,3}of[ \t]{1,3}([2-9])\b",
    re.I,
)
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
    heading of its level or higher, the next non-blank line, a footnote's definition, an image's
    title."""
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
        for m in _PART.finditer(text, s, e):  # "(1 of 2)": the other parts of its series
            part, total = m.group(1) or m.group(3), m.group(2) or m.group(4)
            for o in _PART.finditer(text):
                ok, on = o.group(1) or o.group(3), o.group(2) or o.group(4)
                if on == total and ok != part and not s <= o.start() < e:
                    line = next((a, b) for a, b in lines if a <= o.start() <= b)
                    extra.append(line)
    for m in _IMAGE.finditer(text):  # an image's alt text that is set aside takes its title
        if m.group(2) and any(s < m.end(1) and e > m.start(1) for s, e in found):
            extra.append(m.span(2))
    return extra


_IMAGE = re.compile(
    r"!\[([^\]\n]{1,300})\]\([^)\s]{0,300}(?:\s{1,10}(\"[^\"\n]{0,300}\"|'[^'\n]{0,300}'))?\)"
)
_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)
_RULE_ROW = re.compile(r"^[\s|:-]*$")
_ALT = re.compile(r"!\[([^\]\n]{1,300})\]\([^)\n]{0,300}\)")

Piece = tuple[int, int, int]  # (start in the text, end in the text, start in the joined string)


def _join(parts: list[tuple[int, int]], text: str) -> tuple[str, list[Piece]]:
    out, pieces, pos = [], [], 0
    for a, b in parts:
        pieces.append((a, b, pos))
        out.append(text[a:b])
        pos += b - a + 1
    return " ".join(out), pieces


def joined(text: str) -> list[tuple[str, list[Piece]]]:
    """Parts of `text` that a reader takes as one run although lines apart, each run joined
    into one string with where each piece came from: a table column's cells, top to bottom
    (one table at a time), and every image's alt text in order. An order split one piece per
    cell or per image reads whole only here."""
    runs: list[list[tuple[int, int]]] = []
    columns: dict[int, list[tuple[int, int]]] = {}
    for a, b in [*_lines(text), (len(text) + 1, len(text) + 1)]:
        row = _ROW.match(text, a, b) if a <= len(text) else None
        if row is None:
            runs.extend(c for c in columns.values() if len(c) > 1)
            columns = {}
            continue
        if _RULE_ROW.match(row.group(1)):
            continue
        pos = row.start(1)
        for k, cell in enumerate(row.group(1).split("|")):
            s, e = pos, pos + len(cell)
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                columns.setdefault(k, []).append((s, e))
            pos += len(cell) + 1
    alts = [m.span(1) for m in _ALT.finditer(text)]
    if len(alts) > 1:
        runs.append(alts)
    return [_join(r, text) for r in runs]
