"""Orphaned leaning sentences: a rewrite sentence that points back ("That's the majority of
adults in the UK", "So by June ...", "It went live") placed after something other than the
sentence it followed in the update. Its "that" now points at the wrong thing or at nothing:
the meaning changed, and the garble detector (coach/evals/garble.py), which reads one sentence
at a time, cannot see it.

How it reads a rewrite, engine-agnostic: each unit of the update (coach.segment, markup
cleaned) is found in the rewrite by its words (lower case, punctuation and labels ignored, so a
fold's semicolons and lower-cased first words still match). For a unit that leans
(coach.engines.leaning.leans_on_previous, the engine's own vocabulary: one place) and whose
predecessor in the update is a unit of the same section (no heading between them), the words
just before it in the rewrite must be the end of that predecessor; anything else, or nothing,
is an orphan. The first bullet under a lead-in ("include:" + "- It was her first meeting")
points at the lead-in, which heads its whole list: any place after it in the same paragraph
will do. The update's first unit, a unit right under a heading and one after a greeting ("Hi
everyone, this is my third report") lean on no sentence and are not counted; nor is a unit
the rewrite does not show (nothing is orphaned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from coach.engines.base import AUDIENCES, LENGTHS, Engine, Request
from coach.engines.leaning import leans_on_previous, no_antecedent
from coach.markup import clean_unit, link_definitions, plain
from coach.segment import parse
from coach.types import Analysis, Citation

_WORD = re.compile(r"\w+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
TAIL = 4  # the predecessor's last words that must come right before the leaning sentence


@dataclass(frozen=True)
class Orphan:
    sentence: str  # the leaning unit, as the author wrote it (cleaned)
    antecedent: str  # the unit it followed in the update
    shown_after: str  # the words the rewrite puts before it instead ("" when it opens)


def _words(text: str) -> list[str]:
    return _WORD.findall(plain(text).lower())


def _find(hay: list[str], needle: list[str]) -> list[int]:
    """Every position where `needle` occurs in `hay` as a run of whole words."""
    n = len(needle)
    first = needle[0]
    return [i for i, w in enumerate(hay) if w == first and hay[i : i + n] == needle]


def orphans(rewrite: str, source: str) -> list[Orphan]:
    """The leaning units of `source` that `rewrite` shows away from their antecedent."""
    refs = link_definitions(source)
    hay: list[str] = []
    block: list[int] = []  # which paragraph of the rewrite each word is in
    for k, para in enumerate(_PARAGRAPHS.split(rewrite)):
        words = _words(para)
        hay += words
        block += [k] * len(words)
    out: list[Orphan] = []
    prev: tuple[str, list[str]] | None = None  # the last unit with words, since a heading
    for seg in parse(source):
        if seg.kind == "heading":
            prev = None
            continue
        text = clean_unit(seg.text, refs)
        words = _words(text)
        if not words:
            continue
        if prev is not None and leans_on_previous(text):
            tail = prev[1][-TAIL:]
            # the first bullet under a lead-in ("include:" + "- It was Eli's first meeting")
            # points at the lead-in, which heads the whole list: any place in it will do
            head = seg.kind != "sentence" and prev[0].endswith(":")
            for at in _find(hay, words):
                if hay[max(0, at - len(tail)) : at] == tail:
                    continue
                if head and any(block[q] == block[at] for q in _find(hay[:at], prev[1])):
                    continue
                before = " ".join(hay[max(0, at - 8) : at])
                out.append(Orphan(" ".join(text.split()), prev[0], before))
                break
        prev = None if no_antecedent(text) else (" ".join(text.split()), words)
    return out


CHOICES = tuple(product(AUDIENCES, LENGTHS))


def every_choice(
    engine: Engine, analysis: Analysis, citations: tuple[Citation, ...] = ()
) -> list[dict[str, str]]:
    """The orphans of `engine`'s rewrite of one analysed update in every audience x length
    (the eval's default run sees one of them; a fold in brief or a list in team is another
    arrangement that can orphan). The offline engine takes ~20 ms a rewrite, so the sweep
    adds seconds to `coach eval real`, not minutes."""
    out = []
    for audience, length in CHOICES:
        req = Request(analysis.text, analysis, citations, audience, length)  # type: ignore[arg-type]
        text = engine.rewrite(req).text
        out += [
            {"audience": audience, "length": length, **o.__dict__}
            for o in orphans(text, analysis.text)
        ]
    return out


__all__ = ["CHOICES", "TAIL", "Orphan", "every_choice", "orphans"]
