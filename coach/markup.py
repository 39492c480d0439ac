"""Markup cleaner for unit text: what the author wrote, without the layout it was pasted in.

Real updates arrive as Markdown, HTML fragments, WordPress exports and e-mail quotes. A unit
(one sentence or bullet) is cleaned by named passes, each a small function with an example,
so a reader of the rewrite never sees "<p>", "&#x20;", "> ", "][2]", "1. " or a tab bullet.
Inline links stay as Markdown links `[text](url)`: the URL is a fact the reader may need, and
reference links are resolved to that same form. Code spans (`name`) stay: they name things.

    >>> clean_unit("> **Fixed** a couple of bugs in [PR #575][2]&nbsp;", {"2": "https://x.org/575"})
    'Fixed a couple of bugs in [PR #575](https://x.org/575)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from coach.htmltext import code_spans, decode_entities, strip_html

# The placeholders coach.redact writes for personal data ("[email 1]"): bracketed like a
# shortcut reference link, but never one, so the cleaner leaves them for redact to restore.
PLACEHOLDER = re.compile(r"\[(email|phone|card) (\d+)\]")

_REF_DEF = re.compile(r"^\s{0,3}\[([^\]^][^\]]*)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*[\"')])?\s*$", re.M)
# A mail's numbered notes ("[ 3] https://..." at its end, "[3]" in its text): labels with no colon.
_NOTE_DEF = re.compile(r"^\s{0,3}\[[ \t]*(\d{1,3})[ \t]*\][ \t]+<?(https?://\S+?)>?[ \t]*$", re.M)
# The same notes run together on one line, as a mail archive's web page flattens them
# ("[1] https://a.org/x [2] https://b.org/y"): each "[n] url" pair is one definition.
_NOTE_PAIR = r"\[[ \t]*(\d{1,3})[ \t]*\][ \t]+<?(https?://[^\s<>]+)>?"
_NOTE_RUN = re.compile(rf"^[ \t]{{0,3}}(?:{_NOTE_PAIR}[ \t]*){{2,}}$", re.M)
_NOTE_IN_RUN = re.compile(_NOTE_PAIR)


def link_definitions(text: str) -> dict[str, str]:
    """Reference-link definitions of a whole update, by lower-cased label.

    >>> link_definitions("See [the list][p-high].\\n\\n[p-high]: https://x.org/issues")
    {'p-high': 'https://x.org/issues'}
    """
    notes = {m.group(1): m.group(2) for m in _NOTE_DEF.finditer(text)}
    for run in _NOTE_RUN.finditer(text):
        notes |= {m.group(1): m.group(2) for m in _NOTE_IN_RUN.finditer(run.group(0))}
    return notes | {m.group(1).strip().lower(): m.group(2) for m in _REF_DEF.finditer(text)}


def is_link_definition(line: str) -> bool:
    """`[label]: url` lines are link targets, not prose.

    >>> is_link_definition("[jan-28-mtg]: https://github.com/rust-lang/compiler-team/issues/479")
    True
    """
    return bool(
        _REF_DEF.fullmatch(line.strip())
        or _NOTE_DEF.fullmatch(line.rstrip())
        or _NOTE_RUN.fullmatch(line.rstrip())
    )


# -- block syntax: lines that are not prose (segment, batch Markdown, chunking, garble) --------
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")


def is_fence(line: str) -> bool:
    """A code fence opens or closes a block that is not prose.

    >>> is_fence("  ```python"), is_fence("~~~"), is_fence("use ``` for code")
    (True, True, False)
    """
    return bool(_FENCE.match(line))


_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def is_table_row(line: str) -> bool:
    """`| cell | cell |`: a unit of its own, never joined to the next line.

    >>> is_table_row("| 14 Jan | Planning |"), is_table_row("a | b")
    (True, False)
    """
    return bool(_TABLE_ROW.match(line))


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def is_table_rule(line: str) -> bool:
    """A table's separator row (at least two dashes a cell).

    >>> is_table_rule("|---|:--:|"), is_table_rule("| - |")
    (True, False)
    """
    return bool(_TABLE_RULE.match(line))


# A Markdown list item: - * + • or "1." / "1)" and a space; group 1 is the indent.
MD_BULLET = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+")


# -- passes ---------------------------------------------------------------------------------
def unescape_entities(s: str) -> str:
    """HTML entities become the characters they stand for (only those closed by ";", as the
    fact check reads them: coach.htmltext); non-breaking spaces become spaces.

    >>> unescape_entities("Q&amp;A on 3&#x20;May&nbsp;2024, see ?a=1&notes=2")
    'Q&A on 3 May 2024, see ?a=1&notes=2'
    """
    return decode_entities(s)


_QUOTE = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")


def strip_quote_markers(s: str) -> str:
    """E-mail and Markdown quote markers at line starts.

    >>> strip_quote_markers("> > We shipped it.")
    'We shipped it.'
    """
    return _QUOTE.sub("", s)


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")


def drop_images(s: str) -> str:
    """Images are pictures, not prose: `![alt](src)` goes whole.

    >>> drop_images("Done ![screenshot](a.png) today")
    'Done  today'
    """
    return _IMAGE.sub("", s)


_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^[^\]]+\]:\s*")


def drop_footnote_marks(s: str) -> str:
    """Footnote references point at text the rewrite does not carry; a footnote's own text
    loses its label.

    >>> drop_footnote_marks("the crate dynosaur[^names] wraps"), drop_footnote_marks("[^1]: See")
    ('the crate dynosaur wraps', 'See')
    """
    return _FOOTNOTE.sub("", _FOOTNOTE_DEF.sub("", s))


# The arrow may end a hard-wrapped line ("...issues/115) >" / "effort is stagnating").
_ARROW = re.compile(r"(?<=\S)[ \t]+(?:>|->|=>|→)[ \t]*\n?[ \t]*(?<=\s)(?=[^\d\s=<>])")


def arrows_to_dashes(s: str) -> str:
    """A '>' used as an arrow between two parts reads as a quote marker: it becomes a dash.
    A comparison ('latency > 5 ms') stays.

    >>> arrows_to_dashes("[CVD Guide](u) > effort is stagnating"), arrows_to_dashes("p95 > 5 ms")
    ('[CVD Guide](u) – effort is stagnating', 'p95 > 5 ms')
    >>> arrows_to_dashes("[CVD Guide](u) >\\neffort is stagnating"), arrows_to_dashes("a >b")
    ('[CVD Guide](u) – effort is stagnating', 'a >b')
    """
    return _ARROW.sub(" – ", s)


_REF_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\s?\[([^\]]*)\]")
_SHORTCUT = re.compile(r"(?<![\]!])\[([^\[\]]+)\](?![(\[:])")


def resolve_reference_links(s: str, refs: Mapping[str, str]) -> str:
    """`[text][ref]` and `[ref]` become `[text](url)` when defined, else plain `text`.

    >>> resolve_reference_links("see [86 such issues][p-high] and [here][9]", {"p-high": "u"})
    'see [86 such issues](u) and here'
    >>> resolve_reference_links("questions to [email 1]", {})
    'questions to [email 1]'
    """

    def full(m: re.Match[str]) -> str:
        label = (m.group(2) or m.group(1)).strip().lower()
        url = refs.get(label)
        return f"[{m.group(1)}]({url})" if url else m.group(1)

    def shortcut(m: re.Match[str]) -> str:
        note = re.fullmatch(r"[ \t]*\d{1,3}[ \t]*", m.group(1))  # "[3]": a note's number
        glued = m.string[m.end() : m.end() + 1].isalnum() or m.string[m.end() : m.end() + 1] == "-"
        url = refs.get(m.group(1).strip().lower())
        after_word = bool(m.start()) and m.string[m.start() - 1].isalnum()
        if note and url and after_word and not glued and url.startswith(("http://", "https://")):
            return f" [{m.group(1).strip()}]({url})"  # "posted online[1]": a note, defined
        if glued or (note and after_word):
            return m.group(0)  # "items[0]", "[SIG]-governance.md": a name as written
        if url:
            return f"[{m.group(1).strip()}]({url})"
        if re.fullmatch(r"[ xX]", m.group(1)) or PLACEHOLDER.fullmatch(m.group(0)):
            return m.group(0)
        return "" if note else m.group(1)  # a note whose text is not in the update goes

    return _SHORTCUT.sub(shortcut, _REF_LINK.sub(full, s))


_INLINE_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?[^)]*\)")


def tidy_inline_links(s: str) -> str:
    """Links whose text is empty or the URL itself become the bare URL.

    >>> tidy_inline_links("at [](https://a.io) and [https://b.io](https://b.io)")
    'at https://a.io and https://b.io'
    """

    def one(m: re.Match[str]) -> str:
        text, url = m.group(1).strip(), m.group(2)
        if not text or text == url:
            return url
        return f"[{text}]({url})"

    return _INLINE_LINK.sub(one, s)


_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    # italics may run over a hard-wrapped line ("_This is the third ... I will be\npublishing_")
    re.compile(r"(?<![\w*])\*(?=[^\s*])((?:[^*\n]|\n(?!\s*\n))+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])((?:[^_\n]|\n(?!\s*\n))+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
)


def strip_emphasis(s: str) -> str:
    """Bold, italics and strike marks go; identifiers such as snake_case stay.

    >>> strip_emphasis("**Return Type Notation** is _implemented_ in my_crate"), strip_emphasis("_a\\nb_")
    ('Return Type Notation is implemented in my_crate', 'a\\nb')
    """
    for pattern in _EMPHASIS:
        s = pattern.sub(r"\1", s)
    return s


_LIST_MARK = re.compile(
    r"^[ \t]*(?:(?:[-*+•▪◦‣·o]|\d{1,3}[.)]|\(?[a-z][.)]|\(\d{1,3}\))[ \t]+)+(?:\[[ xX]\][ \t]+)?"
)


def strip_list_marker(s: str) -> str:
    """Bullets, tab bullets, list numbers and checkboxes at the start of a unit.

    >>> strip_list_marker("*\\tour ideal way to learn"), strip_list_marker("2. [x] Ship it")
    ('our ideal way to learn', 'Ship it')
    """
    return _LIST_MARK.sub("", s)


_HEADING_MARK = re.compile(r"^[ \t]*#{1,6}[ \t]+")
_TABLE_PIPE = re.compile(r"^\s*\|\s*|\s*\|\s*$")


_HEADING_CLOSE = re.compile(r"(?<=\S)[ \t]+#{1,6}[ \t]*$")
# An e-mail's subject line is the update's title: coach.segment reads it as a heading, at the
# top of the text only, and leaves the header word out of it (never out of a sentence).
MAIL_SUBJECT = re.compile(r"^[ \t]*(?:(?:subject|re|fwd?)[ \t]*:[ \t]*)+(?=\S)", re.I)


def strip_heading_and_table(s: str) -> str:
    """Heading hashes and table pipes (cells become a dash-separated line).

    >>> strip_heading_and_table("| 14 Jan | Planning meeting |")
    '14 Jan – Planning meeting'
    >>> strip_heading_and_table("## Fun Friday fact ##"), strip_heading_and_table("Re: the budget")
    ('Fun Friday fact', 'Re: the budget')
    """
    if _HEADING_MARK.match(s):  # and an ATX heading's closing hashes: "## Plans ##" -> "Plans"
        s = _HEADING_CLOSE.sub("", _HEADING_MARK.sub("", s))
    if s.lstrip().startswith("|") and s.count("|") >= 2:
        cells = [c.strip() for c in _TABLE_PIPE.sub("", s).split("|")]
        s = " – ".join(c for c in cells if c)
    return s


_SPACE = re.compile(r"[ \t\r\n]+")
# In this order: runs of white space become one space, then empty brackets go, then no space
# after an opening bracket or before closing punctuation, and runs left behind are one again.
_SPACING: tuple[tuple[re.Pattern[str], str], ...] = (
    (_SPACE, " "),
    (re.compile(r"\(\s*\)|\[\s*\]"), ""),
    (re.compile(r"([(\[])\s+"), r"\1"),
    (re.compile(r"\s+([,;:.!?)])(?![\w(]|(?<=[:;])[-)D(])"), r"\1"),  # not ".7z", not ":)"
    (_SPACE, " "),
)


def collapse_space(s: str) -> str:
    """One space between words; none before closing punctuation; empty brackets go.

    >>> collapse_space("Done  ( )\\n  today , finally"), collapse_space("a .7z file . :)")
    ('Done today, finally', 'a .7z file. :)')
    """
    for pattern, replacement in _SPACING:
        s = pattern.sub(replacement, s)
    return s.strip()


PASSES: tuple[Callable[[str], str], ...] = (
    strip_html,
    unescape_entities,
    strip_quote_markers,
    drop_images,
    drop_footnote_marks,
    arrows_to_dashes,
    strip_heading_and_table,
    strip_list_marker,
    tidy_inline_links,
    strip_emphasis,
    collapse_space,
)


def clean_unit(text: str, refs: Mapping[str, str] | None = None) -> str:
    """A unit's words without markup, in the author's order; links kept as `[text](url)`."""
    if not refs:  # the common case, and the one the offline engine asks for again and again
        return _clean_alone(text)
    return _clean(text, refs)


@lru_cache(maxsize=8192)
def _clean_alone(text: str) -> str:
    """clean_unit without reference definitions, once per distinct text."""
    return _clean(text, {})


_CODE_SPAN = re.compile(r"`[^`\n]+`")
_HOLD = 0xF0000  # supplementary private use: one placeholder character per code span


def _clean(text: str, refs: Mapping[str, str]) -> str:
    # Inline code is the author's literal text: no pass may touch it ("`> [!NOTE]`" lost its
    # quote marker and brackets to the passes: "`>!NOTE`").
    s, held = _hold(code_spans(text))  # "<code>x</code>" is the code span `x`
    for one in PASSES[:6]:
        s = one(s)
    # a reference label may be code ("[`unsafe_op_in_unsafe_fn`]"): resolved as written
    s, held = _hold(resolve_reference_links(_restore(s, held, labels_only=True), refs), held)
    for one in PASSES[6:]:
        s = one(s)
    # A second list-marker pass: "<li>1. Done</li>" only shows its number once tags are gone.
    return _restore(collapse_space(strip_list_marker(s)), held)


def _hold(s: str, held: list[str] | None = None) -> tuple[str, list[str]]:
    """Each code span replaced by one private-use character (its index in `held`)."""
    held = list(held or ())
    held.extend(c for c in dict.fromkeys(_CODE_SPAN.findall(s)) if c not in held)
    if not held:
        return s, held
    return _CODE_SPAN.sub(lambda m: chr(_HOLD + held.index(m.group(0))), s), held


def _restore(s: str, held: list[str], labels_only: bool = False) -> str:
    """Put the code spans back; with `labels_only`, only those that are a whole link label."""
    for k, code in enumerate(held):
        mark = chr(_HOLD + k)
        s = s.replace(f"[{mark}]", f"[{code}]") if labels_only else s.replace(mark, code)
    return s


@lru_cache(maxsize=8192)
def plain(text: str) -> str:
    """Text for matching and measuring: clean, and links reduced to their words.

    >>> plain("[Charter](https://x.org/c) published")
    'Charter published'
    """
    return collapse_space(_INLINE_LINK.sub(r"\1", clean_unit(text)))


__all__ = [
    "MD_BULLET",
    "PASSES",
    "clean_unit",
    "drop_images",
    "is_fence",
    "is_link_definition",
    "is_table_row",
    "is_table_rule",
    "link_definitions",
    "plain",
]
