"""From a document's sections to chunks: paragraph-packed, with title, heading path and pillar.

Every loader produces Sections, so chunk sizes, ids and metadata are the same for every format.
Ids come from content (source, section, text): an unchanged document gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

# Bump when chunking or embedded text changes: files indexed by an older version are re-chunked.
CHUNKER_VERSION = "2"
# MiniLM reads 256 word pieces (about 1,000 characters of English); longer text is cut off.
MAX_CHUNK_CHARS = 1000
# A piece shorter than this is merged into its neighbour in the same section.
MIN_CHUNK_CHARS = 200
_PILLAR_ID = re.compile(r"\s*\{#([\w-]+)\}\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def embed_text(self) -> str:
        """What is embedded and searched: the heading path gives a short passage its topic."""
        m = self.metadata
        head = " > ".join(x for x in (m.get("title"), m.get("section")) if x)
        return f"{head}\n{self.text}" if head else self.text


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


def split_heading(text: str) -> tuple[str, str]:
    """'Care without waiting {#access}' -> ('Care without waiting', 'access')."""
    m = _PILLAR_ID.search(text)
    if not m:
        return text.strip(), ""
    return text[: m.start()].strip(), m.group(1)


def chunk_document(doc: Document, source: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for sec in doc.sections:
        body = "\n".join(sec.lines).strip()
        if not body:
            continue
        names = [h for h, _ in sec.heads if h and h != doc.title]
        section = " > ".join(names) or doc.title
        pillar = next((pid for _, pid in reversed(sec.heads) if pid), "")
        if not pillar and len(doc.pillars) == 1:
            pillar = doc.pillars[0]
        meta: dict[str, Any] = {
            "source": source,
            "title": doc.title,
            "section": section,
            "pillar": pillar,
            "doc_type": doc.doc_type,
        }
        if sec.page is not None:
            meta["page"] = sec.page
        for piece in split_text(body):
            cid = chunk_id(source, section, piece, sec.page)
            if cid in seen:  # the same paragraph twice under one heading: index it once
                continue
            seen.add(cid)
            chunks.append(Chunk(cid, piece, dict(meta)))
    return chunks


def split_text(body: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Paragraph-packed pieces of at most `limit` characters; long paragraphs split at sentences."""
    paras: list[str] = []
    for p in re.split(r"\n\s*\n", body):
        p = p.strip()
        if not p:
            continue
        paras.extend(_split_long(p, limit) if len(p) > limit else [p])
    out: list[str] = []
    cur = ""
    for p in paras:
        if cur and len(cur) + len(p) + 2 > limit:
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
