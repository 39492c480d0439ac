"""Readability guardrails without downloads: Flesch-Kincaid grade with our own syllable counter.

textstat fetches cmudict at run time (fails offline), so syllables come from a vowel-group
heuristic; it is within about one syllable per word of a dictionary on ordinary English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach.segment import segment

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?")
_VOWELS = re.compile(r"[aeiouy]+")


def words(text: str) -> list[str]:
    """Word tokens: letters (with inner apostrophes and hyphens) or numbers."""
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Vowel groups, minus a silent final e, plus -le endings; at least one per word (cached
    per word: every rewrite's scores read the grade of the update and of the rewrite)."""
    w = word.lower().strip("'’-")
    if not w or not w[0].isalpha():
        return 1  # numbers read as one unit; FK was never defined for them
    if len(letters := [c for c in w if c.isalpha()]) >= 2 and word.isupper():
        return len(letters)  # acronyms are spelled out: "NHS" = 3
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if w.endswith(("ed", "es")) and count > 1 and not re.search(r"[td]ed$|[sxz]es$|[cs]hes$", w):
        count -= 1
    return max(1, count)


def count_sentences(text: str) -> int:
    """Sentences and bullets as the analyser's segmenter sees them (headings excluded)."""
    return max(1, len(segment(text))) if text.strip() else 0


def readability(text: str, sentences: int | None = None) -> dict[str, float]:
    """Grade level (Flesch-Kincaid), words, sentences and average sentence length.

    `sentences`: the count when the caller has segmented the text already (an analysis)."""
    ws = words(text)
    n_sent = sentences if sentences is not None else count_sentences(text)
    n_sent = max(1, n_sent) if text.strip() else 0
    if not ws or not n_sent:
        return {"grade_level": 0.0, "words": 0, "sentences": 0, "avg_sentence_words": 0.0}
    syl = sum(syllables(w) for w in ws)
    wps = len(ws) / n_sent
    grade = 0.39 * wps + 11.8 * (syl / len(ws)) - 15.59
    return {
        "grade_level": round(grade, 2),
        "words": len(ws),
        "sentences": n_sent,
        "avg_sentence_words": round(wps, 2),
    }


def copy_rate(source: str, rewrite: str, n: int = 6) -> float:
    """Share of the rewrite's word n-grams found verbatim in the source (0 = all new words)."""
    src = [w.lower() for w in words(source)]
    out = [w.lower() for w in words(rewrite)]
    if len(out) < n:
        return 1.0 if out and " ".join(out) in " ".join(src) else 0.0
    grams = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    hits = sum(tuple(out[i : i + n]) in grams for i in range(len(out) - n + 1))
    return round(hits / (len(out) - n + 1), 4)
