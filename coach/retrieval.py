"""Find the strategy passages an update serves, and map each unit of work to a pillar.

Hybrid retrieval: dense MiniLM (through the store) and BM25 over the collection's chunks, fused
with reciprocal rank fusion. Measured on eval/retrieval.jsonl by eval/measure_retrieval.py, where
it beats dense alone (figures in the README). A citation's score is the cosine similarity of
query and passage, so it means the same whichever list found the passage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from coach.embeddings import get_embedder
from coach.types import Alignment, Citation

if TYPE_CHECKING:  # the store is handed in; importing it here would import Chroma
    from coach.store import Hit, Store

Mode = Literal["hybrid", "dense", "lexical"]
# Cosine similarity below which a unit serves no pillar ("unmapped work"). Chosen by
# eval/measure_retrieval.py: the threshold that best separates the 164 labelled status items
# (each serves a pillar) from the 104 units labelled "other" in eval/units.jsonl (greetings,
# scheduling, thanks) by balanced accuracy; see the README for the figures.
UNMAPPED_BELOW = 0.34
CANDIDATES = 30  # how deep each list is read before fusion
RRF_K = 60  # the usual reciprocal-rank-fusion constant (Cormack et al. 2009)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "not",
        "no",
        "this",
        "those",
        "than",
        "then",
        "also",
        "all",
        "any",
        "can",
        "each",
        "per",
        "via",
    ]
)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without stop words, with a light plural/-ing strip."""
    out = []
    for t in _TOKEN.findall(text.lower()):
        if t in _STOP or len(t) < 2:
            continue
        if len(t) > 5 and t.endswith("ing"):
            t = t[:-3]
        elif len(t) > 4 and t.endswith("s") and not t.endswith("ss"):
            t = t[:-1]
        out.append(t)
    return out


class BM25:
    """Okapi BM25 (k1=1.5, b=0.75) over a fixed list of texts; small and dependency-free.
    Postings are numpy arrays, so a query costs a few vector operations per query term."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        lists: dict[str, tuple[list[int], list[int]]] = {}
        self.lengths = np.zeros(len(texts))
        for i, text in enumerate(texts):
            toks = tokens(text)
            self.lengths[i] = len(toks)
            for term, tf in Counter(toks).items():
                docs, tfs = lists.setdefault(term, ([], []))
                docs.append(i)
                tfs.append(tf)
        self.avg = float(self.lengths.mean()) if len(texts) else 0.0
        n = len(texts)
        self.postings = {
            t: (np.asarray(d, dtype=np.int64), np.asarray(f, dtype=np.float64))
            for t, (d, f) in lists.items()
        }
        self.idf = {
            t: math.log(1 + (n - len(d) + 0.5) / (len(d) + 0.5)) for t, (d, _) in lists.items()
        }
        self.norm = self.k1 * (1 - self.b + self.b * self.lengths / (self.avg or 1.0))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(len(self.lengths))
        for term in set(tokens(query)):
            posting = self.postings.get(term)
            if posting is None:
                continue
            docs, tf = posting
            out[docs] += self.idf[term] * tf * (self.k1 + 1) / (tf + self.norm[docs])
        return out

    def top(self, query: str, n: int) -> list[int]:
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:n]
        return [int(i) for i in order if s[i] > 0]


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
    m = hit.metadata
    head = " > ".join(str(x) for x in (m.get("title"), m.get("section")) if x)
    return f"{head}\n{hit.text}" if head else hit.text


class Retriever:
    """Hybrid retrieval over one store; the embedder is shared process-wide."""

    def __init__(self, store: Store, mode: Mode = "hybrid") -> None:
        self.store = store
        self.mode = mode
        self.embedder = get_embedder(str(store.settings.models_dir))
        self._lexical: dict[str, tuple[tuple[int, int], list[Hit], BM25]] = {}

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
        """Top-k passages for each text: one embedding batch, one store query, one BM25 index."""
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

    def align(
        self, units: Sequence[str], collection: str, threshold: float = UNMAPPED_BELOW
    ) -> list[Alignment]:
        """For each unit, the pillar of its best pillar-tagged passage; weak matches are unmapped."""
        return self.alignments(units, self.retrieve_many(units, 8, collection), threshold)

    @staticmethod
    def alignments(
        units: Sequence[str],
        ranked_lists: Sequence[Sequence[Citation]],
        threshold: float = UNMAPPED_BELOW,
    ) -> list[Alignment]:
        """The pillar follows the retrieval ranking; the score (and so the unmapped test) is the
        best cosine similarity of the unit to any passage of that pillar."""
        out: list[Alignment] = []
        for unit, found in zip(units, ranked_lists, strict=True):
            ranked = [c for c in found if c.pillar]
            if not ranked:
                out.append(Alignment(unit=unit, pillar="", score=0.0))
                continue
            best = ranked[0]
            score = max(c.score for c in ranked if c.pillar == best.pillar)
            if score < threshold:
                out.append(Alignment(unit=unit, pillar="", score=score))
            else:
                out.append(
                    Alignment(unit=unit, pillar=best.pillar, score=score, source=best.source)
                )
        return out

    def ground(
        self,
        text: str,
        items: Sequence[str],
        k: int,
        collection: str,
        aligned: Sequence[bool] | None = None,
    ) -> tuple[list[Citation], list[Alignment]]:
        """Citations for a whole update and the alignment of its work items, in one pass.

        The update's vector is the normalised mean of its items' vectors, so the update is
        embedded once, item by item (short sequences), instead of once more as one long text:
        on the 138 eval cases both give the same pillar hit@1 (0.725), and the long pass was
        half the cost of a rewrite. `aligned` picks the items that get an alignment (work
        items, not thanks or plans)."""
        n = self.store.count(collection)
        if n == 0:
            return [], []
        items = list(items)
        aligned = list(aligned) if aligned is not None else [True] * len(items)
        vectors = self.embedder.embed(items or [text])
        whole = vectors.mean(axis=0)
        whole = whole / (np.linalg.norm(whole) or 1.0)
        work = [i for i, a in enumerate(aligned) if a]
        texts = [text, *(items[i] for i in work)]
        stacked = np.vstack([whole[None, :], vectors[work]]) if work else whole[None, :]
        lists = self._search(texts, stacked, max(k, 20), collection, self.mode, n)
        citations = lists[0][:k]
        if not any(c.pillar for c in citations):
            # An impact claim needs a strategy passage: add the best pillar-tagged one (k+1
            # citations) when guides or charters fill the top k, without displacing them.
            tagged = [c for c in lists[0][k:] if c.pillar]
            if tagged:
                citations = [*citations, tagged[0]]
        units = [items[i] for i in work]
        return citations, self.alignments(units, [x[:8] for x in lists[1:]]) if units else []
