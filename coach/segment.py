"""Split an update into units: sentences and bullets, with offsets; headings are kept apart.

Works on blocks, not lines: a paragraph hard-wrapped over several lines, or a bullet that runs
on to the next line, is one piece of prose before it is cut into sentences, so a sentence is
never cut at a line break ("decides how" / "it is going to use ..."). Link-reference
definitions, image-only lines, table separator rows and fenced code are not prose and are left
out; table rows are units of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.markup import (
    MAIL_SUBJECT,
    drop_images,
    is_fence,
    is_link_definition,
    is_table_row,
    is_table_rule,
)
from coach.resources import word_list

_BULLET = re.compile(r"^(\s*)(?:[-*+•▪◦‣]|\d{1,3}[.)]|[a-z][.)])[ \t]+(\[[ xX]\][ \t]+)?")
# Bounded: an unclosed "<li" or "<" must not make every later position rescan the line.
_HTML_LI = re.compile(r"<li[^>]{0,200}>(.{0,4000}?)</li>", re.I | re.S)
# An autolink ("<https://...>") is no tag: a line of them is links the reader sees, not layout.
_TAG = re.compile(r"<(?!https?://)[^>\n]{1,200}>", re.I)
# A sentence ends at . ! ? followed by space and an upper-case letter, digit, quote or the start
# of a link or emphasis; not after common abbreviations or single initials.
_SENT_END = re.compile(r"(?<=[.!?])[\"'’”)\]*_]*\s+(?=[A-Z0-9\"'(£$€“‘\[*`])")
_ABBREVIATIONS = "|".join(re.escape(a) for a in word_list("abbreviations.txt"))
# A Setext underline: the line above it is a heading ("Week 12\n======="). Three dashes at
# least: "-- " (or "--") is an e-mail's signature line, and the sentence above it stays one.
_SETEXT = re.compile(r"^ {0,3}(?:={2,}|-{3,})[ \t]*$")
# An HTML block element opens or closes a paragraph: a CMS writes one per line, no blank lines.
_BLOCKS = "p|div|h[1-6]|ul|ol|table|tr|blockquote|pre|section|figure"
_BLOCK_OPEN = re.compile(rf"^<(?:{_BLOCKS})\b", re.I)
_BLOCK_CLOSE = re.compile(rf"</(?:{_BLOCKS})>$", re.I)
_ABBREV = re.compile(rf"(?:\b(?:{_ABBREVIATIONS})\.|\b[A-Z]\.)[\"'’”)\]*_]*$")


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int
    kind: str  # sentence | bullet | checkbox | row (table) | heading (from `parse` only)


def segment(text: str) -> list[Segment]:
    """Units in order; each one's text is exactly text[start:end]. Headings are left out."""
    return [s for s in parse(text) if s.kind != "heading"]


def parse(text: str) -> list[Segment]:
    """Units and headings in order, so a caller can tell which heading a unit sits under."""
    out: list[Segment] = []
    item: list[int] | None = None  # [content start, end] of the open paragraph or bullet
    kind = "sentence"
    fenced = False

    def flush() -> None:
        nonlocal item
        if item is not None:
            out.extend(_split(text, item[0], item[1], kind))
        item = None

    # The open item's shape, kept as it grows, so a long paragraph of wrapped lines is read in
    # linear time (slicing and counting the whole item at every line was quadratic).
    lines = 0  # its lines
    balance = 0  # "(" minus ")" in it
    last = 0  # where its last line's text starts

    def begin(start: int, end: int) -> None:
        nonlocal item, lines, balance, last
        item, lines, last = [start, end], 1, start
        balance = text.count("(", start, end) - text.count(")", start, end)

    pos = 0
    all_lines = text.splitlines(keepends=True)
    closed = False  # the last line ended an HTML block element
    for n, line in enumerate(all_lines):
        line_start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        line_end = line_start + len(body)
        after_block, closed = closed, bool(_BLOCK_CLOSE.search(body.rstrip()))
        if is_fence(body):
            flush()
            fenced = not fenced
            continue
        if fenced or not body.strip():
            flush()
            continue
        if "<li" in body.lower():
            flush()
            for li in _HTML_LI.finditer(body):
                inner = li.group(1)
                s = line_start + li.start(1) + len(inner) - len(inner.lstrip())
                content = inner.strip()
                if _TAG.sub("", content).strip():
                    out.append(Segment(content, s, s + len(content), "bullet"))
            continue
        if _is_heading(body) or _titled(text, line_start, body, item, all_lines[n + 1 : n + 2]):
            flush()
            out.append(_whole_line(body, line_start, "heading"))
            continue
        if is_link_definition(body) or is_table_rule(body) or not _has_words(body):
            flush()
            continue
        if is_table_row(body):
            flush()
            out.append(_whole_line(body, line_start, "row"))
            continue
        m = _BULLET.match(body)
        if m:
            flush()
            kind = "checkbox" if m.group(2) else "bullet"
            begin(line_start + m.end(), line_end)
        elif (
            item is None
            or _new_paragraph(text[last : item[1]], balance, kind, body)
            or (kind == "sentence" and lines == 1 and _title_line(text[item[0] : item[1]], body))
            or after_block
            or bool(_BLOCK_OPEN.match(body.lstrip()))
        ):
            flush()
            kind = "sentence"
            begin(line_start + len(body) - len(body.lstrip()), line_end)
        else:  # a wrapped line: the open paragraph or bullet goes on
            item[1] = line_end
            lines, last = lines + 1, line_start
            balance += body.count("(") - body.count(")")
    flush()
    return out


