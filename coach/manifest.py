"""What is indexed: per collection, each source file with its hash, chunk ids and time.

The manifest lets a re-ingest skip unchanged files before parsing or embedding, lets `--prune`
find deleted documents, and is the recipe for rebuilding a store that fails its health check.
It is a small JSON file written atomically (temp file + rename), next to the store it describes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass
class Entry:
    """One indexed file: `path` is absolute, `source` is the name its citations show."""

    path: str
    root: str
    source: str
    hash: str
    chunk_ids: list[str] = field(default_factory=list)
    indexed_at: float = field(default_factory=time.time)
    chunker: str = ""  # the chunking version that made the chunks (a new one re-chunks)
    doc_id: str = ""  # the document's declared id, if it has one

    @property
    def identity(self) -> str:
        """What makes two files the same document in a collection: a declared id, else the
        name the user gave it. A new version with the same identity replaces the old one."""
        return f"id:{self.doc_id}" if self.doc_id else f"name:{self.source}"


class Manifest:
    """Load on construction, change in memory, `save()` atomically."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._data: dict[str, dict[str, Entry]] = {}
        if file.exists():
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
                for name, entries in (raw.get("collections") or {}).items():
                    self._data[name] = {p: Entry(**e) for p, e in entries.items()}
            except (ValueError, TypeError, AttributeError):
                self._data = {}  # unreadable: the next ingest re-hashes and rewrites it

    @staticmethod
    def for_store(home: Path, chroma_url: str | None) -> Manifest:
        """One manifest per store: the local store, or one per server URL."""
        if not chroma_url:
            return Manifest(home / "manifest.json")
        key = hashlib.sha256(chroma_url.encode()).hexdigest()[:12]
        return Manifest(home / f"manifest-server-{key}.json")

    def collections(self) -> list[str]:
        return sorted(n for n, e in self._data.items() if e)

    def entries(self, collection: str) -> dict[str, Entry]:
        return dict(self._data.get(collection, {}))

    def get(self, collection: str, path: str) -> Entry | None:
        return self._data.get(collection, {}).get(path)

    def put(self, collection: str, entry: Entry) -> None:
        self._data.setdefault(collection, {})[entry.path] = entry

    def same_document(self, collection: str, identity: str, besides: str) -> list[Entry]:
        """Other files of the collection that are the same document (older versions)."""
        return [
            e
            for p, e in self._data.get(collection, {}).items()
            if p != besides and e.identity == identity
        ]

    def find(self, collection: str, name: str) -> list[Entry]:
        """Entries whose source name, file name or declared id is `name`."""
        return [
            e
            for e in self._data.get(collection, {}).values()
            if name in (e.source, e.doc_id, Path(e.source).name)
        ]

    def remove(self, collection: str, path: str) -> Entry | None:
        return self._data.get(collection, {}).pop(path, None)

    def drop(self, collection: str) -> None:
        self._data.pop(collection, None)

    def ids_in_use(self, collection: str, besides: str) -> set[str]:
        """Chunk ids other files of the collection still hold (identical passages are shared)."""
        return {
            i
            for p, e in self._data.get(collection, {}).items()
            if p != besides
            for i in e.chunk_ids
        }

    def save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {
            "version": VERSION,
            "collections": {
                n: {p: asdict(e) for p, e in sorted(es.items())} for n, es in self._data.items()
            },
        }
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.file)
