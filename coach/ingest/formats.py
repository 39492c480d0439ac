"""One loader per format: bytes in, a Document (title, sections with heading paths) out.

A heading may end in a Pandoc id naming the pillar it serves (`## Care without waiting {#access}`);
HTML headings may carry it as their id attribute. Any parser failure becomes an IngestError that
names the file, so one bad document never stops the rest of a folder.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from coach.errors import IngestError
from coach.ingest.chunking import Document, Section, split_heading
from coach.text import decode_bytes

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases: a few lines of `*a` can expand to gigabytes when printed."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not allowed in front matter")
        return super().compose_node(parent, index)


MAX_UNZIPPED = 100_000_000  # a .docx whose parts expand past this is a zip bomb, not a strategy


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip bomb from its directory, before any part is inflated."""
    import zipfile

    try:
        total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise IngestError(f"{name}: not a readable Word document (not a zip file).", name) from None
    if total > MAX_UNZIPPED:
        raise IngestError(
            f"{name}: expands to {total // 1_000_000:,} MB when unzipped; "
            f"the limit is {MAX_UNZIPPED // 1_000_000} MB.",
            name,
        )


def _default_title(name: str) -> str:
    return Path(name).stem.replace("-", " ").replace("_", " ").strip().title()


def _nest(stack: list[tuple[int, str, str]], level: int, text: str) -> list[tuple[int, str, str]]:
    heading, pid = split_heading(text)
    return [h for h in stack if h[0] < level] + [(level, heading, pid)]


def _heads(stack: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
    return [(h, p) for _, h, p in stack]


def load_markdown(data: bytes, name: str) -> Document:
    text = decode_bytes(data, what=f"file {name}")
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.load(m.group(1), Loader=_NoAliasLoader)  # a SafeLoader subclass
        except yaml.YAMLError:
            raise IngestError(f"{name}: the front matter is not valid YAML.", name) from None
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[m.end() :]
    title = str(meta.get("title") or "")
    stack: list[tuple[int, str, str]] = []
    sections = [Section([])]
    in_code = seen_h1 = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        h = None if in_code else _MD_HEADING.match(line)
        if h:
            level = len(h.group(1))
            stack = _nest(stack, level, h.group(2))
            if level == 1 and not seen_h1:  # the document's own heading is its title, not a section
                seen_h1 = True
                title = title or stack[-1][1]
                pid = stack[-1][2]
                stack = [(1, "", pid)] if pid else []
            sections.append(Section(_heads(stack)))
        else:
            sections[-1].lines.append(line)
    pillars = meta.get("pillars") or []
    return Document(
        title=title or _default_title(name),
        sections=sections,
        pillars=[str(p) for p in pillars] if isinstance(pillars, list) else [str(pillars)],
        doc_type=str(meta.get("doc_type") or ""),
        doc_id=str(meta.get("doc_id") or ""),
    )


def load_text(data: bytes, name: str) -> Document:
    """Plain text: paragraphs under the file's title (there is no reliable heading syntax)."""
    text = decode_bytes(data, what=f"file {name}")
    return Document(_default_title(name), [Section([], text.splitlines())], doc_type="text")


_BLOCK = {"p", "li", "div", "section", "article", "tr", "br", "blockquote", "pre", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer"}


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

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.sections[-1].lines.extend([text, ""])
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag != "head":
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and (dict(attrs).get("name") or "").lower() == "pillars":
            content = dict(attrs).get("content") or ""
            self.pillars = [p.strip() for p in content.split(",") if p.strip()]
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            a = dict(attrs)
            pillar = a.get("data-pillar")  # explicit: always a pillar ("!" marks it so)
            self._heading = (int(tag[1]), f"!{pillar}" if pillar else a.get("id") or "")
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head":
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading:
            level, hid = self._heading
            text = " ".join("".join(self._buf).split())
            self._buf, self._heading = [], None
            self.stack = _nest(self.stack, level, text)
            _, heading, pid = self.stack[-1]  # a {#id} written in the text is always a pillar
            self.stack[-1] = (level, heading, f"!{pid}" if pid else hid)
            if level == 1 and not self._seen_h1:  # the page's own heading is its title
                self._seen_h1 = True
                self.title = self.title or heading
                self.stack[-1] = (1, "", self.stack[-1][2])
            self.sections.append(Section(_heads(self.stack)))
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = self.title or data.strip()
        elif not self._skip:
            self._buf.append(data)


def load_html(data: bytes, name: str) -> Document:
    parser = _HTML()
    parser.feed(decode_bytes(data, what=f"file {name}"))
    parser.close()
    parser._flush()
    known = set(parser.pillars)
    for sec in parser.sections:  # a plain id attribute names a pillar only if the page lists it
        sec.heads = [(h, p if p in known or p.startswith("!") else "") for h, p in sec.heads]
        sec.heads = [(h, p.lstrip("!")) for h, p in sec.heads]
    title = parser.title or _default_title(name)
    return Document(title, parser.sections, parser.pillars, doc_type="html")


def load_pdf(data: bytes, name: str) -> Document:
    """One section per page (PDF text has no reliable headings); the page number is kept."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings repeat what we raise

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{name}: the PDF is encrypted; save an unprotected copy.", name)
        title = ""
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title).strip()
        sections = [
            Section([], (page.extract_text() or "").splitlines(), page=i)
            for i, page in enumerate(reader.pages, 1)
        ]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(f"{name}: not a readable PDF ({_short(exc)}).", name) from None
    if not any(s.lines for s in sections):
        raise IngestError(f"{name}: the PDF has no extractable text (a scan?).", name)
    return Document(title or _default_title(name), sections, doc_type="pdf")


def load_docx(data: bytes, name: str) -> Document:
    """Word headings ("Heading 1".."Heading 9", "Title") give the heading path; tables are read."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(data, name)
    try:
        d = docx.Document(io.BytesIO(data))
        title = (d.core_properties.title or "").strip()
        stack: list[tuple[int, str, str]] = []
        sections = [Section([])]
        for para in d.paragraphs:
            style = para.style.name if para.style is not None else ""
            text = para.text.strip()
            m = re.fullmatch(r"Heading (\d)", style or "")
            if style == "Title" and text:
                title = title or text
            elif m and text:
                stack = _nest(stack, int(m.group(1)), text)
                sections.append(Section(_heads(stack)))
            else:
                sections[-1].lines.extend([text, ""])
        for table in d.tables:
            rows = [" | ".join(c.text.strip() for c in row.cells) for row in table.rows]
            sections.append(Section(_heads(stack), [*rows, ""]))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise IngestError(f"{name}: not a readable Word document ({_short(exc)}).", name) from None
    except Exception as exc:  # zipfile and lxml raise many types for a damaged .docx
        raise IngestError(f"{name}: not a readable Word document ({_short(exc)}).", name) from None
    return Document(title or _default_title(name), sections, doc_type="docx")


def _short(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:120]


LOADERS = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
