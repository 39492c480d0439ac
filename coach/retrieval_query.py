"""How an update becomes a query, and how a unit is read in its update's context.

Measured on the real-updates gold, leave-one-organisation-out (docs/grounding.md, third and
eighth rounds): MiniLM reads 256 word pieces, so an update is read as passage-sized windows, the
opening one weighted x2; a unit's passage is picked with its update's query as context, its score
staying the unit's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

import numpy as np

from coach.ingest.chunking import PACK_CHARS, split_text
from coach.types import Citation

CONTEXT = 0.5  # a unit's passage: the max of cos(unit) + CONTEXT x cos(its update's query)


def query_windows(text: str) -> list[str]:
    """The update cut into passage-sized windows (none when it is one window already).

    MiniLM reads 256 word pieces, so the update's own vector sees only its opening; the mean of
    its windows sees all of it (docs/grounding.md, third and eighth rounds)."""
    windows = split_text(text, pack=PACK_CHARS)
    return windows if len(windows) > 1 else []


_WORD = re.compile(r"\S+")


def window_spans(text: str, windows: Sequence[str]) -> list[tuple[int, int]]:
    r"""Where each window lies in `text`, as (start, end) characters.

    The chunker rebuilds a window from blocks (bullets and table rows tidied, blocks joined by
    blank lines), so a window is not always a substring of the text: its words are matched to
    the text's words in order, and a window's span runs from its first matched word to its
    last (a window with no word matched gets (0, 0)).

    >>> window_spans("A b.\n\n- c d\n\ne f", ["A b.", "- c d\n\ne f"])
    [(0, 4), (6, 16)]
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    mine: list[str] = []
    owner: list[int] = []
    for i, w in enumerate(windows):
        found = w.split()
        mine += found
        owner += [i] * len(found)
    first: list[int | None] = [None] * len(windows)
    last: list[int | None] = [None] * len(windows)
    matcher = SequenceMatcher(None, [w for _, _, w in words], mine, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            i = owner[b + k]
            first[i] = a + k if first[i] is None else first[i]
            last[i] = a + k
    return [
        (words[f][0], words[z][1]) if f is not None and z is not None else (0, 0)
        for f, z in zip(first, last, strict=True)
    ]


FIRST_WINDOW = 2.0  # the opening window's weight in the query: it states what the update is about


def query_texts(text: str) -> list[str]:
    """What the grounding query embeds: the update's windows, or the update itself when it is
    one window. Never the whole text of a longer update: MiniLM would read only its opening,
    which the first window already is (docs/grounding.md, "Landed (2 December)")."""
    return query_windows(text) or [text]


def query_vector(vectors: np.ndarray, first: float = FIRST_WINDOW) -> np.ndarray:
    """The mean of the `query_texts` vectors, the first weighted `first`, unit length.

    >>> [round(float(x), 3) for x in query_vector(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]))]
    [0.707, 0.707]
    """
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    weights = np.ones(len(vectors), dtype=np.float32)
    weights[0] = first
    mean = (weights[:, None] * vectors).sum(axis=0)
    size = float(np.linalg.norm(mean))
    return (mean / size).astype(np.float32) if size else vectors[0]


def blended_query(update: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """The query shipped until 2 December: equal parts the whole update's vector and the mean
    of its windows. The pipeline no longer uses it; eval/grounding_late.py's variants do."""
    update = np.asarray(update, dtype=np.float32)
    if len(windows) == 0:
        return update
    mean = np.asarray(windows, dtype=np.float32).mean(axis=0)
    size = float(np.linalg.norm(mean))
    if size == 0.0:  # nothing to add (a degenerate embedder): the update's own vector
        return update
    blend = 0.5 * update + 0.5 * mean / size
    norm = float(np.linalg.norm(blend))
    return (blend / norm).astype(np.float32) if norm else update


def pick_in_context(
    vectors: np.ndarray,
    lists: Sequence[Sequence[Citation]],
    query: np.ndarray,
    pool: Mapping[str, Citation],
    found: Mapping[str, Sequence[float]],
    context: float = CONTEXT,
) -> list[list[Citation]]:
    """Each unit's passage, chosen from `pool` by its cosine plus `context` x its update's:
    "merged the PR" alone has no topic, its update has. The pick keeps the unit's own cosine
    as its score, so whether the unit maps is still decided by the unit's own evidence.

    >>> a, b = Citation("a", "s", "A", 0.0), Citation("b", "s", "B", 0.0)
    >>> found = {"a": [1.0, 0.0], "b": [0.8, 0.6]}
    >>> unit, update = np.array([[1.0, 0.0]]), np.array([0.0, 1.0])
    >>> [(c.id, c.score) for c in pick_in_context(unit, [[a]], update, {"a": a, "b": b}, found)[0]]
    [('b', 0.8)]
    """
    ids = [i for i in pool if i in found]
    if not ids:
        return [list(x[:1]) for x in lists]
    matrix = np.asarray([found[i] for i in ids], dtype=np.float32)
    own = np.asarray(vectors, dtype=np.float32) @ matrix.T
    bonus = context * (matrix @ np.asarray(query, dtype=np.float32))
    out: list[list[Citation]] = []
    for row, mine in zip(own, lists, strict=True):
        if not mine:
            out.append([])
            continue
        j = int(np.argmax(row + bonus))
        out.append([replace(pool[ids[j]], score=round(float(row[j]), 4))])
    return out
