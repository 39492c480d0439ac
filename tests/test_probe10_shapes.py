"""Shapes of real updates from organisations outside the dev set (the second out-of-sample
probe, 2 December evening, docs/quality.md): each excerpt is a paraphrase that keeps the
failure's shape, not the author's words (the probe's texts stay outside the repository)."""

from __future__ import annotations

from coach.evals.garble import find_garbles
from coach.markup import clean_unit, is_link_definition, link_definitions
from coach.segment import parse, segment

# A weeknote whose lists hang off lead-ins that end on an ellipsis, one of them negated.
SHORTFALL = """Some notes on my fortnight in the housing team.

This week I...

- Merged the two intake queues into a single triage rota for the duty officers.
- Spent a lot of time switching between the repairs pilot and the voids review.

This week I didn't…

- Manage to agree the new allocation policy with the panel, which has taken longer than hoped.
- Get the damp survey contract signed, so the pilot start slips again.
"""


def _body(text: str) -> str:
    return text.split("\n\n[engine", 1)[0]


def test_an_ellipsis_lead_in_keeps_its_bullets_and_a_negated_one_is_no_result(
    coach: object,
) -> None:
    """Before: "This week I didn't…" was dropped as routine, so its bullets read as done
    ("What changed: Get the damp survey contract signed ...")."""
    r = coach.rewrite(SHORTFALL, engine="offline", collection="probe-none")  # type: ignore[attr-defined]
    text = r.text
    assert (
        "What changed" not in text
        or "damp survey" not in text.split("What changed", 1)[1].split("\n\n")[0]
    )
    for bullet in ("Manage to agree the new allocation policy", "Get the damp survey contract"):
        line = next(b for b in text.split("\n\n") if bullet in b)
        assert "didn't:" in line.split(bullet)[0], line  # the negation comes with it
        assert line.startswith("Risks and asks")
    assert not find_garbles(text, SHORTFALL)


# A foundation's board mail as a web archive shows it: its notes run together on one line.
BOARD_MAIL = """Hello everyone,

The board met today, the agenda was posted online[1]. Two maintainers gave a detailed
presentation[2] on the project before the board voted to accept it as a new top-level project.

Thanks, Sam

[1] https://wiki.example.org/board/agenda-june [2] https://files.example.org/slides/accept.pdf
"""


def test_notes_on_one_line_are_link_definitions() -> None:
    line = BOARD_MAIL.strip().splitlines()[-1]
    assert is_link_definition(line)
    assert link_definitions(BOARD_MAIL) == {
        "1": "https://wiki.example.org/board/agenda-june",
        "2": "https://files.example.org/slides/accept.pdf",
    }
    assert not is_link_definition("[1] https://a.example.org/x and more prose")


def test_a_defined_note_glued_to_its_word_is_a_link() -> None:
    refs = {"1": "https://wiki.example.org/board/agenda-june"}
    assert clean_unit("the agenda was posted online[1].", refs) == (
        "the agenda was posted online [1](https://wiki.example.org/board/agenda-june)."
    )
    assert clean_unit("items[1] and ids[12]", {}) == "items[1] and ids[12]"  # no note: an index


def test_the_mail_shows_no_raw_note_numbers(coach: object) -> None:
    """Before: "online[1]" and "presentation[2]" reached the reader, and the notes line was an
    item of work ("Thanks, Sam: https://... https://...")."""
    r = coach.rewrite(BOARD_MAIL, engine="offline", collection="probe-none")  # type: ignore[attr-defined]
    body = _body(r.text)
    assert "online[1]" not in body and "presentation[2]" not in body
    assert "Sam: https" not in body
    assert r.facts.ok


def test_a_currency_abbreviation_before_its_amount_ends_no_sentence() -> None:
    """Before: "a target of Rs." and "300,000 (3 lakhs)." were two units, so the rewrite led
    with "177002 in 15 donations" and folded "we had received Rs"."""
    text = "We opened the appeal with a target of Rs. 300,000 in April. By June we had Rs. 177,002."
    assert [s.text for s in segment(text)] == [
        "We opened the appeal with a target of Rs. 300,000 in April.",
        "By June we had Rs. 177,002.",
    ]


# Minutes pasted from a web page: a paragraph a line, the section titles on lines of their own.
MINUTES = """Operational updates
The treasurer reports that we hold more than 7 months of reserves.
The website migration is underway, with a launch planned in the coming months.
Discussions
The board discussed the results of the member survey and the feedback it raised.
Membership proposal
The board discussed a proposal from a charity to join the affiliate network. Motion passes.
"""


def test_a_title_line_between_two_sentences_is_a_heading() -> None:
    """Before: "Discussions" ran into the next line ("Discussions The board discussed ...")."""
    parsed = [(s.kind, s.text) for s in parse(MINUTES)]
    assert ("heading", "Discussions") in parsed
    assert ("heading", "Membership proposal") in parsed
    assert not any(t.startswith(("Discussions The", "Membership proposal The")) for _, t in parsed)


def test_a_wrapped_line_is_no_title() -> None:
    """Hard-wrapped prose keeps its sentence: the next word would have fitted on a short
    line only when the author broke it there."""
    wrapped = (
        "The migration finished on Tuesday. After that the team moved on to the\n"
        "Search service and its index.\n"
    )
    assert [s.kind for s in parse(wrapped)] == ["sentence", "sentence"]
    lower = "We shipped it.\nThe team then fixed\nand tested the search index.\n"  # runs on
    assert all(s.kind == "sentence" for s in parse(lower))
