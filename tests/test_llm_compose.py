"""The llm engine's composer, without a model: the text is built from an extraction in code,
so what it keeps, cleans and leads with is checked here directly (real analysis, real facts
check, real garble detector)."""

from __future__ import annotations

from coach.analysis import analyze
from coach.engines.base import Request
from coach.engines.compose import Extraction, compose, lead_order, sentence
from coach.engines.llm import read_extraction
from coach.engines.sections import items
from coach.evals.garble import find_garbles
from coach.facts import check_facts

REFS = (
    "# Update 2024-03\n\n"
    "* A [blog post announcing the grant][1] was posted.\n"
    "* [The partner's announcement][2] followed.\n\n"
    "Next steps:\n\n* Finish the RFC.\n\n"
    "[1]: https://example.org/blog/grant\n"
    "[2]: https://example.net/news/grant\n"
)


def _items(text: str) -> list:
    return items(text, analyze(text).units)


def _compose(text: str, ext: Extraction | None = None) -> str:
    return compose(Request(text, analyze(text), ()), ext or Extraction()).text


def test_reference_link_labels_do_not_become_numbers() -> None:
    """Seen on a real Alpha-Omega update: the definitions '[1]: https://...' were written out
    as '1: https://...', and the guard rejected the rewrite for the 'added facts' 1 and 2."""
    out = _compose(REFS)
    assert check_facts(REFS, out).ok, (out, check_facts(REFS, out))
    assert "[blog post announcing the grant](https://example.org/blog/grant)" in out
    assert "1:" not in out and "2:" not in out


def test_markup_is_cleaned_by_the_one_cleaner() -> None:
    """HTML, quote markers, bold, list numbers: coach/markup.py cleans them, as for the
    offline engine; no leaked markup and no fragment in what the reader sees."""
    text = (
        "<p>We <strong>shipped</strong> the rota tool to 3 wards.</p>\n\n"
        "> **Closed** 40 tickets &amp; cut waits by 15%.\n\n"
        "1. Held 4 standups\n2. Migrated the board to <a href='https://x.org/b'>Projects</a>\n"
    )
    a = analyze(text)
    ext = Extraction(outcomes=((0, ""), (1, "")), activity=tuple(range(2, len(a.units))))
    out = compose(Request(text, a, ()), ext).text
    assert find_garbles(out, text) == [], out
    assert check_facts(text, out).ok, check_facts(text, out)
    first = out.split("\n\n")[0]
    assert first.startswith("What changed: ") and "We shipped the rota tool to 3 wards." in first
    assert "[Projects](https://x.org/b)" in out and "&amp;" not in out and "**" not in out


def test_a_unit_ending_in_a_link_still_ends_its_sentence() -> None:
    """Without the full stop, the next unit's 'Created' read as part of a name."""
    assert sentence("* Merged the fix ([#12](https://x.org/12))") == (
        "Merged the fix ([#12](https://x.org/12))."
    )
    text = "* Merged the fix ([#12](https://x.org/12))\n* Created Node.js Web Response Plan\n"
    assert check_facts(text, _compose(text)).ok


def test_the_headline_leads_then_outcomes_both_readers_agree_on() -> None:
    text = (
        "Held 4 standups.\n\n"
        "We are a great team.\n\n"
        "Nurses now spend 15% less time on discharge paperwork.\n\n"
        "The new form went live on 2 wards, cutting waits for patients.\n"
    )
    units = analyze(text).units
    assert units[3].label in ("outcome", "mixed") and units[1].label not in ("outcome", "mixed")
    ext = Extraction(headline=2, outcomes=((1, ""), (3, ""), (2, "")), activity=(0,))
    assert lead_order(ext, units) == [2, 3, 1]
    out = _compose(text, ext)
    assert out.startswith("What changed: Nurses now spend 15% less time")
    # no headline: the outcome both readers agree on first
    assert lead_order(Extraction(outcomes=((1, ""), (3, ""))), units) == [3, 1]


