"""The facts guard finds what a rewrite dropped or invented."""

from __future__ import annotations

import pytest

from coach.facts import check_facts, extract_facts

SRC = (
    "Held 4 standups. Migrated the board from ZenHub to GitHub Projects on 14 March. "
    "Closed 40 tickets (JIRA-1234, INC0012345) in sprint 14; Priya Shah led it. "
    "Spend £1.2m, 12% under plan, go-live Q3 2026."
)


def kinds(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in extract_facts(text):
        out.setdefault(f.kind, set()).add(f.text)
    return out


def test_extracts_every_kind() -> None:
    k = kinds(SRC)
    assert {"4", "40"} <= k["number"]
    assert {"JIRA-1234", "INC0012345"} <= k["id"]
    assert {"14 March", "sprint 14", "Q3 2026"} <= k["date"]
    assert k["money"] == {"£1.2m"} and k["percent"] == {"12%"}
    assert {"ZenHub", "GitHub Projects", "Priya Shah"} <= k["name"]
    assert "Held" not in k["name"] and "Migrated" not in k["name"]


def test_identity_is_ok() -> None:
    fc = check_facts(SRC, SRC)
    assert fc.ok and fc.kept == fc.total > 8


def test_changed_number_is_missing_and_added() -> None:
    fc = check_facts(SRC, SRC.replace("40 tickets", "41 tickets"))
    assert fc.missing == ("40",) and fc.added == ("41",)


def test_dropped_name_and_invented_name() -> None:
    fc = check_facts(SRC, SRC.replace("Priya Shah", "the lead") + " Bob Marsh approved it.")
    assert "Priya Shah" in fc.missing and "Bob Marsh" in fc.added


def test_numbers_match_by_value_and_citations_may_add() -> None:
    assert check_facts("Saved 1,200 hours", "1200 hours were saved").ok
    fc = check_facts(
        "Cut waits.", "Cut waits, serving the 18-week target.", allowed=["the 18-week target"]
    )
    assert fc.ok, fc


def test_case_of_names_does_not_matter() -> None:
    assert check_facts("Moved to GitHub.", "We moved to github.").ok


def test_dates_and_numbers_compare_as_values() -> None:
    """A format change is not a dropped fact plus an invented one."""
    assert check_facts("Due 3 March.", "Due March 3.").ok
    assert check_facts("Due 3rd March 2026.", "Due March 3, 2026.").ok
    assert check_facts("Live on 2026-03-03.", "Live on 3 March 2026.").ok
    assert check_facts("Saved 1,200 hours.", "Saved 1200 hours.").ok
    changed = check_facts("Due 3 March.", "Due 4 March.")
    assert changed.missing == ("3 March",) and changed.added == ("4 March",)
    assert not check_facts("Due 3 March 2026.", "Due 3 March 2027.").ok


def test_a_numbered_list_under_a_heading_is_layout_not_facts() -> None:
    """Issue 17: '### Next week' over '1. ...' became the facts 'week\\n1' and '2'."""
    src = "### Next week\n1. Ship the rota tool\n2. Train 12 nurses\n\nIn week 3 we fixed 2 bugs."
    texts = [f.text for f in extract_facts(src)]
    assert texts == ["12", "week 3", "2"], texts
    # the rewrite drops the list markers and keeps the facts: nothing missing
    assert check_facts(src, "Ship the rota tool; train 12 nurses. In week 3 we fixed 2 bugs.").ok


def test_describe_never_prints_a_python_list() -> None:
    from coach.facts import describe

    fc = check_facts("Closed 40 tickets in week\n3 at GitHub", "Closed tickets")
    line = describe(fc)
    assert "[" not in line and "'" not in line and "\n" not in line
    assert line.startswith("kept 0 of 3; missing: 40,")
    assert describe(check_facts("Closed 40", "Closed 40")) == "all 1 kept"


def test_images_and_numbered_heading_numbers_are_layout_not_facts() -> None:
    # Real cases: crates-io-2024-07-cargo-install-dark-mode, nrw-weeknotes-2022-11-24.
    from coach.facts import check_facts, extract_facts

    source = (
        "## 5. We carried out a desktop walkthrough\n\n"
        "![Dark Mode Screenshot](https://example.org/images/dark%20mode.png?raw=true)\n\n"
        "Each of the 4 groups chose a problem.\n"
    )
    texts = {f.text for f in extract_facts(source)}
    assert "5" not in texts and "Dark Mode Screenshot" not in texts
    assert not any("example.org" in t for t in texts)
    assert check_facts(source, "Each of the 4 groups chose a problem.").ok
    assert not check_facts(source, "Each group chose a problem.").ok  # "4" is still a fact


def test_html_attributes_are_layout_but_a_link_target_is_a_fact() -> None:
    """Real Rust goals update: `<progress value="0" max="2">` gave the 'facts' 0 and 2, which
    no reader reads and no rewrite keeps; the href beside them is a fact."""
    src = (
        "<div style=\"flex: auto;\"><a href='https://x.org/goals/106'><strong>Const traits"
        '</strong></a></div><progress value="0" max="2"></progress>\n\nShipped 3 fixes.'
    )
    texts = [f.text for f in extract_facts(src)]
    assert "https://x.org/goals/106" in texts and "3" in texts
    assert not {"0", "2", "flex"} & set(texts), texts
    assert check_facts(src, "Shipped 3 fixes ([Const traits](https://x.org/goals/106)).").ok
    assert "https://x.org/goals/106" in check_facts(src, "Shipped 3 fixes.").missing


def test_a_bold_label_is_no_name() -> None:
    """Real OpenSSF update: '**Latest news**:' made 'Latest' a name every rewrite 'dropped'."""
    assert "Latest" not in [f.text for f in extract_facts("**Latest news**:\n\n* SLSA shipped")]
    assert "Priya" in [f.text for f in extract_facts("Thanks to **Priya** for the fix")]


def test_punctuation_after_a_url_is_the_sentence_s() -> None:
    """'see https://x.org/a; and' is the address https://x.org/a, not '...a;' (an 'added' fact)."""
    assert check_facts("See https://x.org/a (48)", "Also in the update: https://x.org/a; 48.").ok
    assert [f.text for f in extract_facts("at https://x.org/a.")] == ["https://x.org/a"]


def test_reference_link_labels_are_not_numbers() -> None:
    """Real Alpha-Omega update: '[1]: https://...' definitions; their labels are no facts."""
    src = "* A [blog post][1] was posted.\n\n[1]: https://a.dev/blog\n[2]: https://r.org/news\n"
    assert [f.text for f in extract_facts(src)] == ["https://a.dev/blog", "https://r.org/news"]


def test_a_numbered_heading_word_is_no_name() -> None:
    """Real Alpha-Omega update: '## 1) Infrastructure' made 'Infrastructure' a name."""
    assert not extract_facts("## 1) Infrastructure\n\nThe swarm runs.")


def test_extract_facts_hands_out_a_new_list_each_time() -> None:
    """Extraction is cached per text: a caller that edits its list must not edit the cache."""
    from coach.facts import extract_facts

    first = extract_facts("Closed 40 tickets for Acme on 3 March 2025.")
    first.clear()
    again = extract_facts("Closed 40 tickets for Acme on 3 March 2025.")
    assert [f.text for f in again][:1] == ["40"] and again is not first


@pytest.mark.parametrize(
    ("source", "fact"),
    [
        # real updates whose curators kept a duration written in words
        ("Here’s what we’ve done over the past three weeks:", "three weeks"),  # MoJ Digital
        ("they will be given privileges for six hours or until they disable", "six hours"),
        ("we release in three-month windows", "three-month"),  # Fedora CPE
    ],
)
def test_a_duration_in_number_words_is_a_fact(source: str, fact: str) -> None:
    assert fact in [f.text for f in extract_facts(source)]
    assert fact in check_facts(source, "We released.").missing
    assert check_facts(source, source).ok


def test_number_words_alone_are_no_facts() -> None:
    """Only a duration counts: "one of the", "two of us" are no figures a rewrite must keep."""
    assert not extract_facts("two of us met one of the owners")


@pytest.mark.parametrize(
    ("source", "fact"),
    [
        # real updates whose curators kept code a rewrite must show as written
        ("more details in the [`ping-goals` retry section](#ping-goals-retry-issue)", "ping-goals"),
        ("the `feature_missing` lint was added", "feature_missing"),  # rust-goals semver-checks
        ("Deployed the webapp locally using apache and mod_wsgi", "mod_wsgi"),  # gentoo GSoC
        ("Wrote a setup.py script to install the client", "setup.py"),  # gentoo GSoC
        ("Thanks to everyone at @oneteamgov for the chat", "@oneteamgov"),  # a weeknote
    ],
)
def test_code_is_a_fact(source: str, fact: str) -> None:
    assert fact in [f.text for f in extract_facts(source)]
    assert fact in check_facts(source, "We did some work.").missing


def test_code_inside_an_address_or_an_email_is_not_counted_twice() -> None:
    facts = [f.text for f in extract_facts("See https://x.org/a_b/setup.py or mail a_b@x.org")]
    assert facts == ["https://x.org/a_b/setup.py", "a_b@x.org"]
