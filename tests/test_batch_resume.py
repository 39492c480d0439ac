"""kill -9 at random points of a 1,000-row offline batch, then --resume: the output is
byte-identical to an uninterrupted run (no row lost, none duplicated)."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach import Coach
from coach.batch import Options, run_batch

ROWS = 1000


def _updates(n: int) -> list[str]:
    verbs = ["Held", "Closed", "Migrated", "Configured", "Reviewed"]
    return [
        f"{verbs[i % 5]} {i} items for team {i % 17} in sprint {i % 30}. "
        f"Patients waited {i % 9 + 1} minutes less on {i % 28 + 1} March."
        for i in range(n)
    ]


def _write(path: Path, texts: list[str]) -> None:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "update"])
            w.writerows([str(i), t] for i, t in enumerate(texts))
    else:
        path.write_text(
            "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
        )


def _cli(src: Path, out: Path, home: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COACH_HOME": str(home)}
    cmd = [sys.executable, "-m", "coach.cli", "batch", str(src), "-o", str(out)]
    cmd += ["--engine", "offline", "--no-metrics", "--quiet", *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize(("suffix", "kills"), [(".csv", 3), (".jsonl", 2)])
def test_kill_9_then_resume_is_identical(tmp_path: Path, suffix: str, kills: int) -> None:
    home = tmp_path / "home"  # no corpus: the batch machinery, not retrieval, is under test
    src = tmp_path / f"in{suffix}"
    _write(src, _updates(ROWS))
    ref = tmp_path / f"ref{suffix}"
    run_batch(Coach(home=home, engine="offline"), src, ref, options=Options(metrics=False))

    out = tmp_path / f"out{suffix}"
    rng = random.Random()
    targets = sorted(rng.sample(range(50, ROWS - 50), kills))  # rows journalled at each kill
    journal = Path(f"{out}.journal")
    seen = []
    for attempt, target in enumerate(targets):
        proc = _cli(src, out, home, *(["--resume"] if attempt else []))
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if _journalled(journal) >= target:
                time.sleep(rng.uniform(0, 0.02))  # land anywhere inside a row
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
        proc.wait()
        seen.append(_journalled(journal))
        assert proc.returncode == -signal.SIGKILL, f"run {attempt} was not killed: {seen}"
        assert not out.exists(), "a killed run left an output file"
    proc = _cli(src, out, home, "--resume")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    line = stdout.decode()
    assert f"{ROWS} row(s): {ROWS} succeeded" in line, line
    assert out.read_bytes() == ref.read_bytes(), f"kills after {seen} journalled rows"
    # Only the rows not yet journalled at the last kill were rewritten again.
    assert f"({seen[-1]} from the journal, {ROWS - seen[-1]} rewritten)" in line, line


def _journalled(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0
