"""From a document's sections to chunks: one passage per priority, with title and heading path.

A passage is a paragraph, a bullet (with its sub-bullets) or a table row: the size of one
strategic priority, so a citation points at the goal a piece of work serves rather than at a
whole section that covers several. Blocks too short to stand alone ("Here is a subset:") join
the next block. Chosen on the real-updates gold (docs/grounding.md): block-level passages beat
the old 1,000-character sections on update hit@1.

Every loader produces Sections, so chunk sizes, ids and metadata are the same for every format.
Ids come from content (source, section, text): an unchanged document gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from coach.markup import MD_BULLET

# Bump when chunking or embedded text changes: files indexed by an older version are re-chunked.
CHUNKER_VERSION = "3"
# MiniLM reads 256 word pieces (about 1,000 characters of English); longer text is cut off.
MAX_CHUNK_CHARS = 1000
# Blocks are packed together up to this many characters (0: every block is its own passage).
PACK_CHARS = 600
# A block shorter than this joins its neighbour in the same section.
MIN_CHUNK_CHARS = 60
_PILLAR_ID = re.compile(r"\s*\{#([\w-]+)\}\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+\s*$")
# A block that is all bold (an OKR table's objective row, a bold run-in line) opens a group:
# it starts a new passage, so one objective's key results are not packed with the next one's.
_LEAD = re.compile(r"(\*\*|__)[^*_\n]+(\*\*|__)[:.]?")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def embed_text(self) -> str:
        """What is embedded and searched: the heading path gives a short passage its topic."""
        return passage_context(self.metadata, self.text)


def passage_context(meta: dict[str, Any], text: str) -> str:
    """Title > section, then the passage: the text dense and lexical retrieval both read."""
    head = " > ".join(str(x) for x in (meta.get("title"), meta.get("section")) if x)
    if head and meta.get("section") == meta.get("title"):
        head = str(meta.get("title"))
    return f"{head}\n{text}" if head else text


@dataclass
class Section:
    """A run of body text under a heading path [(heading, pillar id)], on an optional page."""

    heads: list[tuple[str, str]]
    lines: list[str] = field(default_factory=list)
    page: int | None = None


@dataclass
class Document:
    title: str
    sections: list[Section]
    pillars: list[str] = field(default_factory=list)  # document-level pillar ids
    doc_type: str = ""
    doc_id: str = ""  # a declared identity (front matter `doc_id`): a new version replaces it


def split_heading(text: str) -> tuple[str, str]:
    """'Care without waiting {#access}' -> ('Care without waiting', 'access')."""
    m = _PILLAR_ID.search(text)
    if not m:
        return text.strip(), ""
    return text[: m.start()].strip(), m.group(1)


def chunk_document(doc: Document, source: str, pack: int = PACK_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for sec in doc.sections:
        names = [h for h, _ in sec.heads if h and h != doc.title]
        section = " > ".join(names) or doc.title
        pillar = next((pid for _, pid in reversed(sec.heads) if pid), "")
        if not pillar and len(doc.pillars) == 1:
            pillar = doc.pillars[0]
        meta: dict[str, Any] = {
            "source": source,
            "title": doc.title,
            "section": section,
            "heading": names[-1] if names else "",
            "pillar": pillar,
            "doc_type": doc.doc_type,
            "doc_id": doc.doc_id,
        }
        if sec.page is not None:
            meta["page"] = sec.page
        for piece in split_text("\n".join(sec.lines), pack=pack):
            cid = chunk_id(source, section, piece, sec.page)
            if cid in seen:  # the same paragraph twice under one heading: index it once
                continue
            seen.add(cid)
            chunks.append(Chunk(cid, piece, dict(meta)))
    return chunks


def blocks(body: str) -> list[str]:
    """Paragraphs, bullets (sub-bullets stay with their parent) and table rows, in order.

    >>> blocks("Intro.\\n\\n- one\\n  - one.a\\n- two\\n\\n| **A** | x |\\n|-|-|\\n| B | y |")
    ['Intro.', '- one\\n  - one.a', '- two', '**A** | x', 'B | y']
    """
    out: list[str] = []
    cur: list[str] = []
    base = -1  # indent of the bullet that opened the current block (-1: prose)

    def flush() -> None:
        nonlocal cur, base
        text = "\n".join(cur).strip()
        if text:
            out.append(text)
        cur, base = [], -1

    for line in body.splitlines():
        if not line.strip():
            flush()
            continue
        if _TABLE_RULE.match(line) and "-" in line:
            continue
        if _LINK_DEF.match(line):
            continue
        if line.lstrip().startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            cur = [" | ".join(c for c in cells if c)]
            flush()
            continue
        m = MD_BULLET.match(line)
        if m and (base < 0 or len(m.group(1)) <= base):
            flush()
            base = len(m.group(1))
        cur.append(line.rstrip())
    flush()
    return out


def split_text(body: str, limit: int = MAX_CHUNK_CHARS, pack: int = PACK_CHARS) -> list[str]:
    """Passages of at most `limit` characters: blocks packed up to `pack` characters, a
    block shorter than MIN_CHUNK_CHARS joined to the next, long blocks split at sentences."""
    pieces: list[str] = []
    for b in blocks(body):
        pieces.extend(_split_long(b, limit) if len(b) > limit else [b])
    out: list[str] = []
    cur = ""
    for p in pieces:
        short = cur and len(cur) < MIN_CHUNK_CHARS
        if (
            (cur and _LEAD.fullmatch(p) and not (short and _LEAD.fullmatch(cur)))
            or (cur and not short and len(cur) + len(p) + 2 > max(pack, 1))
            or (cur and len(cur) + len(p) + 2 > limit)
        ):
            out.append(cur)
            cur = p
        else:
            cur = f"{cur}\n\n{p}" if cur else p
    if cur:
        if out and len(cur) < MIN_CHUNK_CHARS and len(out[-1]) + len(cur) + 2 <= limit * 1.25:
            out[-1] = f"{out[-1]}\n\n{cur}"
        else:
            out.append(cur)
    return out


def _split_long(text: str, limit: int) -> list[str]:
    out: list[str] = []
    cur = ""
    for s in _SENTENCE_END.split(text):
        while len(s) > limit:  # one enormous "sentence": cut at a space
            cut = s.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if cur:
                out.append(cur)
                cur = ""
            out.append(s[:cut].strip())
            s = s[cut:].strip()
        if cur and len(cur) + len(s) + 1 > limit:
            out.append(cur)
            cur = s
        else:
            cur = f"{cur} {s}" if cur else s
    if cur:
        out.append(cur)
    return out


def chunk_id(source: str, section: str, text: str, page: int | None = None) -> str:
    key = f"{source}\x1f{section}\x1f{page if page is not None else ''}\x1f{text}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
