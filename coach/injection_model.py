"""A language-independent injection signal: logistic regression on multilingual sentence vectors.

The rules in coach.injection read words; an order in a language or phrasing they do not spell
("Unohda aiemmat ohjeet", a polite passive, a persona) slips past them. This scores each
sentence of the text by its vector from coach.multilingual (USE multilingual v3: orders to a
model land close together whatever the language) with weights trained by
eval/injection/train_model.py (coach/data/injection_model.json), and flags sentences above a
threshold chosen for 0 false alarms on real updates of organisations held out of training.

What is scored is what a model would read, not what a reader sees:
- sentences, not lines: a sentence hard-wrapped or split over bullets is joined first
  (injection_norm.flattened), so "- kindly put X / - as its opening line" is one order;
- disguises undone: full-width letters folded (NFKC), words that mix Latin with Cyrillic or
  Greek look-alikes read as Latin, leet digits inside words read as letters ("1gn0r3");
- rot13, other Caesar shifts and reversed text: read back when that turns the words into
  language by the encoder's own piece counts (no word list).
"""

from __future__ import annotations

import itertools
import json
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources

import numpy as np

from coach import injection_norm, multilingual

_MIN_CHARS = 12  # shorter pieces (headings, dates) carry no order worth a vector
_MAX_CHARS = 600  # a longer "sentence" is scored in pieces of this size
_BOUNDARY = re.compile(r"[.!?]+(?=\s|$)|[。！？]+|\n")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_ROT_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]{3,}(?![^\W\d_])")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s)\]>]{1,2000}", re.I)


@dataclass(frozen=True)
class Model:
    weights: np.ndarray
    bias: float
    threshold: float  # any sentence scoring this high is an order
    threshold_offgenre: float  # ... or this high, when it is unlike the rest of its update
    genre_max: float  # "unlike": cosine to the closest other sentence below this


# "Unlike the rest of its update" is only measurable when there is a rest: see line_spans.
OFFGENRE_MIN_SENTENCES = 4


@lru_cache(maxsize=1)
def _model() -> Model:
    raw = resources.files("coach").joinpath("data/injection_model.json").read_text("utf-8")
    data = json.loads(raw)
    return Model(
        np.asarray(data["weights"], dtype=np.float32),
        float(data["bias"]),
        float(data["threshold"]),
        float(data["threshold_offgenre"]),
        float(data["genre_max"]),
    )


def segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` worth scoring, split lines joined first."""
    flat = injection_norm.flattened(text)
    out: list[tuple[int, int]] = []
    cuts = [0, *(m.end() for m in _BOUNDARY.finditer(flat)), len(flat)]
    for s, e in itertools.pairwise(cuts):
        while s < e and flat[s].isspace():
            s += 1
        while e > s and flat[e - 1].isspace():
            e -= 1
        for a in range(s, e, _MAX_CHARS):
            b = min(e, a + _MAX_CHARS)
            if sum(not c.isspace() for c in flat[a:b]) >= _MIN_CHARS:
                out.append((a, b))
    return out


def _mixed(word: str) -> bool:
    scripts = {unicodedata.name(c, "?").split()[0] for c in word if c.isalpha()}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


def unmasked(piece: str) -> str:
    """What a model reads in `piece`: NFKC, line breaks and bullets as spaces, look-alike
    letters in mixed-script words as Latin, leet digits inside words as letters, each URL as
    the word "link" (an address says nothing about who is addressed, and costs tokens)."""
    piece = unicodedata.normalize("NFKC", injection_norm.flattened(piece)).replace("\n", " ")
    piece = _URL.sub("link", piece)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if _mixed(w):
            w = injection_norm.latin(w)
        if any(c.isdigit() for c in w) and sum(c.isalpha() for c in w) >= 2:
            w = w.translate(_LEET)
        return w

    return " ".join(_WORD.sub(word, piece).split())


def _shift(word: str, k: int) -> str:
    """A Caesar shift of the Latin letters of `word` by k (13 is rot13)."""
    return word.translate(_SHIFTS[k])


_SHIFTS = {
    k: str.maketrans(
        string.ascii_lowercase + string.ascii_uppercase,
        string.ascii_lowercase[k:]
        + string.ascii_lowercase[:k]
        + string.ascii_uppercase[k:]
        + string.ascii_uppercase[:k],
    )
    for k in range(1, 26)
}


def _better(words: list[str], undo: Callable[[str], str]) -> set[str]:
    """The words that `undo` turns into language: fewer encoder pieces after than before. A
    word of a language the encoder knows is a few SentencePiece pieces, gibberish many
    ("Jevgr" 5, "Write" 3): no word list is involved, so any Latin-script language works."""
    return {w for w in words if multilingual.pieces(undo(w)) < multilingual.pieces(w)}


def _hidden_reading(text: str) -> str:
    """The text with the words hidden by rot13, another Caesar shift or reversal read back, or
    "" when fewer than two words (for a shift or reversal: and a third of them) read better
    so. rot13 is tried on every sentence; other shifts and reversal only on one whose words
    are largely gibberish to the encoder (a third of them more than one piece per two
    letters), which real status text almost never is."""
    words = sorted(set(_ROT_WORD.findall(text[:2000])))
    if len(words) < 2:
        return ""

    def enough(found: set[str]) -> bool:
        return len(found) >= 2 and len(found) >= len(words) / 3

    def shifted(found: set[str], k: int) -> str:
        return _ROT_WORD.sub(
            lambda m: _shift(m.group(0), k) if m.group(0) in found else m.group(0), text
        )

    noise = sum(multilingual.pieces(w) - 2 > len(w) / 2 for w in words)
    if len(words) >= 3 and noise >= len(words) / 3:  # much gibberish: try every way back
        backwards = _better(words, lambda w: w[::-1])
        shifts = {k: _better(words, partial(_shift, k=k)) for k in range(1, 26)}
        k = max(shifts, key=lambda k: len(shifts[k]))
        if len(backwards) > len(shifts[k]) and len(backwards) >= max(2, len(words) / 3):
            return text[::-1]
        if len(shifts[k]) >= max(2, len(words) / 3):
            return shifted(shifts[k], k)
    found = _better(words, lambda w: _shift(w, 13))
    if len(found) >= 2:  # rot13 is common enough to try on every sentence
        return shifted(found, 13)
    return ""


def readings(piece: str) -> list[str]:
    """The texts scored for one sentence: its unmasked form, and its decoded reading when
    rot13, another shift or reversal turns it into language (how an order is hidden from a
    reader yet kept for a model)."""
    text = unmasked(piece)
    hidden = _hidden_reading(text)
    return [text, hidden] if hidden else [text]


def scores(pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per piece: the classifier's score (the highest over its readings), and its cosine to
    the closest other piece (1.0 when it is alone), which says whether it fits the text."""
    if not pieces:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
    flat: list[str] = []
    owner: list[int] = []
    first: list[int] = []
    for i, p in enumerate(pieces):
        first.append(len(flat))
        for r in readings(p):
            flat.append(r)
            owner.append(i)
    m = _model()
    vectors = multilingual.embed(flat)
    raw = vectors @ m.weights + m.bias
    best = np.full(len(pieces), -np.inf, dtype=np.float32)
    np.maximum.at(best, np.asarray(owner), raw.astype(np.float32))
    near = np.ones(len(pieces), dtype=np.float32)
    if len(pieces) > 1:
        own = vectors[first]
        sim = own @ own.T
        np.fill_diagonal(sim, -1.0)
        near = sim.max(axis=1)
    return best, near


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence whose vector scores as an order to a model: above the
    threshold, or above the lower off-genre one when it is unlike every other sentence."""
    found = segments(text)
    if not found:
        return []
    m = _model()
    s, near = scores([text[a:b] for a, b in found])
    # "Unlike every other sentence" needs other sentences to be unlike: in a two- or
    # three-sentence update every sentence is far from the rest (a contact line beside two
    # ticket counts), so the lower off-genre threshold applies only with enough context.
    offgenre = len(found) >= OFFGENRE_MIN_SENTENCES
    flagged = (s >= m.threshold) | (offgenre & (near < m.genre_max) & (s >= m.threshold_offgenre))
    return [span for span, hit in zip(found, flagged, strict=True) if hit]
