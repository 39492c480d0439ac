"""Segmentation that survives a change of surface, on real excerpts (the dev set's own words,
re-surfaced as coach/evals/surface.py does): a Setext heading is a heading, an e-mail's
"Subject:" line is a title, CMS HTML written one element a line is one paragraph a <p>, and an
arrow that ends a hard-wrapped line is still an arrow. Each failed on main before the fix."""

from __future__ import annotations

import pytest

from coach.evals.surface import email, hard_wrap, setext_headings, to_html
from coach.markup import clean_unit
from coach.segment import parse, segment

HEXPM = (  # ao-eef-hexpm-2025-12 (Apache-2.0)
    "## Audit Preparation Completed\n\n"
    "This month marked the official start of the Hex.pm security audit engagement.\n"
    "We completed all preparatory work to enable the security assessments to begin\n"
    "in January 2026."
)
LANG = (  # rust-lang-team-2021-08 (MIT OR Apache-2.0)
    "We had a short meeting this month, just planning and scheduling the design\n"
    "meetings for the remainder of the month.\n\n"
    "After each meeting, we post an update (like this one!) with notes and meeting "
    "announcements.\n\n## Upcoming design meetings\n\n"
    "We planned two design meetings for August."
)
VD = (  # openssf-vd-wg-2025-q1 (CC BY 4.0)
    "- [Project Idea - CVD Guide for OSS Consumers](https://github.com/ossf/"
    "wg-vulnerability-disclosures/issues/115) > effort is stagnating and needs to be revived"
)


def test_a_setext_heading_is_a_heading_not_a_sentence() -> None:
    text = setext_headings(HEXPM)
    assert "Audit Preparation Completed\n-----" in text
    kinds = [(s.kind, s.text) for s in parse(text)]
    assert kinds[0] == ("heading", "Audit Preparation Completed")
    assert all("Audit Preparation" not in s.text for s in segment(text))
    assert [s.text for s in segment(text)] == [s.text for s in segment(HEXPM)]


def test_a_rule_under_a_bullet_or_a_wrapped_paragraph_makes_no_heading() -> None:
    assert [s.kind for s in parse("- one\n---\nNext.")] == ["bullet", "sentence"]
    assert [s.kind for s in parse("We shipped it\nand more.\n---\nNext.")] == ["sentence"] * 2


def test_an_email_subject_line_is_the_title() -> None:
    text = email("### Recent Updates\n\n- Some members involved in ASIC workstreams")
    assert text.startswith("Subject: Recent Updates\n")
    first = parse(text)[0]
    assert (first.kind, first.text) == ("heading", "Recent Updates")
    assert text[first.start : first.end] == first.text
    assert segment(text)[0].text == "Some members involved in ASIC workstreams"
    assert parse("We agreed.\nSubject: to review")[-1].kind == "sentence"  # only at the top


def test_cms_html_one_element_a_line_is_one_paragraph_a_p() -> None:
    text = to_html(LANG)
    assert "</p>\n<p>" in text and "\n\n" not in text
    units = [clean_unit(s.text) for s in segment(text)]
    assert units == [clean_unit(s.text) for s in segment(LANG)]
    assert units[1].startswith("After each meeting")


def test_an_arrow_ending_a_wrapped_line_is_still_a_dash() -> None:
    wrapped = hard_wrap(VD)
    assert ">\n" in wrapped  # the wrap put the arrow at a line end
    (unit,) = segment(wrapped)
    assert clean_unit(unit.text) == clean_unit(VD[2:])
    assert ">" not in clean_unit(unit.text)


def test_a_hard_wrapped_unit_gets_the_label_of_its_one_line() -> None:
    from coach.analysis import label_unit

    line = "The talk for FOSDEM and FOSS Backstage conferences in 2025 have been accepted."
    wrapped = hard_wrap(line, 68)  # ao-airflow-2024-12 (Apache-2.0), as a 72-column mail
    assert wrapped.endswith("have been\naccepted.")
    assert label_unit(wrapped).label == label_unit(line).label == "outcome"
    assert label_unit(wrapped).signals == label_unit(line).signals


def test_table_cells_read_as_words() -> None:
    # rust-compiler-steering-2023-02's schedule
    # table as CMS HTML read "DateMeeting IdMeeting Topic" (a name the author never wrote)
    row = "| Date | Meeting Id | Meeting Topic |"
    assert clean_unit(to_html(row)) == clean_unit(row) == "Date – Meeting Id – Meeting Topic"


