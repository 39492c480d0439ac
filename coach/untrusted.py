"""Files from outside: the size and zip-bomb limits and the ONE decoding policy, for batch and ingest.

Decoding, in order: a BOM (UTF-32, UTF-8, UTF-16), UTF-16 without a BOM (the NUL pattern of
ASCII text), UTF-8, then Windows-1252 (Excel's default for CSV: "€5,000" must stay "€5,000"),
then Latin-1 as the last resort. The result names the encoding it used, so a caller can say
so instead of guessing silently. NUL bytes or many control characters mean binary: refused.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from coach.errors import InputError

MAX_FILE_BYTES = 50_000_000  # a strategy document or batch file larger than this: split it
MAX_UNZIPPED = 100_000_000  # an office file whose parts expand past this is a zip bomb
MAX_RATIO = 200  # ... or whose parts expand to more than this many times its size
CHUNK = 1 << 20
# C0 controls that never occur in text files (tab, LF, FF, CR are allowed).
_BAD_CONTROLS = frozenset(b for b in range(32) if b not in (9, 10, 12, 13)) | {0x7F}
# The order the 8-bit fallbacks are tried in; Windows-1252 leaves 5 bytes undefined.
FALLBACKS = ("cp1252", "latin-1")
NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with BOM)",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}


@dataclass(frozen=True)
class Detected:
    """How a text file decodes: the codec to read it with, to write its output with, its hash."""

    encoding: str  # a Python codec name
    output: str  # the codec for the output (UTF-8 for an 8-bit input)
    sha256: str  # content hash of the bytes read

    @property
    def label(self) -> str:
        return NAMES.get(self.encoding, self.encoding)

    @property
    def note(self) -> str:
        """A sentence for the user when the file was not UTF-8 (empty otherwise)."""
        if self.encoding in ("utf-8", "utf-8-sig"):
            return ""
        out = "" if self.output == self.encoding else "; the output is written as UTF-8"
        return f"The input was read as {self.label} (it is not UTF-8){out}."


def check_size(size: int, name: str, limit: int = MAX_FILE_BYTES) -> None:
    if size > limit:
        raise InputError(f"{name} is larger than {limit // 1_000_000} MB; split it first.")


def _bom(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32-le" if head.startswith(codecs.BOM_UTF32_LE) else "utf-32-be"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:  # ASCII text in UTF-16 has a NUL in every other byte
        odd, even = sample[1::2], sample[0::2]
        if odd.count(0) > 0.9 * len(odd):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even):
            return "utf-16-be"
    return ""


def _not_valid(what: str, enc: str, guessed: bool) -> InputError:
    if guessed:  # NULs in every other byte that do not decode: an executable, an image
        return InputError(f"The {what} contains NUL bytes: it is binary, not text.")
    return InputError(f"The {what} claims {NAMES[enc]} but is not valid {NAMES[enc]}.")


def detect_stream(fh: BinaryIO, what: str) -> Detected:
    """One pass in 1 MB chunks: the encoding by the policy above, and the content hash."""
    digest = hashlib.sha256()
    head = fh.read(CHUNK)
    enc = _bom(head)
    guessed = enc in ("utf-16-le", "utf-16-be")  # from the NUL pattern, not from a BOM
    candidates = [enc] if enc else ["utf-8", *FALLBACKS]
    decoders = {c: codecs.getincrementaldecoder(c)() for c in candidates}
    controls = False
    chunk = head
    while chunk:
        digest.update(chunk)
        if not enc and b"\x00" in chunk:
            raise InputError(f"The {what} contains NUL bytes: it is binary, not text.")
        controls = controls or any(b in _BAD_CONTROLS for b in chunk[:4096])
        for c in list(decoders):
            try:
                decoders[c].decode(chunk)
            except UnicodeDecodeError:
                del decoders[c]
        if enc and not decoders:
            raise _not_valid(what, enc, guessed)
        chunk = fh.read(CHUNK)
    for c in list(decoders):
        try:
            decoders[c].decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[c]
    if enc:
        if not decoders:
            raise _not_valid(what, enc, guessed)
        return Detected(enc, "utf-8-sig" if enc == "utf-8-sig" else enc, digest.hexdigest())
    if "utf-8" in decoders:
        return Detected("utf-8", "utf-8", digest.hexdigest())
    if controls:
        raise InputError(
            f"The {what} is neither UTF-8, UTF-16, Windows-1252 nor Latin-1 text: "
            "save it as UTF-8 and try again."
        )
    chosen = next(c for c in FALLBACKS if c in decoders)  # latin-1 decodes anything
    return Detected(chosen, "utf-8", digest.hexdigest())


def detect_file(path: Path, what: str) -> Detected:
    """The encoding and hash of a text file on disk."""
    try:
        check_size(path.stat().st_size, f"The {what}")
        with path.open("rb") as fh:
            return detect_stream(fh, what)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None


def decode(data: bytes, what: str = "file") -> tuple[str, Detected]:
    """Bytes to text by the policy above: (text, how it was decoded)."""
    det = detect_stream(io.BytesIO(data), what)
    text = data.decode(det.encoding)
    if det.encoding == "utf-16" or det.encoding.startswith("utf-32"):
        text = text.lstrip("\ufeff")
    return text, det


# What an office file's XML raises when it is malformed or hostile: the standard parser's
# ParseError (an undefined entity, an entity-expansion limit breached: billion laughs, XXE), and
# defusedxml's refusals (DTDForbidden, EntitiesForbidden...), which are ValueErrors; openpyxl
# parses with defusedxml when it is installed.
XML_ERRORS: tuple[type[Exception], ...] = (ParseError, ValueError)


def check_zip(source: Path | bytes, kind: str, name: str) -> None:
    """Refuse a non-zip or a zip bomb from the zip directory, before anything is inflated."""
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    check_size(size, f"The {kind} file {name}")
    try:
        if not zipfile.is_zipfile(data):
            raise InputError(f"The {kind} file {name} is not a valid {kind} file (not a zip).")
        with zipfile.ZipFile(data) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(f"The {kind} file {name} is not a readable zip file.") from None
    if total > MAX_UNZIPPED or (total > 10_000_000 and total > MAX_RATIO * max(size, 1)):
        raise InputError(
            f"The {kind} file {name} expands to {total // 1_000_000:,} MB when unzipped; "
            f"the limit is {MAX_UNZIPPED // 1_000_000} MB (a zip bomb?)."
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
