"""A plain-text title ("December 2020" alone over its paragraph) is a heading, not an item of
work (2 December): the supporting-work list showed "- December 2020." and "- CentOS." as items
that say nothing. Each case is an excerpt of a real update of the real-updates dataset (its id
in the comment); the first two failed on main before the fix."""

from __future__ import annotations

from coach.analysis import analyze
from coach.engines.base import Request
from coach.engines.headings import bare_titles
from coach.engines.offline import OfflineEngine
from coach.facts import check_facts
from coach.segment import segment

# localgovdrupal-beta-timeline-2021 (OGL v3.0), its first half
TIMELINE = """December 2020

The Drupal project is awarded £150,000 for their Beta phase.

February 2021

The project receives a further £275,000 of funding through the Continuous Funding Model to continue their Beta phase.

March 2021

The project began their beta phase of work.

The team ran regular skills sessions for council web publishers. Recent sessions (available to watch on YouTube) have covered using GitHub, accessibility, and GDPR and cookies.

May 2021

Project lead, Will Callaghan, wrote an article about the project's approach to collaborative code development for Open Access Government.
"""
# centos-cpe-weekly-2021-fosdem, its "CentOS Stream" section (a title over a list)
STREAM = """CentOS Updates

CentOS Stream

* Python39 built and ready to compose
* Dist-git repos are regularly up to date
* Repos are populated in the CentOS Stream GitLab instance and will be
publically viewable in the coming weeks
"""


def _rewrite(text: str) -> tuple[str, tuple[str, ...]]:
    draft = OfflineEngine().rewrite(Request(text, analyze(text), ()))  # type: ignore[arg-type]
    return draft.text, check_facts(text, draft.text).missing


def _bare_items(text: str) -> list[str]:
    """List lines that are a bare title: a few words and a stop, nothing else."""
    return [
        line
        for line in text.splitlines()
        if line.startswith("- ") and len(line.split()) <= 4 and ":" not in line
    ]


def test_a_dated_title_leads_its_item_in_and_is_no_item_of_its_own() -> None:
    text, missing = _rewrite(TIMELINE)
    assert missing == ()
    assert "- December 2020." not in text and "- March 2021." not in text, text
    assert _bare_items(text) == [], text
    assert "February 2021: The project receives a further £275,000" in text, text
    assert "May 2021: Project lead, Will Callaghan" in text, text


def test_a_title_over_a_list_is_no_item() -> None:
    text, missing = _rewrite(STREAM)
    assert missing == ()
    assert "- CentOS Stream." not in text and "- CentOS Updates." not in text, text
    assert "Python39 built and ready to compose" in text


def test_what_is_no_bare_title() -> None:
    cases = {
        "a line in its paragraph": "Team news\nAll went well today.\n\nMore text here.",
        "a closed sentence": "We shipped it.\n\nThe next release is in May.",
        "a long line": "We moved the whole data platform to the new cluster this week\n\nNext.",
        "a label": "Next steps:\n\nShip the release.",
        "the last line": "All went well today.\n\nThanks everyone",
        "lower case words": "migrated the old board today\n\nThe board is live.",
    }
    for why, text in cases.items():
        assert bare_titles(text, segment(text)) == {}, why
    text = "Team news\n\nAll went well today.\n\n- Ward 3 reopened\n\nMarch 2021\n\n- Opened."
    assert [t for t, _ in bare_titles(text, segment(text)).values()] == ["Team news", "March 2021"]


# a paraphrase of a donation report seen out of sample (a title over a labelled figure)
LABELLED = """The Lighthouse Project Round 5 Report

Total funds received from the grant pool so far: 41.25 ETH.

We used them to keep the relays online for another quarter.
"""


def test_a_title_over_a_labelled_item_does_not_make_two_labels_in_a_row() -> None:
    """The title led its item in ("... Report: Total funds received ... so far: 41.25 ETH."),
    two labels in a row, which the garble detector counts as a fragment."""
    from coach.evals.garble import find_garbles

    text, missing = _rewrite(LABELLED)
    assert not find_garbles(text, LABELLED), text
    assert "Report: Total funds" not in text, text
    assert not missing, (missing, text)
