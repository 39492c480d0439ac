"""The vector store: the only module that imports chromadb.

Embedded PersistentClient under COACH_HOME by default, a Chroma server when COACH_CHROMA_URL is
set. Collections use coach's own registered MiniLM embedding function, so reopening a
collection never falls back to Chroma's downloading default.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from coach.embeddings import get_embedder
from coach.errors import CoachError, ConfigError, StoreError
from coach.lock import WriteLock
from coach.settings import Settings
from coach.snapshot import Hit as Hit  # one Hit for both (the snapshot cannot import chromadb)

log = logging.getLogger("coach")


@register_embedding_function
class CoachMiniLM(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 through coach's torch-free runtime, registered with Chroma by name."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir

    def __call__(self, input: Documents) -> Embeddings:
        vectors = get_embedder(self.cache_dir).embed(list(input))
        return [v for v in vectors]

    @staticmethod
    def name() -> str:
        return "coach-minilm-l6-v2"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"cache_dir": self.cache_dir}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CoachMiniLM:
        return CoachMiniLM(cache_dir=config.get("cache_dir"))


def _client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"COACH_CHROMA_URL must look like http://host:port, got {settings.chroma_url!r}."
            )
        headers = (
            {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
        )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                headers=headers,
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for an unreachable server
            raise StoreError(
                f"Cannot reach the Chroma server at {settings.chroma_url}: {exc}."
            ) from None
    path = settings.chroma_path
    _need_folder(settings.home, path)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _need_folder(home: Path, path: Path) -> None:
    """COACH_HOME (or a folder on the way to the store) that is a file: one sentence, not OSError."""
    for p in (home, *reversed(path.parents), path):
        if p.exists() and not p.is_dir():
            raise ConfigError(
                f"COACH_HOME must be a folder, but {p} is a file: point COACH_HOME at a folder."
            )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the store folder {path} ({exc.strerror}): set COACH_HOME to a "
            "folder you can write to."
        ) from None


_open_lock = threading.Lock()
_open: dict[str, Store] = {}  # location -> the one Store of this process


def open_store(settings: Settings) -> Store:
    """The one Store of this process for a home (or server): opened, and health-checked, once.

    Several Coach objects (page workers, a test's two instances) share it, so the health check
    never races Chroma's own start-up in another thread.
    """
    key = settings.chroma_url or str(settings.chroma_path.resolve())
    with _open_lock:
        store = _open.get(key)
        if store is None:
            store = Store(settings)
            _open[key] = store
        return store


def _forget(path: Path) -> None:
    """Drop Chroma's in-process system for `path`, so the next client really reopens the files."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()


def _health(client: Any, ef: Any) -> None:
    """Raise if any collection cannot be counted, read and queried (broken sqlite or segments)."""
    for c in client.list_collections():
        col = client.get_collection(name=c.name if hasattr(c, "name") else str(c))
        if col.count() == 0:
            continue
        got = col.get(limit=1, include=["embeddings"])
        vector = [float(x) for x in got["embeddings"][0]]
        col.query(query_embeddings=[vector], n_results=1, include=["distances"])


class Store:
    """Collections of strategy chunks with their vectors and metadata."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ef = CoachMiniLM(cache_dir=str(settings.models_dir))
        self._collections: dict[str, Any] = {}
        self.generation = 0  # bumped on every write in this process (retrieval caches key on it)
        self.recovered = ""  # set when a broken local store was moved aside and started afresh
        self._claimed = False
        if settings.chroma_url:
            self._client = _client(settings)
            try:
                self._client.heartbeat()
            except Exception as exc:
                raise StoreError(
                    f"Cannot reach the Chroma server at {settings.chroma_url}: {_short(exc)}."
                ) from None
        else:
            self._client = self._open_local()

    def _open_local(self) -> Any:
        """Open the embedded store; one that is verifiably broken is moved aside, not fatal.

        A failed health check is only a suspicion (another writer, Chroma starting up in
        another thread): it is repeated under the write lock with Chroma's in-process state
        dropped, and only a second failure moves the store aside, kept whole as a backup.
        """
        path = self.settings.chroma_path
        try:
            client = _client(self.settings)
            _health(client, self._ef)
            return client
        except CoachError:
            raise
        except Exception as exc:
            reason = _short(exc)
        with self.writing():
            _forget(path)
            try:
                client = _client(self.settings)
                _health(client, self._ef)
                log.info("coach: the store at %s passed its second health check.", path)
                return client
            except CoachError:
                raise
            except Exception as exc:
                reason = _short(exc) or reason
            reason += _integrity(path)
            _forget(path)
            broken = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                shutil.move(str(path), str(broken))
                path.mkdir(parents=True)
                (broken / "coach-write.lock").unlink(missing_ok=True)
                client = _client(self.settings)
            except Exception as exc:
                raise StoreError(
                    f"Cannot open the Chroma store at {path}: {_short(exc)}."
                ) from None
        self.recovered = (
            f"The store at {path} failed its health check twice ({reason}); it was moved, "
            f"whole, to {broken.name} and is being rebuilt from the manifest's sources "
            f"(to restore it, stop coach and move {broken.name} back to {path.name})."
        )
        log.warning("coach: %s", self.recovered)
        return client

    def claim_recovery(self) -> bool:
        """True once after the store was moved aside: the one caller that rebuilds it."""
        with _open_lock:
            claimed = bool(self.recovered) and not self._claimed
            self._claimed = self._claimed or claimed
            return claimed

    def writing(self) -> contextlib.AbstractContextManager[Any]:
        """The local store's write lock (StoreLockedError within 2 s); nothing in server mode."""
        if self.settings.chroma_url:
            return contextlib.nullcontext()
        return WriteLock(self.settings.chroma_path)

    def close(self) -> None:
        """Release Chroma's in-process resources; the next open_store opens the files again."""
        self._collections.clear()
        with _open_lock:
            for key, store in list(_open.items()):
                if store is self:
                    del _open[key]
        if not self.settings.chroma_url:
            _forget(self.settings.chroma_path)

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.chroma_path)

    def _collection(self, name: str, create: bool = True) -> Any:
        if name in self._collections:
            return self._collections[name]
        try:
            if create:
                col = self._client.get_or_create_collection(
                    name=name,
                    embedding_function=self._ef,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            else:
                col = self._client.get_collection(name=name, embedding_function=self._ef)
        except Exception as exc:
            if not create:
                raise StoreError(
                    f"The collection {name!r} does not exist in {self.location}: "
                    "run `coach ingest PATH --collection NAME` first."
                ) from None
            raise StoreError(f"Cannot open the collection {name!r}: {exc}.") from None
        self._collections[name] = col
        return col

    def collections(self) -> list[str]:
        return sorted(
            c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()
        )

    def count(self, name: str) -> int:
        if name not in self.collections():
            return 0
        return int(self._collection(name).count())

    def upsert(
        self,
        name: str,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        embeddings: Sequence[Sequence[float]] | None = None,
        batch: int = 512,
    ) -> None:
        col = self._collection(name)
        self.generation += 1
        for i in range(0, len(ids), batch):
            kwargs: dict[str, Any] = {
                "ids": list(ids[i : i + batch]),
                "documents": list(texts[i : i + batch]),
                "metadatas": [_clean_meta(m) for m in metadatas[i : i + batch]],
            }
            if embeddings is not None:
                kwargs["embeddings"] = [list(map(float, v)) for v in embeddings[i : i + batch]]
            with self.writing():
                col.upsert(**kwargs)

    def delete(self, name: str, ids: Sequence[str]) -> None:
        self.generation += 1
        with self.writing():
            for i in range(0, len(ids), 512):
                self._collection(name).delete(ids=list(ids[i : i + 512]))

    def embeddings(self, name: str, ids: Sequence[str]) -> dict[str, list[float]]:
        got = self._collection(name, create=False).get(ids=list(ids), include=["embeddings"])
        return {
            i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def ids(self, name: str, where: dict[str, Any] | None = None) -> list[str]:
        got = self._collection(name).get(where=where, include=[])
        return list(got["ids"])

    def all(self, name: str) -> list[Hit]:
        got = self._collection(name, create=False).get(include=["documents", "metadatas"])
        return [
            Hit(i, d or "", dict(m or {}), 0.0)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def query(self, name: str, vector: Sequence[float], k: int) -> list[Hit]:
        return self.query_many(name, [vector], k)[0]

    def query_many(
        self, name: str, vectors: Sequence[Sequence[float]], k: int, count: int | None = None
    ) -> list[list[Hit]]:
        """Nearest chunks for several vectors in one call (one round trip in server mode)."""
        col = self._collection(name, create=False)
        n = col.count() if count is None else count
        if n == 0 or not vectors:
            return [[] for _ in vectors]
        res = col.query(
            query_embeddings=[list(map(float, v)) for v in vectors],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        return [
            [
                Hit(i, d or "", dict(m or {}), float(dist))
                for i, d, m, dist in zip(ids, docs, metas, dists, strict=True)
            ]
            for ids, docs, metas, dists in zip(
                res["ids"], res["documents"], res["metadatas"], res["distances"], strict=True
            )
        ]

    def drop(self, name: str) -> None:
        self.generation += 1
        with self.writing():
            if name in self.collections():
                self._client.delete_collection(name)
        self._collections.pop(name, None)


def _integrity(path: Path) -> str:
    """SQLite's own verdict on the store's database, to name in the message."""
    db = path / "chroma.sqlite3"
    if not db.exists():
        return "; chroma.sqlite3 is missing"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            verdict = con.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        return f"; sqlite: {_short(exc)}"
    return "" if verdict == "ok" else f"; sqlite: {verdict[:80]}"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".").splitlines()
    return (text[0] if text else type(exc).__name__)[:160]


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata takes str, int, float and bool only, and no None."""
    out: dict[str, Any] = {}
    for k, v in meta.items():
        if v is None:
            continue
        if isinstance(v, str | int | float | bool):
            out[k] = v
        elif isinstance(v, list | tuple):
            out[k] = ",".join(map(str, v))
        elif isinstance(v, Path):
            out[k] = str(v)
        else:
            out[k] = str(v)
    return out
