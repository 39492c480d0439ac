"""Input hygiene: every piece of user text passes here before anything else sees it.

Rejects what cannot be a status update (empty, oversized, binary) with one clear sentence, and
strips invisible characters (zero-width, bidi controls, Unicode tags) that could hide
instructions from a reader while a model still reads them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coach.errors import InputError

# Zero-width and joiners, bidi embeddings/overrides/isolates, BOM, Unicode tag characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CleanText:
    text: str
    removed_invisible: int = 0


def clean_input(value: object, max_chars: int, what: str = "update") -> CleanText:
    """Return usable text or raise InputError naming the problem and the fix."""
    if value is None:
        raise InputError(f"The {what} is empty: paste the text of a status update.")
    if isinstance(value, bytes | bytearray):
        if len(value) > max_chars * 4:
            raise InputError(_too_long(what, len(value), max_chars, unit="bytes"))
        value = decode_bytes(bytes(value), what)
    if not isinstance(value, str):
        raise InputError(f"The {what} must be text, not {type(value).__name__}.")
    if len(value) > max_chars:
        raise InputError(_too_long(what, len(value), max_chars))
    if "\x00" in value or _looks_binary(value):
        raise InputError(f"The {what} looks like binary data, not text.")
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text, removed = _INVISIBLE.subn("", text)
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise InputError(f"The {what} is empty: paste the text of a status update.")
    return CleanText(text=text.strip("\n"), removed_invisible=removed)


def decode_bytes(data: bytes, what: str = "file") -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an InputError."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"The {what} claims UTF-16 but is not valid UTF-16.") from None
    if b"\x00" in data:
        raise InputError(f"The {what} looks like binary data, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The {what} is not valid UTF-8 (bad byte at position {exc.start}): "
            "save it as UTF-8 and try again."
        ) from None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    return controls / len(sample) > 0.05


def _too_long(what: str, size: int, limit: int, unit: str = "characters") -> str:
    return (
        f"The {what} is {size:,} {unit}; the limit is {limit:,} characters "
        "(set COACH_MAX_INPUT_CHARS to change it)."
    )
