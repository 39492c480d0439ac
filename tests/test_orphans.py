"""Orphaned leaning sentences (coach/evals/orphans.py) and the offline engine that keeps a
leaning sentence with its antecedent. The cases are short excerpts of real updates of the
real-updates dataset (ids in the comments); on main before 1 December 19:50 each one's offline
rewrite orphaned a sentence in at least one audience x length."""

from __future__ import annotations

import pytest

from coach.analysis import analyze
from coach.engines.base import AUDIENCES, LENGTHS, Request
from coach.engines.offline import OfflineEngine
from coach.engines.sections import leans_on_previous
from coach.evals.orphans import CHOICES, every_choice, orphans
from coach.facts import check_facts

CASES = {
    # gds-digital-strategy-progress-2014-07: "That’s" (a curly apostrophe) was not read as "that"
    "thats": (
        "We’re now 18 months on from the publication of the Government Digital Strategy and "
        "we’re seeing the big changes that we promised then really gaining momentum.\n\n"
        "Two of the 25 major services we’re transforming (lasting power of attorney and "
        "electoral registration) went live in this quarter. Electoral registration covers "
        "around 46 million people (all British and EU or Commonwealth citizens aged over 16). "
        "That’s the majority of adults living in the UK. So by the end of June, we had 3 "
        "services live; full-time student finance applications went live in January.\n"
    ),
    # nrw-weeknotes-2026-02-13: the joined opening took a bullet's first sentence ("Sophie has
    # published ...") and left "She also ..." behind; "They've now produced" led its bullet
    "bullet-sentences": (
        "## This week, we have been up to:\n\n"
        "+ Mary and Jane have continued to explore the detail of major changes to parking "
        "arrangements at Coed y Brenin visitor centre. Their work this week included meeting "
        "with Comms and reviewing signage. They've now produced an initial draft of content "
        "for one of the sites.\n\n"
        "+ Sophie has published the updated public registers on our website this week. She "
        "also created a number of accessible reports and PDFs so they can be published to the "
        "website.\n\n"
        "+ Hannah published two new pages of “end of waste” guidance this week, overseen by "
        "Sam. These pages will help waste producers to understand legislation.\n"
    ),
    # nrw-weeknotes-2022-11-24: "This helped us ..." after a list, in a paragraph of its own
    "after-list": (
        "## 3. We explored a service problem\n\n"
        "Our challenge for the day was to design a menu for a festival event. To do this we:\n"
        "*\tcreated a recruitment screener\n"
        "*\tprepared discussion guide\n"
        "*\theld mock-up user interviews\n\n"
        "This helped us create a menu to meet users’ needs.\n"
    ),
    # crates-io-2026-01-security-tab: "This feature ..." opens the next paragraph
    "next-paragraph": (
        "## Security Tab\n\n"
        'Crate pages now have a new "Security" tab that displays security advisories from the '
        "[RustSec](https://rustsec.org/) database. This allows you to quickly see if a crate "
        "has known vulnerabilities before adding it as a dependency.\n\n"
        "The tab shows known vulnerabilities for the crate along with the affected version "
        "ranges.\n\n"
        "This feature is still a work in progress, and we plan to add more functionality in "
        "the future.\n"
    ),
    # localgovdrupal-2025-year: "As you can see" points at the chart sentence before it
    "as-you-can-see": (
        "Our 50 subscribers are a big part of this community. Their financial (and other) "
        "contributions ensure we can continue improving the platform and deepen our community "
        "connections.\n\nThank you to all those who’ve chipped in and contributed.\n\n \n\n"
        "How we spent your money\n\nThe chart below shows spending in our second year.\n\n"
        "As you can see, most of our income (62%) was spent on Product Development and Tech.\n"
    ),
    # ao-isrg-2023-12: a bullet "It's a Rust library ..." under the sentence that names it
    "bullet-under-sentence": (
        "We are making great progress.\n\n"
        "We accomplished a major milestone by releasing the [Platform Verifier]"
        "(https://github.com/rustls/rustls-platform-verifier).\n\n"
        "  - It's a Rust library that verifies the validity of TLS certificates based on the "
        "operating system's certificate facilities.\n"
        "  - Portions of the Android and Windows implementation were adapted from Chromium's "
        "previous verifier implementations.\n"
    ),
}


def _draft(text: str, audience: str, length: str) -> str:
    req = Request(text, analyze(text), (), audience=audience, length=length)  # type: ignore[arg-type]
    return OfflineEngine().rewrite(req).text


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("length", LENGTHS)
def test_a_leaning_sentence_stays_with_its_antecedent(case: str, audience: str, length: str):
    source = CASES[case]
    text = _draft(source, audience, length)
    assert orphans(text, source) == [], text
    check = check_facts(source, text)
    assert check.ok, (check.missing, check.added, text)  # facts in = facts out


def test_a_leaning_unit_joined_from_the_next_bullet_or_paragraph_gets_a_stop_between() -> None:
    """nrw-weeknotes-2022-11-24, rust-project-directors-2026-01: the bullet before has no full
    stop of its own; joined, it must not read "held mock-up user interviews This helped us"."""
    bullets = (
        "Progress this month:\n\n"
        "- The interop plan is being developed, focusing on memory safety between the languages\n"
        "- Also, as part of a project goal, we will continue mapping the interop problem space\n"
    )
    for source in (CASES["after-list"], bullets):
        for audience, length in CHOICES:
            text = _draft(source, audience, length)
            assert "interviews This" not in text and "languages Also" not in text, text
            assert orphans(text, source) == [], text


