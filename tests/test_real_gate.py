"""The CI gate on real updates: offline rewrites of the whole real-updates dataset stay within
eval/real/gate.yaml (garbled fragments, leaked markup, orphaned leaning sentences, curated facts
kept, invented facts, leads with the outcome, asks for a missing outcome) and the grounding
figures (hit@1/@3, cites gold, unrelated citing pooled and held out).

Skipped when the dataset is not beside the repo (../shared/datasets/real-updates or
COACH_REAL_DATA); its texts are not copied into the repo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.evals.real import load_real, resolve_path
from coach.evals.rewrites import rewrite_all, summarise

GATE = Path(__file__).resolve().parent.parent / "eval" / "real" / "gate.yaml"
DATA = resolve_path()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (DATA / "updates.jsonl").is_file(), reason=f"no real-updates dataset at {DATA}"
    ),
]


@pytest.fixture(scope="module")
def run() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = rewrite_all(load_real(DATA))
    return rows, summarise(rows)


@pytest.fixture(scope="module")
def gate() -> dict[str, float]:
    return yaml.safe_load(GATE.read_text(encoding="utf-8"))


def _examples(rows: list[dict[str, Any]], kind: str) -> str:
    hits = [
        f"{r['id']}: {g['match']!r} in {g['sentence'][:120]!r}"
        for r in rows
        for g in r.get("garbles", [])
        if g["kind"] == kind
    ]
    return "\n".join(hits[:8])


@pytest.mark.timeout(1200)
def test_garbled_fragments_within_the_gate(run, gate) -> None:
    rows, s = run
    assert s["errors"] == 0
    assert s["garbled_fragments"] <= gate["garbled_fragments"], _examples(rows, "fragment")


def test_leaked_markup_within_the_gate(run, gate) -> None:
    rows, s = run
    assert s["leaked_markup"] <= gate["leaked_markup"], _examples(rows, "markup")


def test_no_leaning_sentence_orphaned_in_any_audience_or_length(run, gate) -> None:
    """coach/evals/orphans.py: "That's the majority of adults" shown after anything but the
    sentence it followed in the update (the default rewrite and all 6 audience x length)."""
    rows, s = run
    found = [
        f"{r['id']} {o['audience']}/{o['length']}: {o['sentence'][:80]!r} after {o['shown_after']!r}"
        for r in rows
        for o in r.get("orphans_every_choice", [])
    ]
    default = [f"{r['id']}: {o['sentence'][:80]!r}" for r in rows for o in r.get("orphans", [])]
    assert s["orphaned_sentences"] <= gate["orphaned_sentences"], "\n".join(default[:8])
    assert s["orphaned_every_choice"] <= gate["orphaned_every_choice"], "\n".join(found[:8])


def test_curated_facts_kept_and_none_invented(run, gate) -> None:
    rows, s = run
    lost = [f"{r['id']}: {r['facts_missing'][:3]}" for r in rows if r.get("facts_missing")]
    assert s["facts_kept"] >= gate["facts_kept_min"], "\n".join(lost[:8])
    made = [f"{r['id']}: {r['invented_facts'][:3]}" for r in rows if r.get("invented_facts")]
    assert s["invented_facts"] <= gate["invented_facts"], "\n".join(made[:8])


def test_leads_with_the_outcome_and_asks_for_it_within_the_gate(run, gate) -> None:
    rows, s = run
    missed = [
        f"{r['id']}: {r['lead']['first'][:100]!r}"
        for r in rows
        if not r.get("lead", {}).get("leads", True)
    ]
    assert s["leads_with_outcome"] >= gate["leads_with_outcome_min"], "\n".join(missed[:8])
    unasked = [r["id"] for r in rows if r.get("asks_outcome") is False]
    assert s["asks_for_outcome"] >= gate["asks_for_outcome_min"], unasked[:8]
    assert s["invented_outcomes"] <= gate["invented_outcomes"]


def test_the_authors_own_text_keeps_every_curated_fact() -> None:
    """The facts metric reads a rewrite as a reader does (link targets dropped); the update
    itself, given as its own rewrite, must score 100%, or the metric asks for the impossible."""
    from coach.evals.rewrites import facts_kept

    ds = load_real(DATA)
    lost = [(u.id, facts_kept(u.facts, u.text, u.text)) for u in ds.updates]
    assert [x for x in lost if x[1]] == []


def test_grounding_within_the_gate(gate) -> None:
    """The grounding figures of `coach eval real` at the shipped calibration, pooled and per
    held-out organisation, stay within the gate's floors."""
    from coach.evals.grounding import evaluate_grounding

    result = evaluate_grounding(DATA)
    s = result["summary"]
    assert gate["grounding_hit_at_3_min"] >= 0.90
    assert s["hit@1"] >= gate["grounding_hit_at_1_min"], result["failures"]
    assert s["hit@3"] >= gate["grounding_hit_at_3_min"], result["failures"]
    assert s["own cites gold"] >= gate["grounding_cites_gold_min"], result["failures"]
    assert s["unrelated cite anything"] <= gate["grounding_unrelated_max"], result["failures"]
    worst = max(f["unrelated cite anything"] for f in result["logo"] if f.get("threshold"))
    assert worst <= gate["grounding_heldout_unrelated_max"], result["logo"]
