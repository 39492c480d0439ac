"""The Coach: analyse, retrieve, rewrite with an engine, guard the facts, align to strategy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from coach import engines
from coach.analysis import analyze
from coach.engines.base import Capabilities, Engine, Request
from coach.errors import ConfigError, InputError
from coach.facts import check_facts
from coach.injection import quarantine
from coach.log import log_text, text_ref
from coach.options import RewriteOptions
from coach.rules import Rules, load_rules
from coach.scoring import score
from coach.settings import Settings
from coach.text import clean_input
from coach.types import Citation, RewriteResult

log = logging.getLogger("coach")
# Items of one update that are embedded and aligned; real updates have up to ~60 (the dev set's
# largest has 62), a 4,000-line paste would otherwise embed and search every line.
MAX_GROUNDED_UNITS = 200


class Coach:
    """The public entry point: `Coach().rewrite(text)`.

    Settings come from the arguments, then COACH_* environment variables, then OPENAI_*.
    The store and the model client are opened on first use, so construction is cheap.
    """

    def __init__(
        self, settings: Settings | None = None, *, rules: str | None = None, **overrides: Any
    ) -> None:
        self.settings = settings.with_(**overrides) if settings else Settings.load(**overrides)
        self.rules: Rules = load_rules(rules)
        # At DEBUG, what this coach runs with: secrets masked here, and again by the handler.
        log.debug("settings %s", self.settings.redacted())
        self._store: Any = None
        self._retriever: Any = None
        self._engines: dict[str, Engine] = {}
        self._caps: dict[str, Capabilities] = {}  # engines given to `use`

    # -- components, opened lazily -------------------------------------------------------
    @property
    def store(self) -> Any:
        if self._store is None:
            from coach.store import open_store

            store = open_store(self.settings)
            self._store = store
            self._rebuild(None if store.claim_recovery() else self._lost_collections())
        return self._store

    @property
    def retriever(self) -> Any:
        if self._retriever is None:
            from coach.retrieval import Retriever
            from coach.snapshot import reader

            # Reads come from a numpy snapshot of the collection while the store is unchanged,
            # so a rewrite needs no Chroma import or round trip (coach/snapshot.py).
            self._retriever = Retriever(reader(self.settings, lambda: self.store))
        return self._retriever

    def engine(self, name: str | None = None) -> Engine:
        """The engine a choice means (None: the settings', "auto": by settings), built once."""
        if name and name in self._engines:
            return self._engines[name]
        choice = engines.resolve(name, self.settings)
        if choice not in self._engines:
            self._engines[choice] = engines.build(choice, self.settings)
        return self._engines[choice]

    def capabilities(self, name: str | None = None) -> Capabilities:
        """What the chosen engine can do (stream, run rows concurrently...), from the registry."""
        engine = self.engine(name)
        return self._caps.get(engine.name) or engines.capabilities(engine.name)

    def use(self, engine: Engine, capabilities: Capabilities | None = None) -> None:
        """Serve `engine` under its name from now on (a test engine, another prompt version);
        a model engine gets the same redaction and fallback wrapping as a registered one."""
        caps = capabilities or getattr(engine, "capabilities", None)
        self._caps[engine.name] = caps or engines.capabilities(engine.name)
        self._engines[engine.name] = engines.wrap(engine, self.settings, self._caps[engine.name])

    # -- the API --------------------------------------------------------------------------
    def analyze(self, text: str) -> Any:
        clean = clean_input(text, self.settings.max_input_chars)
        return analyze(clean.text, self.rules)

    def retrieve(
        self, text: str, k: int | None = None, collection: str | None = None
    ) -> list[Citation]:
        """The top-k strategy passages for `text`, as the citations a rewrite carries."""
        if k is not None and not 1 <= k <= 100:
            raise InputError(f"k must be between 1 and 100, got {k}.")
        clean = clean_input(text, self.settings.max_input_chars, what="query")
        name = collection or self.settings.collection
        if self.retriever.store.count(name) == 0:
            return []
        return self.retriever.retrieve(clean.text, k or self.settings.top_k, name)

    def rewrite(
        self,
        text: str,
        options: RewriteOptions | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
        **choices: Any,
    ) -> RewriteResult:
        """Rewrite one status update; never returns a rewrite that failed the facts guard silently.

        `options` (or the same names as keywords: audience, length, collection, engine, batch,
        metrics) say how; `on_token` receives the model's draft as it streams (`rewrite_stream`).
        """
        started = time.perf_counter()
        opts = (options or RewriteOptions()).with_(**choices)
        clean = clean_input(text, self.settings.max_input_chars)
        # Text that orders a model about is set aside (same length, offsets kept) before
        # anything analyses, rewrites or sends it, and named in the findings.
        held = quarantine(clean.text, classify=True)
        data = held.text
        analysis = analyze(data, self.rules)
        name = opts.collection or self.settings.collection
        findings: list[str] = []
        findings.extend(clean.findings)  # hidden characters are named, never dropped silently
        findings.extend(held.findings)
        units = analysis.units[:MAX_GROUNDED_UNITS]  # per-unit work is bounded on big pastes
        if len(analysis.units) > len(units):
            findings.append(
                f"This update has {len(analysis.units):,} items; only the first {len(units)} "
                "were matched to the strategy (all are kept in the rewrite). Run a long "
                "document as a batch, one update per row."
            )
        citations, alignment, suggestion = self.retriever.ground(
            data,
            [u.text for u in units],
            self.settings.top_k,
            name,
            aligned=[u.label != "other" for u in units],
        )
        log_text(log, "grounded", data)
        log.debug(
            "grounding in %r: %d earned citation(s), suggestion=%s",
            name,
            len(citations),
            suggestion is not None,
        )
        if not citations and suggestion is None:
            findings.append(f"No strategy passages in collection {name!r}: run `coach ingest`.")
        request = Request(
            data,
            analysis,
            tuple(citations),
            opts.audience,  # type: ignore[arg-type]
            opts.length,  # type: ignore[arg-type]
            held.passages,
            batch=opts.batch,
            on_token=on_token,
        )
        chosen = self.engine(opts.engine)
        draft = chosen.rewrite(request)  # a model engine falls back inside (engines/fallback.py)
        tag = draft.engine or chosen.name
        passages = [c.context for c in citations]
        facts = draft.facts or check_facts(data, draft.text, passages)
        scores = score(
            data,
            draft.text,
            passages,
            before=analysis,
            facts=facts,
            rules=self.rules,
            embedder=self.retriever.embedder if opts.metrics else None,
            metrics=opts.metrics,
        )
        used = [c for c in citations if c.id in draft.cited] or citations
        log.info(  # the update by length and hash only: status text never reaches a log
            "rewrote %s with %s (%d finding(s))", text_ref(clean.text), tag, len(findings)
        )
        return RewriteResult(
            text=draft.text,
            engine=tag,
            source=clean.text,
            analysis=analysis,
            citations=tuple(used),
            questions=draft.questions,
            facts=facts,
            alignment=tuple(alignment),
            findings=tuple(findings) + draft.findings,
            changes=draft.changes,
            fell_back=draft.fell_back,
            scores=scores,
            mode=draft.mode,
            prompt_version=draft.prompt_version,
            model=draft.model,
            collection=name,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            suggestion=suggestion,
        )

    def rewrite_stream(
        self, text: str, options: RewriteOptions | None = None, **choices: Any
    ) -> Iterator[str | RewriteResult]:
        """For the page: yields the model's draft in pieces (str) as they arrive, then the
        guarded RewriteResult, whose text may differ (repaired, or the offline fallback).
        Errors (InputError, ModelAuthError...) are raised from the generator."""
        import queue
        import threading

        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                put = lambda t: events.put(("token", t))  # noqa: E731
                result = self.rewrite(text, options, on_token=put, **choices)
                events.put(("result", result))
            except BaseException as exc:  # handed to the consumer's thread
                events.put(("error", exc))

        threading.Thread(target=work, name="coach-rewrite-stream", daemon=True).start()
        while True:
            kind, value = events.get()
            if kind == "error":
                raise value
            yield value
            if kind == "result":
                return

    def as_runnable(self, **defaults: Any) -> Any:
        """The coach as a LangChain Runnable (str or {"text": ...} in, RewriteResult out)."""
        from coach.lc import runnable

        return runnable(self, **defaults)

    def rewrite_many(self, texts: Iterable[str], **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Rewrite many updates, in input order: {"index", "status", "result", "error"} each.

        A bad update is yielded as status "failed" with its reason and the others go on.
        kwargs: options (RewriteOptions), concurrency, rpm, tpm, progress.
        """
        from coach.batch.runner import rewrite_many

        return rewrite_many(self, texts, **kwargs)

    async def arewrite_many(self, texts: Iterable[str], **kwargs: Any) -> Any:
        """The async variant of rewrite_many: an async iterator, the work runs in threads."""
        import asyncio

        done = object()
        it = self.rewrite_many(texts, **kwargs)
        while (item := await asyncio.to_thread(next, it, done)) is not done:
            yield item

    def ingest(
        self,
        paths: Iterable[str | Path],
        collection: str | None = None,
        progress: Callable[[int, int, str], Any] | None = None,
        *,
        prune: bool = False,
    ) -> dict[str, Any]:
        """Index strategy documents (files or folders, recursively) into a collection.

        Unchanged files are skipped by content hash; a changed file replaces its old chunks;
        `prune` removes documents that were deleted. `progress(done, total, name)` is called
        after each file. Unreadable files are reported in "messages", never fatal.
        """
        from coach.ingest import iter_files  # the loaders are not needed to rewrite
        from coach.ingest.indexer import index
        from coach.manifest import Manifest

        name = collection or self.settings.collection
        if not 3 <= len(name) <= 512:
            raise ConfigError("A collection name needs 3 to 512 characters.")
        roots = [Path(p).expanduser().resolve() for p in paths]
        files = list(iter_files(roots))
        store = self.store
        with store.writing():
            manifest = Manifest.for_store(self.settings.home, self.settings.chroma_url)
            return index(
                store,
                manifest,
                self.retriever.embedder,
                files,
                name,
                prune_roots=roots if prune else None,
                progress=progress,
            )

    def corpus(self, collection: str | None = None) -> dict[str, list[Any]]:
        """What is indexed, from the manifest: {collection: [Entry, ...]}."""
        from coach.manifest import Manifest

        manifest = Manifest.for_store(self.settings.home, self.settings.chroma_url)
        names = [collection] if collection else manifest.collections()
        return {n: sorted(manifest.entries(n).values(), key=lambda e: e.source) for n in names}

    def remove(self, names: Iterable[str], collection: str | None = None) -> list[str]:
        """Remove indexed documents by name (as `corpus()` lists them) or declared id; returns
        the sources removed. A name that matches nothing is an InputError."""
        from coach.ingest.indexer import remove
        from coach.manifest import Manifest

        wanted = [n for n in names if n]
        name = collection or self.settings.collection
        store = self.store
        with store.writing():
            manifest = Manifest.for_store(self.settings.home, self.settings.chroma_url)
            missing = [n for n in wanted if not manifest.find(name, n)]
            if missing or not wanted:
                listed = ", ".join(sorted(e.source for e in manifest.entries(name).values()))
                raise InputError(
                    f"No document {missing[0] if missing else ''!r} in collection {name!r}"
                    + (f"; it holds {listed}." if listed else "; it is empty.")
                )
            return remove(store, manifest, name, wanted)

    def _lost_collections(self) -> list[str]:
        """Collections the manifest lists with chunks but the store lacks (a deleted database)."""
        from coach.manifest import Manifest

        manifest = Manifest.for_store(self.settings.home, self.settings.chroma_url)
        names = manifest.collections()
        if not names:
            return []
        present = set(self._store.collections())
        return [n for n in names if n not in present or self._store.count(n) == 0]

    def _rebuild(self, names: list[str] | None) -> None:
        """Re-index collections from the manifest's sources (None: all, the store was broken)."""
        from coach.ingest.indexer import index
        from coach.manifest import Manifest

        if names == []:
            return
        manifest = Manifest.for_store(self.settings.home, self.settings.chroma_url)
        if names:
            log.warning(
                "coach: the store at %s lacks collection(s) %s listed in the manifest; "
                "rebuilding them from their sources.",
                self._store.location,
                ", ".join(map(repr, names)),
            )
        for name in manifest.collections() if names is None else names:
            entries = list(manifest.entries(name).values())
            files = [(Path(e.path), Path(e.root)) for e in entries if Path(e.path).exists()]
            lost = len(entries) - len(files)
            manifest.drop(name)
            manifest.save()
            with self._store.writing():
                stats = index(self._store, manifest, self.retriever.embedder, files, name)
            log.warning(
                "coach: rebuilt collection %r: %d chunk(s) from %d file(s)%s.",
                name,
                stats["added"],
                len(files),
                f"; {lost} source file(s) no longer exist" if lost else "",
            )
