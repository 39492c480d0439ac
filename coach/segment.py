"""Split an update into units: sentences and bullets, with offsets; headings are kept apart.

Works on blocks, not lines: a paragraph hard-wrapped over several lines, or a bullet that runs
on to the next line, is one piece of prose before it is cut into sentences, so a sentence is
never cut at a line break ("decides how" / "it is going to use ..."). Link-reference
definitions, image-only lines, table separator rows and fenced code are not prose and are left
out; table rows are units of their own.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from coach.htmltext import BLOCK_TAGS, MEDIA_TAGS, list_depth
from coach.markup import (
    MAIL_SUBJECT,
    drop_images,
    is_fence,
    is_link_definition,
    is_table_row,
    is_table_rule,
)
from coach.resources import word_list
from coach.wording import ends_open

_BULLET = re.compile(r"^(\s*)(?:[-*+•▪◦‣]|\d{1,3}[.)]|[a-z][.)])[ \t]+(\[[ xX]\][ \t]+)?")
# An autolink ("<https://...>") is no tag: a line of them is links the reader sees, not layout.
_TAG = re.compile(r"<(?!https?://)[^>\n]{1,2000}>", re.I)
# A sentence ends at . ! ? followed by space and an upper-case letter, digit, quote or the start
# of a link, emphasis or an HTML tag; not after common abbreviations or single initials.
_SENT_END = re.compile(r"(?<=[.!?])[\"'’”)\]*_]*\s+(?=[A-Z0-9\"'(£$€“‘\[*`]|<[a-zA-Z])")
_ABBREVIATIONS = "|".join(re.escape(a) for a in word_list("abbreviations.txt"))
# A Setext underline: the line above it is a heading ("Week 12\n======="). Three dashes at
# least: "-- " (or "--") is an e-mail's signature line, and the sentence above it stays one.
_SETEXT = re.compile(r"^ {0,3}(?:={2,}|-{3,})[ \t]*$")
# An HTML block element opens or closes a paragraph: a CMS writes one per line, no blank lines,
# or all of them on one line ("<p>a.</p><p>b.</p><ul><li>c</li></ul>"): `_pieces` cuts a line
# there, so either layout is read as the same paragraphs and bullets.
_BLOCKS = BLOCK_TAGS  # coach.htmltext: the reader's block elements are the units' breaks
_BLOCK_OPEN = re.compile(rf"^<(?:{_BLOCKS})\b", re.I)
_BLOCK_CLOSE = re.compile(rf"</(?:{_BLOCKS})>$", re.I)
_BREAK = re.compile(rf"<(/?)({_BLOCKS}|br|hr)\b[^<>]{{0,2000}}>", re.I)
_CLOSERS = re.compile(rf"(?:\s*</(?:{_BLOCKS})\s*>)+$", re.I)
_OPENERS = re.compile(rf"^\s*(?:<(?:{_BLOCKS})\b[^<>]{{0,2000}}>\s*)+(?=\S)", re.I)
_LI_OPEN = re.compile(r"^\s*<li\b[^<>]{0,2000}>\s*(\[[ xX]\][ \t]+)?", re.I)
# Blocks whose content is no prose: code, pictures, players, scripts (to their closing tag).
_OPAQUE = re.compile(rf"^\s*<(pre|{MEDIA_TAGS})\b", re.I)
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

    held = False  # a blank line after an unfinished paragraph: does the next line run on?

    def flush() -> None:
        nonlocal item, held
        if item is not None:
            out.extend(_split(text, item[0], item[1], kind))
        item, held = None, False

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
    all_lines = _pieces(text)
    closed = False  # the last line ended an HTML block element
    opaque = ""  # the closing tag of the <pre> or <picture> block we are in
    for n, (line, in_li) in enumerate(all_lines):
        line_start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        line_end = line_start + len(body)
        after_block, closed = closed, bool(_BLOCK_CLOSE.search(body.rstrip()))
        if not opaque and not fenced and (m := _OPAQUE.match(body)):
            flush()
            opaque = f"</{m.group(1).lower()}"
        if opaque:
            opaque = "" if opaque in body.lower() else opaque
            continue
        if is_fence(body):
            flush()
            fenced = not fenced
            continue
        if fenced or not body.strip():
            if fenced or item is None or kind != "sentence":
                flush()
            else:
                held = True
            continue
        if held and item is not None:
            held = False
            if _runs_on(text[last : item[1]], body) and not _BULLET.match(body):
                item[1] = line_end  # one sentence a page cut with blank lines goes on
                lines, last = lines + 1, line_start
                balance += body.count("(") - body.count(")")
                continue
            flush()
        if in_li and (li := _LI_OPEN.match(body) or _BLOCK_OPEN.match(body.lstrip())):
            flush()  # an HTML list item, or a paragraph inside one: a bullet of its own
            kind = "checkbox" if li.re is _LI_OPEN and li.group(1) else "bullet"
            begin(
                line_start + (li.end() if li.re is _LI_OPEN else len(body) - len(body.lstrip())),
                line_end,
            )
            continue
        # A sentence wrapped just before its last words ("... as work output from the" /
        # "CTI TAC and project developers:") goes on: that line is no "Label:" heading.
        # Nor is one whose next word could not fit on it ("Further information:" /
        # "[#319](https://github.com/...)"): the wrap moved the word, the label goes on.
        nxt = [p for p, _ in all_lines[n + 1 : n + 2]]
        tail = _CLOSERS.sub("", text[last : item[1]].rstrip()) if item else ""
        mid = item is not None and not after_block and not re.search(r"[.!?:;)\]*_]$", tail)
        label = not mid and not (nxt and _BULLET.match(nxt[0]) is None and _no_room(body, nxt[0]))
        titled = _titled(text, line_start, body, item, nxt)
        inner_title = (
            item is not None and kind == "sentence" and _mid_title(text[last : item[1]], body, nxt)
        )
        if _is_heading(body, label) or titled or inner_title:
            flush()
            # The top "Subject:" line's title is the heading; the header word is no text of it.
            head = MAIL_SUBJECT.match(body) if not text[:line_start].strip() else None
            cut = head.end() if head else 0
            out.append(_whole_line(body[cut:], line_start + cut, "heading"))
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
            or (not in_li and _new_paragraph(text[last : item[1]], balance, kind, body))
            or (kind == "sentence" and lines == 1 and _title_line(text[item[0] : item[1]], body))
            or after_block
            or bool(_BLOCK_OPEN.match(body.lstrip()))
        ):
            flush()
            kind = "sentence"
            opener = _OPENERS.match(body)  # a unit starts at its words, not at "<p>"
            begin(
                line_start + (opener.end() if opener else len(body) - len(body.lstrip())), line_end
            )
        else:  # a wrapped line: the open paragraph or bullet goes on
            item[1] = line_end
            lines, last = lines + 1, line_start
            balance += body.count("(") - body.count(")")
    flush()
    return out


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The text's lines, each cut where an HTML block element opens (before its tag) or closes
    (after it), with whether the piece is inside a list item. The pieces, joined, are the text.

    >>> _pieces("<p>Done.</p><ul><li>One.</li></ul>\\nPlain")
    [('<p>Done.</p>', False), ('<ul>', False), ('<li>One.</li>', True), ('</ul>', False), ('\\n', False), ('Plain', False)]
    """
    out: list[tuple[str, bool]] = []
    depth = 0  # open <li> elements
    for line in text.splitlines(keepends=True):
        if "<" not in line:
            out.append((line, depth > 0))
            continue
        cuts = [0]
        for m in _BREAK.finditer(line):
            closing, tag = m.group(1), m.group(2).lower()
            cuts.append(m.end() if closing or tag in ("br", "hr") else m.start())
        cuts.append(len(line))
        for a, b in itertools.pairwise(cuts):
            if a < b:
                piece = line[a:b]
                depth += len(re.findall(r"<li\b", piece, re.I))
                out.append((piece, depth > 0))
                depth = max(0, depth - len(re.findall(r"</li\s*>", piece, re.I)))
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