def _titled(text: str, line_start: int, body: str, item: list[int] | None, nxt: list[str]) -> bool:
    """A line that is a title by its place: over a Setext underline, starting a paragraph
    ("Upcoming design meetings" / "-----"), or an e-mail's "Subject:" line at the top."""
    if item is None and nxt and _SETEXT.match(nxt[0].rstrip("\r\n")) and not _SETEXT.match(body):
        return not _BULLET.match(body) and not is_table_row(body)
    return bool(MAIL_SUBJECT.match(body)) and not text[:line_start].strip()


def _new_paragraph(last_line: str, balance: int, kind: str, line: str) -> bool:
    """After a finished bullet ("... fixed (5%)"), an unindented line that starts a sentence
    (capital, digit, link) starts new prose; so does a bold line. A lower-case line, or one
    after an open bracket, is the bullet running on. `last_line` is the bullet's last line,
    `balance` its count of "(" less ")"."""
    if kind == "sentence" or line[:1].isspace():
        return False
    if line.startswith(("**", "__")):
        return True
    finished = last_line.rstrip()[-1:] in (".", "!", "?", ")") and balance == 0
    return finished and bool(re.match(r"[A-Z0-9\[\"“(]", line))


def _title_line(previous: str, line: str) -> bool:
    """A short line with no stop, then a capitalised line, is a title over prose ("Larkspur Open
    Data Platform — fortnightly notes" / "Merged 27 PRs ..."), not one wrapped sentence: wrapped
    prose runs to the margin (a line of 50+ characters) or goes on in lower case."""
    prev = previous.rstrip()
    last = prev.splitlines()[-1] if prev else ""
    return (
        len(last) < 50
        and "\n" not in prev
        and prev.count("(") == prev.count(")")
        and prev.count("[") == prev.count("]")  # "held by the [FreeBSD" / "Foundation](...)"
        and not re.search(r"[.!?:;,)\]]$", last)
        and bool(re.match(r"[A-Z0-9\[*\"“]", line.lstrip()))
    )


def _has_words(line: str) -> bool:
    """False for lines that are only images, tags or punctuation (HTML wrappers, dividers)."""
    rest = _TAG.sub("", drop_images(line))
    return bool(re.search(r"\w", rest))


def _split(text: str, start: int, end: int, kind: str) -> list[Segment]:
    content = text[start:end]
    lead = len(content) - len(content.lstrip())
    s0 = start + lead
    body = content.strip()
    out = []
    for s, e in _sentences(body):
        piece = text[s0 + s : s0 + e]
        if _TAG.sub("", drop_images(piece)).strip(" \t\r\n-*•"):
            out.append(Segment(piece, s0 + s, s0 + e, kind))
    return out


def _whole_line(body: str, line_start: int, kind: str) -> Segment:
    """A line that is one unit as it stands (a heading, a table row), without its margins."""
    s = line_start + len(body) - len(body.lstrip())
    return Segment(body.strip(), s, s + len(body.strip()), kind)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if re.match(r"^#{1,6}\s", stripped):
        return True
    if re.match(r"^<h[1-6][^>]*>.*</h[1-6]>$", stripped, re.I):
        return True
    emphasised = r"^(\*\*|__)[^*_]{1,60}(?<![.!?])\1:?$"
    if re.match(emphasised, stripped):
        return True
    # "This week:" style labels with no sentence after them.
    return bool(re.match(r"^[A-Z][\w /&()'’-]{0,40}:$", stripped))


def _sentences(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    # A stop inside a link text or parenthesis does not end the sentence ("[v1.2. Notes](u)").
    # The pending piece's "[" less "]" and "(" less ")" are kept as it grows: slicing and
    # counting the whole piece at every stop was quadratic while a bracket stayed open.
    counted, square, round_ = 0, 0, 0
    for m in _SENT_END.finditer(s):
        stop = m.start() + _closing(s, m.start())
        square += s.count("[", counted, stop) - s.count("]", counted, stop)
        round_ += s.count("(", counted, stop) - s.count(")", counted, stop)
        counted = stop
        # Only the tail can hold an abbreviation: searching the whole pending piece made a run
        # of initials ("X. X. X. ...", a 4,000-line paste) quadratic.
        if _ABBREV.search(s, max(start, stop - 40), stop) or square > 0 or round_ > 0:
            continue
        if s[start:stop].strip():
            spans.append((start, stop))
        start = counted = m.end()
        square = round_ = 0
    if s[start:].strip():
        spans.append((start, len(s)))
    return spans


def _closing(s: str, pos: int) -> int:
    """Closing quotes, brackets and emphasis marks after the stop belong to the sentence."""
    n = 0
    while pos + n < len(s) and s[pos + n] in "\"'’”)]*_":
        n += 1
    return n
