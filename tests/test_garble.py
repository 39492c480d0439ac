"""The garble detector on real cases: rewrites of real, public updates (issue 12 and the
real-updates dev set), each rule with cases it must flag and cases it must leave alone."""

from __future__ import annotations

import pytest

from coach.evals.garble import (
    FRAGMENT_RULES,
    MARKUP_RULES,
    cut_from_verb,
    find_garbles,
    garble_counts,
    sentences,
)

# (rule, sentence, what it must flag) - quoted from offline rewrites of real updates.
FLAGGED = [
    ("dangling_end", "Over the last three weeks I.", "I."),
    ("dangling_end", "Namely Noggin, the replacement of the current FAS system and.", "and."),
    (
        "dangling_end",
        "Jack Huey, apiraino, and oli-obk will work on a document to drive the.",
        "the.",
    ),
    ("dangling_end", "To do this we.", "we."),
    ("dangling_end", "There are also discussion on how to.", "to."),
    ("doubled_punctuation", "Thank you for this support!.", "!."),
    ("doubled_punctuation", "great work!.", "!."),
    ("doubled_punctuation", "Can you identify the grammatical error?.", "?."),
    (
        "doubled_punctuation",
        "we are excited to announce that work there is done!; Return Type",
        "!;",
    ),
    ("colon_garble", "Test Valley has: the highest number of completions", "has:"),
    ("colon_garble", "I primarily: the modified views and listing pages", "primarily:"),
    ("colon_garble", "When: out, I thought the team would", "When:"),
    ("colon_garble", "We largely: our goal to stabilize the language features", "largely:"),
    (
        "colon_garble",
        "The primary highlight of March is the: discussion around the PKI RFC",
        "the:",
    ),
    ("colon_garble", "to reach stable as part of Rust v1.85, to be: Feb 20, 2025", "be:"),
    (
        "dangling_clause",
        "Supporting work: Over the course of the last six months; building on cargo linting",
        "Over the course of the last six months;",
    ),
    ("html_tag", "<p>We shipped the new form.</p>", "<p>"),
    (
        "html_tag",
        '<div style="flex: auto;"><strong>Const traits</strong></div>.',
        '<div style="flex: auto;">',
    ),
    ("entity", "Thanks to everyone&#x20;who came", "&#x20;"),
    ("entity", "Research &amp; development", "&amp;"),
    ("quote_marker", "> We moved the site to the new host", "> "),
    ("quote_marker", "March 18-20 > panel of OpenSSF members discussing", "> "),
    ("reference_residue", "See the [migration guide][2] for details", "][2]"),
    ("reference_residue", "Changes to support generators ([#123904][]).", "][]"),
    ("reference_residue", "[1]: https://alpha-omega.dev/blog/first-four-grants/.", "[1]: h"),
    ("list_residue", "Published the guide. 2. 3. Next we test it", ". 2. 3. "),
    ("markdown_residue", "Mission**: Scalable standardized attestable practices", "**"),
    (
        "markdown_residue",
        "Risks: ![docs.rs Rebuild Confirmation](docs-rebuild-confirmation.png).",
        "![docs.rs Rebuild Confirmation](docs-rebuild-confirmation.png)",
    ),
    ("markdown_residue", "Screenshot below. ```html. ```.", "```"),
    # ao-rustfoundation-2024-03 / ao-nodejs-2022-07: a heading put before a labelled text
    (
        "double_label",
        "Threat Modeling: Crates ecosystem: [Published](https://example.org/tm) the model.",
        "Threat Modeling: Crates ecosystem:",
    ),
    (
        "double_label",
        "Triagged HackerOne reports: HackerOne reports with a fix ready/land: [v18](u).",
        "Triagged HackerOne reports: HackerOne reports with a fix ready/land:",
    ),
    # nrw-weeknotes-2023-11-17: an ATX heading's closing hashes in the Context line.
    ("markdown_residue", "Context: And last but not least, a fun Friday fact ##.", "##."),
]

CLEAN = [
    "What changed because of this, and for whom?",
    "And if time allows, I will start a different conversation about it.",
    "Contributions are welcome!",
    "Wait for it...",
    "Status: done.",
    "What changed: 978 open accepted tickets, down a third.",
    'This work serves "Rust 2024 edition" (project-goals-2024h2.md) [1].',
    "We moved 40 tickets to the **new** board.",
    "Latency is < 5 ms and > 2 ms at p99.",
    "1,320 affordable homes were completed in 2023.",
    "Users can now log in.",
    "In March we shipped the form; in April we tested it.",
    "Cargo: Remove implicit features.",
    "What changed: API Policy: Our API plans are available at https://ecosyste.ms/pricing.",
    "We shipped it. If you have any questions, please let us know on the #edition stream.",
]


