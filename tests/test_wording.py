"""One list of the words a sentence cannot end on and one Title Case test (coach/wording.py),
read by the garble detector, the offline rewrite, the segmenter and the heading helpers. Before
(2 December) each had its own: the garble detector's 29 words, the rewrite's `trails_off_after`
(the same but "while") and the segmenter's 17 (with "in", "on", ... and without the pronouns);
three Title Case tests (plain-text titles, heading lead-ins, the joined lead's heading)."""

from __future__ import annotations

import doctest

import pytest

import coach.wording
from coach.engines.render import sentence
from coach.evals.garble import dangling_end
from coach.segment import segment
from coach.wording import LINE_ONLY, open_ends, title_case

WORDS = sorted(open_ends())


def test_doctests() -> None:
    assert doctest.testmod(coach.wording).failed == 0


def test_the_list_is_lower_case_and_has_no_particles() -> None:
    assert WORDS and all(w == w.lower() and w.isalpha() for w in WORDS)
    assert not LINE_ONLY & open_ends()  # "log in": a sentence may end on these


@pytest.mark.parametrize("word", WORDS)
def test_every_reader_reads_the_same_words(word: str) -> None:
    text = f"We spoke about the plan with {word}"
    assert sentence(text).endswith("...")  # the rewrite: the author's text trails off
    assert dangling_end(text + ".")  # the detector: a sentence cut short
    cut = f"We received thanks for all {word}\n\nThe trips went well."
    assert len(segment(cut)) == 1  # the segmenter: a paragraph cut mid-sentence goes on


@pytest.mark.parametrize("word", sorted(LINE_ONLY))
def test_a_particle_ends_a_sentence_but_not_a_line(word: str) -> None:
    assert sentence(f"It is what we log {word}").endswith(f"{word}.")
    assert not dangling_end(f"It is what we log {word}.")
    assert len(segment(f"We held a litterpick {word}\n\nThe park looked better.")) == 1


@pytest.mark.parametrize(
    ("text", "strict", "most"),
    [
        ("Legal Entity", True, True),
        ("December 2020", True, True),
        ("Flood Risk Management Plan for the Region", True, True),
        ("Audit Preparation completed", False, True),
        ("Team news", False, False),
        ("we shipped it", False, False),
    ],
)
def test_title_case(text: str, strict: bool, most: bool) -> None:
    assert title_case(text) is strict
    assert title_case(text, most=True) is most
