"""DOCX: one update per heading section, headings and their order kept; tables are part of the
section they sit in (their rows become lines of its text), never dropped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from coach.batch.base import Pairs, Pin, PinnedInput, Record, atomic_path, note


class DocxFormat(PinnedInput):
    """python-docx loads the whole document (DOCX is one XML part), so this one is not streamed."""

    name = "docx"

    def __init__(self, path: Path, column: str | None = None) -> None:
        from coach import docx_io  # python-docx loads only when a .docx is batched

        self.path = path
        contents = docx_io.read(path, path.name)  # fails early on a broken package
        self.pin = Pin.of(path)
        self.fingerprint = f"docx:{self.pin.sha256}"
        self.notes: list[str] = []
        tables = sum(b.is_table for b in contents.blocks)
        if tables:
            self.notes.append(
                f"{tables} table(s) in {path.name} were rewritten as part of their section."
            )
        if contents.hidden:
            self.notes.append(
                f"{contents.hidden} character(s) of hidden text in {path.name} were left out."
            )

    def _records(self) -> Iterator[Record]:
        from coach import docx_io

        contents = docx_io.read(self.path, self.path.name)
        heading: tuple[int, str] | None = None
        body: list[str] = []
        i = 0
        for block in contents.blocks:
            if block.is_table:
                body.extend(block.table_lines())
                continue
            if block.level is None:
                if block.text.strip():
                    body.append(block.text)
                continue
            if heading is not None or body:
                yield _section(i, heading, body)
                i += 1
            heading, body = (block.level, block.text), []
        if heading is not None or body:
            yield _section(i, heading, body)

    def write(self, out: Path, pairs: Pairs) -> None:
        from coach import docx_io

        doc = docx_io.Writer()
        for rec, payload in pairs:
            heading, body = rec.raw
            if heading is not None:
                doc.heading(heading[1], heading[0])
            if payload and payload.get("status") != "failed":
                lines = payload["rewrite"].splitlines()
                tail = f"coach: {note(payload)}"
            else:
                lines = body
                tail = f"coach: failed: {payload.get('error', '')}" if payload else ""
            for line in lines:
                if line.strip():
                    doc.paragraph(line)
            if tail:
                doc.paragraph(tail, italic=True)
        with atomic_path(out) as tmp:
            doc.save(tmp)
            self.pin.check(full=True)


def _section(i: int, heading: tuple[int, str] | None, body: list[str]) -> Record:
    text = "\n".join(body)
    return Record(i, text, raw=(heading, list(body)), skip=not text.strip())
