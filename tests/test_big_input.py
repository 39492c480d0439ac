"""Big pastes stay bounded, and a rewrite embeds each text once: per-unit work is capped and
the result says so; the facts of every line are still kept. Timings live in `make bench`."""

from __future__ import annotations

from pathlib import Path

from coach import Coach
from coach.core import MAX_GROUNDED_UNITS

PASTE = Path(__file__).parent / "bad_inputs" / "files" / "many-tiny-lines.txt"


def test_a_long_paste_is_capped_and_says_so(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    lines = [f"- Closed ticket {i} for team {i % 17}" for i in range(MAX_GROUNDED_UNITS + 60)]
    r = coach.rewrite("\n".join(lines))
    assert len(r.alignment) <= MAX_GROUNDED_UNITS
    capped = [f for f in r.findings if "only the first" in f]
    assert capped and f"{len(lines):,} items" in capped[0], r.findings
    assert r.facts.ok, (r.facts.missing, r.facts.added)


def test_a_short_update_is_not_capped(indexed_home: Path) -> None:
    r = Coach(home=indexed_home, engine="offline").rewrite("- Held 4 standups\n- Closed 40 tickets")
    assert not [f for f in r.findings if "only the first" in f]


def test_many_identical_lines_are_embedded_once(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    coach.rewrite("warm-up")
    emb = coach.retriever.embedder
    before = emb.embedded
    coach.rewrite(PASTE.read_text(encoding="utf-8"))  # 4,000 lines of "- x"
    assert emb.embedded - before <= 10  # the unit once, the source, the rewrite, a few links


def test_a_second_rewrite_of_the_same_update_embeds_nothing(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    text = "- Migrated the board to GitHub Projects\n- The booking form went live on 3 March"
    first = coach.rewrite(text)
    emb = coach.retriever.embedder
    before = emb.embedded
    again = coach.rewrite(text)
    assert emb.embedded == before  # alignment, scores and classifier read the cache
    assert again.text == first.text and again.scores == first.scores
