"""HTML as a reader sees it: entities decoded, media gone, tags gone, blocks on their own lines.

Updates pasted from a CMS or an e-mail export arrive as HTML. What the fact check compares, and
what a unit shows, must be the text the reader of that page saw: "R&amp;D" reads "R&D",
"Remove <code>RustcEncodable</code>" reads "Remove `RustcEncodable`", a `<picture>` block shows a
picture and no words. Both sides of the fact check (the update and the rewrite) go through the
same `reader_view`, so a name is never "invented" because one side still wore its tags.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from functools import lru_cache

# Only entities closed by ";" are entities: html.unescape also decodes some without one
# ("&notes" -> "¬es", "&copy" -> "©"), which would change a URL's query ("?a=1&notes=2").
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Spaces a browser shows as a space: no-break, narrow no-break, figure space.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def decode_entities(s: str) -> str:
    """Entities (named, decimal, hex) become their characters; no-break spaces are spaces.

    >>> decode_entities("R&amp;D on 3&#x20;May&nbsp;2024 &lt;b&gt; &#8211; x?a=1&notes=2")
    'R&D on 3 May 2024 <b> – x?a=1&notes=2'
    """
    if "&" in s:
        s = _ENTITY.sub(lambda m: html.unescape(m.group(0)), s)
    return s.translate(_SPACES)


# Elements whose content is no prose a reader reads: pictures, players, frames, scripts, styles.
MEDIA_TAGS = "picture|video|audio|svg|iframe|object|canvas|script|style|noscript|map"
# Block elements: each stands on lines of its own for the reader, and coach.segment cuts units
# at them (one list for both, so the fact check and the units never disagree on a layout).
BLOCK_TAGS = (
    "p|div|li|ul|ol|dl|dt|dd|h[1-6]|tr|table|thead|tbody|blockquote|pre|section|article|header|"
    "footer|figure|figcaption"
)
_MEDIA_BLOCK = re.compile(rf"<({MEDIA_TAGS})\b[^>]{{0,2000}}>.{{0,20000}}?</\1\s*>", re.I | re.S)
_MEDIA_TAG = re.compile(rf"<(?:img|source|track|embed|area|{MEDIA_TAGS})\b[^>]{{0,2000}}/?>", re.I)


def drop_media(s: str) -> str:
    """Pictures, players and scripts go whole (an image's alt text is not read on the page,
    as a Markdown image is dropped too); a figure's caption stays.

    >>> drop_media('Dark mode: <picture><source srcset="d.svg"><img src="l.svg" alt="logo"></picture> done')
    'Dark mode:  done'
    >>> drop_media('<figure><img src="a.png" alt="chart"><figcaption>Visits doubled</figcaption></figure>')
    '<figure><figcaption>Visits doubled</figcaption></figure>'
    """
    if "<" not in s:
        return s
    return _MEDIA_TAG.sub("", _MEDIA_BLOCK.sub("", s))


_CODE = re.compile(r"<code\b[^<>]{0,200}>([^<>`\n]{1,200})</code\s*>", re.I)


def code_spans(s: str) -> str:
    """`<code>x</code>` as the Markdown code span `` `x` ``: code is the author's literal text
    (coach.markup holds code spans from its passes, and the fact check reads them as code).

    >>> code_spans("see <code>Writer::write_{explicit}</code> and <code>a&lt;b</code>")
    'see `Writer::write_{explicit}` and `a<b`'
    """
    if "<code" not in s and "<CODE" not in s:
        return s
    return _CODE.sub(lambda m: f"`{decode_entities(m.group(1))}`", s)


_ANCHOR = re.compile(
    r"<a\s[^<>]*?\bhref\s*=\s*([\"']?)(https?://[^\"'\s<>]+)\1[^<>]*>(.*?)</a\s*>", re.I | re.S
)
_BLOCK = re.compile(rf"<br\s*/?>|</?(?:{BLOCK_TAGS}|hr)\b[^<>]*>", re.I)
# Where a block, a line break or a table cell ends: strip_html puts a space there (one
# tag list with the reader view and the segmenter, BLOCK_TAGS).
BLOCK_END = re.compile(rf"<br\s*/?>|</(?:{BLOCK_TAGS}|t[dh])\s*>", re.I)
# Between two table cells: the readers put a separator there (a cell ends a word).
CELL = re.compile(r"</t[dh]\s*>\s*(?=<t[dh]\b)", re.I)
TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_HAS_HTML = re.compile(r"<[A-Za-z/!]|&(?:#|[A-Za-z]{2,31};)|[\u00a0\u202f\u2007]")
# A Markdown code fence: what is inside is shown as written, tags and entities included.
_FENCED = re.compile(r"(?ms)^[ \t]{0,3}(```|~~~).*?(?:^[ \t]{0,3}\1[^\n]*$|\Z)")


@lru_cache(maxsize=4096)
def reader_view(text: str) -> str:
    """The words a reader sees: media dropped, links as `[text](url)` (the address is a fact),
    block elements on lines of their own, table cells apart, other tags gone, entities decoded.
    Text with no HTML comes back as it is.

    >>> reader_view("<li>Remove <code>RustcEncodable</code> &amp; more</li><li>See <a href='https://x.org/1'>#1</a></li>")
    '\\nRemove `RustcEncodable` & more\\n\\nSee [#1](https://x.org/1)\\n'
    >>> reader_view("<tr><td>Date</td><td>Meeting Id</td></tr>")
    '\\nDate | Meeting Id\\n'
    >>> reader_view("latency < 5 ms, [x](https://x.org)")
    'latency < 5 ms, [x](https://x.org)'
    >>> reader_view("Use:\\n```html\\n<img src='a.png'> &amp;\\n```\\n<b>Done</b>")
    "Use:\\n```html\\n<img src='a.png'> &amp;\\n```\\nDone"
    """
    if not _HAS_HTML.search(text):
        return text
    out, pos = [], 0
    for m in _FENCED.finditer(text):  # code is the author's literal text
        out += [_visible(text[pos : m.start()]), m.group(0)]
        pos = m.end()
    return "".join([*out, _visible(text[pos:])])


# Elements a screen reads as layout (coach.injection): block ones break the line, inline ones are
# markup. Names outside this list ("<system>", "<update>") are left for the filter to read.
_INLINE_TAGS = (
    "a|abbr|b|big|caption|center|cite|code|col|colgroup|del|details|em|font|i|img|input|ins|kbd|"
    "label|main|mark|nav|q|s|samp|small|source|span|strike|strong|sub|summary|sup|td|tfoot|th|"
    "time|tt|u|var|wbr|aside|track|embed|area"
)
_LAYOUT_TAG = re.compile(
    rf"</?(?:({BLOCK_TAGS}|br|hr)|{_INLINE_TAGS}|{MEDIA_TAGS})\b(?:\s[^<>]*)?/?>", re.I
)
# Attributes whose values are words (alt, title...) or addresses (href, src): kept in the
# layout view, since a model that is sent the text reads them; class, style and id values are
# names for the browser, blanked with the tag.
_WORDS = r"alt|title|aria-[\w-]+|content|value|placeholder|label|summary|data-[\w-]+"
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+))"""
_KEPT = {
    True: re.compile(rf"\b(?:{_WORDS}|href|src|cite|poster|action){_VALUE}", re.I),
    False: re.compile(rf"\b(?:{_WORDS}){_VALUE}", re.I),
}
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def layout_view(text: str, addresses: bool = True) -> str:
    """`text` at the same length with HTML tags read as layout: a block tag is a line break, the
    rest of every tag spaces, but the values of word attributes (an alt text, a title) and,
    with `addresses`, of address ones (href, src) are kept where they stand. Comments, entities
    and names that are no HTML element ("<system>") are left as written. What the injection
    screen reads (coach.injection): a sentence ends where its block does, as on the page, not
    at the end of a one-line file.

    >>> layout_view('<p>Done.</p><li><a href="https://x.org">#1</a></li><!-- <b>x</b> -->')
    '\\n  Done.\\n   \\n            https://x.org  #1    \\n    <!-- <b>x</b> -->'
    """
    if "<" not in text:
        return text
    kept = _KEPT[addresses]

    def as_layout(m: re.Match[str]) -> str:
        return _layout(m, kept)

    out, pos = [], 0
    for m in _COMMENT.finditer(text):  # a comment is read whole, as written (coach.injection)
        out += [_LAYOUT_TAG.sub(as_layout, text[pos : m.start()]), m.group(0)]
        pos = m.end()
    return "".join([*out, _LAYOUT_TAG.sub(as_layout, text[pos:])])


