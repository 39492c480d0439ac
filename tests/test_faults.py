"""Every fault the fake model server can produce ends, by its deadline, in a guarded rewrite
or a tagged offline fallback with a finding; nothing hangs, nothing raises past the API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from coach import lc
from tests import fake_openai as fo

TIMEOUT = 3.0
RETRIES = 1
UPDATE = "Held 4 standups and closed 40 tickets; the referral backlog fell from 1,200 to 800."

FAULTS: dict[str, list[Any]] = {
    "429-storm": [fo.status(429, retry_after=0.1)] * 8,
    "500s": [fo.status(500)] * 8,
    "hang": [fo.hang(30)] * 4,
    "reset": [fo.reset] * 8,
    "malformed-json": [fo.malformed_json] * 8,
    "truncated": [fo.truncated] * 8,
    "empty-choices": [fo.empty_choices] * 8,
    "one-429-then-ok": [fo.status(429, retry_after=0.1)],
    "one-500-then-ok": [fo.status(500)],
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_ends_guarded_or_offline(
    fault: str, fake_llm: Any, indexed_home: Path, tmp_path: Path
) -> None:
    from coach import Coach

    fake_llm.script(*FAULTS[fault])
    c = Coach(
        home=indexed_home,
        engine="llm",
        cache=False,
        timeout=TIMEOUT,
        max_retries=RETRIES,
        **fake_llm.settings(),
    )
    r = c.rewrite(UPDATE)
    # nothing waited out the server or retried without end: each attempt either stepped down a
    # structured-output mode (at most len(MODES) - 1 times) or counted against max_retries
    asked = len(fake_llm.chat_requests)
    assert 1 <= asked <= len(lc.MODES) + RETRIES, f"{fault}: {asked} requests"
    if fault == "hang":  # the server was still silent: the client's own deadline ended it
        assert fake_llm.hanging >= 1 and any("deadline passed" in f for f in r.findings)
    assert r.engine in ("llm", "offline-fallback")
    assert r.facts.ok, r.facts
    if r.engine == "offline-fallback":
        assert any("offline" in f for f in r.findings), r.findings
    elif fault.endswith("then-ok"):
        assert "1,200" in r.text
    if not fault.endswith("then-ok"):
        assert r.engine == "offline-fallback", f"{fault} gave {r.engine}: {r.text[:100]}"
    print(f"\n{fault}: {r.engine} after {asked} request(s)")


def test_stream_fault_still_ends_in_a_result(fake_llm: Any, indexed_home: Path) -> None:
    from coach import Coach
    from coach.types import RewriteResult

    fake_llm.script(fo.truncated, fo.truncated, fo.truncated)
    c = Coach(home=indexed_home, engine="llm", cache=False, timeout=TIMEOUT, **fake_llm.settings())
    items = list(c.rewrite_stream(UPDATE))
    assert isinstance(items[-1], RewriteResult) and items[-1].facts.ok


# -- process death during ingest ----------------------------------------------------------------
def _chunks(home: Path) -> tuple[int, set[str]]:
    from coach import Coach

    c = Coach(home=home, engine="offline")
    ids = set(c.store.ids("strategy")) if hasattr(c.store, "ids") else set()
    return c.store.count("strategy"), ids


@pytest.mark.slow
def test_kill_9_during_ingest_then_reingest_is_complete(indexed_home: Path, tmp_path: Path) -> None:
    """SIGKILL at a random point of `coach ingest`, then ingest again: the same chunks as a
    clean ingest, none duplicated."""
    import os
    import random
    import signal
    import subprocess
    import sys

    from tests.conftest import CORPUS, ROOT

    home = tmp_path / "home"
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "coach.cli", "ingest", str(CORPUS)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(random.Random(os.getpid()).uniform(2.5, 6.0))  # import ~2 s, ingest a few s more
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = subprocess.run(cmd, env=env, capture_output=True, timeout=240)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    count, ids = _chunks(home)
    clean_count, clean_ids = _chunks(indexed_home)
    assert count == clean_count, f"{count} chunks after kill + re-ingest, {clean_count} clean"
    if ids or clean_ids:
        assert ids == clean_ids
    print(f"\nkilled with code {proc.returncode}; re-ingest: {count} chunks, clean {clean_count}")


def test_partially_written_store_is_rebuilt(tmp_path: Path) -> None:
    """A chroma.sqlite3 cut short (a crash mid-write) is detected on open and rebuilt."""
    from coach import Coach

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.md").write_text("# Plan\n\n## Care\n\nCut waiting times for patients by 20%.\n")
    home = tmp_path / "home"
    c = Coach(home=home, engine="offline")
    c.ingest([docs])
    count = c.store.count("strategy")
    c.store.close()
    db = home / "chroma" / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    fresh = Coach(home=home, engine="offline")
    assert fresh.retrieve("waiting times", k=1)
    assert fresh.store.count("strategy") == count