WRAP = 72  # the width mail clients and editors hard-wrap at


def _no_room(line: str, nxt: str) -> bool:
    """The next line's first word would not have fitted on this one: a hard wrap moved it."""
    word = nxt.strip().split(" ", 1)[0]
    return bool(word) and len(line.rstrip()) + 1 + len(word) > WRAP


def _title_line(previous: str, line: str) -> bool:
    """A short line with no stop, then a capitalised line, is a title over prose ("Larkspur Open
    Data Platform — fortnightly notes" / "Merged 27 PRs ..."), not one wrapped sentence: wrapped
    prose runs to the margin (a line of 50+ characters) or goes on in lower case, or its next
    word would not have fitted on the line ("A blog" / "[post](https://blog.rust-lang.org/...)"
    at 72 columns)."""
    prev = previous.rstrip()
    last = prev.splitlines()[-1] if prev else ""
    return (
        len(last) < 50
        and not _no_room(last, line)
        and "\n" not in prev
        and prev.count("(") == prev.count(")")
        and prev.count("[") == prev.count("]")  # "held by the [FreeBSD" / "Foundation](...)"
        and not re.search(r"[.!?:;,)\]]$", last)
        and bool(re.match(r"[A-Z0-9\[*\"“]", line.lstrip()))
    )


