"""Score once: the core computes the scores with the rewrite; page, batch and eval read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from coach import Coach
from coach.app import render
from coach.batch.runner import result_payload
from coach.evals.metrics import score, score_result
from coach.options import RewriteOptions

UPDATE = (
    "Held 4 standups and a retro. Migrated the board to GitHub Projects. "
    "Cut invoice processing from 5 days to 2 for 300 suppliers."
)


def test_result_carries_scores_that_match_a_fresh_scoring(indexed_home: Path) -> None:
    r = Coach(home=indexed_home, engine="offline").rewrite(UPDATE)
    fresh = score(r.source, r.text, [c.context for c in r.citations])
    s = r.scores
    assert s.facts_recall == fresh["facts_recall"] == 1.0
    assert s.process_density_before == fresh["process_density_before"] > 0
    assert s.grade_level == fresh["grade_level"]
    assert s.content_preservation is not None
    assert abs(s.content_preservation - fresh["content_preservation"]) < 1e-3
    assert r.to_dict()["scores"]["process_density_after"] == s.process_density_after


def test_readers_take_the_result_scores_not_their_own(indexed_home: Path) -> None:
    r = Coach(home=indexed_home, engine="offline").rewrite(UPDATE)
    marked = replace(
        r, scores=replace(r.scores, process_density_after=0.123, content_preservation=0.456)
    )
    assert render.scores(marked)["process_after"] == 0.123
    assert render.scores(marked)["content_preservation"] == 0.456
    assert result_payload(marked)["scores"]["process_density_after"] == 0.123
    assert score_result(marked)["content_preservation"] == 0.456


def test_metrics_off_skips_the_embeddings(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    r = coach.rewrite(UPDATE, RewriteOptions(metrics=False))
    assert r.scores.content_preservation is None and r.scores.link_support is None
    assert "content_kept" not in score_result(r)["failed_gates"] + score_result(r)["gates_passed"]


class Recording:
    """The real embedder, remembering what it was asked to embed."""

    def __init__(self) -> None:
        from coach.embeddings import get_embedder

        self.inner = get_embedder()
        self.asked: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.asked.extend(texts)
        return self.inner.embed(texts)


SOURCE = (
    "Held 4 standups and a retro.\n"
    "Cut invoice processing from 5 days to 2 for 300 suppliers.\n"
    "The supplier portal now shows each invoice's status."
)


def test_content_preservation_reads_units_and_embeds_only_new_sentences() -> None:
    from coach.scoring import score as scores_of

    rewrite = (
        "What changed: cut invoice processing from 5 days to 2 for 300 suppliers; the supplier "
        "portal now shows each invoice's status\n\nSupporting work: Held 4 standups and a "
        "retro.\n\nWhy it matters: This serves the faster payments goal."
    )
    rec = Recording()
    kept = scores_of(SOURCE, rewrite, embedder=rec).content_preservation
    assert kept == 1.0  # every sentence is there, relabelled, joined or moved
    assert SOURCE not in rec.asked and rewrite not in rec.asked  # never a whole text
    assert set(rec.asked) == set(SOURCE.splitlines()) | {"This serves the faster payments goal."}
    dropped = scores_of(SOURCE, "Held 4 standups and a retro.", embedder=Recording())
    assert dropped.content_preservation is not None and dropped.content_preservation < 0.7


def test_a_big_paste_is_scored_on_its_first_units() -> None:
    from coach.preservation import MAX_SCORED_UNITS, pieces

    units = [f"Shipped release {i} to the {i} customers." for i in range(MAX_SCORED_UNITS + 50)]
    got = pieces(units, [*reversed(units), "A new closing line."])
    assert len(got.texts) == MAX_SCORED_UNITS + 1
    assert got.new == ["A new closing line."]
    assert max(i for i in got.source if i is not None) == MAX_SCORED_UNITS - 1


def test_sentences_kept_together_by_the_segmenter_still_reuse_their_units() -> None:
    from coach.preservation import pieces

    got = pieces(["x", "x", "Shipped it"], ["X. X. Shipped it.", "What changed: shipped it"])
    assert got.new == [] and set(got.source) == {0, 2}


def test_the_matching_key_examples_hold() -> None:
    """preservation.key's docstring example (a rewrite piece reuses a unit's vector only when
    their keys match) is run here; nothing else ran it."""
    import doctest

    import coach.preservation

    run = doctest.testmod(coach.preservation)
    assert run.attempted >= 1 and run.failed == 0
