"""HTML input read as its reader sees it, on real excerpts re-surfaced as a CMS publishes them
(coach/evals/surface_html.py): entities and inline tags never make the fact check see an
invented or a lost fact, pictures and code blocks are no prose, block tags break units even
when a CMS writes all of them on one line, and a paragraph that only labels a list is a heading
in HTML as it is in Markdown. Each failed on main before the fix (2 December)."""

from __future__ import annotations

import pytest

from coach.evals.surface_html import html_one_line, to_html
from coach.evals.surface_run import key
from coach.facts import check_facts
from coach.htmltext import reader_view
from coach.markup import clean_unit, link_definitions, plain
from coach.segment import parse, segment

EDITION = (  # rust-edition-2024-tracking (MIT OR Apache-2.0), one item of its list
    "- Remove `RustcEncodable` & `RustcDecodable` from the 2024 prelude. This is waiting for "
    "the implementation to be approved, and for automatic migration. See "
    "[#116016](https://github.com/rust-lang/rust/pull/116016)."
)
DIRECTORS = (  # rust-project-directors-2025-02 (MIT OR Apache-2.0), an excerpt
    "Highlights from the February meeting include:\n\n"
    "* It was Eli Gild’s first meeting; he’s the new Member Director for Google replacing "
    "Lars Bergstrom.\n"
    "* Paul Lenz, the Foundation’s Director of Finance & Funding, announced he’s planning to "
    "retire at the end of September.\n"
    "* The Foundation presented the 2025 budget, which was a “business as usual” budget without "
    "any large changes from previous years. The board approved the budget.\n\n"
    "As always, if you have any comments, questions, or suggestions, please email all of the "
    "project directors via project-directors at rust-lang.org."
)
DARK_MODE = (  # crates-io-2024-07-cargo-install-dark-mode (MIT OR Apache-2.0)
    "Similar to GitHub, we now also have dark/light theme support for images in your "
    "`README.md` files:\n\n```html\n<picture>\n"
    '  <source media="(prefers-color-scheme: dark)" srcset="https://test.crates.io/logo_dark.svg">\n'
    '  <img src="https://test.crates.io/logo.svg" alt="logo" width="200">\n</picture>\n```'
)


def _units(text: str) -> list[str]:
    refs = link_definitions(text)
    return [key(plain(clean_unit(s.text, refs))) for s in segment(text)]


def test_inline_tags_and_entities_invent_no_name() -> None:
    # "Remove <code>RustcEncodable</code>" reads "Remove RustcEncodable": compared raw, the
    # rewrite's "Remove RustcEncodable" was a name the source never had (3 invented in the
    # HTML surface, e.g. this one and "Include Future")
    html = to_html(EDITION)
    assert "&amp;" in html and "<code>" in html
    rewrite = clean_unit(html[html.index("<li>") :])
    assert rewrite == clean_unit(EDITION)  # "<code>x</code>" is the code span `x`
    assert rewrite.startswith("Remove `RustcEncodable` & `RustcDecodable` from the 2024 prelude.")
    check = check_facts(html, rewrite)
    assert check.added == () and check.missing == ()


def test_html_code_is_code_to_the_garble_detector() -> None:
    # ao-pyca-asn1-2025-06 (Apache-2.0) as HTML: "Writer::write_..." lost its code span and
    # read as doubled punctuation ("::"), a garble the Markdown never had
    from coach.evals.garble import find_garbles

    md = "Re-added the `Writer::write_{explicit,implicit}_element` APIs."
    unit = clean_unit(to_html(md))
    assert unit == clean_unit(md) == md
    assert find_garbles(unit, to_html(md)) == find_garbles(unit, md) == []


@pytest.mark.parametrize(
    ("source", "rewrite"),
    [
        ("Our R&amp;D team met on 3&#x20;May.", "Our R&D team met on 3 May."),
        ("Funding of £2&nbsp;million was agreed.", "Funding of £2 million was agreed."),
        ("Jos&#233; Valim and Jos&#xE9; Valim joined.", "José Valim joined."),
        ("p95 fell to &lt;5&#37; in Q3.", "p95 fell to <5% in Q3."),
    ],
)
def test_entities_are_decoded_on_both_sides(source: str, rewrite: str) -> None:
    assert check_facts(source, rewrite).ok
    assert check_facts(rewrite, source).ok  # and the other way round


def test_only_closed_entities_are_entities() -> None:
    # html.unescape reads "&notes" as "¬es": a query string would change under the cleaner
    url = "https://x.org/search?q=1&notes=2&copy=3"
    assert url in clean_unit(f"See {url} for it.")
    assert reader_view(f"<p>See {url}</p>").strip() == f"See {url}"