def _layout(m: re.Match[str], kept: re.Pattern[str]) -> str:
    tag = m.group(0)
    keep = [" "] * len(tag)
    for v in kept.finditer(tag):
        i = next(g for g in (1, 2, 3) if v.group(g) is not None)
        keep[v.start(i) : v.end(i)] = v.group(i)
    if m.group(1):
        keep[0] = "\n"
    return "".join(keep)


def links_as_markdown(s: str) -> str:
    """`<a href="url">text</a>` as the Markdown link `[text](url)`: the address is a fact, and
    both readers (this one and strip_html, coach.markup's pass) keep it the same way.

    >>> links_as_markdown('<a class="x" href="https://x.org/106"><b>Const</b> traits</a>')
    '[Const traits](https://x.org/106)'
    """
    return _ANCHOR.sub(lambda m: f"[{TAG.sub('', m.group(3)).strip()}]({m.group(2)})", s)


def _visible(s: str) -> str:
    s = links_as_markdown(code_spans(drop_media(s)))
    s = CELL.sub(" | ", s)
    s = TAG.sub("", _BLOCK.sub("\n", s))
    return decode_entities(s)


# An autolink ("<https://github.com/Homebrew/brew/pull/17049>") is a link the reader sees as
# its address: the brackets are markup, the address is a fact and stays.
AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>", re.I)


