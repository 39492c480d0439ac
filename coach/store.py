"""The vector store: the only module that imports chromadb.

Embedded PersistentClient under COACH_HOME by default, a Chroma server when COACH_CHROMA_URL is
set. Collections use coach's own registered MiniLM embedding function, so reopening a
collection never falls back to Chroma's downloading default.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from coach.embeddings import get_embedder
from coach.errors import ConfigError, StoreError
from coach.settings import Settings


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


@dataclass(frozen=True)
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]
    distance: float


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
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"Cannot open the Chroma store at {path}: {exc}.") from None


class Store:
    """Collections of strategy chunks with their vectors and metadata."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = _client(settings)
        self._ef = CoachMiniLM(cache_dir=str(settings.models_dir))
        self._collections: dict[str, Any] = {}

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
        for i in range(0, len(ids), batch):
            kwargs: dict[str, Any] = {
                "ids": list(ids[i : i + batch]),
                "documents": list(texts[i : i + batch]),
                "metadatas": [_clean_meta(m) for m in metadatas[i : i + batch]],
            }
            if embeddings is not None:
                kwargs["embeddings"] = [list(map(float, v)) for v in embeddings[i : i + batch]]
            col.upsert(**kwargs)

    def delete(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            self._collection(name).delete(ids=list(ids))

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
        col = self._collection(name, create=False)
        n = col.count()
        if n == 0:
            return []
        res = col.query(
            query_embeddings=[list(map(float, vector))],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        return [
            Hit(i, d or "", dict(m or {}), float(dist))
            for i, d, m, dist in zip(
                res["ids"][0],
                res["documents"][0],
                res["metadatas"][0],
                res["distances"][0],
                strict=True,
            )
        ]

    def drop(self, name: str) -> None:
        if name in self.collections():
            self._client.delete_collection(name)
        self._collections.pop(name, None)


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
