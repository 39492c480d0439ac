"""The lead, tenth round (docs/quality.md): an opening that only adds to a result before it
never leads while a sound result exists (arrange.weak_opening, leaning.additive_opening), and a
result whose second sentence points back at it and says what it does opens the rewrite as one
sentence with it (lead_block.completed_block_words). Real excerpts from the dev set; each test
fails on the ninth round's main."""

from __future__ import annotations

import numpy as np
import pytest

from coach.analysis import analyze
from coach.engines import lead
from coach.engines.arrange import weak_lead, weak_opening
from coach.engines.base import Request
from coach.engines.lead_block import completed_block_words
from coach.engines.leaning import additive_opening
from coach.engines.offline import OfflineEngine
from coach.engines.sections import items
from coach.evals.garble import find_garbles
from coach.evals.rewrites import content_sentences
from coach.facts import check_facts

# ao-prossimo-rustls-2024-02, its Rustls section: "The community is also growing ..." adds to
# the progress before it; the milestone's bullet "It makes AWS's Libcrypto ..." says what the
# release does, and points back at it.
RUSTLS = """\
# Rustls
Our goal is to build a safer TLS library that can largely replace OpenSSL over time. The headline features of the new library, Rustls, are performance and memory safety.

We are making great progress. The community is also growing rapidly, with new contributors showing up regularly and largely representing new consumers of Rustls.

We accomplished a major milestone by releasing [version 0.23.0](https://github.com/rustls/rustls/pull/1817).

  - It makes AWS's [Libcrypto](https://github.com/aws/aws-lc-rs) ("aws-lc-rs") cryptography library the default for Rustls, though users can switch between that and [*ring*](https://github.com/briansmith/ring). Soon, Microsoft's [Symcrypt](https://github.com/microsoft/SymCrypt) library will be an option, too.
"""

# gentoo-gsoc-2011-midterm: "also" here opens a result of its own, which still leads.
GENTOO = """\
For the past few days, I've been working on the webUI, adding pages for stats.
We've also managed to get the [webapp running](https://soc.dev.gentoo.org/gentoostats) (finally :D) on [vulture](http://soc.dev.gentoo.org). Thanks
to my mentor antarus, robbat2, and the rest of the infra team for helping out.
We hit a few snags, but managed to ease them out in the end. Also, apologies for
making a stupid mistake of committing my mysql password to git (:P).
"""


def draft(text: str) -> str:
    return OfflineEngine().rewrite(Request(text, analyze(text), ())).text


@pytest.mark.parametrize(
    ("text", "adds"),
    [
        ("The community is also growing rapidly, with new contributors.", True),
        ("Sponsorship opportunities are also live on the website.", True),
        ("Once again we shipped the release on time.", True),
        ("We released version 0.23.0 of the library.", False),
        # past the first four words "also" is inside the sentence's own content
        ("We released version 0.23.0 and the platform verifier, and also a blog post.", False),
    ],
)
def test_an_additive_word_in_the_first_words(text: str, adds: bool) -> None:
    assert additive_opening(text) is adds


def test_an_opening_that_only_adds_gives_way_to_the_result() -> None:
    found = items(RUSTLS, analyze(RUSTLS).units)
    (adds,) = [it for it in found if "community is also growing" in it.text]
    (milestone,) = [it for it in found if it.text.startswith("We accomplished")]
    assert adds.role == milestone.role == "outcome"
    assert not weak_lead(adds)  # the ninth round let it lead
    assert weak_opening(adds) and not weak_opening(milestone)
    outcomes = [k for k, it in enumerate(found) if it.role == "outcome"]
    activity = [k for k, it in enumerate(found) if it.role == "activity"]
    # a ranker that cannot tell them apart (figure only, as a held-out fold chose): the author's
    # order would put "also" first; the weak test does not
    flat = lead.Ranker(("figure",), np.array([0.3]), np.array([0.2]), np.array([0.4]))
    pick = lead.choose(found, outcomes, activity, weak_opening, flat)
    assert pick is not None and found[pick] is milestone


def test_also_with_a_result_of_its_own_still_leads() -> None:
    found = items(GENTOO, analyze(GENTOO).units)
    (it,) = [it for it in found if it.text.startswith("We've also managed")]
    assert additive_opening(it.text) and not weak_opening(it)
    assert draft(GENTOO).startswith("What changed: We've also managed to get the"), draft(GENTOO)


def test_the_result_and_what_it_does_open_as_one_sentence(lead_cap: None) -> None:
    found = items(RUSTLS, analyze(RUSTLS).units)
    (milestone,) = [it for it in found if it.text.startswith("We accomplished")]
    assert 0 < completed_block_words(milestone) <= 40
    text = draft(RUSTLS)
    first = content_sentences(text)[0]
    assert first.startswith("We accomplished a major milestone by releasing [version 0.23.0]("), (
        text
    )
    assert "/pull/1817); it makes AWS's [Libcrypto]" in first, first
    assert check_facts(RUSTLS, text).ok
    assert not find_garbles(text, RUSTLS)
    lead.use_cap(25)  # 28 words: longer than the cap, the two sentences stay as written
    assert "; it makes" not in draft(RUSTLS)
