"""Meaning-preserving changes of surface, for asking whether quality survives a new layout.

Hidden sets come from other organisations and arrive written and formatted differently: e-mail
hard-wrapped at 72 columns, "*" or "1)" bullets, HTML from a CMS, Setext or bold headings,
smart or straight quotes, CRLF, a "Subject:" line and a signature. Each transform here is a
small pure function from an update's text to the same update in another surface; none changes a
number, a link or an id (coach/evals/surface_run.py: `same_facts` checks that per update, and
the eval refuses a transform that fails it, then rewrites the dev set through each one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from coach.evals.surface_html import ATX as _ATX
from coach.evals.surface_html import ITEM as _ITEM
from coach.evals.surface_html import code_lines as _lines
from coach.evals.surface_html import html_one_line, to_html
from coach.markup import is_link_definition, is_table_row, is_table_rule

WIDTH = 72
# A word that would turn a wrapped line into a list item, heading, quote or table row.
_MARKER_WORD = re.compile(r"^(?:[-*+•>#|=]+|\d{1,3}[.)]|[a-z][.)])$")


def _layout(line: str) -> bool:
    """Lines a mail client or converter leaves as they are: headings, tables, link
    definitions, quotes, HTML."""
    s = line.strip()
    return (
        bool(_ATX.match(s))
        or is_table_row(line)
        or is_table_rule(line)
        or is_link_definition(line)
        or s.startswith((">", "<"))
    )


def hard_wrap(text: str, width: int = WIDTH) -> str:
    """Lines longer than `width` broken at spaces, as a mail client sends them; a bullet's
    continuation is indented under its text. Never inside code, never a line that would then
    start like a list item or heading, never inside a word or URL.

    >>> print(hard_wrap("- " + "word " * 16 + "end 12. of it", 40))
    - word word word word word word word
      word word word word word word word
      word word end 12. of it
    """
    out = []
    for line, code in _lines(text):
        if code or len(line) <= width or _layout(line):
            out.append(line)
            continue
        m = _ITEM.match(line)
        first = m.group(0) if m else re.match(r"[ \t]*", line).group(0)  # type: ignore[union-attr]
        hang = " " * len(first.expandtabs(4)) if m else first
        out.extend(_wrap(line[len(first) :].split(), first, hang, width))
    return "\n".join(out)


def _wrap(words: Sequence[str], first: str, hang: str, width: int) -> list[str]:
    lines: list[str] = []
    cur = first
    bare = True  # nothing after the prefix yet
    for w in words:
        if not bare and len(cur) + 1 + len(w) > width and not _MARKER_WORD.match(w):
            lines.append(cur)
            cur, bare = hang + w, False
        else:
            cur, bare = (cur + w if bare else f"{cur} {w}"), False
    lines.append(cur)
    return lines


def star_bullets(text: str) -> str:
    """Every unordered bullet written with "*".

    >>> star_bullets("- one\\n  + two\\n---\\n- [x] done")
    '* one\\n  * two\\n---\\n* [x] done'
    """
    return "\n".join(
        line if code else re.sub(r"^([ \t]*)[-+•](?=[ \t])", r"\1*", line)
        for line, code in _lines(text)
    )


def paren_numbers(text: str) -> str:
    """Every list numbered "1)", "2)" ...: unordered bullets become numbered items, "1." becomes
    "1)". Counted per indent; a line of prose or a heading ends the list.

    >>> print(paren_numbers("Done:\\n- one\\n- two\\n  - sub\\n- three\\n\\nNext:\\n1. four"))
    Done:
    1) one
    2) two
      1) sub
    3) three
    <BLANKLINE>
    Next:
    1) four
    """
    out = []
    counts: dict[int, int] = {}
    for line, code in _lines(text):
        m = None if code else _ITEM.match(line)
        if m is None:
            if line.strip() and not line[:1].isspace():
                counts = {}  # prose or a heading: the next list starts at 1
            out.append(line)
            continue
        depth = len(m.group(1).expandtabs(4))
        counts = {d: n for d, n in counts.items() if d <= depth}
        counts[depth] = counts.get(depth, 0) + 1
        out.append(f"{m.group(1)}{counts[depth]}) {line[m.end() :]}")
    return "\n".join(out)


def setext_headings(text: str) -> str:
    """ "# Title" and "## Title" as "Title" underlined with "=" or "-" (after a blank line, so
    the title cannot join the paragraph above); deeper headings stay "###".

    >>> print(setext_headings("Intro\\n## Done\\n- one"))
    Intro
    <BLANKLINE>
    Done
    ----
    - one
    """
    out: list[str] = []
    for line, code in _lines(text):
        m = None if code else _ATX.match(line)
        if m is None or len(m.group(1)) > 2 or _ITEM.match(m.group(2)):
            out.append(line)  # "1) Infrastructure" underlined would start a list
            continue
        if out and out[-1].strip():
            out.append("")
        title = m.group(2).strip()
        out += [title, ("=" if len(m.group(1)) == 1 else "-") * max(3, len(title))]
    return "\n".join(out)


def bold_headings(text: str) -> str:
    """Headings written as a bold line, as many editors and e-mails do.

    >>> bold_headings("## Q3 results\\ntext")
    '**Q3 results**\\ntext'
    """
    return "\n".join(
        line if code or not (m := _ATX.match(line)) else f"**{m.group(2).strip()}**"
        for line, code in _lines(text)
    )


# Spans whose quotes are not prose: code, link targets, tags, URLs.
_VERBATIM = re.compile(r"`[^`\n]*`|\]\([^)\s]*\)|<[^<>\n]*>|https?://\S+")


def _prose_map(text: str, fn: Callable[[str], str]) -> str:
    out, pos = [], 0
    for line, code in _lines(text):
        if code:
            out.append(line)
            continue
        pieces, pos = [], 0
        for m in _VERBATIM.finditer(line):
            pieces += [fn(line[pos : m.start()]), m.group(0)]
            pos = m.end()
        out.append("".join([*pieces, fn(line[pos:])]))
    return "\n".join(out)


def _curl(s: str) -> str:
    s = re.sub(r'(^|[\s(\[{—-])"', "\\1“", s)
    s = s.replace('"', "”")
    s = re.sub(r"(^|[\s(\[{—-])'(?=\w)", "\\1‘", s)
    return s.replace("'", "’")


def smart_quotes(text: str) -> str:
    """Straight quotes and apostrophes curled, as a word processor does (not in code or URLs).

    >>> smart_quotes("we're \\"done\\" with 'x' in `a'b`")
    "we’re “done” with ‘x’ in `a'b`"
    """
    return _prose_map(text, _curl)


# Curly quotes to straight ones: this transform, and what surface_run compares (`visible`).
STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def straight_quotes(text: str) -> str:
    """Curly quotes straightened, as a plain-text mailer does.

    >>> straight_quotes("we’re “done”")
    'we\\'re "done"'
    """
    return _prose_map(text, lambda s: s.translate(STRAIGHT))


def crlf(text: str) -> str:
    r"""Windows line ends.

    >>> crlf("a\nb")
    'a\r\nb'
    """
    return text.replace("\n", "\r\n")


def email(text: str) -> str:
    """Sent as an e-mail: the first line, when it is a heading, becomes the "Subject:" line
    (else a plain subject), and a sign-off and name close it.

    >>> print(email("# Week 12\\nShipped 3 forms."))
    Subject: Week 12
    <BLANKLINE>
    Shipped 3 forms.
    <BLANKLINE>
    Thanks,
    Alex
    """
    lines = text.split("\n")
    m = _ATX.match(lines[0]) or re.match(r"^(\*\*)([^*]{1,80})\*\*$", lines[0].strip())
    subject = "Status update"
    if m:
        subject, lines = m.group(2).strip(), lines[1:]
    body = "\n".join(lines).strip("\n")
    return f"Subject: {subject}\n\n{body}\n\nThanks,\nAlex"


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "hard-wrap 72": hard_wrap,
    '"*" bullets': star_bullets,
    '"1)" numbered': paren_numbers,
    "HTML (CMS)": to_html,
    "HTML one line": html_one_line,
    "Setext headings": setext_headings,
    "bold-line headings": bold_headings,
    "smart quotes": smart_quotes,
    "straight quotes": straight_quotes,
    "CRLF": crlf,
    "Subject + signature": email,
}


__all__ = [
    "TRANSFORMS",
    "WIDTH",
    "bold_headings",
    "crlf",
    "email",
    "hard_wrap",
    "html_one_line",
    "paren_numbers",
    "setext_headings",
    "smart_quotes",
    "star_bullets",
    "straight_quotes",
    "to_html",
]
