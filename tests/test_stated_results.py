"""Results stated in a form of their own (coach/analysis.py `stated_result`): an author's
summary line, a status after a label, headline grammar. Real units from the real-updates
dataset (OpenSSF working-group reports, an OpenRefactory update, a Rust Foundation report), and
the look-alikes that must stay what they are."""

from __future__ import annotations

import pytest

from coach.analysis import analyze
from coach.engines.base import Request
from coach.engines.offline import OfflineEngine

RESULTS = [
    # openssf-sci-wg-2024-q3: the rules read `other`, the learned layer too
    "**tl;dr:** Strong membership and attendance trends, and the formal addition of Zarf and "
    "Security Insights to SCI WG.",
    # ao-rustfoundation-2024-03, under "Threat Modeling"
    "1. **Crates ecosystem**: [Published](https://drive.google.com/file/d/1YxpJ0W5eqat2Y3Zf/)",
    # ao-openrefactory-2025-07 (first sentence of the bullet; the eye read process)
    "* VEX Initiative disclosed on Solr public dev@solr mailing list.",
    # openssf-repos-wg-2025-q2 (the eye read process)
    '* ["Crafting a Package Deletion Policy"](https://repos.openssf.org/package-deletion-policies)'
    " published, completing https://github.com/ossf/tac/issues/414.",
    # openssf-sci-wg-2024-q3, latest news
    "* Funding approved for gittuf GitHub App",
]

NOT_RESULTS = [
    # a summary of activity alone states no result
    ("Summary: we spent the week in meetings.", ("other", "process")),
    # a lead-in to a list (wikimedia-gsoc-2020-biweekly-3, rust-project-directors-2025-02)
    ("In short, here’s what’s accomplished in these 2 weeks:", ("other", "process")),
    ("Highlights from the February meeting include:", ("other", "process")),
    # a subject and an auxiliary: ordinary grammar, left to the other rules and the layer
    ("Piotr worked on the best SBOM publishing strategy for Solr.", ("process",)),
    # a plan (openssf-sci-wg-2024-q3)
    ("* Zarf 1.0 anticipated by EoY", ("process", "other")),
    # said as not done: headline grammar and summary lines with a negation state no result
    ("Nothing released this week.", ("process", "other")),
    ("No PRs merged on Friday.", ("process", "other")),
    ("tl;dr: no progress, still blocked on review.", ("process", "other")),
    ("Summary: nothing shipped yet.", ("process", "other")),
    ("Docs published next week.", ("process", "other")),
    ("PR merged?", ("process", "other")),
]


@pytest.mark.parametrize("text", RESULTS)
def test_a_stated_result_is_an_outcome(text: str) -> None:
    first = analyze(text).units[0]
    assert first.label in ("outcome", "mixed"), (first.label, text)
    assert "result" in first.signals


@pytest.mark.parametrize(("text", "labels"), NOT_RESULTS)
def test_look_alikes_stay_what_they_are(text: str, labels: tuple[str, ...]) -> None:
    first = analyze(text).units[0]
    assert first.label in labels, (first.label, text)


# openssf-sci-wg-2024-q3 (its middle part): the tl;dr line is the curated outcome.
SCI = """\
## Key Resources

* [Slack](https://app.slack.com/client/T019QHUBYQ3/C01A1MA7A1K); 839 members (⇧94)
* [Meeting Notes](ssci.io/sci-notes); 15 attendees average since last TAC briefing (⇧4)

**tl;dr:** Strong membership and attendance trends, and the formal addition of Zarf and Security Insights to SCI WG.

With the retirement of FRSCA we now have SLSA, S2C2F, GUAC, gittuf, Zarf, and Security Insights; with interest expressed from the Trusted Repository Spec.
"""


def test_the_summary_line_leads_the_rewrite() -> None:
    text = OfflineEngine().rewrite(Request(SCI, analyze(SCI), ())).text
    # the author's label goes: "What changed:" already says it
    assert text.startswith("What changed: Strong membership and attendance trends"), text
    assert "tl;dr" not in text.lower()


@pytest.mark.parametrize(
    "text",
    [
        # crates-io and rust-infra reports (the heading, and a sentence of the same form)
        "rustc-perf benchmarks are now executed in parallel",
        # openssf-sigstore-2026-q1, as the curator sums it
        "Rekor v2 is in production.",
    ],
)
def test_a_new_state_is_a_result(text: str) -> None:
    first = analyze(text).units[0]
    assert first.label in ("outcome", "mixed") and "result" in first.signals, first


# rust-infra-2025-q3-recap (one section): the heading states the result, the text under it
# says what was done.
STATIC = """\
### `rust-lang.org` is now a static website

We converted [`rust-lang.org`](http://rust-lang.org) from a Rust web server deployed on Heroku to a static website hosted on GitHub Pages.
"""


def test_a_heading_that_states_a_result_leads_its_item_in() -> None:
    from coach.engines.sections import heading_lead_in, items

    body = STATIC.split("\n", 2)[2]
    assert heading_lead_in("`rust-lang.org` is now a static website", body)
    assert heading_lead_in("The following goals have been completed", "Merged doctests")
    # a topic, not a result: the benefit finder's noun phrases do not count
    assert not heading_lead_in("Improving security processes", "We ran a security audit.")
    found = items(STATIC, analyze(STATIC).units)
    assert found[0].headed and found[0].text.startswith("`rust-lang.org` is now a static website:")
    text = OfflineEngine().rewrite(Request(STATIC, analyze(STATIC), ())).text
    assert text.startswith("What changed: `rust-lang.org` is now a static website: We converted")
