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

import bisect
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

from coach import injection_norm, injection_structure, multilingual

_MIN_CHARS = 12  # shorter pieces (headings, dates) carry no order worth a vector
_MIN_WORDS = 3  # beside links, fewer words than this (or than links) say nothing
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
    threshold_joined: float  # the same two, for structural readings (rows, columns, steps)
    threshold_joined_offgenre: float
    alpha: float = 0.0  # weight of the cosine to the closest training order
    prototypes: np.ndarray | None = None  # the training orders' vectors (float32, unit norm)
    threshold_clause: float = 0.0  # the same two, for clause readings of a long sentence
    threshold_clause_offgenre: float = 0.0

    def score(self, vectors: np.ndarray) -> np.ndarray:
        """Ridge score, plus alpha x the cosine to the closest training order."""
        out = vectors @ self.weights + self.bias
        if self.alpha and self.prototypes is not None and len(vectors):
            out = out + self.alpha * (vectors @ self.prototypes.T).max(axis=1)
        return out.astype(np.float32)


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
        float(data.get("threshold_joined", data["threshold"])),
        float(data.get("threshold_joined_offgenre", data["threshold_offgenre"])),
        float(data.get("alpha", 0.0)),
        _prototypes() if data.get("alpha") else None,
        float(data.get("threshold_clause", np.inf)),  # a model without clauses: never flagged
        float(data.get("threshold_clause_offgenre", np.inf)),
    )


def _prototypes() -> np.ndarray:
    with resources.files("coach").joinpath("data/injection_prototypes.npy").open("rb") as f:
        return np.load(f, allow_pickle=False).astype(np.float32)


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
    if word.isascii():  # only Latin letters, if any: the common case, without unicodedata
        return False
    scripts = {unicodedata.name(c, "?").split()[0] for c in word if c.isalpha()}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


@lru_cache(maxsize=8192)
def unmasked(piece: str) -> str:
    """What a model reads in `piece` (cached per text: a rewrite reads each piece twice, for
    its readings and for whether it is informative): NFKC, line breaks and bullets as spaces, look-alike
    letters in mixed-script words as Latin, leet digits inside words as letters, each URL as
    the word "link" (an address says nothing about who is addressed, and costs tokens), each
    base64 or hex run that decodes to bytes, not text, as the word "code"."""
    piece = unicodedata.normalize("NFKC", injection_norm.flattened(piece)).replace("\n", " ")
    piece = _URL.sub("link", piece)
    for a, b in reversed(injection_norm.binary(piece)):  # a digest or key: one word, no letters
        piece = piece[:a] + "code" + piece[b:]

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
    # A count includes the two boundary tokens, so no text counts under 3: a word that is one
    # piece already (two thirds of real words) cannot read better, and is not tokenized again.
    return {
        w for w in words if (n := multilingual.pieces(w)) > 3 and multilingual.pieces(undo(w)) < n
    }


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


def informative(piece: str) -> bool:
    """Whether `piece` says anything besides addresses: a line of links with a word or two
    around them ("link Fixed type annotations link") scores by chance, not by meaning, and
    a link is never an order (each URL is read as the word "link", see unmasked)."""
    words = _WORD.findall(unmasked(piece))
    links = sum(w.lower() == "link" for w in words)
    return not links or len(words) - links >= max(_MIN_WORDS, links)


