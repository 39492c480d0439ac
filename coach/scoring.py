"""Scores for one rewrite, computed once, with it: the core attaches them to the RewriteResult and
the page, batch and eval read them (the eval adds only its own metrics; coach/evals/metrics.py).

Whatever the caller already has is reused: the update's analysis and fact check come from the
rewrite itself, so only the rewrite is analysed here, and the embeddings (content preservation,
link support) go through the retriever's embedder, or are skipped (`metrics=False`). Content
preservation reads both texts unit by unit (coach/preservation.py): the update's units are
embedded already, so only the rewrite's new sentences are, never either whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from coach.analysis import analyze
from coach.evals.readability import readability, words
from coach.facts import check_facts
from coach.preservation import preservation
from coach.rules import Rules
from coach.types import Analysis, FactCheck, Scores

SIGNALS = ("beneficiary", "change", "measure", "strategy")
_CITE = re.compile(r"\[p?\d{1,2}\]")


def signals(analysis: Analysis) -> tuple[str, ...]:
    """The outcome signals an analysis shows, in a fixed order."""
    seen = {s for u in analysis.units for s in u.signals}
    return tuple(s for s in SIGNALS if s in seen)


def link_sentences(rewrite: Analysis) -> list[str]:
    """Sentences that claim a strategic link: a citation marker or a strategy signal."""
    return [
        u.text.strip() for u in rewrite.units if _CITE.search(u.text) or "strategy" in u.signals
    ]


def score(
    source: str,
    rewrite: str,
    passages: Sequence[str] = (),
    *,
    before: Analysis | None = None,
    facts: FactCheck | None = None,
    rules: Rules | None = None,
    embedder: Any = None,
    metrics: bool = True,
) -> Scores:
    """Scores of `rewrite` against `source`; `passages` are the cited passages' texts.

    `before` and `facts` (the update's analysis and the fact check) are computed when not given;
    `embedder` (anything with `embed(texts)` of unit vectors) defaults to the process's MiniLM.
    """
    passages = [p for p in passages if p and p.strip()]
    before = before if before is not None else analyze(source, rules)
    facts = facts if facts is not None else check_facts(source, rewrite, passages)
    after = analyze(rewrite, rules)
    read = readability(rewrite, sentences=len(after.units))
    content = link_support = None
    if metrics and source.strip() and rewrite.strip():
        content, link_support = _embedded(before, after, link_sentences(after), passages, embedder)
    src_words, out_words = len(words(source)), len(words(rewrite))
    return Scores(
        facts_recall=round(facts.recall, 4),
        facts_precision=round(facts.precision, 4),
        process_density_before=round(before.process_density, 4),
        process_density_after=round(after.process_density, 4),
        outcome_signals_before=signals(before),
        outcome_signals_after=signals(after),
        grade_level=read["grade_level"],
        grade_level_source=readability(source, sentences=len(before.units))["grade_level"],
        avg_sentence_words=read["avg_sentence_words"],
        words_source=src_words,
        words_rewrite=out_words,
        length_ratio=round(out_words / src_words, 4) if src_words else None,
        content_preservation=content,
        link_support=link_support,
    )


def _embedded(
    before: Analysis, after: Analysis, links: list[str], passages: list[str], embedder: Any
) -> tuple[float, float | None]:
    """(content preservation, link support); every vector through `embedder`'s cache."""
    if embedder is None:
        from coach.embeddings import get_embedder

        embedder = get_embedder()
    content = preservation(
        before.unit_texts,
        after.unit_texts,
        embedder,
    )
    if not (links and passages):
        return content, None
    vecs = embedder.embed([*links, *passages])
    link_vecs, cite_vecs = vecs[: len(links)], vecs[len(links) :]
    return content, round(float((link_vecs @ cite_vecs.T).max(axis=1).mean()), 4)


__all__ = ["SIGNALS", "link_sentences", "score", "signals"]