def strip_html(s: str) -> str:
    """Tags go (a block's end, a line break or a cell becomes a space: BLOCK_END); the words
    between them stay (coach.markup's pass; `reader_view` is the fact check's reading). A link keeps its
    target as a Markdown link, like any other: the URL is a fact. An autolink
    becomes its bare address.

    >>> strip_html("<p>Stable support <strong>landed</strong> on nightly.</p>")
    'Stable support landed on nightly. '
    >>> strip_html("<a href='https://x.org/106'><strong>Const traits</strong></a>")
    '[Const traits](https://x.org/106)'
    >>> strip_html("followed by all users: <https://x.org/pull/1>.")
    'followed by all users: https://x.org/pull/1.'
    >>> strip_html("<tr><td>Date</td><td>Topic</td></tr> <picture><img alt='logo'></picture>")
    'Date – Topic   '
    """
    s = links_as_markdown(drop_media(s))  # between two cells: a dash, as "| a | b |" reads
    return TAG.sub("", BLOCK_END.sub(" ", CELL.sub(" – ", AUTOLINK.sub(r"\1", s))))


_LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^<>]{0,2000}>", re.I)


def list_depth(source: str, pos: int) -> int:
    """How many HTML lists are open at `pos` (0 outside any): a nested list item's depth.

    >>> html = "<ul><li>Posts:<ul><li>One</li></ul></li></ul>"
    >>> list_depth(html, html.index("Posts")), list_depth(html, html.index("One")), list_depth(html, len(html))
    (1, 2, 0)
    """
    at, depth = _list_depths(source)  # cached: one scan of a source, however many units ask
    k = bisect_right(at, pos)
    return depth[k - 1] if k else 0


@lru_cache(maxsize=8)
def _list_depths(source: str) -> tuple[list[int], list[int]]:
    """Where each HTML list opens or closes, and how many lists are open after it."""
    at: list[int] = []
    depth: list[int] = []
    if "<" not in source:
        return at, depth
    n = 0
    for m in _LIST_TAG.finditer(source):
        n = max(0, n - 1) if m.group(1) else n + 1
        at.append(m.end())
        depth.append(n)
    return at, depth


__all__ = [
    "AUTOLINK",
    "BLOCK_END",
    "BLOCK_TAGS",
    "CELL",
    "MEDIA_TAGS",
    "TAG",
    "code_spans",
    "decode_entities",
    "drop_media",
    "layout_view",
    "links_as_markdown",
    "list_depth",
    "reader_view",
    "strip_html",
]
