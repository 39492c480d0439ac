"""Views of a text the injection rules read, each the SAME length as the text (offsets hold).

An instruction can be disguised without changing what a model reads: full-width letters
("Ｉｇｎｏｒｅ"), look-alike letters from other scripts ("Іgnоrе" in Cyrillic), accents the
vocabulary does not spell, a sentence split over several bullets, or the whole thing encoded
in base64. Each view undoes one disguise character by character, so a span found in a view is
a span of the original text.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_to_bytes

from coach import yaml_io
from coach.text import tag_runs


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """coach/data/injection.yaml: multilingual instruction words and the look-alike table."""
    data: dict[str, Any] = yaml_io.data("injection.yaml")
    return data


@lru_cache(maxsize=65536)
def _fold_char(ch: str, latin: bool) -> str:
    """One character: NFKC (full-width, maths letters), accents dropped, look-alikes to Latin."""
    if ch.isascii():
        return ch
    out = unicodedata.normalize("NFKC", ch)
    if len(out) != 1:
        out = ch
    bare = "".join(c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c))
    if len(bare) == 1:
        out = bare
    if latin:
        out = vocabulary()["confusables"].get(out, out)
    return out


def plain(text: str) -> str:
    """Full-width and accents folded ("Füge" -> "Fuge"); other scripts kept (for their words)."""
    if text.isascii():
        return text
    return "".join(_fold_char(c, False) for c in text)


def latin(text: str) -> str:
    """As plain(), and Cyrillic/Greek look-alikes read as the Latin letters they imitate."""
    if text.isascii():
        return text
    return "".join(_fold_char(c, True) for c in text)


_BULLET = r"(?:[-*+\u2022\u00b7\u2023\u25e6>]|\d{1,3}[.)])"
_BREAK = re.compile(rf"(?<=[^.!?;:\n])\n[ \t]*(?:{_BULLET}[ \t]+(?=\S)|(?=[a-z]))")


_ITEM = re.compile(rf"[ \t]*(?:{_BULLET}[ \t]+)?")
_MAX_JOINED = 400  # a "sentence" joined past this is a list, not a sentence split over lines
_MIN_PART = 3  # a line of one token shorter than this ("- x", "- 4") is a list item, not a part


def _tiny(line: str) -> bool:
    """A line whose content (bullet marker aside) is one token of fewer than _MIN_PART chars."""
    body = line[_ITEM.match(line).end() :].strip()  # type: ignore[union-attr]
    return len(body.split()) <= 1 and len(body) < _MIN_PART


def flattened(text: str) -> str:
    """A sentence split over lines read as one line: a break after a line with no closing
    punctuation, into the next bullet or a lower-case continuation, becomes spaces (bullet
    marker included). Same length; callers keep only matches that cross a line.

    Only a sentence's parts are joined: not a line of one tiny token on either side of the
    break (4,000 "- x" bullets are a list, not one 16k-character sentence to score), and not
    past _MAX_JOINED characters of joined text, so a long list stays its lines."""
    if "\n" not in text:
        return text
    out: list[str] = []
    last = 0  # text before this is in out
    run_start = 0  # where the sentence being joined began
    joined_nl = -2  # the newline of the last break that was joined
    for m in _BREAK.finditer(text):
        a, b = m.start(), m.end()
        line_start = text.rfind("\n", 0, a) + 1
        if line_start != joined_nl + 1:
            run_start = line_start  # the break before this line was kept: a new sentence
        next_end = text.find("\n", b)
        next_end = len(text) if next_end < 0 else next_end
        if (
            _tiny(text[line_start:a])
            or _tiny(text[b:next_end])
            or next_end - run_start > _MAX_JOINED
        ):
            continue
        out.append(text[last:a])
        out.append(" " * (b - a))
        last = b
        joined_nl = a
    out.append(text[last:])
    return "".join(out)


_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,4000}={0,2}(?![A-Za-z0-9+/=_-])")
_B32 = re.compile(r"(?<![A-Za-z0-9=])[A-Z2-7]{16,4000}={0,6}(?![A-Za-z0-9=])")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){12,2000}(?![0-9A-Fa-f])")


_PCT = re.compile(r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+-]){12,4000}")
_PCT_ALNUM = re.compile(r"%(?:3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa])")


def _prose(data: bytes) -> str:
    """The decoded bytes as text if they read as words (printable UTF-8 with spaces), else ""."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if len(text) < 8 or not text.isprintable() or text.count(" ") < 2:
        return ""
    letters = sum(c.isalpha() for c in text)
    return text if letters >= 0.6 * len(text.replace(" ", "")) else ""


def _base32_prose(run: str) -> str:
    """The prose a base32 run decodes to, or "" (not base32, or not words)."""
    if not _B32.fullmatch(run):
        return ""
    try:
        return _prose(base64.b32decode(run.rstrip("=") + "=" * (-len(run.rstrip("=")) % 8)))
    except (binascii.Error, ValueError):
        return ""


def binary(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base64 or hex run that decodes, but not to text: a checksum, a key,
    a hash. It says nothing to anyone, so a reader of meaning sees one word for it, not letters
    to decode (a Caesar shift of a SHA-256 digest reads as noise that may score as anything)."""
    found: list[tuple[int, int]] = []
    for m in _B64.finditer(text):
        run = m.group(0)
        if not any(c.isdigit() for c in run) or not any(c.isalpha() for c in run):
            continue  # a long word or a number, not an encoding
        padded = run + "=" * (-len(run) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                data = decode(padded)
            except (binascii.Error, ValueError):
                continue
            if not _prose(data) and not _base32_prose(run):
                found.append(m.span())
            break
    found.extend(m.span() for m in _HEX.finditer(text) if not _prose(bytes.fromhex(m.group(0))))
    return found


def encoded(text: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded prose) for each base64, base32 or hex run that decodes to words,
    and each run of Unicode tag characters (decoded to ASCII, whatever it says).

    Identifiers, hashes and keys decode to binary noise; a run that decodes to a sentence is
    text someone hid from the reader, whatever it says, so callers set it aside.
    """
    found: list[tuple[int, int, str]] = tag_runs(text)
    for m in _B64.finditer(text):
        run = m.group(0)
        if not any(c.isdigit() or c in "+/=" for c in run) and run.isalpha() and run.islower():
            continue  # a long plain word, not an encoding
        padded = run + "=" * (-len(run) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                words = _prose(decode(padded))
            except (binascii.Error, ValueError):
                continue
            if words:
                found.append((m.start(), m.end(), words))
                break
    for m in _B32.finditer(text):
        if words := _base32_prose(m.group(0)):
            found.append((m.start(), m.end(), words))
    for m in _PCT.finditer(text):
        # URLs escape spaces and symbols; escaping letters and digits only hides the words.
        if len(_PCT_ALNUM.findall(m.group(0))) >= 6:
            words = _prose(unquote_to_bytes(m.group(0).replace("+", " ")))
            if words:
                found.append((m.start(), m.end(), words))
    for m in _HEX.finditer(text):
        words = _prose(bytes.fromhex(m.group(0)))
        if words:
            found.append((m.start(), m.end(), words))
    return found