def _mid_title(previous: str, line: str, nxt: list[str]) -> bool:
    """A short line with no stop between two sentences of a paragraph whose lines are its
    author's breaks ("... is on track." / "Discussions" / "The Board discussed ..."): a title,
    not a wrapped sentence. Wrapped prose would have put the next line's first word on it."""
    body = line.strip()
    return (
        bool(nxt)
        and bool(re.search(r"[.!?][\"'’”)]*$", previous.rstrip()))
        and 0 < len(body) < 50
        and len(body.split()) <= 8
        and re.match(r"[A-Z0-9]", body) is not None
        and not re.search(r"[.!?:;,]$", body)
        and _BULLET.match(line) is None
        and not line[:1].isspace()
        and re.match(r"[A-Z0-9\"“]", nxt[0]) is not None
        and not _no_room(body, nxt[0])
    )


_TAGS_END = re.compile(r"(?:\s*<[^<>\n]{1,200}>)+\s*$")
_TAGS_START = re.compile(r"^\s*(?:<[^<>\n]{1,200}>\s*)+")


def _runs_on(tail: str, line: str) -> bool:
    """A paragraph that stops mid-sentence ("We received 100% satisfaction for all the<br />")
    and, after a blank line, a line that goes on in lower case ("activities and the trips ..."):
    one sentence that a PDF's lines or a <br> per line cut, not two paragraphs."""
    end = _TAGS_END.sub("", tail).rstrip()
    start = _TAGS_START.sub("", line).lstrip("‘'\"“(")
    if not end or not (end[-1].isalnum() or end[-1] == ","):
        return False
    # a line that stops on a word no line ends on has not ended its sentence ("... a
    # litterpick in" / "Malvern"); "Hi all," / "This week" end one
    return start[:1].islower() or ends_open(end, line=True)


def indent(source: str, pos: int) -> int:
    """How far in the line holding `pos` starts (a tab is four columns): a bullet's depth. In
    HTML a list nested in a list item is four columns deeper per level, as Markdown indents it.

    >>> html = "<ul><li>Posts:<ul><li>One</li></ul></li></ul>"
    >>> indent(html, html.index("Posts")), indent(html, html.index("One"))
    (0, 4)
    """
    line = source[source.rfind("\n", 0, pos) + 1 : pos].expandtabs(4)
    cols = len(line) - len(line.lstrip())
    return cols + 4 * max(0, list_depth(source, pos) - 1)


def _has_words(line: str) -> bool:
    """False for lines that are only images, tags or punctuation (HTML wrappers, dividers)."""
    rest = _TAG.sub("", drop_images(line))
    return bool(re.search(r"\w", rest))


def _split(text: str, start: int, end: int, kind: str) -> list[Segment]:
    content = text[start:end]
    lead = len(content) - len(content.lstrip())
    s0 = start + lead
    body = _CLOSERS.sub("", content.strip())  # "One.</li>": the unit ends at its words
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


# A paragraph element around a whole line, and bold around all of its words: a CMS's way of
# writing "This week:" or "**Latest news**" (read as the same heading).
_P_WRAP = re.compile(r"^<(p|div)\b[^<>]{0,200}>(.*)</\1>$", re.I)
_BOLD_WRAP = re.compile(r"^<(strong|b)>(.*)</\1>(:?)$", re.I)


def _is_heading(line: str, label: bool = True) -> bool:
    stripped = line.strip()
    if re.match(r"^#{1,6}\s", stripped):
        return True
    if re.match(r"^<h[1-6][^>]*>.*</h[1-6]>$", stripped, re.I):
        return True
    if m := _P_WRAP.match(stripped):
        stripped = m.group(2).strip()
        stripped = _BOLD_WRAP.sub(r"**\2**\3", stripped)
    emphasised = r"^(\*\*|__)[^*_]{1,60}(?<![.!?])\1:?$"
    if re.match(emphasised, stripped):
        return True
    # "This week:" style labels with no sentence after them.
    return label and bool(re.match(r"^[A-Z][\w /&()'’-]{0,40}:$", stripped))


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
