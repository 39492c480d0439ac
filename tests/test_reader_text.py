"""A heading's outline number is unread; a version or a figure opening a heading is a fact.

Facts in = facts out by code: the rule that drops a heading's number must never drop a real
fact, so it is held both ways, through `unread` (the eval's curated metric) and through the
code check's extraction (coach.facts), which read a source by the same rule."""

from __future__ import annotations

import doctest

import pytest

from coach import reader_text
from coach.facts import extract_facts
from coach.reader_text import section_numbers, unread

# Real facts that open a heading: each must stay a fact, alone or beside numbered headings.
READ = [
    ("### 4.2 release", "4.2"),
    ("## 2025 goals", "2025"),
    ("### 3 councils joined", "3"),
    ("## 1.5x faster", "1.5x"),
    ("### 4.2. release", "4.2"),  # closed, but no title follows: a version in a sentence
    ("### 4.2 Release", "4.2"),  # titled, but alone: no numbered sequence around it
    ("## 2024 in review", "2024"),
]
# Outline numbering: closed by ")" or "." before a title, or in a numbered heading sequence.
UNREAD = [
    ("## 1) Infrastructure", "1"),
    ("### 1.1) Codeorigin", "1.1"),
    ("## 2. Goals", "2"),
    ("## 3) **Risks**", "3"),
    ("## 1) Infrastructure\n### 1.2 Blog sites", "1.2"),  # its parent numbers the section
    ("### 2.1 Mirrors\n### 2.2 Blog sites", "2.2"),  # a sibling numbers it
]


def _facts(text: str) -> list[str]:
    return [f.text for f in extract_facts(text)]


@pytest.mark.parametrize("heading,fact", READ)
def test_a_figure_that_opens_a_heading_is_read(heading: str, fact: str) -> None:
    text = f"{heading}\n\nWe met the board."
    assert section_numbers(text) == []
    assert fact in unread(text)
    assert any(fact in f for f in _facts(text)), _facts(text)


@pytest.mark.parametrize("heading,number", UNREAD)
def test_an_outline_number_is_not_read(heading: str, number: str) -> None:
    text = f"{heading}\n\nWe met the board."
    last = heading.splitlines()[-1]
    assert last.split()[0] + " " + number not in unread(text)
    assert number not in _facts(text) and number + ")" not in _facts(text)
    assert last.split(None, 2)[-1].strip("*") in unread(text)  # the title stays


def test_a_version_beside_numbered_headings_is_still_read() -> None:
    """Numbered sections do not make every number at a heading's start a section number."""
    text = "## 1) Releases\n### 1.1) Notes\n\nShipped.\n\n### 4.2 release\n\nOut on Monday."
    assert "4.2" in unread(text) and "4.2" in _facts(text)
    assert "1.1" not in _facts(text)


def test_docstring_examples() -> None:
    assert doctest.testmod(reader_text).failed == 0
