"""The lead never points back at a sentence the reader does not see (coach/engines/leaning.py
`early_pointer`, arrange.py `leans_as_lead`, lead_form.py `result_block_words`). Real excerpts
from the dev set (docs/quality.md, ninth round); each test fails on the eighth round's main,
where only a pointer as the FIRST word leaned."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from coach.analysis import analyze
from coach.engines import lead
from coach.engines.arrange import weak_lead
from coach.engines.base import Request
from coach.engines.lead_block import leans_as_lead
from coach.engines.lead_form import result_block_words
from coach.engines.leaning import early_pointer
from coach.engines.offline import OfflineEngine
from coach.engines.sections import items
from coach.evals.garble import find_garbles
from coach.evals.rewrites import content_sentences
from coach.facts import check_facts

# fedora-cpe-2020-next-quarter, first paragraph: the result "Overall this helps us ..." points
# back at the planning sentence before it.
FEDORA = (
    "As you may know, the Community Platform Engineering (CPE) team that helps manage both "
    "infrastructure for both Fedora and CentOS is trying to improve how the different initiatives "
    "or requests for changes we receive are planned and prioritized. This effort to improve has "
    "led us to look at planning our work in three-month windows. By planning, limiting, and "
    "focusing our work every three months, we can dedicate a substantial team around each "
    "initiative, driving it to completion before working on the next. Overall this helps us "
    "finish and deliver work faster."
)

# crates-io-2024-07-cargo-install-dark-mode, its first two paragraphs: "We achieved this by
# analyzing ..." opens a paragraph; "this" is the paragraph before.
CRATES = """\
When looking at crates like [ripgrep](https://crates.io/crates/ripgrep) you will notice that the installation instructions now say `cargo install ripgrep` instead of `cargo add ripgrep`. We implemented this change to make it easier for users to install crates that have binary targets.

We achieved this by analyzing the uploaded crate files when they are published to crates.io. If a crate has binary targets, the names of the binaries will now be saved in our database.
"""

# nrw-weeknotes-2026-02-13, two bullets: the first bullet's result is its third sentence and
# leans on the two before it ("They've now produced ..."); the second opens on its result.
NRW = """\
- Mary and Jane have continued to explore the detail of major changes to parking arrangements at Coed y Brenin visitor centre, Bwlch Nant yr Arian visitor centre and Newborough. Their work this week included meeting with Comms, reviewing signage and continuing to ask the right questions to ensure that web content is clear and consistent. They've now produced an initial draft of content for one of the sites.
- Hannah published two new pages of “end of waste” guidance this week, overseen by Sam. These pages will help waste producers to understand legislation, comply with standards, and review and improve processes.
"""


def draft(text: str) -> str:
    return OfflineEngine().rewrite(Request(text, analyze(text), ())).text


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("We achieved this by analyzing the uploaded crate files.", True),
        ("Overall this helps us finish and deliver work faster.", True),
        ("Following this change, he also implemented a way to create new API tokens.", True),
        ("They've now produced an initial draft of content for one of the sites.", True),
        # a time, a pointer ahead, an antecedent inside, a complement, a possessive: alone
        ("This year, we reached 50 contributing councils (now 53).", False),
        ("We made it possible to publish crates without managing API tokens.", False),
        ("When Sophie finished the registers, she published them on the website.", False),
        ("We found that the routing throughout the form works.", False),
        ("The team and their partners shipped the new registers.", False),
        ("Hannah published two new pages of guidance this week.", False),
    ],
)
def test_a_pointer_in_the_first_words(text: str, leans: bool) -> None:
    assert early_pointer(text) is leans


def test_a_paragraph_keeps_the_sentence_a_result_points_back_at() -> None:
    found = items(FEDORA, analyze(FEDORA).units)
    (it,) = [it for it in found if "Overall this helps us" in it.text]
    assert it.text.startswith("By planning, limiting, and focusing our work"), it.text
    assert it.role == "outcome"


def test_the_result_leads_with_the_sentence_it_points_at(lead_cap: None) -> None:
    text = draft(FEDORA)
    assert text.startswith("What changed: By planning, limiting, and focusing our work"), text
    # one sentence: the reader meets the result in the opening sentence, with what it points at
    first = content_sentences(text)[0]
    assert first.endswith(
        "before working on the next; overall this helps us finish and deliver work faster."
    ), first
    assert check_facts(FEDORA, text).ok
    assert not find_garbles(text, FEDORA)
    lead.use_cap(25)  # the block (35 words) is longer than the cap: it is weak, and never joined
    text = draft(FEDORA)
    assert "; overall this helps" not in text and "Overall this helps us" in text, text


def test_the_shipped_cap_is_a_fold_line_chosen_held_out() -> None:
    data = json.loads(resources.files("coach").joinpath(lead.WEIGHTS).read_text("utf-8"))
    assert lead.block_cap() == data["lean_block_words"] == 40
    assert data["lean_logo"]["plain"][0] >= data["lean_logo"]["plain_no_cap"][0]


def test_a_lead_pointing_at_another_paragraph_is_weak(lead_cap: None) -> None:
    found = items(CRATES, analyze(CRATES).units)
    (it,) = [it for it in found if it.text.startswith("We achieved this by")]
    assert leans_as_lead(it) and weak_lead(it)
    text = draft(CRATES)
    assert not text.startswith("What changed: We achieved this"), text
    lead.use_cap(None)  # the eighth round: no lean test on the lead beyond its first word
    assert not leans_as_lead(it)


def test_a_result_leaning_on_a_long_block_gives_way_to_one_that_opens_on_its_result(
    lead_cap: None,
) -> None:
    found = items(NRW, analyze(NRW).units)
    first, second = found[0], found[1]
    assert result_block_words(first) > 40, first.parts
    assert result_block_words(second) == 0
    assert weak_lead(first) and not weak_lead(second)
    text = draft(NRW)
    assert text.startswith("What changed: Hannah published two new pages"), text
    assert check_facts(NRW, text).ok