def test_table_cells_read_apart_as_in_markdown() -> None:
    # rust-compiler-steering-2023-02's schedule: "<td>Meeting Id</td><td>Meeting Topic</td>"
    # was the invented name "Meeting Id Meeting Topic"
    row = "| Date | Meeting Id | Meeting Topic |"
    html = to_html(row)
    assert clean_unit(html) == clean_unit(row) == "Date – Meeting Id – Meeting Topic"
    assert check_facts(html, clean_unit(html)).ok


def test_pictures_and_code_blocks_are_no_prose() -> None:
    # the <pre> block of DARK_MODE as HTML was read as sentences ("<picture> <source
    # media=..."), 2 garbles; a raw <picture> as a CMS embeds it shows no words either
    for html in (
        to_html(DARK_MODE),
        to_html(DARK_MODE)
        .replace("<pre><code>", "")
        .replace("</code></pre>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"'),
        html_one_line(DARK_MODE),
    ):
        units = segment(html)
        assert len(units) == 1, units
        assert clean_unit(units[0].text).startswith("Similar to GitHub")
    raw = to_html(DARK_MODE).split("<pre>")[0] + "<picture><img src='l.svg' alt='logo'></picture>"
    assert "logo" not in reader_view(raw)  # code shows as written; a picture shows no words
    # a picture inside a paragraph: the sentence stays, the picture goes
    inline = '<p>Dark mode <picture><img src="https://x.org/l.svg" alt="logo"></picture> ships.</p>'
    assert clean_unit(inline) == "Dark mode ships."
    assert check_facts(inline, "Dark mode ships.").ok  # an image's address is no fact


def test_one_line_html_cuts_the_same_units_as_markdown() -> None:
    multi, one = to_html(DIRECTORS), html_one_line(DIRECTORS)
    assert "\n" not in one and one.count("<li>") == 3
    assert _units(one) == _units(multi) == _units(DIRECTORS)
    assert len(_units(DIRECTORS)) == 6  # the last bullet is two sentences in every surface


def test_a_paragraph_that_labels_a_list_is_a_heading() -> None:
    # moj-courtfinder-team-2014's "Splitting the teams:" and nrw-weeknotes' "**Latest news**"
    # are headings in Markdown; wrapped in <p> they were units (and some led the rewrite)
    for html in (
        "<p>Splitting the teams:</p>",
        "<p><strong>Splitting the teams</strong></p>",
    ):
        assert [s.kind for s in parse(html)] == ["heading"], html
    assert [s.kind for s in parse("<p>We split the team.</p>")] == ["sentence"]


def test_list_items_with_paragraphs_and_checkboxes() -> None:
    html = (
        "<ul><li><p>Shipped the importer.</p><p>It serves 40 councils.</p></li>"
        "<li>[x] Request TAC approval</li></ul>"
    )
    got = [(s.kind, clean_unit(s.text)) for s in parse(html)]
    assert got == [
        ("bullet", "Shipped the importer."),
        ("bullet", "It serves 40 councils."),
        ("checkbox", "Request TAC approval"),
    ]


def test_a_fact_only_in_a_link_target_is_kept_with_the_target() -> None:
    # openssf-sigstore-2026-q1 (CC BY 4.0): "v3.0.5" is only in the link's address; the eval
    # read the HTML's href attribute as text the reader sees and counted the fact lost
    from coach.evals.rewrites import facts_kept

    md = (
        "[Cosign v3](https://github.com/sigstore/cosign/releases/tag/v3.0.5) was recently released."
    )
    rewrite = clean_unit(md)
    assert facts_kept(["v3.0.5"], rewrite, md) == []
    assert facts_kept(["v3.0.5"], rewrite, to_html(md)) == []
    dropped = "Cosign v3 was recently released."  # without its link: lost, in either surface
    assert facts_kept(["v3.0.5"], dropped, md) == facts_kept(["v3.0.5"], dropped, to_html(md))
    assert facts_kept(["v3.0.5"], dropped, to_html(md)) == ["v3.0.5"]  # not kept by accident


def test_every_block_the_reader_breaks_at_starts_a_unit_at_its_words() -> None:
    # reader_view (the fact check) and segment had two block-tag lists: <figcaption> and
    # <footer> broke lines for the fact check but not units, which kept the tags as their text
    html = (
        "<figure><img src='a.png'><figcaption>Visits doubled in May.</figcaption></figure>"
        "<p>We shipped it.</p><footer>Thanks, Alex</footer>"
    )
    got = [s.text for s in parse(html)]
    assert got == ["Visits doubled in May.", "We shipped it.", "Thanks, Alex"]
    assert [ln.strip() for ln in reader_view(html).splitlines() if ln.strip()] == got
