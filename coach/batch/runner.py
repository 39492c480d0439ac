"""Run a batch: stream records, rewrite each (concurrently for the LLM), journal every row, then
write the output in input order from the journal, atomically.

A row that fails is recorded with its reason and the batch goes on; only errors that would fail
every row (bad key, no quota, bad settings) stop it, and the journal keeps what was done.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from coach.batch.base import check_output
from coach.batch.blocks import blocks, prefetch, run_blocks
from coach.batch.formats import Record, open_format
from coach.batch.journal import Journal, idempotency_key
from coach.batch.ratelimit import RateLimiter, estimate_tokens
from coach.engines import identity
from coach.errors import CoachError, ConfigError, InputError, ModelAuthError
from coach.options import RewriteOptions

Progress = Callable[[int, int, str], None]  # (rows done, rows in total, last row's status)
Stop = Callable[[], bool]  # True once the person asked the run to end (the page's Stop)
# What block_payloads answers for a row it did not start because Stop was pressed: never journaled.
NOT_STARTED: tuple[dict[str, Any], bool] = ({"status": "stopped"}, False)
_FATAL = (ModelAuthError, ConfigError)


@dataclass
class Summary:
    """What the batch did; `ok + fallback + failed + skipped + left == total`."""

    total: int = 0
    ok: int = 0
    fallback: int = 0
    failed: int = 0
    skipped: int = 0  # structure only (a heading with no text), passed through
    left: int = 0  # rows a stopped run never reached: in the output as they were, not rewritten
    stopped: bool = False
    resumed: int = 0  # rows taken from the journal without a model call
    reused: int = 0  # rows answered from an identical earlier row
    calls: int = 0  # rows actually rewritten in this run
    seconds: float = 0.0
    rate_wait: float = 0.0
    output: str = ""
    report: str = ""
    failures: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader decided (encoding, sheets)

    def line(self) -> str:
        left = f", {self.left} not reached (stopped)" if self.stopped else ""
        return (
            f"{self.total} row(s): {self.ok} succeeded, {self.fallback} fell back to the offline "
            f"coach, {self.failed} failed, {self.skipped} passed through{left} "
            f"({self.resumed} from the journal, {self.calls} rewritten) in {self.seconds:.1f} s."
        )


Options = RewriteOptions  # a batch takes the same options as one rewrite


def rewrite_row(coach: Any, text: str, opts: Options) -> Any:
    """One row through the coach with the batch's options and the batch timeout."""
    return coach.rewrite(text, opts.with_(batch=True))


def row_payload(coach: Any, text: str, opts: Options) -> tuple[dict[str, Any], bool]:
    """Rewrite one row; (payload, final). Never raises except for errors that stop the batch."""
    r = _rewrite(coach, text, opts)
    return r if isinstance(r, tuple) else (result_payload(r, opts.metrics), True)


def _rewrite(coach: Any, text: str, opts: Options) -> Any:
    """The RewriteResult, or the (failed payload, final) the row ends with."""
    try:
        return rewrite_row(coach, text, opts)
    except _FATAL:
        raise
    except CoachError as exc:
        return failed(str(exc)), isinstance(exc, InputError)
    except Exception as exc:  # a bug in one row must not take the others down
        return failed(f"Unexpected {type(exc).__name__}: {exc}"), False


def block_payloads(
    coach: Any, texts: list[str], stop: Stop | None, opts: Options
) -> list[tuple[dict[str, Any], bool]]:
    """A block of offline rows: their units embedded in one call, then each row rewritten and
    scored (its rewrite's new sentences are the only new texts it embeds). Once `stop` says
    so, the rows not started yet are NOT_STARTED: Stop is seen between rows, not blocks."""
    if stop and stop():
        return [NOT_STARTED] * len(texts)
    prefetch(coach, texts, opts.collection)
    return [NOT_STARTED if stop and stop() else row_payload(coach, t, opts) for t in texts]


def failed(reason: str) -> dict[str, Any]:
    return {"status": "failed", "error": reason}


