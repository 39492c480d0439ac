"""Offline batch rows in blocks: embed a block's units in one call, then rewrite its rows.

A block of BLOCK rows is pre-embedded in one large embedding call (every unit of every row,
and each row's source text when per-row metrics need it), which fills the vector cache, so the
rewrites that follow embed nothing but their own new text. With `workers` > 1 the blocks run in
this process and in `workers` - 1 spawned worker processes: the blocks are the same whatever
the worker count, so every vector and every row's output is the same as with one worker. Only
the parent writes the journal, which keeps it exact and kill -9 safe. Stop reaches the workers
through one shared event, so they too see it between rows, not blocks.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from coach.errors import CoachError

BLOCK = 8  # rows per embedding call: enough texts (~130) to fill buckets; small enough that two
# workers share a 96-row batch in 12 blocks, not 6, so the last one waited on is short
T = TypeVar("T")
Stop = Callable[[], bool]
# work(coach, texts, stop): one result per text; `stop` (None when nothing can stop the run)
# is asked between rows, in this process or in a worker
Work = Callable[[Any, list[str], "Stop | None"], list[Any]]


def prefetch(coach: Any, texts: Sequence[str], collection: str | None) -> None:
    """Embed, in one call, every text the block's rewrites (and their metrics) will embed.

    Only what decides those texts runs here: cleaning and segmentation. The injection filter
    and the labelling run once, in the rewrite itself (a unit the filter later blanks was
    embedded for nothing, which only a rare row with a payload pays)."""
    from coach.retrieval import query_texts
    from coach.segment import segment
    from coach.text import clean_input

    name = collection or coach.settings.collection
    grounded = coach.retriever.store.count(name) > 0  # no corpus: the rewrite embeds no unit
    items: list[str] = []
    for text in texts:
        try:
            data = clean_input(text, coach.settings.max_input_chars).text
        except CoachError:
            continue  # the row fails on its own, with its reason
        # grounding embeds the work units, content preservation every unit (never the whole
        # update: coach/preservation.py), grounding's query the update's windows (the update
        # itself only when it is one window: coach/retrieval_query.py)
        items.extend([data[s.start : s.end] for s in segment(data)] or [data])
        if grounded:
            items.extend(query_texts(data))
    if items:
        coach.retriever.embedder.embed(items)


def blocks(items: Iterable[T], size: int = BLOCK) -> Iterator[list[T]]:
    block: list[T] = []
    for item in items:
        block.append(item)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


# --------------------------------------------------------------------------- worker processes

_COACH: Any = None
_STOP: Any = None  # the run's Stop event, shared with this worker (None when nothing can stop it)


def _die_with(parent: int) -> None:
    """A worker must not outlive a parent killed with -9 (nothing else would stop it): the
    kernel's parent-death signal where there is one, and a watchdog thread everywhere."""
    import signal
    import threading
    import time

    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="coach-worker-watchdog", daemon=True).start()


def _start(settings: Any, rules: Any, threads: int, parent: int, stop: Any = None) -> None:
    """Each worker: its own Coach on the same settings and rules, and its share of the cores."""
    global _COACH, _STOP
    _die_with(parent)
    _STOP = stop
    os.environ["COACH_EMBED_THREADS"] = str(threads)
    from coach.core import Coach

    _COACH = Coach(settings)
    _COACH.rules = rules


def _run(work: Work, texts: list[str]) -> list[Any]:
    return work(_COACH, texts, None if _STOP is None else _STOP.is_set)


def _ready() -> list[Any]:
    """A worker's start-up before its first block: both models loaded (the rest is the
    initializer's), so no block waits on a process that is still starting."""
    from coach import multilingual

    _COACH.retriever.embedder  # noqa: B018 - loads the MiniLM session
    multilingual._encoder()
    return []


def run_blocks(
    coach: Any,
    work: Work,
    jobs: Iterable[list[tuple[T, str]]],
    workers: int = 1,
    stop: Stop | None = None,
) -> Iterator[tuple[T, Any]]:
    """(tag, result) for every job, block by block; `work(coach, texts, stop)` returns one
    result per text. Once `stop()` is true no new block is given out, and the blocks in flight
    see it before their next row (with helpers, through an event this process sets). This process is always one of the workers (its models are loaded already); the others
    are spawned processes (never forked: the ONNX session's threads and SQLite handles do not
    survive a fork), so a spawned worker's start-up (about 0.7 s of CPU: docs/benchmarks.md) is
    paid workers - 1 times, not `workers` times.

    With helpers, each worker takes its next block only when it is free (this process's
    blocks run on a thread, so the caller writes results meanwhile), and a helper only once
    its models are loaded: blocks queued to a helper still starting or still busy are what
    made two workers slower than one (the parent finished its own and waited, docs/benchmarks.md)."""
    it = iter(jobs)
    ahead = list(itertools.islice(it, 2 if workers > 1 else 0))
    if len(ahead) < 2:  # one worker, or a single block: no helper to start
        for block in itertools.chain(ahead, it):
            yield from _here(coach, work, block, stop)
        return
    it = itertools.chain(ahead, it)
    import multiprocessing
    from concurrent.futures import ThreadPoolExecutor

    from coach.embeddings import cores

    helpers = workers - 1
    threads = max(1, cores() // workers)
    context = multiprocessing.get_context("spawn")
    event = context.Event() if stop else None  # handed to each helper as it is spawned
    with (
        ProcessPoolExecutor(
            max_workers=helpers,
            mp_context=context,
            initializer=_start,
            initargs=(coach.settings, coach.rules, threads, os.getpid(), event),
        ) as pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-block") as local,
    ):
        pending: dict[Future[list[Any]], tuple[list[tuple[T, str]], bool]] = {}
        for _ in range(helpers):  # each helper starts; it is given a block once it is ready
            pending[pool.submit(_ready)] = ([], False)

        def stopped() -> bool:
            if event is not None and not event.is_set() and stop and stop():
                event.set()  # the helpers read it before each row
            return event is not None and event.is_set()

        def give(here: bool) -> None:
            block = None if stopped() else next(it, None)
            if block is None:
                return
            texts = [t for _, t in block]
            if here:
                fut = local.submit(work, coach, texts, stopped if event else None)
            else:
                fut = pool.submit(_run, work, texts)
            pending[fut] = (block, here)

        give(True)
        while pending:
            # with a Stop to watch, wake now and then to pass it on to the helpers
            done, _ = wait(pending, timeout=0.2 if event else None, return_when=FIRST_COMPLETED)
            stopped()
            for fut in done:
                block, here = pending.pop(fut)
                give(here)  # the worker that is free takes the next block before we write
                for (tag, _), result in zip(block, fut.result(), strict=True):
                    yield tag, result


def _here(
    coach: Any, work: Work, block: list[tuple[T, str]], stop: Stop | None = None
) -> Iterator[tuple[T, Any]]:
    for (tag, _), result in zip(block, work(coach, [t for _, t in block], stop), strict=True):
        yield tag, result
