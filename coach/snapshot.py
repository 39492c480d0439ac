"""A read-only copy of a collection in numpy, so a rewrite neither imports nor queries Chroma.

`coach rewrite` spent most of its start-up importing chromadb (1-3 s on this machine) and each
rewrite made several store round trips (count, query, get). Strategy collections are small
(hundreds to a few thousand passages), so the passages, metadata and vectors are kept in one
.npz file per collection under COACH_HOME/snapshots, and a query is one matrix product for all
query vectors (exact cosine, where Chroma's HNSW is approximate).

A snapshot is valid while the store's stamp is unchanged: the manifest (every coach write to
the store rewrites it), the identity and size of Chroma's database file, and the write count of
the store in this process. Anything else, and any method this class does not know, goes to the
real store, opened on first need. Server mode (COACH_CHROMA_URL) never uses a snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coach.settings import Settings

VERSION = 1


@dataclass(frozen=True)
class Hit:
    """A stored chunk as a query returns it, from a snapshot or the real store (coach.store uses
    this class: it lives here because the snapshot must not import chromadb)."""

    id: str
    text: str
    metadata: dict[str, Any]
    distance: float


@dataclass
class _Snap:
    stamp: str
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    vectors: np.ndarray  # float32 [n, dim], unit norm
    row: dict[str, int]
    generation: int = 0  # the real store's write count in this process when taken


class SnapshotStore:
    """The read half of coach.store.Store, from snapshots; the rest is delegated to `opener()`."""

    def __init__(self, settings: Settings, opener: Callable[[], Any]) -> None:
        self.settings = settings
        self._opener = opener
        self._real: Any = None
        self._snaps: dict[str, _Snap] = {}
        self._reloads = 0

    # -- the real store, only when needed ------------------------------------------------
    @property
    def real(self) -> Any:
        if self._real is None:
            self._real = self._opener()
        return self._real

    def __getattr__(self, name: str) -> Any:  # writes, locks, server details: the real store
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.real, name)

    @property
    def generation(self) -> int:
        """Changes whenever what this object serves may have changed (retrieval caches key on it)."""
        return self._reloads * 1_000_003 + self._written()

    # -- freshness -----------------------------------------------------------------------
    def stamp(self) -> str:
        """What the store's files say about its state. Chroma rewrites its files' mtimes even
        on a read, so its database counts by identity and size; the manifest by mtime too."""
        parts = [str(VERSION)]
        manifest = self.settings.home / "manifest.json"
        for f, timed in ((manifest, True), (self.settings.chroma_path / "chroma.sqlite3", False)):
            try:
                st = f.stat()
                parts.append(f"{f.name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns if timed else 0}")
            except OSError:
                parts.append(f"{f.name}:-")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    def _written(self) -> int:
        return int(self._real.generation) if self._real is not None else 0

    def _path(self, name: str) -> Path:
        key = hashlib.sha256(name.encode()).hexdigest()[:16]
        return self.settings.home / "snapshots" / f"{key}.npz"

    def snapshot(self, name: str) -> _Snap:
        """The collection's snapshot, current as of this call (loaded, or rebuilt and saved)."""
        stamp = self.stamp()
        snap = self._snaps.get(name)
        if snap is not None and snap.stamp == stamp and snap.generation == self._written():
            return snap
        snap = _load(self._path(name), stamp) if self._real is None else None
        if snap is None:
            snap = self._build(name)
        self._snaps[name] = snap
        self._reloads += 1
        return snap

    def _build(self, name: str) -> _Snap:
        real = self.real
        if name not in real.collections() or real.count(name) == 0:
            empty = np.zeros((0, 0), dtype=np.float32)
            return _Snap(self.stamp(), [], [], [], empty, {}, self._written())
        hits = real.all(name)
        found = real.embeddings(name, [h.id for h in hits])
        hits = [h for h in hits if h.id in found]
        vectors = np.asarray([found[h.id] for h in hits], dtype=np.float32)
        stamp = self.stamp()  # after the read: a reopened store may have been rebuilt meanwhile
        snap = _Snap(
            stamp,
            [h.id for h in hits],
            [h.text for h in hits],
            [dict(h.metadata) for h in hits],
            vectors,
            {h.id: i for i, h in enumerate(hits)},
            self._written(),
        )
        if snap.generation == 0:  # only a state other processes can recognise is saved
            _save(self._path(name), snap)
        return snap

    # -- the read interface retrieval uses -----------------------------------------------
    def count(self, name: str) -> int:
        return len(self.snapshot(name).ids)

    def all(self, name: str) -> list[Hit]:
        s = self.snapshot(name)
        return [Hit(i, t, dict(m), 0.0) for i, t, m in zip(s.ids, s.texts, s.metas, strict=True)]

    def ids(self, name: str, where: dict[str, Any] | None = None) -> list[str]:
        if where:
            return list(self.real.ids(name, where))
        return list(self.snapshot(name).ids)

    def embeddings(self, name: str, ids: Sequence[str]) -> dict[str, Any]:
        """Each id's vector as a float64 row: the values Chroma's lists hold, without building
        a Python list per vector (that was most of a first rewrite's collection reads)."""
        s = self.snapshot(name)
        return {i: s.vectors[s.row[i]].astype(np.float64) for i in ids if i in s.row}

    def query(self, name: str, vector: Sequence[float], k: int) -> list[Hit]:
        return self.query_many(name, [vector], k)[0]

    def query_many(
        self, name: str, vectors: Any, k: int, count: int | None = None
    ) -> list[list[Hit]]:
        """Nearest chunks by cosine for all vectors at once: one matrix product."""
        s = self.snapshot(name)
        q = np.asarray(vectors, dtype=np.float32)
        if not len(s.ids) or q.size == 0:
            return [[] for _ in range(len(q))]
        return [
            [Hit(s.ids[j], s.texts[j], dict(s.metas[j]), float(1.0 - sim[j])) for j in top]
            for sim, top in zip(*top_k(q, s.vectors, k), strict=True)
        ]


def top_k(queries: np.ndarray, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities [q, n], indices [q, k'] best first) for unit vectors: the matrix query
    retrieval can use for many units at once. Ties keep the lower index first."""
    sims = queries @ matrix.T
    k = min(k, matrix.shape[0])
    if k < matrix.shape[0]:
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(matrix.shape[0]), (len(queries), 1))
    order = np.lexsort((part, -np.take_along_axis(sims, part, axis=1)), axis=1)
    return sims, np.take_along_axis(part, order, axis=1)


def _save(path: Path, snap: _Snap) -> None:
    """One file, landed by os.replace: a reader sees the old snapshot or the new one whole."""
    meta = json.dumps(
        {"stamp": snap.stamp, "ids": snap.ids, "texts": snap.texts, "metas": snap.metas},
        ensure_ascii=False,
    ).encode("utf-8")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, vectors=snap.vectors, meta=np.frombuffer(meta, dtype=np.uint8))
        os.replace(tmp, path)


def _load(path: Path, stamp: str) -> _Snap | None:
    try:
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            vectors = np.asarray(z["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, json.JSONDecodeError):
        return None
    if meta.get("stamp") != stamp or len(meta["ids"]) != len(vectors):
        return None
    ids = list(meta["ids"])
    return _Snap(
        stamp, ids, meta["texts"], meta["metas"], vectors, {i: n for n, i in enumerate(ids)}
    )


def reader(settings: Settings, opener: Callable[[], Any]) -> Any:
    """What retrieval reads from: a SnapshotStore for a local store, the real one for a server."""
    if settings.chroma_url:
        return opener()
    return SnapshotStore(settings, opener)
