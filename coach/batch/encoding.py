"""Detect a text file's encoding in one streaming pass, and make spreadsheet cells safe.

Encodings: UTF-8, UTF-8 with BOM, UTF-16 (BOM, or the NUL pattern of plain ASCII text), and
Latin-1 as the last resort for text that is not UTF-8. Anything else is an InputError.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from coach.errors import InputError

_CHUNK = 1 << 20
# C0 controls that never occur in text files (tab, LF, FF, CR are allowed).
_BAD_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?%?")


@dataclass(frozen=True)
class Detected:
    encoding: str  # a Python codec name to open the file with
    output: str  # the codec to write the output with (UTF-8 for Latin-1 input)
    sha256: str  # the input's content hash, for the journal's fingerprint


def detect_encoding(path: Path, what: str = "file") -> Detected:
    """Read the file once (in 1 MB chunks): its encoding and content hash."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        head = fh.read(_CHUNK)
        digest.update(head)
        if head.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            enc = "utf-16"
        elif _utf16_without_bom(head):
            enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        else:
            enc = ""
        decoder = codecs.getincrementaldecoder(enc or "utf-8")()
        utf8_ok, controls = True, False
        chunk = head
        while chunk:
            if not enc and b"\x00" in chunk:
                raise InputError(
                    f"The {what} {path.name} contains NUL bytes: it is binary, not text."
                )
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    if enc:
                        raise InputError(
                            f"The {what} {path.name} claims {enc} but is not valid {enc}."
                        ) from None
                    utf8_ok = False
            controls = controls or any(b in _BAD_CONTROLS for b in chunk[:4096])
            chunk = fh.read(_CHUNK)
            digest.update(chunk)
        if utf8_ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    if enc:
        return Detected(enc, "utf-8-sig" if enc == "utf-8-sig" else enc, digest.hexdigest())
    if utf8_ok:
        return Detected("utf-8", "utf-8", digest.hexdigest())
    if controls:
        raise InputError(
            f"The {what} {path.name} is neither UTF-8, UTF-16 nor Latin-1 text: "
            "save it as UTF-8 and try again."
        )
    return Detected("latin-1", "utf-8", digest.hexdigest())


def _utf16_without_bom(head: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    odd, even = sample[1::2], sample[0::2]
    return odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_cell(value: object) -> object:
    """Formula injection guard: a text cell starting with = + - @ tab or CR gets a leading '.

    Plain numbers written as text ("-5", "+3.2") are left alone: they are not formulas.
    """
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value