def scores(
    pieces: list[str],
    sentence: list[bool] | None = None,
    overlaps: list[frozenset[int]] | None = None,
    *,
    near: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per piece: the classifier's score of what it says, of its decoded reading (rot13,
    another shift or reversal: -inf when there is none), and its cosine to the closest
    sentence it does not overlap (1.0 when there is none), which says whether it fits the
    text. Without `sentence`/`overlaps` every piece is a separate sentence. `near=False` skips
    that cosine (all 1.0): it costs pieces x sentences, and a caller without the off-genre
    threshold (ingest: strategy prose is another genre) never reads it."""
    if not pieces:
        empty = np.zeros(0, dtype=np.float32)
        return empty, empty, empty
    if sentence is None or overlaps is None:
        sentence = [True] * len(pieces)
        overlaps = [frozenset([i]) for i in range(len(pieces))]
    dumb = [i for i, p in enumerate(pieces) if not informative(p)]
    # A piece that says nothing but addresses scores -inf whatever its vector; the vector is
    # read only as another sentence's neighbour (near, a sentence piece). Otherwise it is not
    # encoded at all (its row stays zero): every score and span is the same.
    unread = {i for i in dumb if not (near and sentence[i])}
    flat: list[str] = []
    owner: list[int] = []
    first: list[int] = []
    for i, p in enumerate(pieces):
        if i in unread:
            continue
        first.append(len(flat))
        for r in readings(p):
            flat.append(r)
            owner.append(i)
    m = _model()
    read = [i for i in range(len(pieces)) if i not in unread]
    encoded = multilingual.embed(flat)
    raw = m.score(encoded)
    plain = np.full(len(pieces), -np.inf, dtype=np.float32)
    plain[read] = raw[first]
    decoded = np.full(len(pieces), -np.inf, dtype=np.float32)
    rest = np.setdiff1d(np.arange(len(flat)), first)
    np.maximum.at(decoded, np.asarray(owner, dtype=np.int64)[rest], raw[rest])
    plain[dumb] = decoded[dumb] = -np.inf
    if not near:
        return plain, decoded, np.ones(len(pieces), dtype=np.float32)
    own = np.zeros((len(pieces), encoded.shape[1]), dtype=np.float32)
    own[read] = encoded[first]
    return plain, decoded, closeness(own, sentence, overlaps)


def closeness(own: np.ndarray, sentence: list[bool], overlaps: list[frozenset[int]]) -> np.ndarray:
    """Each piece's cosine to the closest sentence of the text it does not overlap (1.0 when
    there is none): "the rest of the update" is its other sentences. `overlaps[i]` holds
    sentence numbers (0, 1, ... in the order the sentence pieces come)."""
    near = np.ones(len(own), dtype=np.float32)
    rows = [i for i, s in enumerate(sentence) if s]
    if not rows:
        return near
    sent = own[rows]
    for lo in range(0, len(own), 512):  # in blocks: a huge paste must not need n x m at once
        sim = own[lo : lo + 512] @ sent.T
        for i in range(sim.shape[0]):
            for k in overlaps[lo + i]:
                if k < sim.shape[1]:
                    sim[i, k] = -2.0
        top = sim.max(axis=1) if sim.shape[1] else np.full(sim.shape[0], -2.0)
        near[lo : lo + 512] = np.where(top > -2.0, top, 1.0)
    return near


def pieces(text: str) -> list[injection_structure.Piece]:
    """Every sentence of `text` and every reading across its structure (tables, headings,
    steps, values): coach.injection_structure."""
    return injection_structure.pieces(text, segments(text))


def line_spans(text: str, genre: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each part of every piece whose vector scores as an order to a model:
    above the threshold, or above the lower off-genre one when it is unlike the rest."""
    sentences = segments(text)
    if not sentences:
        return []
    found = injection_structure.pieces(text, sentences)
    m = _model()
    # "Unlike every other sentence" needs other sentences to be unlike: in a two- or
    # three-sentence update every sentence is far from the rest (a contact line beside two
    # ticket counts), so the lower off-genre threshold applies only with enough context.
    offgenre = genre and len(sentences) >= OFFGENRE_MIN_SENTENCES
    s, decoded, near = scores(
        [p.read(text) for p in found],
        [not p.joined for p in found],
        [p.sentences for p in found],
        near=offgenre,
    )
    kind = np.asarray([2 if p.clause else int(p.joined) for p in found])
    thr = np.choose(kind, [m.threshold, m.threshold_joined, m.threshold_clause])
    thr_off = np.choose(
        kind, [m.threshold_offgenre, m.threshold_joined_offgenre, m.threshold_clause_offgenre]
    )
    # a decoded reading is plain text once decoded (the decoder only offers one that reads
    # as language): it meets the sentence thresholds, whatever piece it was found in
    off = offgenre & (near < m.genre_max)
    flagged = (s >= thr) | (off & (s >= thr_off))
    flagged |= (decoded >= m.threshold) | (off & (decoded >= m.threshold_offgenre))
    hits = [p for p, hit in zip(found, flagged, strict=True) if hit]
    return [span for p in hits for span in _narrowed(text, p, hits)]


def _inside(q: injection_structure.Piece, p: injection_structure.Piece) -> bool:
    """Whether q is a strictly smaller piece whose every part lies within a part of p."""
    size = sum(e - s for s, e in p.spans)
    return (
        q is not p
        and sum(e - s for s, e in q.spans) < size
        and all(any(a <= s and e <= b for a, b in p.spans) for s, e in q.spans)
    )


def _narrowed(
    text: str, piece: injection_structure.Piece, hits: list[injection_structure.Piece]
) -> list[tuple[int, int]]:
    """The parts of a flagged piece to set aside. When the narrowest flagged pieces lie inside
    it (a JSON line and its value; steps joined into the next, clean bullet by the sentence
    joiner), only the lines those touch are set aside: a line none of them touches is the
    author's own and stays. Within a touched line, the whole piece's part goes."""
    narrower = [q for q in hits if _inside(q, piece) and not any(_inside(r, q) for r in hits)]
    if not narrower:
        return list(piece.spans)
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    touched = {
        k
        for q in narrower
        for s, e in q.spans
        for k in range(bisect.bisect_right(starts, s) - 1, bisect.bisect_right(starts, e - 1))
    }
    out = []
    for a, b in piece.spans:
        for k in range(bisect.bisect_right(starts, a) - 1, bisect.bisect_right(starts, b - 1)):
            if k in touched:
                lo = max(a, starts[k])
                hi = min(b, starts[k + 1] - 1 if k + 1 < len(starts) else len(text))
                if hi > lo:
                    out.append((lo, hi))
    return out
