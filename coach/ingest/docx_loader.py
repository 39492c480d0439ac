"""Word: "Title" and "Heading N" styles give the heading path; tables stay under their heading;
hidden text is left out (coach.docx_io reads the body in order)."""

from __future__ import annotations

from coach.errors import IngestError, InputError
from coach.ingest.chunking import Document, Section
from coach.ingest.outline import Stack, default_title, heads, nest


def load_docx(data: bytes, name: str) -> Document:
    from coach import docx_io

    try:
        contents = docx_io.read(data, name)
    except InputError as exc:
        reason = str(exc).removeprefix(f"The DOCX file {name} ").rstrip(".")
        raise IngestError(f"{name}: not a readable Word document ({reason}).", name) from None
    title = contents.title
    stack: Stack = []
    sections = [Section([])]
    for block in contents.blocks:
        text = block.text.strip()
        if block.is_table:
            sections.append(Section(heads(stack), [*block.table_lines(), ""]))
        elif block.level == 0 and text:
            title = title or text
        elif block.level is not None and text:
            stack = nest(stack, block.level, text)
            sections.append(Section(heads(stack)))
        else:
            sections[-1].lines.extend([text, ""])
    return Document(title or default_title(name), sections, doc_type="docx")