def test_a_greeting_never_leads_even_when_the_model_picks_it() -> None:
    """Real weeknotes: the 1.5B model's headline was the lead-in "Here's what we've been up to
    this week."; the offline engine's sorting calls it a greeting, so it is set aside."""
    text = (
        "Hi all, here's what we've been up to this week.\n\n"
        "Held 4 standups.\n\n"
        "Nurses now spend 15% less time on discharge paperwork.\n"
    )
    units = analyze(text).units
    ext = Extraction(headline=0, outcomes=((0, ""),), activity=(1, 2))
    assert lead_order(ext, units, movable=(1, 2), sorted_items=_items(text)) == [2]
    out = compose(Request(text, analyze(text), ()), ext)
    assert out.text.startswith("What changed: Nurses now spend 15% less time"), out.text
    assert "up to this week" not in out.text
    assert out.changes[0][1].startswith("set aside")


def test_a_result_the_model_filed_as_activity_still_reaches_what_changed() -> None:
    """The analysis' vote moves a result the model called activity into what changed; a tie
    of one vote each goes in the author's order."""
    text = (
        "Nurses now spend 15% less time on discharge paperwork.\n\n"
        "Held 4 standups.\n\n"
        "We are a great team.\n"
    )
    units = analyze(text).units
    assert units[0].label in ("outcome", "mixed")
    ext = Extraction(outcomes=((2, ""),), activity=(0, 1))
    assert lead_order(ext, units, movable=(0, 1)) == [0, 2]
    req = Request(text, analyze(text), ())
    out = compose(req, ext)
    assert out.text.startswith("What changed: Nurses now spend 15% less time")
    assert "How we got there: Held 4 standups." in out.text
    assert "the analysis reads it as a result" in out.changes[0][1]


def test_the_headline_is_read_and_checked() -> None:
    text = "Held 4 standups.\n\nNurses now spend 15% less time on paperwork.\n"
    req = Request(text, analyze(text), ())
    ext, problems = read_extraction(
        {"headline": "u2", "outcomes": [], "activity": ["u1"], "risks": [], "asks": []}, req
    )
    assert ext.headline == 1 and not problems
    assert compose(req, ext).text.startswith("What changed: Nurses now spend 15% less time")
    for bad in ("u9", "", None, ["u2"]):
        ext, _ = read_extraction({"headline": bad, "activity": ["u1"]}, req)
        assert ext.headline is None


def test_content_the_model_left_out_is_kept_but_not_a_label() -> None:
    """Real GSoC report: the 1.5B model left out 'Wrote a setup.py script to install the
    client' (no fact by the facts check) and it vanished; a bare label stays out."""
    text = (
        "What I have been up to\n\n"
        "* Reworked the server code to be modular\n"
        "* Wrote a setup.py script to install the client\n"
    )
    out = _compose(text, Extraction(activity=(1,)))
    assert "Wrote a setup.py script to install the client." in out
    assert "been up to" not in out


def test_a_fact_the_composer_cannot_place_is_listed_not_lost() -> None:
    """The safety net: a figure the cleaner removes (a footnote marker, which the facts check
    still reads) is listed as written after the composed text, never lost. (An HTML comment no
    longer serves: the fact check reads HTML as its reader sees it, comments gone.)"""
    text = "Closed 40 tickets.\n\nBurndown done [^48]\n"
    out = _compose(text, Extraction(outcomes=((0, ""),)))
    assert out.endswith("Also in the update: 48."), out
    assert check_facts(text, out).ok


def test_an_outcome_only_the_model_reads_still_gets_the_outcome_question() -> None:
    """A 1.5B model calls plain work an outcome; when the classifier sees no result in any
    lead unit, the person is still asked what changed."""
    text = "Held 4 standups.\n\nMigrated the board to GitHub Projects.\n"
    units = analyze(text).units
    assert not {u.label for u in units} & {"outcome", "mixed"}
    out = compose(Request(text, analyze(text), ()), Extraction(outcomes=((1, ""),)))
    assert out.text.startswith("What changed: Migrated the board")
    assert any(q.startswith("What changed for users") for q in out.questions)


def test_an_address_that_opens_a_unit_is_not_capitalised() -> None:
    """Facts in = facts out, case and all (as the offline engine's render.sentence has it)."""
    text = "## Update 2024-10\n\nWe shipped it.\n\nhttps://x.org/a.svg\n"
    out = _compose(text)
    assert "https://x.org/a.svg" in out and "Https://" not in out, out
    assert sentence("- closed 40 tickets;") == "Closed 40 tickets."
