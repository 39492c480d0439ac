"""Lexical retrieval: BM25 over a collection's passages, with stop words kept as data."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np

from coach.resources import word_list

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@cache
def stop_words() -> frozenset[str]:
    """coach/data/stopwords.txt: one word a line, # comments."""
    return frozenset(word_list("stopwords.txt"))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without stop words, with a light plural/-ing strip."""
    stop = stop_words()
    out = []
    for t in _TOKEN.findall(text.lower()):
        if t in stop or len(t) < 2:
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
