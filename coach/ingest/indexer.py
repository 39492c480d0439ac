"""Bring a collection in line with a set of files: add new, replace changed, prune deleted.

Unchanged files are recognised by their content hash in the manifest and skipped before any
parsing or embedding, which is what makes a re-ingest a small fraction of the first run.
One bad file becomes a message; every other file is still indexed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from coach.errors import CoachError, IngestError
from coach.ingest import file_hash, load_bytes, read_file, relative_name
from coach.ingest.chunking import CHUNKER_VERSION
from coach.manifest import Entry, Manifest

Progress = Callable[[int, int, str], Any]  # (files done, files in all, the file's name)
EMBED_BATCH = 256


def index(
    store: Any,
    manifest: Manifest,
    embedder: Any,
    files: Sequence[tuple[Path, Path]],
    collection: str,
    *,
    prune_roots: Iterable[Path] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Index `files` ((path, root) pairs) into `collection`; the caller holds the write lock."""
    stats: dict[str, Any] = {
        "files": len(files),
        "added": 0,
        "unchanged": 0,
        "removed": 0,
        "skipped_files": 0,
        "pruned_files": 0,
        "replaced": 0,
        "errors": 0,
        "messages": [],
    }
    existing = set(store.ids(collection)) if collection in store.collections() else set()
    seen: set[str] = set()
    try:
        for n, (path, root) in enumerate(files, 1):
            key = str(path)
            seen.add(key)
            try:
                _index_file(store, manifest, embedder, path, root, collection, existing, stats)
            except CoachError as exc:
                stats["errors"] += 1
                stats["messages"].append(str(exc))
            if progress is not None:
                progress(n, len(files), relative_name(path, root))
        if prune_roots is not None:
            roots = [str(r) for r in prune_roots]
            for key, entry in manifest.entries(collection).items():
                gone = not Path(key).exists()
                under = any(key == r or key.startswith(r.rstrip("/") + "/") for r in roots)
                if key not in seen and (gone or under):
                    stale = set(entry.chunk_ids) - manifest.ids_in_use(collection, key)
                    store.delete(collection, sorted(stale))
                    manifest.remove(collection, key)
                    stats["removed"] += len(stale)
                    stats["pruned_files"] += 1
    finally:
        manifest.save()
    return stats


def remove(store: Any, manifest: Manifest, collection: str, names: Sequence[str]) -> list[str]:
    """Remove documents (by source name, file name or declared id) from a collection: their
    chunks leave the store unless another document holds the same passage. Returns the sources
    removed; the caller holds the write lock."""
    removed: list[str] = []
    for name in names:
        for entry in manifest.find(collection, name):
            manifest.remove(collection, entry.path)
            stale = set(entry.chunk_ids) - manifest.ids_in_use(collection, entry.path)
            store.delete(collection, sorted(stale))
            removed.append(entry.source)
    manifest.save()
    return removed


def _index_file(
    store: Any,
    manifest: Manifest,
    embedder: Any,
    path: Path,
    root: Path,
    collection: str,
    existing: set[str],
    stats: dict[str, Any],
) -> None:
    key, source = str(path), relative_name(path, root)
    data = read_file(path)
    digest = file_hash(data)
    old = manifest.get(collection, key)
    same = old is not None and (old.hash, old.source, old.chunker) == (
        digest,
        source,
        CHUNKER_VERSION,
    )
    if old and same and existing.issuperset(old.chunk_ids):
        stats["unchanged"] += len(old.chunk_ids)
        stats["skipped_files"] += 1
        return
    try:
        chunks = load_bytes(data, source)
    except IngestError:
        raise
    except Exception as exc:  # a parser bug on odd input must still name the file
        raise IngestError(f"{source}: could not be read ({type(exc).__name__}).", key) from None
    new = [c for c in chunks if c.id not in existing]
    stats["unchanged"] += len(chunks) - len(new)
    for i in range(0, len(new), EMBED_BATCH):
        part = new[i : i + EMBED_BATCH]
        vectors = embedder.embed([c.embed_text for c in part])
        store.upsert(
            collection,
            [c.id for c in part],
            [c.text for c in part],
            [c.metadata for c in part],
            embeddings=vectors,
        )
        existing.update(c.id for c in part)
    stats["added"] += len(new)
    ids = [c.id for c in chunks]
    doc_id = str(chunks[0].metadata.get("doc_id") or "") if chunks else ""
    entry = Entry(key, str(root), source, digest, ids, time.time(), CHUNKER_VERSION, doc_id)
    # Older versions: this path's last index, and any other file that is the same document
    # (same declared id, or same name in this collection: a re-uploaded revision).
    olds = [old] if old else []
    for other in manifest.same_document(collection, entry.identity, besides=key):
        manifest.remove(collection, other.path)
        olds.append(other)
        stats["replaced"] += 1
    if olds:
        keep = set(ids) | manifest.ids_in_use(collection, key)
        stale = sorted({i for o in olds for i in o.chunk_ids} - keep)
        store.delete(collection, stale)
        existing.difference_update(stale)
        stats["removed"] += len(stale)
    manifest.put(collection, entry)
