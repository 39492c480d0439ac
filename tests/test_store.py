"""Real embedded Chroma: round trip, reopen without falling back, stored vectors, collections."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from coach import Coach
from coach.embeddings import get_embedder
from coach.errors import ConfigError
from coach.retrieval import embed_text
from coach.store import Hit
from tests.conftest import CORPUS
from tests.test_retrieval import make_home


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Coach:
    c = Coach(home=make_home(tmp_path_factory.mktemp("store"), models_dir), engine="offline")
    first = c.ingest([CORPUS])
    assert first["added"] > 20 and first["errors"] == 0
    second = c.ingest([CORPUS])
    assert second["added"] == 0 and second["unchanged"] == first["added"]
    return c


def _client(c: Coach) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(
        path=str(c.settings.home / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )


def test_every_chunk_is_listed_in_the_manifest(indexed: Coach) -> None:
    entries = indexed.corpus()["strategy"]
    ids = {i for e in entries for i in e.chunk_ids}
    assert set(indexed.store.ids("strategy")) == ids
    assert all(len(e.hash) == 64 and e.source.endswith(".md") for e in entries)


def test_reopen_uses_coach_embedding_function(indexed: Coach) -> None:
    """A collection reopened without naming its function must not fall back to Chroma's default
    (which downloads a model): the registered coach function is rebuilt from its config."""
    col = _client(indexed).get_collection("strategy")  # no embedding_function given
    assert type(col.configuration["embedding_function"]).__name__ == "CoachMiniLM"
    query = "net zero carbon emissions of our buildings"
    res = col.query(query_texts=[query], n_results=1)
    ours = indexed.retriever.retrieve(query, 1, "strategy", mode="dense")
    assert res["ids"][0][0] == ours[0].id


def test_stored_vectors_embed_heading_path_and_text(indexed: Coach) -> None:
    got = (
        _client(indexed)
        .get_collection("strategy")
        .get(limit=3, include=["documents", "metadatas", "embeddings"])
    )
    texts = [
        embed_text(Hit(i, d, m, 0.0))
        for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ]
    fresh = get_embedder(indexed.settings.models_dir).embed(texts)
    assert np.max(np.abs(np.asarray(got["embeddings"]) - fresh)) < 1e-5


def test_collection_names_are_checked(indexed: Coach) -> None:
    with pytest.raises(ConfigError, match="3 to 512"):
        indexed.ingest([CORPUS], collection="ab")
    with pytest.raises(ConfigError, match="3 to 512"):
        Coach(home=indexed.settings.home, collection="x" * 513)
