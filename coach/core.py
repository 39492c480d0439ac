"""The Coach: analyse, retrieve, rewrite with an engine, guard the facts, align to strategy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from coach.analysis import analyze
from coach.engines.base import AUDIENCES, LENGTHS, Engine, Request
from coach.engines.offline import OfflineEngine
from coach.errors import ConfigError, InputError, ModelAuthError, ModelError
from coach.facts import check_facts
from coach.ingest import iter_files
from coach.injection import quarantine
from coach.log import text_ref
from coach.rules import Rules, load_rules
from coach.settings import Settings
from coach.text import clean_input
from coach.types import Citation, RewriteResult, UnitChange

log = logging.getLogger("coach")


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
        self._store: Any = None
        self._retriever: Any = None
        self._engines: dict[str, Engine] = {"offline": OfflineEngine()}

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

            self._retriever = Retriever(self.store)
        return self._retriever

    def engine(self, name: str | None = None) -> Engine:
        choice = name or self.settings.resolved_engine
        if choice == "auto":
            choice = self.settings.resolved_engine
        if choice not in ("offline", "llm"):
            raise ConfigError(f"Unknown engine {choice!r}: use offline, llm or auto.")
        if choice not in self._engines:
            from coach.engines.llm import LLMEngine

            self._engines[choice] = LLMEngine(self.settings)
        return self._engines[choice]

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
        if self.store.count(name) == 0:
            return []
        return self.retriever.retrieve(clean.text, k or self.settings.top_k, name)

    def rewrite(
        self,
        text: str,
        *,
        audience: str = "executive",
        length: str = "standard",
        collection: str | None = None,
        engine: str | None = None,
        batch: bool = False,
        on_token: Callable[[str], None] | None = None,
    ) -> RewriteResult:
        """Rewrite one status update; never returns a rewrite that failed the facts guard silently.

        `batch` gives the model the batch timeout instead of the interactive one; `on_token`
        receives the model's draft as it streams (see `rewrite_stream`)."""
        started = time.perf_counter()
        if audience not in AUDIENCES:
            raise InputError(f"Unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}.")
        if length not in LENGTHS:
            raise InputError(f"Unknown length {length!r}: use one of {', '.join(LENGTHS)}.")
        clean = clean_input(text, self.settings.max_input_chars)
        # Text that orders a model about is set aside (same length, offsets kept) before
        # anything analyses, rewrites or sends it, and named in the findings.
        held = quarantine(clean.text)
        data = held.text
        analysis = analyze(data, self.rules)
        name = collection or self.settings.collection
        findings: list[str] = []
        findings.extend(clean.findings)  # hidden characters are named, never dropped silently
        findings.extend(held.findings)
        citations, alignment = self.retriever.ground(
            data,
            [u.text for u in analysis.units],
            self.settings.top_k,
            name,
            aligned=[u.label != "other" for u in analysis.units],
        )
        if not citations:
            findings.append(f"No strategy passages in collection {name!r}: run `coach ingest`.")
        request = Request(data, analysis, tuple(citations), audience, length, held.passages)  # type: ignore[arg-type]
        chosen = self.engine(engine)
        tag = chosen.name
        try:
            if tag == "llm":
                draft = chosen.rewrite(request, batch=batch, on_token=on_token)  # type: ignore[call-arg]
            else:
                draft = chosen.rewrite(request)
        except ModelAuthError:
            raise
        except ModelError as exc:
            findings.append(f"Model failed ({exc}); used the offline coach instead.")
            draft, tag = self._engines["offline"].rewrite(request), "offline-fallback"
        violations = draft.extra.get("violations") if tag == "llm" else None
        if violations:  # the LLM engine's guard failed twice (answer, then one repair)
            findings.append(_guard_failed(violations, draft.extra))  # type: ignore[arg-type]
            draft, tag = self._engines["offline"].rewrite(request), "offline-fallback"
        allowed = [c.context for c in citations]
        facts = check_facts(data, draft.text, allowed)
        if not facts.ok and tag == "llm":
            findings.append(_guard_finding(facts.missing, facts.added))
            draft, tag = self._engines["offline"].rewrite(request), "offline-fallback"
            facts = check_facts(data, draft.text, allowed)
        used = [c for c in citations if c.id in draft.cited] or citations
        log.info(  # the update by length and hash only: status text never reaches a log
            "rewrote %s with %s (%d finding(s))", text_ref(clean.text), tag, len(findings)
        )
        return RewriteResult(
            text=draft.text,
            engine=tag,  # type: ignore[arg-type]
            source=clean.text,
            analysis=analysis,
            citations=tuple(used),
            questions=draft.questions,
            facts=facts,
            alignment=tuple(alignment),
            findings=tuple(findings) + draft.findings,
            changes=_changes(draft.extra.get("units")) if tag == "llm" else (),
            prompt_version=draft.prompt_version,
            model=draft.model,
            collection=name,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def rewrite_stream(self, text: str, **kwargs: Any) -> Iterator[str | RewriteResult]:
        """For the page: yields the model's draft in pieces (str) as they arrive, then the
        guarded RewriteResult, whose text may differ (repaired, or the offline fallback).
        Errors (InputError, ModelAuthError...) are raised from the generator."""
        import queue
        import threading

        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                result = self.rewrite(text, on_token=lambda t: events.put(("token", t)), **kwargs)
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
        kwargs: options (coach.batch.Options), concurrency, rpm, tpm, progress.
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


def _guard_failed(violations: Sequence[str], extra: dict[str, Any]) -> str:
    kind = "a prompt-injection sign" if extra.get("injection") else "the guard"
    return (
        f"The model's rewrite ({extra.get('prompt', 'llm')}) failed {kind} {extra.get('why', '')}: "
        + "; ".join(violations[:5])
        + ". Used the offline coach instead."
    )


def _guard_finding(missing: Sequence[str], added: Sequence[str]) -> str:
    parts = []
    if missing:
        parts.append("dropped " + ", ".join(missing[:5]))
    if added:
        parts.append("added " + ", ".join(added[:5]))
    return (
        "The model's rewrite failed the facts guard ("
        + "; ".join(parts)
        + "); used the offline coach instead."
    )


def _changes(units: object) -> tuple[UnitChange, ...]:
    """The llm engine's per-unit report, kept only where it is well formed."""
    if not isinstance(units, list):
        return ()
    return tuple(
        UnitChange(source=str(u.get("source", "")), became=str(u.get("became", "")))
        for u in units
        if isinstance(u, dict)
    )
