"""The offline eval as a CI gate: run the offline engine over the gate suite's cases and compare
with the committed baseline (eval/baselines/offline). Regenerate it with `make eval-baseline`
after a deliberate change, and commit it with that change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "eval" / "baselines" / "offline"
GATE = ROOT / "eval" / "suites" / "gate.yaml"


@pytest.mark.slow
def test_offline_engine_does_not_regress(
    indexed_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COACH_HOME", str(indexed_home))
    out = tmp_path / "run"
    assert main(["eval", "--suite", str(GATE), "--out", str(out), "--quiet"]) == 0
    items = [json.loads(x) for x in (out / "items.jsonl").read_text().splitlines()]
    assert len(items) >= 20 and all(i["engine"] == "offline" for i in items)
    assert all(i["verdict"] != "error" for i in items)
    for name in ("report.md", "report.html", "charts/gates.png", "summary.json"):
        assert (out / name).is_file()
    capsys.readouterr()
    code = main(
        ["eval", "compare", str(BASELINE), str(out), "--suite", str(GATE), "--fail-on-regression"]
    )
    report = capsys.readouterr().out
    assert f"Compared {len(items)} common item(s)" in report, report
    assert code == 0, "The offline eval regressed against the baseline:\n" + report
