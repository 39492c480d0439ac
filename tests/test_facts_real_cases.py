"""Facts in = facts out on the updates the code check failed on (2026-12-01): short excerpts of
real updates of the real-updates dataset (ids in the comments). Two kinds of cause, two kinds
of fix: what a reader never sees (a reference-link label, a heading's section number) is no
fact to repeat, by the same rule as the eval's curated metric; what a reader does see (an
autolink's address, a link in a code sample, a heading's name) the offline engine keeps."""

from __future__ import annotations

import pytest

from coach.analysis import analyze
from coach.engines.arrange import context_lines
from coach.engines.base import AUDIENCES, LENGTHS, Request
from coach.engines.offline import OfflineEngine
from coach.engines.sections import template
from coach.evals.rewrites import _reader_text
from coach.facts import check_facts, extract_facts
from coach.reader_text import unread

CASES = {
    # rust-compiler-steering-2023-02: the label's "10" is never shown
    "ref-label": (
        "On [Friday, February 10th][feb-10-zulip-archive], the Rust Compiler team had a planning "
        "meeting for the February 2023 steering cycle.\n\n"
        "[feb-10-zulip-archive]: https://rust-lang.zulipchat.com/#narrow/stream/238009\n"
    ),
    # ao-jquery-2023-02 and -03: outline numbers of headings
    "heading-numbers": (
        "# Update 2023-02\n\n## 1) Infrastructure\n\n### 1.1) Codeorigin\n\n"
        "The codeorigin service hosts the data served via the main jQuery CDN.\n\n"
        "### 1.2 Blog sites\n\nA new server for the blogs sites was created with Puppet.\n"
    ),
    # ao-homebrew-2024-04: autolinks to pull requests, on the bullet's own wrapped lines
    "autolinks": (
        "## Completed\n\n"
        "* Future versions of `brew` will elevate this behavior to on-by-default for people "
        "running Homebrew in development\n  mode, followed by all users:\n"
        "  <https://github.com/Homebrew/brew/pull/17049>,\n"
        "  <https://github.com/Homebrew/brew/pull/17190>.\n\n"
        "* We delivered our SOSS Day NA presentation on our implementation:\n"
        "  <https://sched.co/1aNLt>.\n"
    ),
    # rust-pm-2025-07-goal-admin: an autolink as a paragraph of its own
    "autolink-paragraph": (
        "After people provided their final messages, I've published the final 2025H1 Project "
        "Goals update:\n\n<https://blog.rust-lang.org/2025/08/05/july-project-goals-update/>\n\n"
        "With that done, I've closed most of the tracking issues.\n"
    ),
    # crates-io-2024-07-cargo-install-dark-mode: links inside a fenced code sample
    "code-sample": (
        "We now also have dark/light theme support for images in your `README.md` files:\n\n"
        "```html\n<picture>\n"
        '  <source media="(prefers-color-scheme: dark)" srcset="https://test.crates.io/logo_dark.svg">\n'
        '  <img src="https://test.crates.io/logo.svg" alt="logo" width="200">\n'
        "</picture>\n```\n"
    ),
    # nrw-weeknotes-2026-02-13: an image with a space inside its parentheses
    "image-space": (
        "Here's what our team has been up to this week.\n\n"
        "![Photo of sunlight filtering through trees]( https://example.org/images/156.jpg?raw=true)"
        "\n\nWe shipped the new permit form to 4 regions.\n"
    ),
    # openssf-vuln-wg-2024-q4: a heading's name that only a condensed unit says
    "heading-name-brief": (
        "## Working group update\n\nWe published the CVD guide for maintainers in Q4.\n\n"
        "### Tabletop Exercises\n#### Purpose\n"
        "- To share best practices on how to plan and run effective cybersecurity tabletop "
        "exercises.\n#### Current Status\n- Ran our TTX at OSS-JP SOSS Community Day\n"
    ),
}


def draft(text: str, **kw: str):  # type: ignore[no-untyped-def]
    return OfflineEngine().rewrite(Request(text, analyze(text), (), **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("length", LENGTHS)
def test_the_offline_rewrite_keeps_every_fact_the_check_reads(
    case: str, audience: str, length: str
) -> None:
    source = CASES[case]
    text = draft(source, audience=audience, length=length).text
    check = check_facts(source, text)
    assert check.ok, (case, check.missing, check.added, text)


def test_what_a_reader_never_sees_is_no_fact() -> None:
    keys = [f.text for f in extract_facts(CASES["ref-label"] + CASES["heading-numbers"])]
    assert "10" not in keys and "1.1" not in keys and "1.2" not in keys
    assert "February 10th" in keys and "Codeorigin" in keys  # the text around them still counts
    assert "https://rust-lang.zulipchat.com/#narrow/stream/238009" in keys  # a target is a fact
    # A year opening a heading is no outline number.
    assert "2024" in [f.text for f in extract_facts("## 2024 in review\n\nWe met.")]


def test_the_check_and_the_curated_metric_read_a_source_by_one_rule() -> None:
    src = CASES["ref-label"] + CASES["heading-numbers"]
    seen = _reader_text(src)
    assert "feb-10-zulip-archive" not in seen and "1.1)" not in seen and "1.2 blog" not in seen
    assert unread("On [Friday][feb-10-zulip-archive], we met.") == "On [Friday], we met."
    assert unread("### 1.1) Origin\n### 1.2 Blog sites") == " Origin\n Blog sites"


def test_links_a_reader_sees_are_kept_as_addresses() -> None:
    text = draft(CASES["autolinks"]).text
    for url in (
        "https://github.com/Homebrew/brew/pull/17049",
        "https://github.com/Homebrew/brew/pull/17190",
        "https://sched.co/1aNLt",
    ):
        assert url in text
    assert "<https://" not in text  # the autolink's brackets are markup


@pytest.mark.parametrize("audience", AUDIENCES)
def test_an_address_is_written_as_the_author_wrote_it(audience: str) -> None:
    """Facts in = facts out, case and all: a sentence's capital never lands on an address."""
    text = draft(CASES["autolink-paragraph"], audience=audience).text
    assert "https://blog.rust-lang.org/2025/08/05/july-project-goals-update/" in text
    assert "Https://" not in text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_addresses_with_no_words_read_as_links_not_as_context(audience: str) -> None:
    """A code sample's links are facts no unit holds: kept, on a "Links:" line a reader can
    use, not a "Context:" sentence of bare addresses with a full stop glued to the last."""
    source = CASES["code-sample"]
    text = draft(source, audience=audience).text
    lines = text.split("\n\n")
    assert "Links: https://test.crates.io/logo_dark.svg, https://test.crates.io/logo.svg" in lines
    assert not any(x.startswith("Context:") for x in lines), text
    assert check_facts(source, text).ok


def test_a_heading_and_a_bare_address_each_get_their_line() -> None:
    labels = template()["labels"]
    context = ["Update 2024-10", "<https://x.org/a.svg>", "[Notes](https://x.org/n)"]
    assert context_lines(context, labels) == [
        "Context: Update 2024-10; [Notes](https://x.org/n).",  # a link with words is read
        "Links: https://x.org/a.svg",
    ]
    assert context_lines([], labels) == []
