"""Plain text: updates separated by blank lines; each rewrite is written as one block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from coach.batch.base import Pairs, Record, TextInput, atomic_path


class TextFormat(TextInput):
    name = "text"
    label = "text file"

    def _records(self) -> Iterator[Record]:
        block: list[str] = []
        i = 0
        with self.path.open(encoding=self.det.encoding) as fh:
            for line in fh:
                line = line.rstrip("\r\n")
                if line.strip():
                    block.append(line)
                elif block:
                    yield Record(i, "\n".join(block), raw="\n".join(block))
                    i, block = i + 1, []
        if block:
            yield Record(i, "\n".join(block), raw="\n".join(block))

    def write(self, out: Path, pairs: Pairs) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding=self.det.output, newline="\n") as fh:
            first = True
            for rec, payload in pairs:
                ok = payload and payload.get("status") != "failed"
                text = payload["rewrite"] if ok and payload else rec.raw
                block = "\n".join(line for line in text.splitlines() if line.strip())
                fh.write(("" if first else "\n") + block + "\n")
                first = False
            fh.flush()
            self.pin.check(full=True)