@pytest.mark.parametrize(("rule", "sentence", "hit"), FLAGGED)
def test_rule_flags_real_garble(rule: str, sentence: str, hit: str) -> None:
    rules = {**FRAGMENT_RULES, **MARKUP_RULES}
    assert rules[rule](sentence) == hit


@pytest.mark.parametrize("sentence", CLEAN)
def test_clean_sentences_pass_every_rule(sentence: str) -> None:
    assert find_garbles(sentence) == []


def test_verb_cut_from_the_source_is_a_fragment() -> None:
    src = "- Fixed a couple of bugs in PR #575\n- Wrote the docs for the new importer"
    assert cut_from_verb("a couple of bugs in PR #575.", sentences(src)) == "fixed"
    assert cut_from_verb("How we got there: a couple of bugs in PR #575", sentences(src))
    # the author's own sentence, or a label the source also had, is not a cut
    assert cut_from_verb("Fixed a couple of bugs in PR #575.", sentences(src)) == ""
    assert (
        cut_from_verb("Cargo: Remove implicit features.", ["Cargo: Remove implicit features"]) == ""
    )


def test_a_bare_address_from_an_html_link_is_no_verb_cut() -> None:
    # a CMS page links an address with itself as the text; read as '[address](address)', the
    # rewrite's bare address looked like the source with 'update' (in the address) cut off
    source = (
        "<p>Once the owners replied, I posted the final spring roadmap update:</p>"
        '<p><a href="https://news.example.org/2025/05/spring-roadmap-update/">'
        "https://news.example.org/2025/05/spring-roadmap-update/</a></p>"
        "<p>After that, we closed the old tracking tickets.</p>"
    )
    rewrite = (
        "- https://news.example.org/2025/05/spring-roadmap-update/. After that, we closed"
        " the old tracking tickets."
    )
    assert find_garbles(rewrite, source) == []
    # a sentence cut from its verb next to an address is still one
    cut = "- the final spring roadmap update at https://news.example.org/2025/05/x/."
    src = "- Posted the final spring roadmap update at https://news.example.org/2025/05/x/"
    assert [g.rule for g in find_garbles(cut, src)] == ["cut_from_verb"]


def test_fragment_the_author_wrote_is_not_the_rewrites() -> None:
    source = "Here's what we've been up to:\n- shipped the form"
    assert garble_counts("Here's what we've been up to.", source)["fragments"] == 0
    assert garble_counts("Here's what we've been up to.")["fragments"] == 1
    # markup counts whoever wrote it: the reader sees it either way
    assert garble_counts("See [the guide][2] now.", "See [the guide][2] now.")["markup"] == 1


def test_counts_split_fragments_from_markup() -> None:
    text = "What changed: <p>Over the last three weeks I.</p>\n\nThanks all!."
    counts = garble_counts(text)
    assert counts == {"fragments": 2, "markup": 1}  # one per rule per sentence
    kinds = {g.rule for g in find_garbles(text)}
    assert kinds == {"html_tag", "dangling_end", "doubled_punctuation"}


def test_a_line_that_ends_on_a_colon_with_nothing_after_it_is_a_fragment() -> None:
    # crates-io-2025-01-deletions-openapi: the list it introduced was a screenshot
    line = (
        "Next steps: Clicking this button will lead you to a confirmation page telling you "
        "about the requirements that need to be met in order to delete the crate:"
    )
    assert [g.rule for g in find_garbles(line)] == ["bare_colon"]
    assert [g.rule for g in find_garbles(line + "\n\nThanks: Thanks to Juha!")] == ["bare_colon"]
    # a colon before its list is fine, as a bullet or numbered list on the next line
    assert find_garbles("What we did:\n- Published several blog posts:\n  - [A post](u)") == []
    assert find_garbles("Three documents were published:\n1. The guide") == []


def test_a_section_that_opens_on_an_invitation_is_a_fragment() -> None:
    # rust-edition-2024-tracking: the rewrite opened on it
    text = (
        "Risks and asks: If you have any questions, please let us know on the "
        "[`#edition`](https://rust-lang.zulipchat.com/) Zulip stream.\n\n"
        "Supporting work: The following is a list of changes we are tracking."
    )
    assert [g.rule for g in find_garbles(text)] == ["opens_on_invitation"]
    under = "Next steps:\n- Feel free to reach out on Slack.\n- Ship 1.2"
    assert [g.rule for g in find_garbles(under)] == ["opens_on_invitation"]
    # as the closing line it is fine, and so is an invitation inside a section
    closing = "Supporting work: We track 12 changes.\n\nIf you have any questions, ask on #edition."
    assert find_garbles(closing) == []
    inside = "Risks and asks: Ship by May. If you have any questions, ask on #edition."
    assert find_garbles(inside) == []
