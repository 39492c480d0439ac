"""Units come out in order with exact offsets; headings are skipped; lists of every kind split."""

from __future__ import annotations

from coach.segment import segment


def _texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


def test_sentences_split_but_not_after_abbreviations() -> None:
    t = "Held a retro, e.g. on Friday. Calls are down 26%. Dr. Okafor agreed."
    assert _texts(t) == [
        "Held a retro, e.g. on Friday.",
        "Calls are down 26%.",
        "Dr. Okafor agreed.",
    ]


def test_bullets_checkboxes_and_headings() -> None:
    t = "## Week 14\nThis week:\n- [x] Held a retro\n* Closed 40 tickets\n1. Released v2.0\n**Risks**\n- [ ] Brief the board"
    segs = segment(t)
    assert [s.text for s in segs] == [
        "Held a retro",
        "Closed 40 tickets",
        "Released v2.0",
        "Brief the board",
    ]
    assert [s.kind for s in segs] == ["checkbox", "bullet", "bullet", "checkbox"]
    for s in segs:
        assert t[s.start : s.end] == s.text


def test_html_list_items() -> None:
    t = "<ul><li>Held a retro</li><li> Calls down 26% </li></ul>"
    segs = segment(t)
    assert [s.text for s in segs] == ["Held a retro", "Calls down 26%"]
    assert all(t[s.start : s.end] == s.text for s in segs)


def test_empty_and_whitespace() -> None:
    assert segment("") == [] and segment(" \n\t\n") == []


def test_wrapped_lines_are_one_sentence_and_link_definitions_are_not_units() -> None:
    t = (
        "Every fourth Friday, the Rust compiler team decides how\nit is going to use its "
        "meeting time. (We did not file a\nproposal.) Next one.\n\n"
        "[jan-28-mtg]: https://github.com/rust-lang/compiler-team/issues/479\n"
    )
    assert _texts(t) == [
        "Every fourth Friday, the Rust compiler team decides how\nit is going to use its "
        "meeting time.",
        "(We did not file a\nproposal.)",
        "Next one.",
    ]


def test_bullets_run_on_and_stop_at_a_new_paragraph() -> None:
    t = "- Lucinda improved the prototype\n  of the flood app.\n- Sophie met the hub\nlike:\n\tnothing"
    assert _texts(t)[:2] == [
        "Lucinda improved the prototype\n  of the flood app.",
        "Sophie met the hub\nlike:\n\tnothing",
    ]
    t = " * 3 are fixed (5%)\nWe also reviewed 12 more."
    assert _texts(t) == ["3 are fixed (5%)", "We also reviewed 12 more."]


def test_tables_fences_and_images() -> None:
    t = (
        "| Date | Topic |\n|---|---|\n| 14 Jan | Planning |\n\n```\ncode here\n```\n"
        "![A photo](https://x.org/a.jpg)\n<div>\n<progress value=3></progress>\n</div>\nDone."
    )
    segs = segment(t)
    assert [(s.text, s.kind) for s in segs] == [
        ("| Date | Topic |", "row"),
        ("| 14 Jan | Planning |", "row"),
        ("Done.", "sentence"),
    ]
    assert all(t[s.start : s.end] == s.text for s in segs)


def test_parse_keeps_headings_apart() -> None:
    from coach.segment import parse

    t = "## What's next\n- Ship it\n**Shipped v2 today.**"
    assert [(s.kind, s.text) for s in parse(t)] == [
        ("heading", "## What's next"),
        ("bullet", "Ship it"),
        ("sentence", "**Shipped v2 today.**"),
    ]


def test_a_short_title_line_is_not_wrapped_into_the_next_sentence() -> None:
    t = "Larkspur Open Data Platform — fortnightly notes\nMerged 27 PRs and cut release v2.4.0."
    assert _texts(t) == [
        "Larkspur Open Data Platform — fortnightly notes",
        "Merged 27 PRs and cut release v2.4.0.",
    ]
    t = "On Friday, 4 February, we will be having a meeting to\nDiscuss backports for Rust 1.59."
    assert len(_texts(t)) == 1  # a long wrapped line goes on, whatever the next line's case


def test_a_wrapped_bullet_with_a_link_line_stays_one_bullet() -> None:
    t = "  - The Linux v6.13 Rust-related PRs (including\n[ours](https://lore.kernel.org/x)\nand other subsystems) landed."
    assert len(_texts(t)) == 1


def test_a_line_break_inside_link_text_does_not_start_a_sentence() -> None:
    # ao-freebsd-openssl-2025-07: "[FreeBSD\nFoundation](...)" was cut into two units.
    from coach.segment import segment

    text = (
        "Internal meetings were held by the [FreeBSD\nFoundation](https://freebsdfoundation.org),"
        " in order to plan the\nsteps past the OpenSSL 3.5 integration."
    )
    assert len(segment(text)) == 1
