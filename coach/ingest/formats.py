"""The ingest loaders: one module each, registered here in one dict that everything derives from.

A loader takes bytes and a name and returns a Document (title, sections with heading paths).
A heading may end in a Pandoc id naming the pillar it serves (`## Care without waiting {#access}`).
Every document then passes the same injection filter as a status update: a strategy document
is data too, and an order to a model in its title, a heading or a paragraph is set aside (and
logged) before anything is indexed, so it never reaches a rewrite or a model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from coach.ingest.chunking import Document
from coach.ingest.docx_loader import load_docx
from coach.ingest.html_loader import load_html
from coach.ingest.markdown_loader import load_markdown
from coach.ingest.outline import default_title
from coach.ingest.pdf_loader import load_pdf
from coach.ingest.text_loader import load_text
from coach.injection import quarantine

log = logging.getLogger("coach")
Loader = Callable[[bytes, str], Document]

_RAW: dict[str, Loader] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def filtered(document: Document, name: str) -> Document:
    """The document with instruction passages blanked out of its title, headings and text."""
    found: list[str] = []
    held = quarantine(document.title)
    if held.passages:
        found.extend(held.passages)
        document.title = default_title(name)
    for sec in document.sections:
        heads = []
        for heading, pillar in sec.heads:
            h = quarantine(heading)
            found.extend(h.passages)
            heads.append((" ".join(h.text.split()), pillar))
        sec.heads = heads
        if sec.lines:
            body = quarantine("\n".join(sec.lines))
            if body.passages:
                found.extend(body.passages)
                sec.lines = [" ".join(line.split()) for line in body.text.split("\n")]
    if found:
        log.warning(
            "coach: %s: set aside %d passage(s) that read as instructions to an AI, not "
            "strategy (first: %r).",
            name,
            len(found),
            found[0][:80],
        )
    return document


def _with_filter(loader: Loader) -> Loader:
    def load(data: bytes, name: str) -> Document:
        return filtered(loader(data, name), name)

    load.__doc__ = loader.__doc__
    load.__name__ = loader.__name__
    return load


LOADERS: dict[str, Loader] = {suffix: _with_filter(f) for suffix, f in _RAW.items()}
SUFFIXES = tuple(LOADERS)


def describe() -> str:
    return ", ".join(SUFFIXES[:-1]) + f" or {SUFFIXES[-1]}"


__all__ = ["LOADERS", "SUFFIXES", "describe", "filtered", "load_docx", "load_html", "load_markdown"]
