"""`coach score`, `coach eval compare`, datasets and suites: real CLI, real files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main
from coach.errors import ConfigError, InputError
from coach.evals.compare import compare
from coach.evals.dataset import load_cases
from coach.evals.suite import load_suite

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "We held 4 standups and closed 40 tickets in sprint 14."
REWRITE = "Patients can now book online: 40 tickets closed in sprint 14, 4 standups."


def test_score_writes_one_line_per_pair_and_reports_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "source": SOURCE, "rewrite": REWRITE}),
                "{not json",
                json.dumps({"source": SOURCE}),
                json.dumps({"source": SOURCE, "rewrite": "Closed tickets.", "citations": ["x"]}),
                json.dumps({"source": SOURCE, "rewrite": REWRITE, "citations": "not a list"}),
            ]
        )
        + "\n"
    )
    out = tmp_path / "scores.jsonl"
    assert main(["score", str(pairs), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 2 is not valid JSON" in err
    assert "line 3: 'rewrite' must be a non-empty string" in err
    assert "line 5: 'citations' must be a list" in err
    assert "Traceback" not in err
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["line"] for r in rows] == [1, 4]
    assert rows[0]["id"] == "a" and rows[0]["facts"]["ok"] is True
    assert rows[0]["content_preservation"] > 0.5 and rows[0]["verdict"] == "pass"
    assert rows[1]["facts_recall"] < 1 and "facts_kept" in rows[1]["failed_gates"]


def test_score_missing_file_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "/nonexistent/pairs.jsonl"]) == 2
    assert capsys.readouterr().err.strip().endswith("does not exist.")


def _item(i: str, failed: list[str], passed: list[str]) -> dict[str, object]:
    return {
        "id": i,
        "verdict": "fail" if failed else "pass",
        "failed_gates": failed,
        "gates_passed": passed,
        "content_preservation": 0.8,
        "tags": [],
    }


def test_compare_flags_gate_drops_and_critical_items() -> None:
    a = [_item("x", [], ["facts_kept", "content_kept"]), _item("y", [], ["content_kept"])]
    same = compare(a, a)
    assert same.regressions == [] and same.common == 2
    b = [_item("x", ["facts_kept"], ["content_kept"]), _item("y", [], ["content_kept"])]
    c = compare(a, b, critical=("facts_kept",))
    assert c.newly_failed == {"x": ["facts_kept"]}
    assert any("facts_kept" in r for r in c.regressions)
    assert any(r.startswith("item x") for r in c.regressions)
    # A subset run is compared on the common items only.
    assert compare(a, a[:1]).common == 1 and compare(a, a[:1]).only_a == ["y"]


def test_compare_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_a, run_b = tmp_path / "a", tmp_path / "b"
    for folder, items in (
        (run_a, [_item("x", [], ["content_kept"])]),
        (run_b, [_item("x", ["content_kept"], [])]),
    ):
        folder.mkdir()
        (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    assert main(["eval", "compare", str(run_a), str(run_b)]) == 0
    assert main(["eval", "compare", str(run_a), str(run_b), "--fail-on-regression"]) == 1
    assert "REGRESSION" in capsys.readouterr().out
    assert main(["eval", "compare", str(run_a), str(run_a), "--fail-on-regression"]) == 0
    assert main(["eval", "compare", str(run_a), str(tmp_path / "none")]) == 2


def test_dataset_loads_and_bad_lines_name_themselves(tmp_path: Path) -> None:
    cases = load_cases(ROOT / "eval" / "cases.jsonl")
    assert len(cases) >= 120 and sum(bool(c.canary) for c in cases) >= 10
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "update": "ok"}\n{"id": "b", "update": ""}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl line 2: 'update'"):
        load_cases(bad)
    bad.write_text('{"id": "a", "update": "ok"}\n{"id": "a", "update": "again"}\n')
    with pytest.raises(InputError, match="duplicate id"):
        load_cases(bad)


def test_suites_load_and_typos_are_errors(tmp_path: Path) -> None:
    gate = load_suite(ROOT / "eval" / "suites" / "gate.yaml")
    assert len(gate.ids) >= 20 and "facts_kept" in gate.critical
    assert load_suite().dataset == "eval/cases.jsonl"
    typo = tmp_path / "typo.yaml"
    typo.write_text("gates:\n  facts_kep: 1.0\n")
    with pytest.raises(ConfigError, match="unknown gate"):
        load_suite(typo)