def test_the_garbled_rewrite_of_the_issue_is_an_orphan() -> None:
    """The rewrite main wrote for gds-digital-strategy-progress-2014-07 (executive, standard):
    'That’s the majority' after 'gaining momentum', its antecedent folded into Supporting work."""
    source = CASES["thats"]
    bad = (
        "What changed: Two of the 25 major services we’re transforming (lasting power of "
        "attorney and electoral registration) went live in this quarter. We’re now 18 months on "
        "from the publication of the Government Digital Strategy and we’re seeing the big "
        "changes that we promised then really gaining momentum. That’s the majority of adults "
        "living in the UK. So by the end of June, we had 3 services live; full-time student "
        "finance applications went live in January.\n\n"
        "Supporting work: electoral registration covers around 46 million people (all British "
        "and EU or Commonwealth citizens aged over 16)."
    )
    found = orphans(bad, source)
    assert [o.sentence[:24] for o in found] == ["That’s the majority of a"]
    assert found[0].antecedent.startswith("Electoral registration covers")
    assert found[0].shown_after.endswith("really gaining momentum")
    # "So by the end of June" follows "That’s ...", as in the source: no second orphan.
    good = bad.replace(
        "momentum. That’s",
        "momentum. Electoral registration covers around 46 million people "
        "(all British and EU or Commonwealth citizens aged over 16). That’s",
    )
    assert orphans(good, source) == []


def test_the_first_bullet_under_a_lead_in_may_move_within_its_list() -> None:
    """rust-project-directors-2025-02: "It was Eli Gild's first meeting" points at the lead-in's
    meeting, which heads the whole list: the result bullet may come first (the eye's lead form,
    coach/engines/lead_form.py); shown in another paragraph, it is an orphan."""
    source = (
        "Highlights from the February meeting include:\n\n"
        "* It was Eli Gild’s first meeting as Member Director.\n"
        "* The board approved the budget.\n"
    )
    moved = (
        "What changed: Highlights from the February meeting include: The board approved the "
        "budget. It was Eli Gild’s first meeting as Member Director."
    )
    assert orphans(moved, source) == []
    assert orphans(_draft(source, "executive", "standard"), source) == []
    apart = (
        "What changed: Highlights from the February meeting include: The board approved the "
        "budget.\n\nAlso: it was Eli Gild’s first meeting as Member Director."
    )
    assert [o.sentence[:10] for o in orphans(apart, source)] == ["It was Eli"]


def test_a_leaning_sentence_read_in_a_fold_or_shown_first() -> None:
    source = "We shipped the form to 4 regions. It cut calls by a third.\n"
    assert orphans("Also: we shipped the form to 4 regions; it cut calls by a third.", source) == []
    assert len(orphans("What changed: It cut calls by a third.", source)) == 1  # antecedent gone
    assert orphans("Also: we shipped the form to 4 regions.", source) == []  # not shown: no orphan


def test_what_leans_and_what_stands_alone() -> None:
    for text in (
        "That’s the majority of adults.",
        "That's 46 million people.",
        "It's a Rust library.",
        "They've now produced a draft.",
        "So by June we had 3 services live.",
        "**This** helped us map the service.",
        # a discourse phrase that points back beyond its first word (prompts/offline.yaml
        # `refers_back`), and praise with nothing but a name (`praise_alone`)
        "As you can see, most of our income (62%) was spent on Product Development and Tech.",
        "As mentioned above, the site is now static.",
        "Because of this, we moved the tests to GitHub Actions.",
        "As part of that, our regular updates are provided in a separate executive briefing.",
        "In addition, we published the registers.",
        "Congrats, Ryan!",
    ):
        assert leans_on_previous(text), text
    for text in (
        "This year we reached 50 councils.",  # a time, not a pointer
        "There are now over 100 live sites.",  # points ahead
        "Here's what we did:",
        "The tab shows known vulnerabilities.",
        "Thisbe joined the team.",
        "As of today, 40 councils use the platform.",  # "as" alone points at nothing
        "In addition to GitHub Actions, GitLab CI/CD is supported.",  # "in addition to X"
        "Congratulations to the whole team on shipping the new portal this week.",  # says what
        "Like the trac sites, static search indexing is done using pagefind.js",  # a comparison
    ):
        assert not leans_on_previous(text), text


def test_no_antecedent_after_a_heading_a_greeting_or_at_the_start() -> None:
    for source in (
        "This is the first line of the update.\n",
        "## Risks\n\nThis could delay the launch by a week.\n",
        "Hi everyone,\n\nThis is my third weekly report.\n",
    ):
        assert orphans("Risks: nothing else. This could x.", source) == []
        assert orphans("Also: done. " + source.splitlines()[-1], source) == []


def test_every_choice_sweeps_all_audiences_and_lengths() -> None:
    assert len(CHOICES) == len(AUDIENCES) * len(LENGTHS)
    text = CASES["thats"]
    assert every_choice(OfflineEngine(), analyze(text)) == []


def test_a_pointer_phrase_shown_away_from_its_antecedent_is_an_orphan() -> None:
    """Main at b559a1b opened localgovdrupal-2025-year's spending paragraph on 'As you can see'
    after the subscribers' sentence, the chart sentence folded elsewhere: counted now."""
    source = CASES["as-you-can-see"]
    bad = (
        "What changed: Their financial (and other) contributions ensure we can continue "
        "improving the platform and deepen our community connections. As you can see, most of "
        "our income (62%) was spent on Product Development and Tech."
    )
    assert len(orphans(bad, source)) == 1
    good = (
        "What changed: The chart below shows spending in our second year. As you can see, most "
        "of our income (62%) was spent on Product Development and Tech."
    )
    assert orphans(good, source) == []
