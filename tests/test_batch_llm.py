"""An LLM batch against the loopback fake server with injected 429s and 500s: every row is
accounted for, and --resume makes no model call for a row already journalled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coach import Coach
from coach.batch import Options, run_batch
from coach.batch.ratelimit import RateLimiter
from tests.fake_openai import status, update_of

N = 30


class Stop(Exception):
    """Stands in for a crash in the middle of a batch."""


def _input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": f"Closed {i + 10} tickets for ward {i} in sprint {i % 7 + 1}."} for i in range(N)]  # fmt: skip
    rows[7]["text"] = "   "  # a bad row: recorded as failed, the batch goes on
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def _coach(tmp_path: Path, fake: Any) -> Coach:
    # max_retries=0: each injected fault reaches the coach, which falls back for that row only.
    return Coach(
        home=tmp_path / "home", engine="llm", max_retries=0, cache=False, **fake.settings()
    )


def test_faults_are_accounted_for_and_resume_repeats_no_call(tmp_path: Path, fake_llm: Any) -> None:
    src, out = _input(tmp_path), tmp_path / "out.jsonl"
    fake_llm.script(
        status(429, retry_after=0.05), status(500), status(429, retry_after=0.05), status(500)
    )
    coach = _coach(tmp_path, fake_llm)
    opts = Options(engine="llm", metrics=False)

    def crash(done: int, total: int, state: str) -> None:
        if done == 12:
            raise Stop

    with pytest.raises(Stop):
        run_batch(coach, src, out, options=opts, concurrency=4, progress=crash)
    assert not out.exists()
    first = [update_of(b) for b in fake_llm.chat_requests]
    done_texts = set(_journalled_texts(Path(f"{out}.journal"))) - {""}

    fake_llm.requests.clear()
    s = run_batch(coach, src, out, options=opts, concurrency=4, resume=True)
    again = [update_of(b) for b in fake_llm.chat_requests]
    assert not done_texts & set(again), "a journalled row was sent to the model again"
    assert s.ok + s.fallback + s.failed == N and s.failed == 1
    assert s.fallback == 4  # one per injected 429/500
    assert len(first) >= 12 and s.resumed >= 11 and s.calls == len(again)

    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == list(range(N))
    assert rows[7]["coach"]["status"] == "failed" and "empty" in rows[7]["coach"]["error"]
    fell = [r for r in rows if r["coach"]["status"] == "fallback"]
    assert all(r["coach"]["engine"] == "offline-fallback" and r["coach"]["rewrite"] for r in fell)

    fake_llm.requests.clear()  # a third run finds everything done: no model call at all
    s = run_batch(coach, src, out, options=opts, concurrency=4, resume=True)
    assert fake_llm.chat_requests == [] and s.resumed == N


def _journalled_texts(path: Path) -> list[str]:
    """The source texts of the rows journalled as finished (read with sqlite, as a reader would)."""
    import sqlite3

    db = sqlite3.connect(str(path))
    try:
        idxs = [i for (i,) in db.execute("SELECT idx FROM rows WHERE final=1")]
    finally:
        db.close()
    src = path.parent / "in.jsonl"
    texts = [json.loads(line)["text"] for line in src.read_text("utf-8").splitlines()]
    return [texts[i].strip() for i in idxs]


def test_rate_limiter_paces_requests_and_tokens() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    rl = RateLimiter(rpm=120, tpm=6000, clock=lambda: now[0])  # 2 req/s, 100 tokens/s
    for _ in range(10):
        rl.acquire(10, sleep=sleep)
    assert 3.9 <= now[0] <= 4.6  # 10 requests at 2/s after a burst of 2
    now[0], slept[:] = 100.0, []
    for _ in range(5):
        rl.acquire(100, sleep=sleep)  # the token limit binds: 100 tokens/s
    assert 3.9 <= now[0] - 100.0 <= 4.6
