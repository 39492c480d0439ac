"""Turn strategy documents into chunks: by structure (headings), with title, section, page, pillar.

One loader per format lives in coach.ingest.formats; chunk sizes and ids in coach.ingest.chunking.
Stable ids come from content, so re-indexing an unchanged corpus adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from coach.errors import IngestError
from coach.ingest.chunking import MAX_CHUNK_CHARS, Chunk, chunk_document, chunk_id
from coach.untrusted import MAX_FILE_BYTES  # one limit for batch and ingest


def _loaders() -> dict[str, Any]:
    """The format loaders, imported on first use: retrieval imports coach.ingest.chunking
    (and so this package) on every rewrite, which needs no loader (`coach rewrite` start-up)."""
    from coach.ingest.formats import LOADERS

    return LOADERS


def __getattr__(name: str) -> Any:
    if name == "SUPPORTED":  # the extensions coach can ingest
        return frozenset(_loaders())
    raise AttributeError(f"module 'coach.ingest' has no attribute {name!r}")


__all__ = [
    "MAX_CHUNK_CHARS",
    "SUPPORTED",
    "Chunk",
    "chunk_id",
    "chunk_markdown",
    "file_hash",
    "iter_files",
    "load_bytes",
    "load_file",
    "relative_name",
]


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs for every supported file under the given paths, sorted, absolute."""
    for p in paths:
        path = Path(p).expanduser()
        if not path.exists():
            raise IngestError(f"No such file or folder: {path}.", str(path))
        path = path.resolve()
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path).parts
                if any(part.startswith(".") for part in rel):  # .git, .obsidian, hidden files
                    continue
                if f.is_file() and f.suffix.lower() in _loaders():
                    yield f, path
        elif path.suffix.lower() not in _loaders():
            raise IngestError(
                f"{path.name}: unsupported format; use {', '.join(sorted(_loaders()))}.", str(path)
            )
        else:
            yield path, path.parent


def relative_name(path: Path, root: Path) -> str:
    """The source name a citation shows: the path relative to the ingested root."""
    try:
        return path.relative_to(root).as_posix() if path != root else path.name
    except ValueError:
        return path.name


def read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise IngestError(
                f"{path.name} is larger than {MAX_FILE_BYTES // 1_000_000} MB; split it first.",
                str(path),
            )
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"Cannot read {path}: {exc.strerror}.", str(path)) from None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_bytes(data: bytes, source: str) -> list[Chunk]:
    """Chunks of one document given as bytes; `source` (its relative name) picks the loader."""
    loader = _loaders().get(Path(source).suffix.lower())
    if loader is None:
        raise IngestError(f"{source}: unsupported format.", source)
    return chunk_document(loader(data, source), source)


def load_file(path: Path, root: Path) -> list[Chunk]:
    return load_bytes(read_file(path), relative_name(path, root))


def chunk_markdown(text: str, source: str) -> list[Chunk]:
    """Chunks of a Markdown text (kept for callers that have text, not a file)."""
    return load_bytes(text.encode("utf-8"), source if "." in source else f"{source}.md")
