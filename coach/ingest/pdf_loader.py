"""PDF (pypdf): one section per page (PDF text has no reliable headings); the page is kept."""

from __future__ import annotations

import io
import logging

from coach.errors import IngestError
from coach.ingest.chunking import Document, Section
from coach.ingest.outline import default_title, short


def load_pdf(data: bytes, name: str) -> Document:
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
        raise IngestError(f"{name}: not a readable PDF ({short(exc)}).", name) from None
    if not any(s.lines for s in sections):
        raise IngestError(f"{name}: the PDF has no extractable text (a scan?).", name)
    return Document(title or default_title(name), sections, doc_type="pdf")
