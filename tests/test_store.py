"""Real embedded Chroma: round trip, idempotent re-index, reopen without falling back."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from coach import Coach
from coach.embeddings import get_embedder
from tests.conftest import CORPUS


def test_ingest_is_idempotent_and_retrieval_cites(tmp_path: Path) -> None:
    c = Coach(home=tmp_path, engine="offline")
    first = c.ingest([CORPUS])
    assert first["added"] > 20 and first["errors"] == 0
    second = c.ingest([CORPUS])
    assert second["added"] == 0 and second["unchanged"] == first["added"]
    hits = c.retrieve("Moved the outpatient booking to the patient app so fewer people phone", k=3)
    assert len(hits) == 3
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert all(h.source.endswith(".md") and h.text for h in hits)


def test_reopen_uses_coach_embedding_function(tmp_path: Path) -> None:
    """A collection reopened without naming its function must not fall back to Chroma's default
    (which downloads a model): the registered coach function is rebuilt from its config."""
    c = Coach(home=tmp_path, engine="offline")
    c.ingest([CORPUS])
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    col = client.get_collection("strategy")  # no embedding_function given
    assert type(col.configuration["embedding_function"]).__name__ == "CoachMiniLM"
    res = col.query(query_texts=["net zero carbon emissions of our buildings"], n_results=1)
    assert res["ids"][0]
    ours = c.retrieve("net zero carbon emissions of our buildings", k=1)
    assert res["ids"][0][0] == ours[0].id


def test_stored_vectors_are_the_model_vectors(tmp_path: Path) -> None:
    c = Coach(home=tmp_path, engine="offline")
    c.ingest([CORPUS])
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    got = client.get_collection("strategy").get(limit=3, include=["documents", "embeddings"])
    fresh = get_embedder().embed(got["documents"])
    assert np.max(np.abs(np.asarray(got["embeddings"]) - fresh)) < 1e-5
