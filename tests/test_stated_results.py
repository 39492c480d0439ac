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
    assert text.startswith("What changed: tl;dr: Strong membership") or text.startswith(
        "What changed: Strong membership"
    ), text
