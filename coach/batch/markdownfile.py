"""Markdown: one update per heading section; text before the first heading is a section too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from coach.batch.base import Pairs, Record, TextInput, atomic_path, note
from coach.markup import is_fence

_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")


class MarkdownFormat(TextInput):
    name = "markdown"
    label = "Markdown file"

    def _records(self) -> Iterator[Record]:
        heading: str | None = None
        body: list[str] = []
        fence = False
        i = 0
        with self.path.open(encoding=self.det.encoding) as fh:
            for line in fh:
                line = line.rstrip("\r\n")
                if is_fence(line):
                    fence = not fence
                if not fence and _HEADING.match(line):
                    if heading is not None or "".join(body).strip():
                        yield _section(i, heading, body)
                        i += 1
                    heading, body = line, []
                else:
                    body.append(line)
        if heading is not None or "".join(body).strip():
            yield _section(i, heading, body)

    def write(self, out: Path, pairs: Pairs) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="\n") as fh:
            first = True
            for rec, payload in pairs:
                heading, body = rec.raw
                parts = [heading] if heading else []
                if payload and payload.get("status") != "failed":
                    parts.append(payload["rewrite"].strip("\n"))
                    parts.append(f"<!-- coach: {note(payload)} -->")
                elif body.strip():
                    parts.append(body.strip("\n"))
                    if payload:
                        parts.append(f"<!-- coach: failed: {payload.get('error', '')} -->")
                fh.write(("" if first else "\n") + "\n\n".join(parts) + "\n")
                first = False
            fh.flush()
            self.pin.check(full=True)


def _section(i: int, heading: str | None, body: list[str]) -> Record:
    text = "\n".join(body).strip("\n")
    return Record(i, text, raw=(heading, text), skip=not text.strip())
