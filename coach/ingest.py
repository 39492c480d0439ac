"""Turn strategy documents into chunks: by structure (headings), with title, section and pillar.

Stable ids come from content, so re-indexing an unchanged corpus adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coach.errors import IngestError
from coach.text import decode_bytes

SUPPORTED = {".md", ".markdown", ".txt"}
MAX_CHUNK_CHARS = 1200
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([\w-]+)\})?\s*#*\s*$")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs for every supported file under the given paths, sorted."""
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise IngestError(f"No such file or folder: {path}.", str(path))
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith("."):
                    yield f, path
        else:
            yield path, path.parent


def chunk_markdown(text: str, source: str) -> list[Chunk]:
    """Chunks that follow the heading structure; pillar ids come from {#id} or front matter."""
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            raise IngestError(f"{source}: the front matter is not valid YAML.", source) from None
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[m.end() :]
    title = str(meta.get("title") or "")
    doc_pillars = [str(p) for p in (meta.get("pillars") or [])]
    path: list[tuple[int, str, str]] = []  # (level, heading, pillar id)
    sections: list[tuple[list[tuple[int, str, str]], list[str]]] = [([], [])]
    for line in text.splitlines():
        h = _HEADING.match(line)
        if h:
            level, heading, pid = len(h.group(1)), h.group(2).strip(), h.group(3) or ""
            if level == 1 and not title:
                title = heading
            path = [p for p in path if p[0] < level] + [(level, heading, pid)]
            sections.append((list(path), []))
        else:
            sections[-1][1].append(line)
    title = title or Path(source).stem.replace("-", " ").title()
    chunks: list[Chunk] = []
    for heads, lines in sections:
        body = "\n".join(lines).strip()
        if not body:
            continue
        section = " > ".join(h for _, h, _ in heads if h != title) or title
        pillar = next((pid for _, _, pid in reversed(heads) if pid), "")
        if not pillar and len(doc_pillars) == 1:
            pillar = doc_pillars[0]
        for piece in _split(body):
            chunks.append(
                Chunk(
                    id=chunk_id(source, section, piece),
                    text=piece,
                    metadata={
                        "source": source,
                        "title": title,
                        "section": section,
                        "pillar": pillar,
                        "doc_type": str(meta.get("doc_type") or ""),
                    },
                )
            )
    return chunks


def _split(body: str) -> list[str]:
    """Paragraph-packed pieces of at most MAX_CHUNK_CHARS (a longer paragraph stands alone)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    out: list[str] = []
    cur = ""
    for p in paras:
        if cur and len(cur) + len(p) + 2 > MAX_CHUNK_CHARS:
            out.append(cur)
            cur = p
        else:
            cur = f"{cur}\n\n{p}" if cur else p
    if cur:
        out.append(cur)
    return out


def chunk_id(source: str, section: str, text: str) -> str:
    return hashlib.sha256(f"{source}\x1f{section}\x1f{text}".encode()).hexdigest()[:32]


def load_file(path: Path, root: Path) -> list[Chunk]:
    try:
        rel = str(path.relative_to(root)) if path != root else path.name
    except ValueError:
        rel = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"Cannot read {path}: {exc.strerror}.", str(path)) from None
    text = decode_bytes(data, what=f"file {rel}")
    return chunk_markdown(text, rel)
