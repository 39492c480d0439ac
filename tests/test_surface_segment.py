"""Segmentation that survives a change of surface, on real excerpts (the dev set's own words,
re-surfaced as coach/evals/surface.py does): a Setext heading is a heading, an e-mail's
"Subject:" line is a title, CMS HTML written one element a line is one paragraph a <p>, and an
arrow that ends a hard-wrapped line is still an arrow. Each failed on main before the fix."""

from __future__ import annotations

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
    assert (first.kind, first.text) == ("heading", "Subject: Recent Updates")
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


def test_a_subject_line_and_table_cells_read_as_words() -> None:
    # the e-mail's title shows without its header; rust-compiler-steering-2023-02's schedule
    # table as CMS HTML read "DateMeeting IdMeeting Topic" (a name the author never wrote)
    assert clean_unit("Subject: Recent Updates") == "Recent Updates"
    row = to_html("| Date | Meeting Id | Meeting Topic |")
    assert clean_unit(row).split() == ["Date", "Meeting", "Id", "Meeting", "Topic"]


def test_a_signature_line_under_the_last_sentence_makes_no_heading() -> None:
    # "-- " is the e-mail signature separator (RFC 3676), not a Setext underline: the outcome
    # sentence above it was read as a heading and left out of the rewrite
    text = "Intro.\n\nWe shipped the portal to 40 councils.\n-- \nJane Doe"
    assert [s.kind for s in parse(text)] == ["sentence"] * 3
    assert [s.kind for s in parse(text.replace("-- ", "--"))] == ["sentence"] * 3
    assert parse("Done\n---\nNext.")[0].kind == "heading"
