"""JSON Lines: one object (or string) per line; the rewrite goes under a key the user does not use.

A hostile line (nesting thousands deep, an integer of more than 4,300 digits) fails that row
with a reason; the rest of the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from coach.batch.base import Pairs, Record, TextInput, atomic_path, pick_column
from coach.errors import InputError

RESULT_KEYS = ("coach", "coach_result", "_coach")


class JsonlFormat(TextInput):
    name = "jsonl"
    label = "JSONL file"

    def __init__(self, path: Path, column: str | None = None) -> None:
        super().__init__(path)
        self.column = column
        self.fingerprint = f"jsonl:{self.det.sha256}:{column or ''}"
        self.key = self._result_key()

    def _result_key(self) -> str:
        """`coach`, unless some line already has its own `coach` field (never overwritten)."""
        taken: set[str] = set()
        for rec in self._records():
            if isinstance(rec.raw, dict):
                taken.update(k for k in RESULT_KEYS if k in rec.raw)
        key = next((k for k in RESULT_KEYS if k not in taken), "")
        if not key:
            raise InputError(
                f"The JSONL file {self.path.name} already uses the keys "
                f"{', '.join(RESULT_KEYS)}: coach has nowhere to put its result."
            )
        if key != "coach":
            self.notes.append(
                f"The input already has a 'coach' field; the results are under {key!r}."
            )
        return key

    def _records(self) -> Iterator[Record]:
        with self.path.open(encoding=self.det.encoding) as fh:
            i = 0
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                yield self._record(i, n, line)
                i += 1

    def _record(self, i: int, n: int, line: str) -> Record:
        raw = line.rstrip("\r\n")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            return Record(i, "", raw=raw, error=f"Line {n} is not valid JSON.")
        except RecursionError:  # json recurses per nesting level: a hostile line, not a crash
            return Record(i, "", raw=raw, error=f"Line {n} is nested too deeply.")
        except ValueError:  # Python refuses int() of more than 4,300 digits
            return Record(
                i,
                "",
                raw=raw,
                error=f"Line {n} holds a number too long to read (over 4,300 digits).",
            )
        if isinstance(obj, str):
            return Record(i, obj, raw=obj)
        if not isinstance(obj, dict):
            return Record(i, "", raw=obj, error=f"Line {n} is not a JSON object or string.")
        try:
            key = list(obj)[pick_column(list(obj), self.column, f"Line {n}")]
        except InputError as exc:
            return Record(i, "", raw=obj, error=str(exc))
        value = obj[key]
        if not isinstance(value, str):
            return Record(i, "", raw=obj, error=f"Line {n}: field {key!r} is not text.")
        return Record(i, value, raw=obj)

    def write(self, out: Path, pairs: Pairs) -> None:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
            for rec, payload in pairs:
                base = rec.raw if isinstance(rec.raw, dict) else {"text": rec.raw}
                fh.write(json.dumps({**base, self.key: payload}, ensure_ascii=False) + "\n")
            fh.flush()
            self.pin.check(full=True)
