"""Score once: the core computes the scores with the rewrite; page, batch and eval read them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

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