def test_a_signature_line_under_the_last_sentence_makes_no_heading() -> None:
    # "-- " is the e-mail signature separator (RFC 3676), not a Setext underline: the outcome
    # sentence above it was read as a heading and left out of the rewrite
    text = "Intro.\n\nWe shipped the portal to 40 councils.\n-- \nJane Doe"
    assert [s.kind for s in parse(text)] == ["sentence"] * 3
    assert [s.kind for s in parse(text.replace("-- ", "--"))] == ["sentence"] * 3
    assert parse("Done\n---\nNext.")[0].kind == "heading"


CTI = (  # openssf-cti-2025-q2 (CC BY 4.0)
    "Three documents were published in CY25Q2 (May) as work output from the CTI TAC and "
    "project developers:\n\n * [GNU Toolchain SSDLC](https://sourceware.org/glibc/wiki/SSDLC)"
)
BLOG = (  # ao-rustfoundation-2024-03 (Apache-2.0)
    "A blog [post](https://blog.rust-lang.org/2024/03/11/crates-io-download-changes.html) was "
    "published describing the changes."
)
NODE = "Further information: [#319](https://github.com/nodejs-private/node-private/issues/319)"
# ao-nodejs-2022-07 (Apache-2.0)


@pytest.mark.parametrize("text", [CTI, BLOG, NODE])
def test_a_hard_wrap_cuts_no_sentence(text: str) -> None:
    # CTI wrapped "... as work output from the" / "CTI TAC and project developers:": the second
    # line read as a "Label:" heading and the lead was cut at "from the"; BLOG's "A blog" and
    # NODE's "Further information:" could not take their next word (a long link) at 72 columns,
    # and were read as titles
    wrapped = hard_wrap(text)
    assert wrapped != text
    assert [clean_unit(s.text) for s in segment(wrapped)] == [
        clean_unit(s.text) for s in segment(text)
    ]
    assert "heading" not in [s.kind for s in parse(wrapped)]


def test_a_short_title_over_prose_is_still_a_title() -> None:
    # the rule the wrap fix keeps: a short line whose next word would have fitted is a title
    text = "Larkspur Open Data Platform — fortnightly notes\nMerged 27 PRs this fortnight."
    assert [s.kind for s in parse(text)] == ["sentence", "sentence"]
    assert "Merged 27 PRs" in segment(text)[1].text


def test_re_and_subject_are_dropped_from_the_title_only() -> None:
    # clean_unit dropped "Re:" from any unit ("Re: the budget, the board approved it.")
    body = "Re: the budget, the board approved it."
    assert clean_unit(body) == body
    text = "Re: Fwd: Week 12\n\nWe shipped it.\n\n" + body
    units = parse(text)
    assert (units[0].kind, units[0].text) == ("heading", "Week 12")
    assert [s.text for s in units[1:]] == ["We shipped it.", body]


def test_a_version_heading_keeps_its_number() -> None:
    # "### 4.2 Release" was read as outline numbering: the rewrite said "Context: Release; 4.2."
    from coach.engines.sections import headings_with_facts

    source = "### 4.2 Release\n\nWe shipped the importer."
    assert headings_with_facts(source, "We shipped the importer.") == ["4.2 Release"]
    # numbering in an outline ("1.1" beside "1.2" under "1.") is still numbering
    outline = "## 1. Plans\n\n### 1.1 Origin 2026\n\nx.\n\n### 1.2 Blog\n\ny."
    assert "Origin 2026" in headings_with_facts(outline, "x. y.")


def test_italics_over_a_wrapped_line_are_still_italics() -> None:
    # mixxx-outreachy-2020-week-3's intro (dev set) as a 72-column mail kept its "_" ("_This is
    # the third ... I will be\npublishing ... Mixxx DJ_."), and the lead moved to it
    line = (
        "_This is the third of many weekly progress reports that I will be publishing for the "
        "duration of my Outreachy internship with Mixxx DJ_."
    )
    (unit,) = segment(hard_wrap(line))
    assert "\n" in unit.text
    assert clean_unit(unit.text) == clean_unit(line)
    assert "_" not in clean_unit(unit.text)
