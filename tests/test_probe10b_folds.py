"""A fold reads as prose (second out-of-sample probe, 2 December evening, docs/quality.md):
an author's sentence joined after a semicolon loses its capital unless it opens on a name or
"I". The excerpts paraphrase the probe's shapes; the texts stay outside the repository."""

from __future__ import annotations

from coach.engines.lead_block import join_clauses
from coach.evals.garble import capital_clause, find_garbles

# A library director's short report: short sentences fold into one supporting line.
LIBRARY = """Is the branch library still worth it? Absolutely. Volunteers shelve 410 books a day or \
98,000 books a year. Branches give people a place to meet as well as to learn. Come by and \
visit us soon.

The reading room was repainted in June. We ran 14 story hours for 320 children."""


def test_a_folded_sentence_loses_its_capital(coach: object) -> None:
    """Before: "...; Branches give people ...; Come by and visit us soon"."""
    r = coach.rewrite(LIBRARY, engine="offline", collection="probe-none")  # type: ignore[attr-defined]
    text = r.text.split("\n\n[engine", 1)[0]
    assert "; Branches" not in text and "; Come by" not in text
    assert "; branches give people" in text
    assert not [g for g in find_garbles(text, LIBRARY) if g.rule == "capital_clause"]


def test_names_and_i_keep_their_capital_in_a_fold() -> None:
    out = join_clauses(
        ["We met twice", "Overall, turnout rose", "Heledd spent a day on site", "I wrote notes"],
        set(),
    )
    assert out == "We met twice; overall, turnout rose; Heledd spent a day on site; I wrote notes"
    # a title is no sentence opening, and a word written in lower case is no name
    assert join_clauses(["Done", "Project Director Ryan was elected"], set()).endswith(
        "; Project Director Ryan was elected"
    )
    assert join_clauses(["Done", "Staff met the panel"], {"staff"}) == "Done; staff met the panel"


def test_the_detector_sees_a_capitalised_sentence_after_a_semicolon() -> None:
    source = (
        "We closed in March. Sometimes I feel there is little news. Heledd spent a day on site."
    )
    assert capital_clause("We closed in March; Sometimes I feel there is little news.", source)
    assert not capital_clause("We closed in March; Heledd spent a day on site.", source)
    assert not capital_clause("Context: Update 2023-02; Blog sites.", "Blog sites\n\nText.")
    assert not capital_clause("We closed in March; I felt there was little news.", source)
