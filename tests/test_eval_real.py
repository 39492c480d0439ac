"""`coach eval real`: the real-updates loader, label overlay, org folds and report, on a small
dataset of the same schema written here (so no text of unknown licence enters the repo)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.errors import InputError
from coach.evals.eye import binary, naive_label
from coach.evals.real import assign_folds, load_real, unit_hash
from coach.evals.rewrites import content_sentences, facts_kept, lead_block, leads_with
from tests.conftest import EvalReal

ROOT = Path(__file__).resolve().parent.parent

UPDATES = [
    (
        "a1",
        "acme",
        "process-heavy",
        None,
        "- Held 3 standups and updated the Jira board.\n- Moved 12 tickets to done.",
    ),
    (
        "a2",
        "acme",
        "outcome-already",
        "Claims are now paid in 2 days instead of 9.",
        "Claims are now paid in 2 days instead of 9, so members get their money a week sooner.\n- We ran the weekly sync.",
    ),
    (
        "b1",
        "bolt",
        "mixed",
        "Signups rose 30% after the new form went live.",
        "Signups rose 30% after the new form went live.\n- Reviewed 4 PRs.",
    ),
    ("c1", None, "process-heavy", None, "Attended the steering committee. Drafted the roadmap."),
]


def _write(folder: Path, *, grounding: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "updates.jsonl").open("w") as fh:
        for uid, org, label, outcome, text in UPDATES:
            row = {
                "id": uid,
                "org": org,
                "text": text,
                "source": "test",
                "licence": "MIT",
                "label": label,
                "facts": ["12"] if uid == "a1" else [],
                "outcome": outcome,
            }
            fh.write(json.dumps(row) + "\n")
    units = [
        ("a1", "- Held 3 standups and updated the Jira board.", "process"),
        ("a1", "- Moved 12 tickets to done.", "process"),
        (
            "a2",
            "Claims are now paid in 2 days instead of 9, so members get their money a week sooner.",
            "outcome",
        ),
        ("a2", "- We ran the weekly sync.", "process"),
        ("b1", "Signups rose 30% after the new form went live.", "outcome"),
        ("b1", "- Reviewed 4 PRs.", "process"),
        ("c1", "Attended the steering committee.", "process"),
        ("c1", "Drafted the roadmap.", "other"),
    ]
    with (folder / "units.jsonl").open("w") as fh:
        for uid, unit, label in units:
            fh.write(
                json.dumps({"update_id": uid, "unit": unit, "label": label, "terms": []}) + "\n"
            )
    if grounding:
        (folder / "grounding.jsonl").write_text(json.dumps({"update_id": "a1", "gold": []}) + "\n")
    return folder


def test_loader_reads_any_directory_and_skips_missing_optional_files(tmp_path: Path) -> None:
    ds = load_real(_write(tmp_path / "set"), fixes=None)
    assert [u.id for u in ds.updates] == ["a1", "a2", "b1", "c1"]
    assert len(ds.units) == 8 and ds.fixes_applied == 0
    assert ds.strategy_dir is None and ds.grounding == ()
    assert ds.update("a2").outcome.startswith("Claims")
    assert load_real(_write(tmp_path / "g", grounding=True), fixes=None).grounding


def test_overlay_fixes_silver_labels_by_update_and_unit_hash(tmp_path: Path) -> None:
    data = _write(tmp_path / "set")
    fixes = tmp_path / "fixes.jsonl"
    unit = "Drafted the roadmap."
    fixes.write_text(
        json.dumps({"update_id": "c1", "unit_sha": unit_hash(unit), "label": "process"})
        + "\n"
        + json.dumps({"update_id": "zz", "unit_sha": "000000000000", "label": "other"})
        + "\n"
    )
    ds = load_real(data, fixes=fixes)
    fixed = next(u for u in ds.units if u.text == unit)
    assert (fixed.silver, fixed.label) == ("other", "process")
    assert ds.fixes_applied == 1 and ds.fixes_unmatched == 1


def test_small_orgs_and_null_pool_into_one_fold() -> None:
    ds_updates = load_real.__globals__["RealUpdate"]
    ups = tuple(
        ds_updates(f"{o}{i}", o, "x", "mixed")
        for o, n in (("big", 9), ("mid", 8), ("tiny", 2))
        for i in range(n)
    )
    ups += (ds_updates("n1", None, "x", "mixed"),)
    folds = assign_folds(ups)
    assert {folds[u.id] for u in ups if u.org == "big"} == {"big"}
    assert folds["tiny0"] == folds["n1"] == "other"
    # a set of only small organisations still gets three or more folds
    small = tuple(ds_updates(f"{o}{i}", o, "x", "mixed") for o in "pqrs" for i in range(2))
    assert len(set(assign_folds(small).values())) >= 3


def test_missing_dataset_is_one_clear_sentence(tmp_path: Path, eval_real: EvalReal) -> None:
    with pytest.raises(InputError, match="No real-updates dataset"):
        load_real(tmp_path / "nowhere")
    proc = eval_real(tmp_path / "nowhere", timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "No real-updates dataset" in proc.stderr


@pytest.mark.parametrize(
    ("module", "said"),
    [
        ("eval.train_lead", "No real-updates dataset"),
        ("eval.train_join", "No real-updates dataset"),
        ("eval.lead_logo", "No real-updates dataset"),
        ("eval.offline_real", "no updates.jsonl"),
    ],
)
def test_the_eval_scripts_say_a_missing_dataset_in_one_sentence(
    tmp_path: Path, module: str, said: str
) -> None:
    """Each printed a traceback before (2 December), but lead_logo."""
    env = {**os.environ, "COACH_REAL_DATA": str(tmp_path / "nowhere")}
    cmd = [sys.executable, "-m", module, "--data", str(tmp_path / "nowhere")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert said in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_binary_scores_count_other_predictions_as_not_outcome() -> None:
    gold = ["process", "outcome", "mixed", "other", "process"]
    pred = ["process", "other", "mixed", "outcome", "outcome"]
    s = binary(gold, pred)
    assert s["outcome_recall"] == 0.5 and s["process_specificity"] == 0.5
    assert s["balanced_accuracy"] == 0.5 and s["n_outcome_mixed"] == 2
    assert naive_label("We had a meeting") == "process" and naive_label("Sales rose") == "outcome"


def test_content_sentences_and_lead_block() -> None:
    text = (
        "What changed: Claims are now paid in 2 days.\n\nHow we got there: ran the sync.\n\n"
        "Questions for you:\n- What changed for whom?"
    )
    sents = content_sentences(text)
    assert sents == ["Claims are now paid in 2 days.", "ran the sync."]
    assert lead_block(["Good news.", "Claims are paid faster.", "x y"])[1] == 2
    assert facts_kept(["PR #575", "v1.2"], "Fixed PR  #575") == ["v1.2"]


def test_leads_with_uses_similarity_to_the_first_sentence() -> None:
    from coach.evals.eye import unit_vectors

    def embed(texts: list[str]):
        return unit_vectors(texts, cache=None)

    outcome = "Members are now paid in 2 days instead of 9."
    good = [
        "Claims are now paid in 2 days instead of 9, a week sooner for members.",
        "We ran the weekly sync with the whole team.",
    ]
    assert leads_with(outcome, good, embed)["leads"]
    assert not leads_with(outcome, list(reversed(good)), embed)["leads"]


def test_cli_runs_every_section_on_a_small_set(tmp_path: Path, eval_real: EvalReal) -> None:
    data = _write(tmp_path / "set")
    out = tmp_path / "out"
    proc = eval_real(data, out=out, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "eye BA: naive 20-word lexicon" in proc.stdout
    report = json.loads((out / "real.json").read_text())
    assert set(report["eye"]["eyes"]) >= {"naive 20-word lexicon", "rules alone"}
    s = report["rewrites"]["summary"]
    assert s["updates"] == 4 and s["outcome_updates"] == 2 and s["facts_total"] == 1
    assert report["grounding"]["skipped"]
    assert (out / "real.md").read_text().startswith("# Real-data eval")
    assert len((out / "rows.jsonl").read_text().splitlines()) == 4
