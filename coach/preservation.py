"""Content preservation from the vectors of the update's own sentences.

An offline rewrite is made of the author's sentences, moved, relabelled ("What changed: ...") or
joined ("A; b"), plus a few new lines (the strategy link). Their vectors are already cached (the
grounding and the batch embed every unit), so the score reads the source and the rewrite unit by
unit: each source unit's coverage is its best cosine to a piece of the rewrite, and the score is
the coverage averaged over the source's words. A rewrite piece with the same words as a source
unit (case, markup, spacing and closing punctuation aside) reuses that unit's vector; only new
pieces are embedded. Where a source sentence was split into several new pieces, their joined
text is embedded too, so a split is not read as a loss.

Measured against the whole-text cosine it replaces (docs/benchmarks.md, fourth round): Spearman
with Lai et al.'s human ratings 0.6716 vs 0.6713 (640 single-sentence pairs); on the real dev set
it falls when content is dropped in 122 of 122 rewrites (the whole-text cosine, which reads only
the first 256 word pieces of each text, in 81), and embeds about a ninth of the word pieces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.markup import plain
from coach.reader_text import REF_LABEL

MAX_SCORED_UNITS = 200  # as coach.core.MAX_GROUNDED_UNITS: a big paste is scored on its opening

_MARKS = re.compile(r"[\[\]*_`]")
_LABEL = re.compile(r"^(?:\*\*)?[A-Z][A-Za-z ,'&/-]{0,40}?(?:\*\*)?:\s+")  # "What changed: "
# "A; b" and "Heading: b", as the offline engine joins; "A. B." where the segmenter kept
# sentences together (initials: a 4,000-line paste of "- x" became one unit "X. X. X. ...")
_JOIN = re.compile(r"(?<=[;:.!?])\s+")


def key(text: str) -> str:
    """What a sentence says, for matching: lower case, no markup, closing punctuation dropped.

    >>> key("Cut invoices to **2 days**.") == key("cut invoices to 2 days")
    True
    """
    s = _MARKS.sub("", plain(REF_LABEL.sub("", text)).lower())
    return " ".join(s.split()).rstrip(" .;:!?")


@dataclass(frozen=True)
class Pieces:
    """A rewrite read against its source: for each piece, the source unit it repeats or None."""

    texts: tuple[str, ...]
    source: tuple[int | None, ...]

    @property
    def new(self) -> list[str]:
        """The pieces the score embeds (all others reuse a source unit's vector)."""
        return list(
            dict.fromkeys(t for t, i in zip(self.texts, self.source, strict=True) if i is None)
        )


def pieces(source_units: Sequence[str], rewrite_units: Sequence[str]) -> Pieces:
    """The rewrite's pieces; those repeating a source unit past MAX_SCORED_UNITS are left out,
    as that unit is (a big paste is scored on its first units, like its grounding)."""
    index: dict[str, int] = {}
    for i, u in enumerate(source_units):
        index.setdefault(key(u), i)
    texts: list[str] = []
    source: list[int | None] = []

    def add(text: str, i: int | None) -> None:
        if i is not None and i >= MAX_SCORED_UNITS:
            return
        if i is None and sum(s is None for s in source) >= MAX_SCORED_UNITS:
            return
        texts.append(text)
        source.append(i)

    for unit in rewrite_units:
        k = key(unit)
        if k in index:
            add(unit, index[k])
            continue
        body = _LABEL.sub("", unit, count=1)
        k = key(body)
        if k in index:
            add(body, index[k])
            continue
        parts = [p for p in _JOIN.split(body) if key(p)]
        if len(parts) > 1 and all(key(p) in index for p in parts):
            for p in parts:
                add(p, index[key(p)])
        elif k:
            add(body, None)
    return Pieces(tuple(texts), tuple(source))


def preservation(source_units: Sequence[str], rewrite_units: Sequence[str], embedder: Any) -> float:
    """The share of the source's meaning the rewrite keeps, in [0, 1] (see the module doc).
    `embedder.embed(texts)` gives unit vectors (MiniLM, whose cache holds the units already)."""
    src = list(source_units[:MAX_SCORED_UNITS])
    got = pieces(src, rewrite_units)
    if not src or not got.texts:
        return 0.0
    new = got.new
    vecs = np.asarray(embedder.embed([*src, *new]), dtype=np.float32)
    own, fresh = vecs[: len(src)], dict(zip(new, vecs[len(src) :], strict=True))
    rew = np.stack(
        [own[i] if i is not None else fresh[t] for t, i in zip(got.texts, got.source, strict=True)]
    )
    sim = own @ rew.T
    cover = sim.max(axis=1)
    best = sim.argmax(axis=0)
    runs = _split_runs(got, best)
    if runs:
        joined = np.asarray(embedder.embed([t for _, t in runs]), dtype=np.float32)
        for (i, _), v in zip(runs, joined, strict=True):
            cover[i] = max(cover[i], float(own[i] @ v))
    weight = np.asarray([max(1, len(key(u).split())) for u in src], dtype=np.float32)
    value = float((np.clip(cover, 0.0, 1.0) * weight).sum() / weight.sum())
    return round(value, 4)


def _split_runs(got: Pieces, best: np.ndarray) -> list[tuple[int, str]]:
    """Runs of two or more consecutive new pieces closest to the same source unit, joined: a
    source sentence the rewrite split ("I'm in NYC, I'll help" -> "I am in NYC. I will help")."""
    runs: list[tuple[int, str]] = []
    j, n = 0, len(got.texts)
    while j < n:
        if got.source[j] is not None:
            j += 1
            continue
        k = j
        while k + 1 < n and got.source[k + 1] is None and best[k + 1] == best[j]:
            k += 1
        if k > j:
            runs.append((int(best[j]), " ".join(got.texts[j : k + 1])))
        j = k + 1
    return runs


__all__ = ["MAX_SCORED_UNITS", "Pieces", "key", "pieces", "preservation"]
