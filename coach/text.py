"""Input hygiene: every piece of user text passes here before anything else sees it.

Rejects what cannot be a status update (empty, oversized, binary) with one clear sentence, and
strips invisible characters (zero-width, bidi controls, Unicode tags, variation-selector
"smuggling") that could hide instructions from a reader while a model still reads them. What
was removed is counted by kind, so the result can say so instead of changing text silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from coach.errors import InputError
from coach.untrusted import decode

# Each kind of invisible character, named so a finding can say what was removed and why.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zero-width", re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u180e\u00ad\u034f\ufff9-\ufffb]")),
    ("bidi control", re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")),
    ("Unicode tag", re.compile("[\U000e0000-\U000e007f]")),
    ("variation selector", re.compile("[\U000e0100-\U000e01ef]")),
    ("lone surrogate", re.compile("[\ud800-\udfff]")),
)
_ZW_SPACES = "\u200b\u2060\ufeff"  # zero-width characters a writer may use AS spaces
_SPACE_LIKE = re.compile(f"[{_ZW_SPACES}]+")
_SPACED_RUN = re.compile(f"\\S*[{_ZW_SPACES}]\\S*")


def _shown(c: str) -> bool:
    """A character a reader sees: not a format character (Unicode category Cf)."""
    return c.isascii() or unicodedata.category(c) != "Cf"


def _visible(piece: str) -> int:
    return sum(map(_shown, piece))


def _spaced_words(text: str) -> tuple[str, int]:
    """Zero-width spaces used AS spaces ("Tool\u200bnote\u200b-\u200bignore\u200bthe..."):
    deleting them would glue the words, hiding what they say from every reader, so inside a run
    with no ordinary space, two or more of them between pieces of 3+ visible characters on
    average become spaces. One inside a word ("sum\u200bmary") or one between every letter
    ("S\u200bu\u200bm...") hides letters, not words: deleted as before."""
    if text.isascii():
        return text, 0
    count = 0

    def space(m: re.Match[str]) -> str:
        nonlocal count
        pieces = [p for p in _SPACE_LIKE.split(m.group(0)) if p]
        if len(pieces) < 3 or sum(map(_visible, pieces)) / len(pieces) < 3:
            return m.group(0)
        spaced, k = _SPACE_LIKE.subn(" ", m.group(0).strip(_ZW_SPACES))
        count += k
        return spaced

    return _SPACED_RUN.sub(space, text), count


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Any other format character (Unicode category Cf: invisible joiners, marks, shorthand-format
# controls) renders as nothing, yet splits a word for a filter while a model reads through it.
# Checked per character (only outside ASCII), so no table of the whole of Unicode is built.


def _strip_format(text: str) -> tuple[str, int]:
    if text.isascii():
        return text, 0
    kept = "".join(filter(_shown, text))
    return kept, len(text) - len(kept)


_LINE_SEP = re.compile("[\u2028\u2029\x85]")


@dataclass(frozen=True)
class CleanText:
    """Clean text plus what was taken out of it (kind -> count), for findings."""

    text: str
    removed_invisible: int = 0
    removed: dict[str, int] = field(default_factory=dict)
    decoded: str = ""  # how bytes were read when they were not UTF-8 (coach.untrusted), else ""
    spelt: tuple[str, ...] = ()  # what runs of Unicode tag characters spelt (removed whole)

    @property
    def findings(self) -> tuple[str, ...]:
        """One sentence per kind removed: hidden text is never sent on without a word."""
        removed = tuple(
            f"Removed {n} invisible {kind} character(s) from the input."
            for kind, n in self.removed.items()
        )
        removed += tuple(
            f'Set aside text hidden in invisible Unicode tag characters: "{" ".join(t.split())[:90]}".'
            for t in self.spelt
        )
        return (self.decoded, *removed) if self.decoded else removed


_TAG_RUN = re.compile("[\U000e0020-\U000e007e]{8,}")  # a flag's subdivision tag is <= 7
_TAG_ASCII = {c: c - 0xE0000 for c in range(0xE0020, 0xE007F)}


def tag_runs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ASCII) for each run of Unicode tag characters (U+E0020-E007E): invisible
    copies of printable ASCII ("ASCII smuggling"). A reader sees nothing there, a model may read
    it, so a run is hidden text whatever it spells: removed whole here, set aside whole by the
    injection filter (coach.injection_norm.encoded) wherever it reads uncleaned text."""
    if text.isascii():
        return []
    return [(m.start(), m.end(), m.group(0).translate(_TAG_ASCII)) for m in _TAG_RUN.finditer(text)]


