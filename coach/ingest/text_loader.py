"""Plain text: paragraphs under the file's title (there is no reliable heading syntax)."""

from __future__ import annotations

from coach.ingest.chunking import Document, Section
from coach.ingest.outline import default_title, text_of


def load_text(data: bytes, name: str) -> Document:
    text = text_of(data, name)
    return Document(default_title(name), [Section([], text.splitlines())], doc_type="text")
