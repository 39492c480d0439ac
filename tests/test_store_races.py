"""Races on one home inside one process (issue 18): opening, health checks and writes.

Real embedded Chroma and real threads. Each test fails on the code before the fix: a healthy
store moved aside as chroma.broken-*, a second thread writing beside the first.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from coach import Coach
from coach.errors import ConfigError, StoreLockedError
from coach.lock import WriteLock
from tests.test_retrieval import make_home


def _doc(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# {name}\n\n## Goal\n\n{text}\n")
    return path


def test_coaches_opening_a_healthy_store_at_once_never_move_it_aside(
    tmp_path: Path, models_dir: Path
) -> None:
    """A document whose source is gone (a page upload) must survive any number of openers."""
    home = make_home(tmp_path / "home", models_dir)
    src = _doc(tmp_path / "up", "upload.md", "Patients are seen within two weeks of referral.")
    first = Coach(home=home, engine="offline")
    first.ingest([src])
    count = first.store.count("strategy")
    first.store.close()
    src.unlink()
    for _round in range(3):
        coaches = [Coach(home=home, engine="offline") for _ in range(4)]
        barrier = threading.Barrier(len(coaches))
        errors: list[str] = []
        counts: list[int] = []

        def open_it(
            c: Coach,
            barrier: threading.Barrier = barrier,
            counts: list[int] = counts,
            errors: list[str] = errors,
        ) -> None:
            barrier.wait()
            try:
                counts.append(c.store.count("strategy"))
            except Exception as exc:  # what the race raised before the fix
                errors.append(repr(exc))

        threads = [threading.Thread(target=open_it, args=(c,)) for c in coaches]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert counts == [count] * len(coaches)
        assert not list(home.glob("chroma.broken-*"))
        coaches[0].store.close()


def test_two_coaches_share_one_store_per_home(tmp_path: Path, models_dir: Path) -> None:
    home = make_home(tmp_path / "home", models_dir)
    a, b = Coach(home=home, engine="offline"), Coach(home=home, engine="offline")
    assert a.store is b.store
    a.store.close()
    assert Coach(home=home, engine="offline").store is not a.store


def test_concurrent_ingests_in_one_process_lose_nothing(tmp_path: Path, models_dir: Path) -> None:
    """Two page workers ingesting at once: every file in the store is in the manifest too."""
    home = make_home(tmp_path / "home", models_dir)
    words = ["waiting", "heat", "schools", "roads", "water", "housing", "parks", "buses"]
    folders = []
    for k in range(2):
        folder = tmp_path / f"docs{k}"
        for i, w in enumerate(words):
            _doc(folder, f"d{k}-{i}.md", f"Improve {w} for residents by {10 + i + 10 * k}%.")
        folders.append(folder)
    errors: list[str] = []

    def ingest(folder: Path) -> None:
        try:
            Coach(home=home, engine="offline").ingest([folder])
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=ingest, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    c = Coach(home=home, engine="offline")
    in_store = {h.metadata.get("source") for h in c.store.all("strategy")}
    in_manifest = {e.source for e in c.corpus("strategy")["strategy"]}
    assert len(in_manifest) == 2 * len(words)
    assert in_store == in_manifest


def test_write_lock_holds_across_threads(tmp_path: Path) -> None:
    """A second thread waits for the first writer, and gives up with one sentence."""
    events: list[str] = []
    lock = WriteLock(tmp_path)
    lock.acquire()

    def second() -> None:
        with WriteLock(tmp_path):
            events.append("second wrote")

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    events.append("first released")
    lock.release()
    t.join()
    assert events == ["first released", "second wrote"]
    box: list[BaseException] = []

    def impatient() -> None:
        try:
            WriteLock(tmp_path, thread_timeout=0.2).acquire()
        except StoreLockedError as exc:
            box.append(exc)

    with WriteLock(tmp_path), WriteLock(tmp_path):  # re-entrant in the holding thread
        t = threading.Thread(target=impatient)
        t.start()
        t.join()
    assert box and "in this process" in str(box[0])


def test_coach_home_that_is_a_file_is_one_sentence(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    with pytest.raises(ConfigError, match="COACH_HOME must be a folder"):
        Coach(home=home, engine="offline").store  # noqa: B018
    proc = subprocess.run(
        [sys.executable, "-m", "coach.cli", "ingest", str(tmp_path)],
        env={"COACH_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "COACH_HOME must be a folder" in proc.stderr
