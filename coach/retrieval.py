"""Find the strategy passages an update serves, and say so only when the link is clear.

Retrieval is dense MiniLM through the store (BM25 fusion stays available as a mode: on the real
updates it did not beat dense, see docs/grounding.md). The update is searched as one query, the
mean of its passage-sized windows (coach/retrieval_query.py); each unit of work is searched on
its own for the alignment map.

A citation is *earned* only when its normalised score clears a threshold calibrated on the real
gold (coach/data/grounding.json). Raw cosines are not comparable across corpora and queries (a
long technical update is close to every technical passage), so the score subtracts how close the
passage and the query each are to generic status-update sentences (coach/data/background.txt):
what is left is how much closer they are to each other than to boilerplate. Below the threshold
nothing is cited and the closest passage is returned as a suggestion. A unit of work maps to its
passage when its own score clears the unit threshold and that passage is one its update cites:
the map never claims a link the rewrite declines to make (docs/grounding.md, fourth round).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from coach.calibration import Calibration, background_texts, calibration
from coach.embeddings import get_embedder
from coach.ingest.chunking import passage_context
from coach.lexical import BM25, tokens
from coach.retrieval_query import CONTEXT, pick_in_context, query_texts, query_vector, query_windows
from coach.types import Alignment, Citation

if TYPE_CHECKING:  # the store is handed in; importing it here would import Chroma
    from coach.store import Hit, Store

__all__ = [
    "BM25",
    "Calibration",
    "Retriever",
    "background_texts",
    "calibration",
    "query_texts",
    "query_vector",
    "query_windows",
    "tokens",
]

Mode = Literal["hybrid", "dense", "lexical"]
CANDIDATES = 30  # how deep each list is read before fusion
UNIT_DEPTH = 5  # each unit's (and its update's) nearest passages: the pool a unit's pick is from
RRF_K = 60  # the usual reciprocal-rank-fusion constant (Cormack et al. 2009)


@dataclass(frozen=True)
class Grounded:
    """What grounding found: earned citations, alignment, suggestion, and the ranked list with
    its normalised scores (for the eval and for inspection)."""

    earned: list[Citation]
    alignment: list[Alignment]
    suggestion: Citation | None
    ranked: list[Citation]
    scores: list[float]


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


def embed_text(hit: Hit) -> str:
    """The text BM25 sees: heading path and passage, as for the dense vectors."""
    return passage_context(hit.metadata, hit.text)


def label(c: Citation) -> str:
    """What the alignment map calls a passage: its pillar id, else its heading path."""
    return c.pillar or c.section or c.title or c.source


class Retriever:
    """Retrieval over one store; the embedder is shared process-wide."""

    def __init__(
        self, store: Store, mode: Mode = "dense", calibrated: Calibration | None = None
    ) -> None:
        self.store = store
        self.mode = mode
        self.calibrated = calibrated or calibration()
        self.embedder = get_embedder(str(store.settings.models_dir))
        self._lexical: dict[str, tuple[tuple[int, int], list[Hit], BM25]] = {}
        self._hub: dict[str, float] = {}  # chunk id -> its background closeness (content-keyed)
        self._vectors: dict[str, np.ndarray] = {}
        self._base: dict[str, tuple[tuple[int, int], float]] = {}

    # -- the background a score is normalised against ---------------------------------------
    def background(self, name: str = "background.txt") -> np.ndarray:
        """Vectors of a background file, embedded once and kept on disk by content hash."""
        if name not in self._vectors:
            texts = list(background_texts(name))
            key = hashlib.sha256("\n".join([self.embedder.model_id, *texts]).encode()).hexdigest()
            path = self.store.settings.models_dir / f"background-{key[:16]}.npy"
            try:
                vectors = np.load(path)
            except (OSError, ValueError):
                vectors = np.asarray(self.embedder.embed(texts), dtype=np.float32)
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_name(f".{path.stem}.{id(self)}.npy")
                    np.save(tmp, vectors)
                    tmp.replace(path)
                except OSError:
                    pass  # a read-only home: embed again next time
            self._vectors[name] = vectors
        return self._vectors[name]

    def base(self, collection: str, n: int | None = None) -> float:
        """The median normalised score unrelated updates get against this collection: a corpus
        every text resembles (a technical one, say) needs a clearer link before it is cited."""
        n = self.store.count(collection) if n is None else n
        key = (self.store.generation, n)
        cached = self._base.get(collection)
        if cached is not None and cached[0] == key:
            return cached[1]
        if (got := self._background_best(collection)) is None:
            return 0.0
        value = float(np.median(got[0] - self.calibrated.query_weight * got[1]))
        self._base[collection] = (key, value)
        return value

    def background_slope(self, collection: str) -> float:
        """The slope of the background updates' best (cosine - passage closeness) against this
        collection on their own background closeness: how much of a query's closeness is
        generic status-update talk that lifts every passage. Uses the background only (no
        gold), so `--calibrate` fits the score's query weight from it (docs/grounding.md)."""
        got = self._background_best(collection)
        return float(np.polyfit(got[1], got[0], 1)[0]) if got else float("nan")

    def _background_best(self, collection: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Per background update: its best (cosine - passage closeness) against the collection
        and its own closeness (None: empty collection). One reading for `base` and the slope."""
        ids = self.store.ids(collection)
        found = self.store.embeddings(collection, ids) if ids else {}
        if not found:
            return None
        keys = list(found)
        matrix = np.asarray([found[i] for i in keys], dtype=np.float32)
        hub = self._passage_closeness(collection, keys)
        unrelated = self.background("background_updates.txt")
        sims = unrelated @ matrix.T - np.asarray([hub[i] for i in keys])[None, :]
        return sims.max(axis=1), self.closeness(unrelated)

    def closeness(self, vectors: np.ndarray) -> np.ndarray:
        """Mean cosine of each vector to its top-k background sentences."""
        top = self.calibrated.background_top
        sims = np.asarray(vectors, dtype=np.float32) @ self.background().T
        k = min(top, sims.shape[1])
        # the top k by partition, sorted so the mean adds what a full sort's top k would add
        top_k = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:] if k else sims
        return np.sort(top_k, axis=1).mean(axis=1)

    def _passage_closeness(self, collection: str, ids: Sequence[str]) -> dict[str, float]:
        missing = [i for i in dict.fromkeys(ids) if i not in self._hub]
        if missing:
            found = self.store.embeddings(collection, missing)
            if found:
                keys = list(found)
                values = self.closeness(np.asarray([found[i] for i in keys]))
                self._hub.update(zip(keys, map(float, values), strict=True))
        return {i: self._hub.get(i, 0.0) for i in ids}

    # -- ranking ---------------------------------------------------------------------------------
    def lexical(self, collection: str, count: int | None = None) -> tuple[list[Hit], BM25]:
        """The collection's BM25 index, rebuilt when the collection changed."""
        n = self.store.count(collection) if count is None else count
        key = (self.store.generation, n)
        cached = self._lexical.get(collection)
        if cached is None or cached[0] != key:
            hits = self.store.all(collection)
            cached = (key, hits, BM25([embed_text(h) for h in hits]))
            self._lexical[collection] = cached
        return cached[1], cached[2]

    def retrieve(
        self, text: str, k: int, collection: str, mode: Mode | None = None
    ) -> list[Citation]:
        return self.retrieve_many([text], k, collection, mode)[0]

    def retrieve_many(
        self,
        texts: Sequence[str],
        k: int,
        collection: str,
        mode: Mode | None = None,
        count: int | None = None,
    ) -> list[list[Citation]]:
        """Top-k passages for each text (ranked, not thresholded): one embedding batch."""
        if not texts:
            return []
        mode = mode or self.mode
        n = self.store.count(collection) if count is None else count
        if n == 0:
            return [[] for _ in texts]
        vectors = self.embedder.embed(list(texts))
        return self._search(texts, vectors, k, collection, mode, n)

    def _search(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        k: int,
        collection: str,
        mode: Mode,
        n: int,
    ) -> list[list[Citation]]:
        """Dense hits for all vectors in one store query, BM25 on each text, fused."""
        depth = k if mode == "dense" else max(k, CANDIDATES)
        dense_lists = self.store.query_many(collection, vectors.tolist(), depth, count=n)
        if mode == "dense":
            return [[to_citation(h, 1.0 - h.distance) for h in d[:k]] for d in dense_lists]
        hits, bm25 = self.lexical(collection, n)
        out = []
        for text, vector, dense in zip(texts, vectors, dense_lists, strict=True):
            lexical = [hits[i] for i in bm25.top(text, depth)]
            out.append(self._fuse(collection, vector, dense, lexical, k, mode))
        return out

    def _fuse(
        self,
        collection: str,
        vector: np.ndarray,
        dense: list[Hit],
        lexical: list[Hit],
        k: int,
        mode: Mode,
    ) -> list[Citation]:
        fused: dict[str, float] = {}
        by_id: dict[str, Hit] = {}
        lists = [lexical] if mode == "lexical" else [dense, lexical]
        for ranked in lists:
            for rank, h in enumerate(ranked):
                fused[h.id] = fused.get(h.id, 0.0) + 1.0 / (RRF_K + rank + 1)
                by_id.setdefault(h.id, h)
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        cosine = {h.id: 1.0 - h.distance for h in dense}
        missing = [i for i in best if i not in cosine]
        if missing:
            for i, v in self.store.embeddings(collection, missing).items():
                cosine[i] = float(np.dot(np.asarray(v), vector))
        return [to_citation(by_id[i], cosine[i]) for i in best]

    # -- calibrated claims -----------------------------------------------------------------------
    def normalised(
        self, collection: str, vectors: np.ndarray, lists: Sequence[Sequence[Citation]]
    ) -> list[list[float]]:
        """Each candidate's cosine minus the passage's background closeness, minus the query's
        times the calibrated weight, minus the collection's base (what unrelated updates score
        against it)."""
        ids = [c.id for found in lists for c in found]
        if not ids:
            return [[] for _ in lists]
        hub = self._passage_closeness(collection, ids)
        mine = self.calibrated.query_weight * self.closeness(vectors)
        base = self.base(collection)
        return [
            [c.score - hub[c.id] - float(q) - base for c in found]
            for found, q in zip(lists, mine, strict=True)
        ]

    def align(
        self, units: Sequence[str], collection: str, threshold: float | None = None
    ) -> list[Alignment]:
        """For each unit, the passage it serves, or unmapped ("") when no link is clear."""
        n = self.store.count(collection)
        if not units or n == 0:
            return [Alignment(unit=u, pillar="", score=0.0) for u in units]
        vectors = self.embedder.embed(list(units))
        lists = self._search(units, vectors, 1, collection, self.mode, n)
        return self._alignments(units, vectors, lists, collection, threshold)

    def _alignments(
        self,
        units: Sequence[str],
        vectors: np.ndarray,
        lists: Sequence[Sequence[Citation]],
        collection: str,
        threshold: float | None = None,
        cited: Sequence[Citation] | None = None,
    ) -> list[Alignment]:
        """With `cited` (the update's earned citations), a unit maps only to one of them: the
        map says which cited passage a unit serves and never claims a link the rewrite
        declines to make. An unmapped unit keeps its closest passage and score."""
        allowed = None if cited is None else {c.id for c in cited}
        floor = self.calibrated.unit_threshold if threshold is None else threshold
        scores = self.normalised(collection, vectors, [found[:1] for found in lists])
        out: list[Alignment] = []
        for unit, found, score in zip(units, lists, scores, strict=True):
            if not found:
                out.append(Alignment(unit=unit, pillar="", score=0.0))
                continue
            best, s = found[0], round(score[0], 4)
            if s < floor or (allowed is not None and best.id not in allowed):
                out.append(Alignment(unit=unit, pillar="", score=s, passage=best.id))
            else:
                out.append(Alignment(unit, label(best), s, best.source, passage=best.id))
        return out

    def ground(
        self,
        text: str,
        items: Sequence[str],
        k: int,
        collection: str,
        aligned: Sequence[bool] | None = None,
    ) -> tuple[list[Citation], list[Alignment], Citation | None]:
        """Earned citations for a whole update, the alignment of its work items, and the
        closest passage as a suggestion when nothing is earned: one embedding batch.

        `aligned` picks the items that get an alignment (work items, not thanks or plans)."""
        n = self.store.count(collection)
        if n == 0:
            return [], [], None
        items = list(items)
        aligned = list(aligned) if aligned is not None else [True] * len(items)
        work = [items[i] for i, a in enumerate(aligned) if a]
        query = query_texts(text)
        vectors = self.embedder.embed([*query, *work])
        got = self.ground_vectors([text, *work], vectors, k, collection, n, windows=len(query))
        return got.earned, got.alignment, got.suggestion

    def ground_vectors(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        k: int,
        collection: str,
        n: int,
        windows: int = 1,
    ) -> Grounded:
        """`ground` on texts already embedded: `texts` is [update, *work units] and `vectors`
        [*the update's `query_texts`, *work units], `windows` of them the query's (the eval
        reuses vectors across collections through this, so it measures what a rewrite does).
        The update's text is read only by BM25 in the hybrid mode; it is never embedded."""
        query = query_vector(vectors[:windows])
        vectors = np.vstack([query[None, :], np.asarray(vectors[windows:])])
        lists = self._search(texts, vectors, max(k, UNIT_DEPTH), collection, self.mode, n)
        ranked = lists[0][:k]
        scores = self.normalised(collection, vectors[:1], [ranked])[0] if ranked else []
        floor = self.calibrated.threshold
        earned = [c for c, s in zip(ranked, scores, strict=True) if s >= floor]
        suggestion = ranked[0] if ranked and not earned else None
        units = texts[1:]
        alignment: list[Alignment] = []
        if units:
            picked = self.in_context(collection, vectors[1:], lists[1:], query, lists[0])
            alignment = self._alignments(units, vectors[1:], picked, collection, cited=earned)
        return Grounded(earned, alignment, suggestion, ranked, scores)

    def align_in_context(
        self, units: Sequence[str], vectors: np.ndarray, query: np.ndarray, collection: str, n: int
    ) -> list[Alignment]:
        """The alignment of an update's units, each read in the context of the update's query
        vector (what `ground_vectors` does, without its cited-passage gate: the eval scores
        labelled units through this and applies the gate per fold, in
        `coach.evals.grounding_units.maps`)."""
        texts = ["", *units]
        both = np.vstack([np.asarray(query, dtype=np.float32)[None, :], vectors])
        lists = self._search(texts, both, UNIT_DEPTH, collection, self.mode, n)
        picked = self.in_context(collection, both[1:], lists[1:], both[0], lists[0])
        return self._alignments(units, both[1:], picked, collection)

    def in_context(
        self,
        collection: str,
        vectors: np.ndarray,
        lists: Sequence[Sequence[Citation]],
        query: np.ndarray,
        around: Sequence[Citation],
    ) -> list[list[Citation]]:
        """Each unit's passage read in its update's context (`pick_in_context`), from the
        units' and the update's nearest passages."""
        pool = {c.id: c for found in [around, *lists] for c in found}
        found = self.store.embeddings(collection, list(pool)) if pool else {}
        return pick_in_context(vectors, lists, query, pool, found, CONTEXT)