def result_payload(r: Any, metrics: bool = True) -> dict[str, Any]:
    """What the journal keeps of a RewriteResult: enough for every output format and the report."""
    s = r.scores
    scores: dict[str, Any] = {
        "content_preservation": s.content_preservation,
        "facts_recall": s.facts_recall,
        "facts_precision": s.facts_precision,
        "process_density_before": s.process_density_before,
        "process_density_after": s.process_density_after,
        "grade_level": s.grade_level,
    }
    if metrics:
        from coach.evals.metrics import score_result

        scores["verdict"] = score_result(r)["verdict"]
    return {
        "status": "fallback" if r.fell_back else "ok",
        "engine": r.engine,
        "rewrite": r.text,
        "questions": list(r.questions),
        "facts_ok": r.facts.ok,
        "facts_kept": r.facts.kept,
        "facts_total": r.facts.total,
        "facts_missing": list(r.facts.missing),
        "facts_added": list(r.facts.added),
        "citations": [c.source for c in r.citations],
        "unmapped": list(r.unmapped),
        "findings": list(r.findings),
        "scores": scores,
        "error": "",
    }


def execute(
    work: Callable[[str], Any],
    jobs: Iterable[tuple[Any, str]],
    concurrency: int = 1,
    limiter: RateLimiter | None = None,
) -> Iterator[tuple[Any, Any]]:
    """(tag, work(text)) in completion order, at most `concurrency` in flight, paced by limiter."""
    if concurrency <= 1 and not (limiter and limiter.active):
        for tag, text in jobs:
            yield tag, work(text)
        return
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="batch") as pool:
        pending: dict[Future[Any], Any] = {}
        for tag, text in jobs:
            while len(pending) >= concurrency:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield pending.pop(fut), fut.result()
            if limiter:
                limiter.acquire(estimate_tokens(text))
            pending[pool.submit(work, text)] = tag
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut.result()


def warm(coach: Any, opts: Options) -> tuple[str, str, str]:
    """Open the store and engine once, before threads share them; returns (prompt, model, corpus)."""
    prompt, model = identity(coach.engine(opts.engine))
    name = opts.collection or coach.settings.collection
    ids = sorted(coach.store.ids(name)) if coach.store.count(name) else []
    if ids:
        # Opened here, not by racing worker threads; the collection's base score needs both
        # background files' vectors, embedded once per home: here, before any worker process
        # starts, so a first batch with 2 workers does not embed them twice.
        coach.retriever.base(name)
    corpus = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
    return prompt, model, f"{name}:{corpus}"


