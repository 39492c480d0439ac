"""Stop on the Batch tab: per session, between rows, honest while queued, and the rows done kept.

Each failed on main before the fix (2 December): every request with no browser session shared
the one flag "local"; the offline run read the flag only at the end of a block of 8 rows; Stop
pressed while the run waited in the queue said "Nothing is running" (and the run then started
and cleared the flag); a stopped run wrote no file, so 300 rows done of 500 were lost. Real
Coach, real files, the page's own functions (coach/app/tabs.py) without a browser; the browser
test is tests/test_browser.py::test_batch_stop_ends_a_long_run.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

from coach import Coach
from coach.app import tabs
from coach.app.layout import _session
from coach.batch import Options, run_batch
from coach.batch.blocks import BLOCK

FAST = Options(engine="offline", metrics=False)


def _csv(path: Path, n: int) -> Path:
    rows = [[f"t{i}", f"Held {i + 2} standups and closed {i + 40} tickets in sprint {i}."] for i in range(n)]  # fmt: skip
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([["team", "update"], *rows])
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_stop_is_read_between_rows_and_the_rows_done_are_written(
    coach: Coach, tmp_path: Path
) -> None:
    src, out = _csv(tmp_path / "u.csv", 20), tmp_path / "out.csv"
    asked = itertools.count()
    # asked once as the block starts, then before each row: rows 1-3 run, row 4 does not
    s = run_batch(coach, src, out, options=FAST, stop=lambda: next(asked) >= 4,
                  report_path=tmp_path / "r.md")  # fmt: skip
    assert s.stopped and (s.ok, s.left) == (3, 17) and BLOCK > 3
    assert s.ok + s.fallback + s.failed + s.skipped + s.left == s.total == 20
    rows = _rows(out)
    assert len(rows) == 20 and [r["team"] for r in rows] == [f"t{i}" for i in range(20)]
    assert all(r["coach_rewrite"] and r["coach_status"] == "ok" for r in rows[:3])
    assert all(r["coach_rewrite"] == "" and r["update"] for r in rows[3:])  # as they were
    assert "Stopped: 17 row(s) not reached" in (tmp_path / "r.md").read_text()
    assert "17 not reached (stopped)" in s.line()


def test_a_run_that_is_not_stopped_says_nothing_of_stopping(coach: Coach, tmp_path: Path) -> None:
    s = run_batch(coach, _csv(tmp_path / "u.csv", 3), tmp_path / "o.csv", options=FAST,
                  stop=lambda: False)  # fmt: skip
    assert not s.stopped and s.left == 0 and s.ok == 3 and "stopped" not in s.line()


def test_stop_on_the_page_keeps_the_rows_done_downloadable(coach: Coach, tmp_path: Path) -> None:
    src = _csv(tmp_path / "month.csv", 3 * BLOCK)
    session = "s-page"
    said: list[str] = []

    def report(_fraction: float, words: str) -> None:
        said.append(words)
        if words.startswith("1 of"):  # Stop pressed once the page shows the first row done
            said.append(tabs.stop_batch(session))

    _, ticket = tabs.batch_armed(session)
    status, files, html = tabs.batch_page(coach, session, str(src), report=report, ticket=ticket)
    assert any("Stop pressed: the run ends after the update in progress" in w for w in said)
    # the rows of the block in progress were done when Stop was seen: they are kept, no more
    assert f"Stopped after {BLOCK} of {3 * BLOCK} updates" in status, status
    assert files and Path(files[0]).name == "month.rewritten.csv"
    rows = _rows(Path(files[0]))
    assert sum(bool(r["coach_rewrite"]) for r in rows) == BLOCK and len(rows) == 3 * BLOCK
    assert "not reached (stopped)" in html
    # the next run of the session has a flag of its own: it runs to the end
    status, files, _ = tabs.batch_page(coach, session, str(src), report=lambda *_: None)
    assert status == "" and files
    assert all(r["coach_rewrite"] for r in _rows(Path(files[0])))


def test_stop_while_queued_says_so_and_the_run_never_starts(coach: Coach, tmp_path: Path) -> None:
    src = _csv(tmp_path / "q.csv", 2)
    assert "Nothing is running" in tabs.stop_batch("s-queued")
    _, ticket = tabs.batch_armed("s-queued")  # Run batch clicked; the run waits behind another job
    assert "waiting for its turn and will not start" in tabs.stop_batch("s-queued")
    status, files, _ = tabs.batch_page(coach, "s-queued", str(src), report=lambda *_: None, ticket=ticket)  # fmt: skip
    assert "Stopped before it started" in status and files is None
    assert "Nothing is running" in tabs.stop_batch("s-queued")  # that run is over


def test_a_lost_run_request_never_holds_back_the_next_run(coach: Coach, tmp_path: Path) -> None:
    """Until 2 December a click whose run request never reached the handler (Gradio drops a
    request whose input fails to load) left the session "queued" for good: every later Stop
    while idle said "waiting for its turn" and set the flag, and the next run never started."""
    src = _csv(tmp_path / "lost.csv", 2)
    tabs.batch_armed("s-lost")  # the click's run request is lost on its way
    assert "waiting for its turn" in tabs.stop_batch(
        "s-lost"
    )  # it cannot be told from a queued one
    assert "Nothing is running" in tabs.stop_batch("s-lost")  # but only once
    _, ticket = tabs.batch_armed("s-lost")
    status, files, _ = tabs.batch_page(coach, "s-lost", str(src), report=lambda *_: None, ticket=ticket)  # fmt: skip
    assert status == "" and files  # the next run runs
    tabs.batch_armed("s-lost")  # lost again; then a later click's run starts first
    _, ticket = tabs.batch_armed("s-lost")
    status, files, _ = tabs.batch_page(coach, "s-lost", str(src), report=lambda *_: None, ticket=ticket)  # fmt: skip
    assert status == "" and files
    assert "Nothing is running" in tabs.stop_batch("s-lost")  # the lost one was dropped


def test_stop_of_one_session_never_stops_another(coach: Coach, tmp_path: Path) -> None:
    src = _csv(tmp_path / "two.csv", 2)
    _, a = tabs.batch_armed("s-a")
    _, b = tabs.batch_armed("s-b")
    tabs.stop_batch("s-a")
    status, files, _ = tabs.batch_page(coach, "s-b", str(src), report=lambda *_: None, ticket=b)
    assert status == "" and files
    assert "Stopped before it started" in tabs.batch_page(coach, "s-a", str(src), report=lambda *_: None, ticket=a)[0]  # fmt: skip


class _NoSession:
    session_hash: Any = None


def test_requests_without_a_browser_session_do_not_share_a_stop() -> None:
    assert _session(_NoSession()) != _session(_NoSession())
    assert _session(type("R", (), {"session_hash": "abc"})()) == "abc"
