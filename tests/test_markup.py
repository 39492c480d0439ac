"""The markup cleaner: every pass's docstring example, and real units from the dev set
(rust-lang MIT/Apache-2.0, ossf Apache-2.0, nrw-digital MIT) that leaked markup before."""

from __future__ import annotations

import doctest

import pytest

import coach.markup
from coach.markup import clean_unit, link_definitions, plain


def test_every_pass_example_holds() -> None:
    result = doctest.testmod(coach.markup)
    assert result.attempted >= 12 and not result.failed


REFS = {
    "jan-28-mtg": "https://github.com/rust-lang/compiler-team/issues/479",
    "p-high-issue-list": "https://github.com/rust-lang/rust/issues",
}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "On [Friday, 28 January][jan-28-mtg], we will be having a meeting",
            "On [Friday, 28 January](https://github.com/rust-lang/compiler-team/issues/479), "
            "we will be having a meeting",
        ),
        (
            "(there are currently [86 such issues][p-high-issue-list])",
            "(there are currently [86 such issues](https://github.com/rust-lang/rust/issues))",
        ),
        ("see the minutes [here][unknown-ref].", "see the minutes here."),
        ("*\tour ideal way to learn", "our ideal way to learn"),
        (
            "1. Start working on handling depict’s qualifiers",
            "Start working on handling depict’s qualifiers",
        ),
        (
            "- [x] TAC sponsor monitoring and consultation become optional.",
            "TAC sponsor monitoring and consultation become optional.",
        ),
        (
            "**Return Type Notation (RTN)** is implemented",
            "Return Type Notation (RTN) is implemented",
        ),
        (
            "crate [`dynosaur`](https://crates.io/crates/dynosaur)[^names] that can create wrappers",
            "crate [`dynosaur`](https://crates.io/crates/dynosaur) that can create wrappers",
        ),
        (
            "> > Thanks for the review,&#x20;we&nbsp;shipped it",
            "Thanks for the review, we shipped it",
        ),
        ("<p>Done &amp; dusted</p><br>", "Done & dusted"),
        ("<li>1. Released v2.0</li>", "Released v2.0"),
        (
            "![Photo of woodland](https://x.org/a.jpg) Teamwork to tackle tables",
            "Teamwork to tackle tables",
        ),
        ("| 14 Jan | Planning meeting |", "14 Jan – Planning meeting"),
        (
            "[Project Idea](https://x.org/115) > effort is stagnating",
            "[Project Idea](https://x.org/115) – effort is stagnating",
        ),
        ("my_crate_name and snake_case stay", "my_crate_name and snake_case stay"),
    ],
)
def test_real_units(raw: str, clean: str) -> None:
    assert clean_unit(raw, REFS) == clean


def test_definitions_and_plain() -> None:
    text = 'See [the list][P-High].\n\n[p-high]: <https://x.org/issues> "P-high"\n'
    assert link_definitions(text) == {"p-high": "https://x.org/issues"}
    assert plain("[Charter](https://docs.ecosyste.ms/charter) **published**") == "Charter published"


def test_inline_code_is_never_cleaned() -> None:
    """Real crates.io update: "`> [!NOTE]`" lost its quote marker and brackets ("`>!NOTE`")."""
    from coach.markup import clean_unit

    text = "Crate authors can use alert blocks like `> [!NOTE]` and `> [!WARNING]` in a README."
    assert clean_unit(text) == text
    # a reference label that is code still resolves (rust-edition-2024-tracking)
    refs = {"`unsafe_op_in_unsafe_fn`": "https://x.org/lint"}
    assert clean_unit("- Change the [`unsafe_op_in_unsafe_fn`] lint", refs) == (
        "Change the [`unsafe_op_in_unsafe_fn`](https://x.org/lint) lint"
    )
