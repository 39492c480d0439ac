"""HTML: h1-h6 give the heading path (their id, or data-pillar, may name a pillar).

What a reader of the page never sees is not indexed: script, style, navigation, comments
(HTMLParser never passes them as data) and elements hidden by `hidden`, `aria-hidden="true"`
or an inline `display:none` / `visibility:hidden` style.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from coach.ingest.chunking import Document, Section
from coach.ingest.outline import default_title, heads, nest, text_of

_BLOCK = {"p", "li", "div", "section", "article", "tr", "br", "blockquote", "pre", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0", re.I)


def _hidden(attrs: dict[str, str | None]) -> bool:
    return (
        "hidden" in attrs
        or (attrs.get("aria-hidden") or "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))
    )


class _HTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.stack: list[tuple[int, str, str]] = []
        self.sections = [Section([])]
        self._skip = 0
        self._in_title = False
        self._heading: tuple[int, str] | None = None  # level, id attribute
        self._buf: list[str] = []
        self.pillars: list[str] = []
        self._seen_h1 = False
        self._hide: tuple[str, int] | None = None  # the hidden element's tag, nesting depth

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.sections[-1].lines.extend([text, ""])
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._hide is not None:
            if tag == self._hide[0]:
                self._hide = (tag, self._hide[1] + 1)
            return
        if tag not in _VOID and tag != "head" and _hidden(a):
            self._hide = (tag, 1)
            return
        if tag in _SKIP and tag != "head":
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and (a.get("name") or "").lower() == "pillars":
            content = a.get("content") or ""
            self.pillars = [p.strip() for p in content.split(",") if p.strip()]
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            pillar = a.get("data-pillar")  # explicit: always a pillar ("!" marks it so)
            self._heading = (int(tag[1]), f"!{pillar}" if pillar else a.get("id") or "")
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._hide is not None:
            if tag == self._hide[0]:
                depth = self._hide[1] - 1
                self._hide = (tag, depth) if depth else None
            return
        if tag in _SKIP and tag != "head":
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading:
            level, hid = self._heading
            text = " ".join("".join(self._buf).split())
            self._buf, self._heading = [], None
            self.stack = nest(self.stack, level, text)
            _, heading, pid = self.stack[-1]  # a {#id} written in the text is always a pillar
            self.stack[-1] = (level, heading, f"!{pid}" if pid else hid)
            if level == 1 and not self._seen_h1:  # the page's own heading is its title
                self._seen_h1 = True
                self.title = self.title or heading
                self.stack[-1] = (1, "", self.stack[-1][2])
            self.sections.append(Section(heads(self.stack)))
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._hide is not None:
            return
        if self._in_title:
            self.title = self.title or data.strip()
        elif not self._skip:
            self._buf.append(data)


def load_html(data: bytes, name: str) -> Document:
    parser = _HTML()
    parser.feed(text_of(data, name))
    parser.close()
    parser._flush()
    known = set(parser.pillars)
    for sec in parser.sections:  # a plain id attribute names a pillar only if the page lists it
        sec.heads = [(h, p if p in known or p.startswith("!") else "") for h, p in sec.heads]
        sec.heads = [(h, p.lstrip("!")) for h, p in sec.heads]
    title = parser.title or default_title(name)
    return Document(title, parser.sections, parser.pillars, doc_type="html")
