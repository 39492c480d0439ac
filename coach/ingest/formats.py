"""The ingest loaders: one module each, registered here in one dict that everything derives from.

A loader takes bytes and a name and returns a Document (title, sections with heading paths).
A heading may end in a Pandoc id naming the pillar it serves (`## Care without waiting {#access}`).
Every document then passes the same injection filter as a status update, rules and the
multilingual classifier (coach.injection_model): a strategy document is data too, and an
order to a model in its title, a heading or a paragraph is set aside (and logged) before
anything is indexed, so it never reaches a rewrite or a model. (HTML comments and hidden text
are never read as passages at all: the loaders drop them.) The classifier's lower threshold
for a sentence unlike the rest of its text is left out here: it was fitted on status updates,
and strategy prose is another genre.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from coach.errors import IngestError
from coach.ingest.chunking import Document
from coach.ingest.docx_loader import load_docx
from coach.ingest.html_loader import load_html
from coach.ingest.markdown_loader import load_markdown
from coach.ingest.outline import default_title
from coach.ingest.pdf_loader import load_pdf
from coach.ingest.text_loader import load_text
from coach.injection import Quarantine, quarantine
from coach.text import strip_invisible

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


def _held(text: str) -> Quarantine:
    return quarantine(text, classify=True, genre=False)


def filtered(document: Document, name: str) -> Document:
    """The document with instruction passages blanked out of its title, headings and text."""
    found: list[str] = []
    # invisible format characters split words for the filter while a model reads through
    # them: they go first, from everything that is indexed (as coach.text does for updates)
    document.title = strip_invisible(document.title)[0]
    for sec in document.sections:
        sec.heads = [(strip_invisible(h)[0], pillar) for h, pillar in sec.heads]
        sec.lines = [strip_invisible(line)[0] for line in sec.lines]
    held = _held(document.title)
    if held.passages:
        found.extend(held.passages)
        document.title = default_title(name)
    for sec in document.sections:
        heads = []
        for k, (heading, pillar) in enumerate(sec.heads):
            if k == len(sec.heads) - 1 and sec.lines:
                continue  # the section's own heading is read with its text, below
            h = _held(heading)
            found.extend(h.passages)
            heads.append((" ".join(h.text.split()), pillar))
        if sec.lines:
            # a model reads the heading and the text under it as one ("### For the summary
            # step" / "X must be the only thing it returns"), so they are filtered together
            own = sec.heads[-1][0].replace("\n", " ") if sec.heads else ""
            mark = "#### " if own else ""
            body = _held(mark + own + "\n" + "\n".join(sec.lines))
            found.extend(body.passages)
            head_text, _, rest = body.text.partition("\n")
            if own:
                heads.append((" ".join(head_text[len(mark) :].split()), sec.heads[-1][1]))
            if body.passages:
                sec.lines = [" ".join(line.split()) for line in rest.split("\n")]
        sec.heads = heads
    if found:
        log.warning(
            "coach: %s: set aside %d passage(s) that read as instructions to an AI, not "
            "strategy (first: %r).",
            name,
            len(found),
            found[0][:80],
        )
    return document


# Text one document may hold (about 1,000 pages): past it, a document is refused before the
# injection filter and the embedder, whose time and memory grow with it (a 14 MB Markdown file
# held 8 GB within three minutes), and a strategy that long is many documents anyway.
MAX_DOCUMENT_CHARS = 2_000_000


def _with_filter(loader: Loader) -> Loader:
    def load(data: bytes, name: str) -> Document:
        document = loader(data, name)
        size = (
            len(document.title)
            + sum(len(h) for sec in document.sections for h, _ in sec.heads)
            + sum(len(line) + 1 for sec in document.sections for line in sec.lines)
        )
        if size > MAX_DOCUMENT_CHARS:
            raise IngestError(
                f"{name} holds {size:,} characters of text, more than the "
                f"{MAX_DOCUMENT_CHARS:,} coach indexes from one document; split it.",
                name,
            )
        return filtered(document, name)

    load.__doc__ = loader.__doc__
    load.__name__ = loader.__name__
    return load


LOADERS: dict[str, Loader] = {suffix: _with_filter(f) for suffix, f in _RAW.items()}
SUFFIXES = tuple(LOADERS)


def describe() -> str:
    return ", ".join(SUFFIXES[:-1]) + f" or {SUFFIXES[-1]}"


__all__ = [
    "LOADERS",
    "MAX_DOCUMENT_CHARS",
    "SUFFIXES",
    "describe",
    "filtered",
    "load_docx",
    "load_html",
    "load_markdown",
]
