"""Sections of the offline rewrite, fifth round: headings that say what their items do not lead
them in, durations in words are kept, and an outcome still pending is no outcome. Each case is
a short excerpt of a real update of the real-updates dataset (its id in the comment)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import pytest

from coach.analysis import analyze
from coach.engines.base import AUDIENCES, LENGTHS, Request
from coach.engines.offline import OfflineEngine
from coach.engines.sections import heading_lead_in
from coach.evals.garble import find_garbles


def draft(text: str, **kw: str):  # type: ignore[no-untyped-def]
    return OfflineEngine().rewrite(Request(text, analyze(text), (), **kw))  # type: ignore[arg-type]


def every_draft(text: str) -> Iterator[tuple[str, str, str]]:
    """(audience, length, rewrite text) for every audience x length of the offline engine."""
    for audience, length in product(AUDIENCES, LENGTHS):
        yield audience, length, draft(text, audience=audience, length=length).text


@pytest.mark.parametrize(
    ("heading", "below", "lead_in"),
    [
        # ao-rustfoundation-2024-03: the name is said nowhere below as a whole
        (
            "Signing RFC",
            "Walter, in coordination with members of the Rust Project, is working on an "
            "ancillary RFC around signing.",
            True,
        ),
        # nrw-weeknotes-2022-11-24: a heading that is a sentence of its own
        (
            "5. We carried out a desktop walkthrough",
            "Each group chose a problem and prototyped a solution using lego and other props.",
            True,
        ),
        # rust-infra-2025-q4-fastly-bors-perf: it only restates its item
        (
            "Crates.io index and docs.rs served via Fastly",
            "The `crates.io` index and the `docs.rs` website are now served by the Fastly CDN.",
            False,
        ),
        # nrw-weeknotes-2026-04-23: a greeting is no title
        ("Here's what the Digital team has been up to this week", "Mary piloted training.", False),
        ("Next steps", "Ship the 1.2 release.", False),  # a section label
        ("What we did", "We met the Epic team.", False),  # generic: no fact, no sentence
        # Title Case makes every word look like a name: only a figure or acronym is a fact
        ("Security Enhancements", "Created the incident response plan.", False),  # ao-openjs
        ("Recent Updates", "Some members joined the consortium workstreams.", False),
        ("MFA Pilot", "One minor project is an initial investigation.", True),  # ao-freebsd
        # nrw-weeknotes-2025-06-27: a heading with its own colon would read as a double label
        ("Learning and Networking: 'Civil Service' LGBTQIA+ Event", "Phil attended.", False),
    ],
)
def test_a_heading_leads_in_only_when_it_says_what_its_items_do_not(
    heading: str, below: str, lead_in: bool
) -> None:
    assert bool(heading_lead_in(heading, below)) is lead_in


SIGNING = (
    "### PKI RFC\n\nThe PKI RFC is the first of a series for a PKI model for crates.io.\n\n"
    "### Signing RFC\n\nWalter, in coordination with members of the Rust Project, is working on "
    "an ancillary RFC around signing. This should be published in the next month.\n"
)


def test_the_heading_is_kept_as_its_items_lead_in_in_every_audience_and_length() -> None:
    for audience, length, out in every_draft(SIGNING):
        if length != "brief":
            assert "Signing RFC: Walter" in out, (audience, length, out)
        assert not find_garbles(out, SIGNING), (audience, length, out)


def test_a_heading_keeps_its_reference_link() -> None:
    # rust-goals-2024-09-edition: "(tracked in [#117])" lost its link target in the rewrite
    text = (
        "### Prepare Rust 2024 Edition (tracked in [#117])\n\n"
        "[#117]: https://github.com/rust-lang/rust-project-goals/issues/117\n\n"
        "The Rust 2024 edition is on track to be stabilized on Nightly by Nov 28.\n"
    )
    d = draft(text)
    assert "[#117](https://github.com/rust-lang/rust-project-goals/issues/117)" in d.text, d.text


def test_a_greeting_with_a_duration_in_words_keeps_it() -> None:
    # moj-courtfinder-team-2014: "three weeks" was set aside with the greeting that held it
    text = (
        "Here’s what we’ve done over the past three weeks:\n\n"
        "First of all, we split the team. We now dedicate developer and technical resource to "
        "each service for every sprint.\n"
    )
    d = draft(text)
    assert "three weeks" in d.text, d.text
    assert not find_garbles(d.text, text), d.text


@pytest.mark.parametrize(
    ("text", "still_to_come"),
    [
        # rust-edition-2024-tracking: the approval is awaited, not given
        (
            "This is waiting for the implementation to be approved, and for automatic migration.",
            True,
        ),
        # openssf-sigstore-2026-q1
        (
            "Development is underway to have the public-good instance deployed to multiple regions.",
            True,
        ),
        # openssf-repos-wg-2025-q2: the funding is approved first, the rest awaited
        ("Funding approved, contractors identified, awaiting the start of work.", False),
        # ao-freebsd-2024-05
        ("2 are accepted and pending review from Coverity (3%)", False),
        ("The booking service went live on 3 March.", False),
    ],
)
def test_a_result_still_to_come_is_pending(text: str, still_to_come: bool) -> None:
    from coach.engines.sections import pending

    assert pending(text) is still_to_come


TRACKING = (
    "This is a reminder to the teams working on the 2024 Edition that implementation work "
    "should be **finished by the end of May**.\n\n"
    "- Change the `unsafe_op_in_unsafe_fn` lint to be warn-by-default. This is implemented.\n"
    "- Remove `RustcEncodable` & `RustcDecodable` from the 2024 prelude. This is waiting for the "
    "implementation to be approved, and for automatic migration. See #116016.\n"
    "- Reserve the `gen` keyword. This is waiting for final approval. See RFC #3513.\n"
)


def test_an_update_whose_only_result_is_awaited_is_asked_for_its_outcome() -> None:
    # rust-edition-2024-tracking: it led with the awaited approval and asked nothing
    d = draft(TRACKING)
    assert not d.text.startswith("What changed:"), d.text
    assert any("What changed for users" in q for q in d.questions), d.questions


AUDIT = (
    "At the time of writing, of 65 issues reported by Coverity that affect bhyve components:\n"
    " * 3 have been and considered by Coverity as fixed (5%)\n"
    " * 2 are accepted and pending review from Coverity (3%)\n"
    " * 45 are pending review (69%)\n"
)


def test_a_measured_result_that_names_nobody_is_asked_for_whom() -> None:
    # ao-freebsd-2024-05: the percentages say how much, nobody says for whom; no question came
    d = draft(AUDIT)
    assert any(q.startswith("Who benefits") for q in d.questions), d.questions
    named = AUDIT.replace("components:", "components, so FreeBSD users are safer:")
    assert not any(q.startswith("Who benefits") for q in draft(named).questions)


def test_a_thank_you_that_would_like_to_thank_is_thanks_not_a_plan() -> None:
    # crates-io-2025-01-deletions-openapi: "would like to" read as a plan, and the coach asked
    # 'When do you expect "We would like to thank Juha Kukkonen ..." to be done?'
    text = (
        "Crate owners can now delete their crates from the settings page.\n\n"
        "We would like to thank [Juha Kukkonen](https://github.com/juhaku) for his great work "
        "on this tool!\n"
    )
    d = draft(text, audience="team")
    assert "Thanks: We would like to thank" in d.text, d.text
    assert not any("When do you expect" in q for q in d.questions), d.questions


def test_an_open_invitation_without_a_fact_is_no_ask() -> None:
    # crates-io-2025-01-deletions-openapi: it stood under "Risks and asks"
    text = (
        "Crate owners can now delete their crates from the settings page.\n\n"
        "If you have any feedback on this feature, please let us know!\n"
    )
    assert "let us know" not in draft(text).text
    # with a fact (the channel) it stays (rust-edition-2024-tracking)
    kept = text.replace("let us know!", "let us know on the #edition Zulip stream.")
    assert "Zulip" in draft(kept).text


def test_an_invitation_that_stays_closes_the_rewrite_and_opens_no_section() -> None:
    # rust-edition-2024-tracking: it was the first thing the reader saw
    text = (
        "This is a reminder to the teams working on the 2024 Edition that implementation work "
        "should be **finished by the end of May**. If you have any questions, please let us "
        "know on the [`#edition`][zulip] Zulip stream.\n\n"
        "[zulip]: https://rust-lang.zulipchat.com/#narrow/stream/268952-edition\n\n"
        "## What we are tracking for the Edition\n\n"
        "- Reserve the `gen` keyword. This is waiting for final approval.\n"
    )
    for _audience, _length, out in every_draft(text):
        last = out.split("\n\n")[-1]
        assert last.startswith("If you have any questions") and "#edition" in last, out
        assert find_garbles(out, text) == [], out


def test_a_lead_in_whose_list_is_an_image_ends_as_a_sentence() -> None:
    # crates-io-2025-01-deletions-openapi: the requirements were a screenshot
    text = (
        "If you are the owner of a crate, you can now go to the crate page and find the "
        '"Delete this crate" button at the bottom. Clicking this button will lead you to a '
        "confirmation page telling you about the requirements that need to be met in order to "
        "delete the crate:\n\n![Delete Page Screenshot](delete-page.png)\n\n"
        "These requirements were put in place to prevent abuse of the deletion feature.\n"
    )
    for _audience, _length, out in every_draft(text):
        assert "crate:" not in out and find_garbles(out, text) == [], out
        # "Clicking this button ..." points back at the button (leaning.early_pointer): it
        # travels with the sentence it points at in every length, brief too
        assert "delete the crate." in out, out


def test_a_heading_lead_in_and_a_lead_in_make_no_double_label() -> None:
    # ao-nodejs-2022-07: two lead-ins in a row, their numbered items shown elsewhere
    text = (
        "### 1) Fix security issues / 3) Incoming Triage (HackerOne)\n\n"
        "* Triagged HackerOne reports:\n  1) 1646638\n  1) 1625036\n\n"
        "* HackerOne reports with a fix ready/land:\n  1) 1642017 (GHSA-8qr4-xgw6-wmr3)\n"
        "  2) 1632921 (To be defined)\n\n"
        "OpenSSL released a security update (July 5th).\n"
    )
    for _audience, _length, out in every_draft(text):
        assert find_garbles(out, text) == [], out
        assert "1646638" in out and "GHSA-8qr4-xgw6-wmr3" in out, out


def test_brief_keeps_an_item_that_opens_on_a_persons_name() -> None:
    # nrw-weeknotes-2025-10-10 / -2024-04-26: names the fact extractor cannot read at the
    # start of a sentence; brief used to drop them as items "without a fact"
    text = (
        "We launched the new flood warning page, and 1,200 people used it in its first week.\n\n"
        "## Other things we've been working on\n\n"
        "+ Lucinda has been working on improving a prototype that introduces some new features.\n"
        "+ Sophie's been reviewing past reports to share findings and best practice.\n"
        "+ Development is underway to move the forms to the new platform.\n"
    )
    out = draft(text, length="brief").text
    assert "Lucinda" in out and "Sophie" in out, out
    assert "Development is underway" not in out, out  # no name: brief still drops it
    assert find_garbles(out, text) == [], out


def test_a_long_heading_that_ends_on_a_section_word_files_no_section() -> None:
    """rust-infra-2025-q4 (paraphrased): a heading that says what was done and happens to end on
    "requests" filed a finished migration under "Risks and asks". A short heading that closes
    on the word ("Pull requests", "Known issues") still names its section."""
    done = "We have now switched every merge to the new bot, completing the migration."
    long_heading = f"## The new bot is now used to merge the compiler's pull requests\n\n{done}\n"
    text = draft(long_heading).text
    first = text.split("\n\n")[0]
    assert first.startswith("What changed:") and "switched every merge" in first, text
    assert "asks" not in text.lower(), text
    short = draft("## Pull requests\n\n- Could someone review the migration plan by Friday?\n").text
    assert "asks" in short.lower(), short