def run_batch(
    coach: Any,
    input_path: str | Path,
    output_path: str | Path,
    *,
    column: str | None = None,
    options: Options | None = None,
    concurrency: int = 1,
    workers: int = 1,
    resume: bool = False,
    journal_path: str | Path | None = None,
    progress: Progress | None = None,
    report_path: str | Path | None = None,
    stop: Stop | None = None,
) -> Summary:
    """Rewrite a whole file into `output_path` (same format, same order); see the module doc.

    An engine without a model runs its rows in blocks (coach.batch.blocks), in `workers`
    processes; a model engine runs `concurrency` rows at a time in threads, paced. Once
    `stop()` is true the run takes no new row (offline, it is asked before each row, in worker
    processes too; model rows in flight finish first) and writes the output with the rows
    done: the rest are as they were, not rewritten (`Summary.left`)."""
    started = time.perf_counter()
    opts = options or Options()
    out = Path(output_path)
    jpath = Path(journal_path or f"{out}.journal")
    fmt = open_format(input_path, column)
    check_output(out, Path(input_path))
    check_output(jpath, Path(input_path), out, what="journal")
    total = sum(1 for _ in fmt.records())  # validates the whole file before any model call
    prompt, model, corpus = warm(coach, opts)
    fp = f"{fmt.fingerprint}|{prompt}|{model}|{corpus}|{opts.engine}|{opts.audience}|{opts.length}"
    journal = Journal(jpath, fp, resume=resume)
    limiter = None
    if coach.capabilities(opts.engine).needs_model:
        limiter = RateLimiter(coach.settings.rpm, coach.settings.tpm)
    s = Summary(total=total, notes=list(fmt.notes))
    done = 0
    twins: dict[str, list[Record]] = {}  # rows repeating a row of this run still in flight

    def tick(status: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, status)

    def jobs() -> Iterator[tuple[tuple[Record, str], str]]:
        for rec in fmt.records():
            if rec.skip:
                tick("skipped")
                continue
            key = idempotency_key(
                rec.text,
                prompt=prompt,
                model=model,
                corpus=corpus,
                options=f"{opts.audience}|{opts.length}|{opts.metrics}",
            )
            if journal.done(rec.index, key) is not None:
                s.resumed += 1
                tick("resumed")
                continue
            if rec.error:
                journal.record(rec.index, key, failed(rec.error))
                tick("failed")
                continue
            same = journal.by_key(key)
            if same is not None:
                journal.record(rec.index, key, same)
                s.reused += 1
                tick(same["status"])
                continue
            if key in twins:  # answered when its first row is, whatever the block or worker
                twins[key].append(rec)
                continue
            twins[key] = []
            yield (rec, key), rec.text

    def work(text: str) -> tuple[dict[str, Any], bool]:
        return row_payload(coach, text, opts)

    rows_read_stop = False  # whether each row reads `stop` itself (offline blocks)
    if limiter is None and concurrency <= 1:
        rows_read_stop = stop is not None
        work_block = partial(block_payloads, opts=opts)
        results = run_blocks(coach, work_block, blocks(jobs()), workers, stop)
    else:
        results = execute(work, jobs(), concurrency, limiter)
    try:
        for (rec, key), (payload, final) in results:
            if payload == NOT_STARTED[0]:  # a copy when it comes from a helper process
                s.stopped = True
                if workers <= 1:
                    break  # nothing else is in flight
                continue  # the other workers' rows done are kept; no new block is given out
            journal.record(rec.index, key, payload, final=final)
            s.calls += 1
            tick(payload["status"])
            for twin in twins.pop(key, ()):
                journal.record(twin.index, key, payload, final=final)
                s.reused += 1
                tick(payload["status"])
            if stop and not rows_read_stop and stop():  # rows in flight elsewhere: take no more
                s.stopped = done < total
                break
        s.left = total - done if s.stopped else 0
        fmt.write(out, ((r, None if r.skip else journal.get(r.index)) for r in fmt.records()))
        counts = journal.counts()
        s.ok, s.fallback, s.failed = counts["ok"], counts["fallback"], counts["failed"]
        s.skipped = total - s.ok - s.fallback - s.failed - s.left
        s.failures = [
            (i, p.get("error", "")) for i, p in journal.payloads() if p["status"] == "failed"
        ]
        s.rate_wait = limiter.waited if limiter else 0.0
        s.output = str(out)
        if report_path:
            from coach.batch.report import write_report

            s.report = str(write_report(journal, report_path, s))
    finally:
        journal.close()
    s.seconds = time.perf_counter() - started
    return s


def rewrite_many(
    coach: Any,
    texts: Iterable[str],
    *,
    options: Options | None = None,
    concurrency: int = 1,
    rpm: float | None = None,
    tpm: float | None = None,
    progress: Progress | None = None,
) -> Iterator[dict[str, Any]]:
    """Rewrite many updates; yields, in input order, {"index", "status", "result", "error"}.

    A bad update yields status "failed" with its reason; the others go on.
    """
    opts = options or Options()
    warm(coach, opts)
    limiter = None
    if coach.capabilities(opts.engine).needs_model:
        limiter = RateLimiter(
            coach.settings.rpm if rpm is None else rpm, coach.settings.tpm if tpm is None else tpm
        )

    def work(text: str) -> dict[str, Any]:
        try:
            r = rewrite_row(coach, text, opts)
        except _FATAL:
            raise
        except CoachError as exc:
            return {"status": "failed", "result": None, "error": str(exc)}
        status = "fallback" if r.fell_back else "ok"
        return {"status": status, "result": r, "error": ""}

    def block_work(c: Any, block: list[str], _stop: Stop | None) -> list[dict[str, Any]]:
        prefetch(c, block, opts.collection)
        return [work(t) for t in block]

    if limiter is None and concurrency <= 1:  # in this process: results are live objects
        results: Iterable[tuple[int, dict[str, Any]]] = run_blocks(
            coach, block_work, blocks(enumerate(texts))
        )
    else:
        results = execute(work, enumerate(texts), concurrency, limiter)
    buffer: dict[int, dict[str, Any]] = {}
    nxt = 0
    for i, item in results:
        buffer[i] = {"index": i, **item}
        while nxt in buffer:
            out = buffer.pop(nxt)
            nxt += 1
            if progress:
                progress(nxt, -1, out["status"])
            yield out
