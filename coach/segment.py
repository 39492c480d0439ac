"""Split an update into units: sentences and bullets, with offsets; headings are skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+.*|[^\n]{1,80}:\s*)$|^\s*<h[1-6][^>]*>.*</h[1-6]>\s*$", re.I
)
_BULLET = re.compile(r"^(\s*)(?:[-*+•▪◦‣]|\d{1,3}[.)]|[a-z][.)])\s+(\[[ xX]\]\s+)?")
_HTML_LI = re.compile(r"<li[^>]*>(.*?)</li>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
# A sentence ends at . ! ? followed by space and an upper-case letter, digit or quote; not after
# common abbreviations or single initials.
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(£$€“])")
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|Mr|Ms|Mrs|Dr|St|No|Inc|Ltd|Co|cf|al)\.|\b[A-Z]\.)$"
)


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int
    kind: str  # sentence | bullet | checkbox


def segment(text: str) -> list[Segment]:
    """Units in order; each one's text is exactly text[start:end]."""
    out: list[Segment] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        if "<li" in body.lower():
            for li in _HTML_LI.finditer(body):
                inner = li.group(1)
                lead = len(inner) - len(inner.lstrip())
                s = line_start + li.start(1) + lead
                content = inner.strip()
                if _TAG.sub("", content).strip():
                    out.append(Segment(content, s, s + len(content), "bullet"))
            continue
        if _is_heading(body):
            continue
        m = _BULLET.match(body)
        kind = "sentence"
        offset = 0
        if m:
            kind = "checkbox" if m.group(2) else "bullet"
            offset = m.end()
        content = body[offset:]
        lead = len(content) - len(content.lstrip())
        s0 = line_start + offset + lead
        for s, e in _sentences(content.strip()):
            piece = text[s0 + s : s0 + e]
            if _TAG.sub("", piece).strip(" \t-*•"):
                out.append(Segment(piece, s0 + s, s0 + e, kind))
    return out


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("#") and re.match(r"^#{1,6}\s", stripped):
        return True
    if re.match(r"^<h[1-6][^>]*>.*</h[1-6]>$", stripped, re.I):
        return True
    if re.match(r"^\*\*[^*]{1,60}\*\*:?$", stripped) or re.match(r"^__[^_]{1,60}__:?$", stripped):
        return True
    # "This week:" style labels with no sentence after them.
    return bool(re.match(r"^[A-Z][\w /&()-]{0,40}:$", stripped))


def _sentences(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(s):
        if _ABBREV.search(s[start : m.start()]):
            continue
        piece = s[start : m.start()]
        if piece.strip():
            spans.append((start, m.start()))
        start = m.end()
    if s[start:].strip():
        spans.append((start, len(s)))
    return spans
