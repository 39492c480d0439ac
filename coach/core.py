"""The Coach: analyse, retrieve, rewrite with an engine, guard the facts, align to strategy."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from coach.analysis import analyze
from coach.engines.base import AUDIENCES, LENGTHS, Engine, Request
from coach.engines.offline import OfflineEngine
from coach.errors import CoachError, ConfigError, InputError, ModelAuthError, ModelError
from coach.facts import check_facts
from coach.ingest import iter_files, load_file
from coach.rules import Rules, load_rules
from coach.settings import Settings
from coach.text import clean_input
from coach.types import Citation, RewriteResult

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
            from coach.store import Store

            self._store = Store(self.settings)
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
    ) -> RewriteResult:
        """Rewrite one status update; never returns a rewrite that failed the facts guard silently."""
        started = time.perf_counter()
        if audience not in AUDIENCES:
            raise InputError(f"Unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}.")
        if length not in LENGTHS:
            raise InputError(f"Unknown length {length!r}: use one of {', '.join(LENGTHS)}.")
        clean = clean_input(text, self.settings.max_input_chars)
        analysis = analyze(clean.text, self.rules)
        name = collection or self.settings.collection
        findings: list[str] = []
        if clean.removed_invisible:
            findings.append(
                f"Removed {clean.removed_invisible} invisible character(s) from the input."
            )
        citations = self.retrieve(clean.text, collection=name)
        if not citations:
            findings.append(f"No strategy passages in collection {name!r}: run `coach ingest`.")
        request = Request(clean.text, analysis, tuple(citations), audience, length)  # type: ignore[arg-type]
        chosen = self.engine(engine)
        tag = chosen.name
        try:
            draft = chosen.rewrite(request)
        except ModelAuthError:
            raise
        except ModelError as exc:
            findings.append(f"Model failed ({exc}); used the offline coach instead.")
            draft, tag = self._engines["offline"].rewrite(request), "offline-fallback"
        allowed = [f"{c.title}\n{c.section}\n{c.text}" for c in citations]
        facts = check_facts(clean.text, draft.text, allowed)
        if not facts.ok and tag == "llm":
            findings.append(_guard_finding(facts.missing, facts.added))
            draft, tag = self._engines["offline"].rewrite(request), "offline-fallback"
            facts = check_facts(clean.text, draft.text, allowed)
        used = [c for c in citations if c.id in draft.cited] or citations
        units = [u.text for u in analysis.units if u.label != "other"]
        alignment = self.retriever.align(units, name) if citations and units else []
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
            prompt_version=draft.prompt_version,
            model=draft.model,
            collection=name,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def ingest(
        self,
        paths: Iterable[str | Path],
        collection: str | None = None,
        progress: Any = None,
    ) -> dict[str, int]:
        """Index strategy documents; unchanged chunks are skipped (ids come from content)."""
        name = collection or self.settings.collection
        files = list(iter_files(paths))
        existing = set(self.store.ids(name))
        added = skipped = 0
        errors: list[str] = []
        for path, root in files:
            try:
                chunks = load_file(path, root)
            except CoachError as exc:
                errors.append(str(exc))
                continue
            new = [c for c in chunks if c.id not in existing]
            skipped += len(chunks) - len(new)
            if new:
                self.store.upsert(
                    name, [c.id for c in new], [c.text for c in new], [c.metadata for c in new]
                )
                added += len(new)
            if progress:
                progress(path)
        return {"files": len(files), "added": added, "unchanged": skipped, "errors": len(errors)}


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
