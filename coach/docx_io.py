"""Word documents: the only module that imports python-docx (batch, ingest and the page use it).

Reading walks the body in order, paragraphs AND tables, so a table is never dropped and stays
under its heading. Text a reader cannot see (runs marked hidden) is left out: it must not be
indexed or rewritten as if it were part of the document. Heading levels come from the style
name ("Heading 12" is a level-12 heading, a custom "Heading Foo" level 1); Word itself offers
levels 0 to 9, so writing clamps to them instead of crashing after a whole batch was rewritten.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table

from coach.errors import InputError
from coach.untrusted import check_zip

MAX_LEVEL = 9
_HEADING = re.compile(r"heading\s*(\d*)", re.I)


@dataclass(frozen=True)
class Block:
    """One body element: a heading (level >= 0, 0 = Title), a paragraph (level None), a table."""

    text: str
    level: int | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    hidden: int = 0  # characters of hidden text left out

    @property
    def is_table(self) -> bool:
        return bool(self.rows)

    def table_lines(self) -> list[str]:
        return [" | ".join(cell for cell in row) for row in self.rows]


@dataclass
class Contents:
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return sum(b.hidden for b in self.blocks)


def heading_level(style_name: str) -> int | None:
    """0 for Title, N for "Heading N" (any N), 1 for a custom "Heading ..." style, else None."""
    if style_name == "Title":
        return 0
    m = _HEADING.match(style_name or "")
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else 1


def _visible_text(element: Any) -> tuple[str, int]:
    """The text of a paragraph's runs (hyperlinks included), without runs marked hidden."""
    parts: list[str] = []
    hidden = 0
    for run in element.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        vanish = rpr.find(qn("w:vanish")) if rpr is not None else None
        off = vanish is not None and vanish.get(qn("w:val")) in ("0", "false", "off")
        pieces = []
        for node in run:
            if node.tag == qn("w:t"):
                pieces.append(node.text or "")
            elif node.tag == qn("w:tab"):
                pieces.append("\t")
            elif node.tag in (qn("w:br"), qn("w:cr")):
                pieces.append("\n")
        text = "".join(pieces)
        if vanish is not None and not off:
            hidden += len(text)
        else:
            parts.append(text)
    return "".join(parts), hidden


def read(source: Path | bytes, name: str) -> Contents:
    """The document's title and body blocks in order; a damaged file raises InputError."""
    check_zip(source, "DOCX", name)
    try:
        doc = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
        contents = Contents((doc.core_properties.title or "").strip())
        for item in doc.iter_inner_content():
            if isinstance(item, Table):
                rows = tuple(
                    tuple(" ".join(_visible_text(c._tc)[0].split()) for c in row.cells)
                    for row in item.rows
                )
                contents.blocks.append(Block("", rows=rows))
                continue
            text, hidden = _visible_text(item._p)
            style = item.style.name if item.style is not None else ""
            contents.blocks.append(Block(text, heading_level(style or ""), hidden=hidden))
    except InputError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx raise many types for a damaged file
        raise InputError(f"The DOCX file {name} cannot be read ({type(exc).__name__}).") from None
    return contents


class Writer:
    """A new document, built line by line and saved once (python-docx stays behind this class)."""

    def __init__(self) -> None:
        self.doc = docx.Document()

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=max(0, min(level, MAX_LEVEL)))

    def paragraph(self, text: str, style: str | None = None, italic: bool = False) -> None:
        if italic:
            self.doc.add_paragraph(style=style).add_run(text).italic = True
        else:
            self.doc.add_paragraph(text, style=style)

    def table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=width)
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell

    def save(self, path: Path | str) -> None:
        self.doc.save(str(path))
