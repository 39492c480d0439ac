"""Find the strategy passages an update serves, and map each unit of work to a pillar."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coach.embeddings import get_embedder
from coach.store import Hit, Store
from coach.types import Alignment, Citation

# Cosine similarity below which a unit is said to serve no pillar ("unmapped work").
UNMAPPED_BELOW = 0.25


def to_citation(hit: Hit, score: float) -> Citation:
    m = hit.metadata
    page = m.get("page")
    return Citation(
        id=hit.id,
        source=str(m.get("source", "")),
        text=hit.text,
        score=round(float(score), 4),
        title=str(m.get("title", "")),
        section=str(m.get("section", "")),
        pillar=str(m.get("pillar", "")),
        page=int(page) if isinstance(page, int | float) else None,
    )


class Retriever:
    """Dense retrieval over one store; the embedder is shared process-wide."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.embedder = get_embedder(str(store.settings.models_dir))

    def retrieve(self, text: str, k: int, collection: str) -> list[Citation]:
        vector = self.embedder.embed_one(text)
        return self.retrieve_by_vector(vector, k, collection)

    def retrieve_by_vector(self, vector: np.ndarray, k: int, collection: str) -> list[Citation]:
        hits = self.store.query(collection, vector.tolist(), k)
        return [to_citation(h, 1.0 - h.distance) for h in hits]

    def align(self, units: Sequence[str], collection: str) -> list[Alignment]:
        """For each unit, the best pillar-tagged passage; weak matches are unmapped work."""
        if not units:
            return []
        vectors = self.embedder.embed(list(units))
        out: list[Alignment] = []
        for unit, vec in zip(units, vectors, strict=True):
            hits = [c for c in self.retrieve_by_vector(vec, 5, collection) if c.pillar]
            best = hits[0] if hits else None
            if best is None or best.score < UNMAPPED_BELOW:
                out.append(Alignment(unit=unit, pillar="", score=best.score if best else 0.0))
            else:
                out.append(
                    Alignment(unit=unit, pillar=best.pillar, score=best.score, source=best.source)
                )
        return out