def strip_invisible(text: str) -> tuple[str, dict[str, int]]:
    """Text without invisible characters, and how many of each kind were removed."""
    removed: dict[str, int] = {}
    text, n = _spaced_words(text)
    if n:
        removed["zero-width"] = n
    for kind, pattern in _KINDS:
        text, n = pattern.subn("", text)
        if n:
            removed[kind] = removed.get(kind, 0) + n
    text, n = _strip_format(text)
    if n:
        removed["format"] = n
    text, n = _CONTROL.subn("", text)
    if n:
        removed["control"] = n
    return text, removed


def clean_input(value: object, max_chars: int, what: str = "update") -> CleanText:
    """Return usable text or raise InputError naming the problem and the fix.

    Idempotent: cleaning the cleaned text again changes nothing (invisible characters are
    removed before NFC, so a removal cannot leave a new composable pair behind).
    """
    if value is None:
        raise InputError(f"The {what} is empty: paste the text of a status update.")
    decoded = ""
    if isinstance(value, bytes | bytearray | memoryview):
        if len(value) > max_chars * 4:
            raise InputError(_too_long(what, len(value), max_chars, unit="bytes"))
        value, decoded = decode_bytes_noted(bytes(value), what)
    if not isinstance(value, str):
        raise InputError(f"The {what} must be text, not {type(value).__name__}.")
    if len(value) > max_chars:
        raise InputError(_too_long(what, len(value), max_chars))
    if "\x00" in value or _looks_binary(value):
        raise InputError(f"The {what} looks like binary data, not text.")
    text = _LINE_SEP.sub("\n", value.replace("\r\n", "\n").replace("\r", "\n"))
    spelt = tuple(t for _, _, t in tag_runs(text))
    text, removed = strip_invisible(text)
    text = unicodedata.normalize("NFC", text)
    text = text.strip("\n")
    if not text.strip():
        raise InputError(f"The {what} is empty: paste the text of a status update.")
    if len(text) > max_chars:  # NFC can lengthen a few scripts
        raise InputError(_too_long(what, len(text), max_chars))
    hidden = sum(n for k, n in removed.items() if k != "control")
    return CleanText(
        text=text, removed_invisible=hidden, removed=removed, decoded=decoded, spelt=spelt
    )


def decode_bytes(data: bytes, what: str = "file") -> str:
    """Bytes to text by the one decoding policy (coach.untrusted): BOM, UTF-16 without BOM,
    UTF-8, then Windows-1252, then Latin-1; binary is an InputError. Pasted text, stdin and
    batch files read the same bytes the same way ("€5,000" from an Excel export stays so)."""
    return decode_bytes_noted(data, what)[0]


def decode_bytes_noted(data: bytes, what: str = "file") -> tuple[str, str]:
    """As decode_bytes, plus the sentence to show when the bytes were not UTF-8 ("" if they were)."""
    text, detected = decode(data, what)
    if not detected.note:
        return text, ""
    return text, f"The {what} was read as {detected.label} (it is not UTF-8)."


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))  # a few terminal escapes are stripped, not refused
    return controls >= 8 and controls / len(sample) > 0.05


def _too_long(what: str, size: int, limit: int, unit: str = "characters") -> str:
    return (
        f"The {what} is {size:,} {unit}; the limit is {limit:,} characters "
        "(set COACH_MAX_INPUT_CHARS to change it)."
    )
