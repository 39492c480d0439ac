"""Offline batch in blocks and worker processes: the output and the journal are the same with
1 and 2 workers, repeated rows are answered once, and a kill -9 of a 2-worker batch resumes to
the same bytes. Speed is measured by `make bench`, never here."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from coach import Coach
from coach.batch import Options, run_batch

UPDATES = [
    "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects.",
    "The new online booking form went live on 3 March: 1,200 patients booked online, so the "
    "phone queue fell by 18%.",
    "- Closed 40 tickets in sprint 14\n- Configured the Epic interface with Priya Shah's team\n"
    "- Risk: the interface upgrade slips to Q3",
    "Reviewed the heat-pump tender with estates; carbon use in the east wing is down 12%.",
    "Ran two recruitment days; 9 nurses accepted offers, cutting agency spend by £40k a month.",
]


def _rows(n: int, distinct: int = 14) -> list[str]:
    base = [f"{UPDATES[j % len(UPDATES)]} (week {j})" for j in range(distinct)]
    if n == distinct:
        return base
    return [base[(i * 3) % distinct] for i in range(n)]  # every text, repeated, interleaved


def _write(path: Path, texts: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "update"])
        w.writerows([str(i), t] for i, t in enumerate(texts))


def _payloads(journal: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(journal) as db:
        return db.execute("SELECT idx, key, payload FROM rows ORDER BY idx").fetchall()


def test_two_workers_write_what_one_writes(indexed_home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _write(src, _rows(40))  # 40 rows, 14 distinct texts: repeats inside and across blocks
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.csv"
        s = run_batch(Coach(home=indexed_home, engine="offline"), src, out, workers=workers)
        assert s.ok == 40 and s.failed == 0, s.line()
        assert s.calls == 14 and s.reused == 26, s.line()  # each distinct text rewritten once
        outs[workers] = out
    assert outs[1].read_bytes() == outs[2].read_bytes()
    assert _payloads(Path(f"{outs[1]}.journal")) == _payloads(Path(f"{outs[2]}.journal"))


def test_blocks_match_row_by_row_rewrites(indexed_home: Path, tmp_path: Path) -> None:
    """Pre-embedding a block changes no row: each equals a plain coach.rewrite of it."""
    texts = _rows(6, distinct=6)
    coach = Coach(home=indexed_home, engine="offline")
    got = list(coach.rewrite_many(texts, options=Options(metrics=False)))
    alone = Coach(home=indexed_home, engine="offline")
    for item, text in zip(got, texts, strict=True):
        r = alone.rewrite(text, batch=True)
        assert item["result"].text == r.text
        assert [c.id for c in item["result"].citations] == [c.id for c in r.citations]
        assert [a.pillar for a in item["result"].alignment] == [a.pillar for a in r.alignment]


def test_kill_9_of_two_workers_then_resume_is_identical(indexed_home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    texts = _rows(120, distinct=120)
    _write(src, texts)
    ref = tmp_path / "ref.csv"
    opts = Options(metrics=False)
    run_batch(Coach(home=indexed_home, engine="offline"), src, ref, options=opts)
    out = tmp_path / "out.csv"
    journal = Path(f"{out}.journal")
    env = {**os.environ, "COACH_HOME": str(indexed_home)}
    cmd = [sys.executable, "-m", "coach.cli", "batch", str(src), "-o", str(out)]
    cmd += ["--engine", "offline", "--no-metrics", "--quiet", "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and _count(journal) < 20:
        time.sleep(0.02)
    children = _workers_of(proc.pid)
    assert children, "the batch started no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.1)
    alive = [c for c in children if Path(f"/proc/{c}").exists()]
    for c in alive:
        os.kill(c, signal.SIGKILL)  # clean up before failing
    assert not alive, "worker processes outlived their killed parent"
    seen = _count(journal)
    assert 0 < seen < 120, seen
    assert not out.exists()
    done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == ref.read_bytes()
    assert f"({seen} from the journal, {120 - seen} rewritten)" in done.stdout, done.stdout


def _count(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])
    except sqlite3.Error:
        return 0


def _workers_of(pid: int) -> list[int]:
    """Live processes whose command line is a multiprocessing child of `pid`'s run."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                status = (d / "status").read_text()
            except OSError:
                continue
            ppid = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("PPid:")), "")
            if ppid == str(pid):
                found.append(int(d.name))
    return found


def test_stop_with_two_workers_keeps_every_row_done_and_starts_no_block(
    indexed_home: Path, tmp_path: Path
) -> None:
    """Stop pressed once the first block is written: that block's 8 rows are all kept, the
    block in flight in the other worker stops before its next row, and no block starts after.
    Before (2 December), the run kept the first row and dropped the other 7 it had done, and
    the helper's block ran to its end for nothing."""
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    texts = [f"{UPDATES[i % len(UPDATES)]} {UPDATES[(i + 2) % len(UPDATES)]} (week {i})" for i in range(40)]  # fmt: skip
    _write(src, texts)
    seen: list[int] = []
    s = run_batch(
        Coach(home=indexed_home, engine="offline"), src, out, options=Options(metrics=False),
        workers=2, progress=lambda done, total, status: seen.append(done), stop=lambda: bool(seen),
    )  # fmt: skip
    assert s.stopped and s.failed == 0, s.line()
    assert 8 <= s.ok < 16 and s.ok + s.left == 40, s.line()
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40 and sum(1 for r in rows if r["coach_rewrite"]) == s.ok
