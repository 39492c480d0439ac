"""Rewrite every update of a real dataset and measure what a reader would see.

Figures: leads with the curated outcome, garbled fragments and leaked markup (coach.evals.garble),
curated facts kept and facts invented, process density rewrite/update on process-heavy updates,
and whether a process-heavy update with no outcome gets asked for one instead of given one.
Each update is rewritten against its own organisation's strategy documents when the dataset has
them (strategy/<org>/), else against an empty collection (no strategy line is earned).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach import engines
from coach.evals.garble import find_garbles, sentences
from coach.evals.orphans import CHOICES, every_choice, orphans
from coach.evals.real import (
    RealDataset,
    RealUpdate,
    collection_name,
    index_strategy,
    strategy_folder,
)
from coach.htmltext import reader_view
from coach.reader_text import unread

# A fixed section label a template puts before content ("What changed: ..."), not content.
_LABEL = re.compile(r"^(?:\*\*)?[A-Z][A-Za-z ,'&/-]{0,40}?(?:\*\*)?:\s+")
_COACHING = re.compile(r"^(?:questions for you|question for you)\b", re.I)
_ASKS_OUTCOME = re.compile(
    r"\b(?:what changed|what has changed|what is different|outcome|result|impact|difference|"
    r"benefit|for whom|who (?:benefits|gains|can now)|what can \w+ (?:now )?do|"
    r"what did (?:this|it) (?:change|achieve|unblock)|achieve)",
    re.I,
)
_NOT_STATED = re.compile(r"not stated|not yet stated|no outcome", re.I)
LEAD_MARGIN = 0.03  # the first sentence may trail the best later sentence by this much
LEAD_FLOOR = 0.45  # and must itself be this close to the curated outcome
LEAD_STRONG = 0.6  # a first sentence this close states the outcome, whatever follows it
_WORD = re.compile(r"[a-z0-9][a-z0-9.#/-]*")
_STOP = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "for",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "we",
        "our",
        "i",
        "you",
        "they",
        "their",
        "as",
        "into",
        "now",
        "can",
        "will",
        "which",
        "who",
    ]
)


def content_sentences(text: str) -> list[str]:
    """The rewrite's reader sentences in order: template labels stripped, coaching cut off."""
    out: list[str] = []
    for s in sentences(text):
        if _COACHING.match(s):
            break
        body = _LABEL.sub("", s).strip()
        if len(re.findall(r"\w+", body)) >= 2:
            out.append(body)
    return out


def _toks(s: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(s.lower()) if w not in _STOP}


def overlap(outcome: str, sentence: str) -> float:
    """Share of the curated outcome's content words (6-letter stems) found in the sentence."""
    a = _toks(outcome)
    return len(a & _toks(sentence)) / len(a) if a else 0.0


def lead_block(sents: Sequence[str]) -> tuple[str, int]:
    """The first content sentence, joined with the next when it is very short."""
    if not sents:
        return "", 0
    if len(sents[0].split()) < 5 and len(sents) > 1:
        return f"{sents[0]} {sents[1]}", 2
    return sents[0], 1


def leads_with(
    outcome: str, sents: Sequence[str], embed: Callable[[list[str]], np.ndarray]
) -> dict:
    """Does the rewrite lead with the curated outcome? By MiniLM similarity: the lead block is
    at least LEAD_STRONG close to the outcome, or at least LEAD_FLOOR and no later sentence is
    clearly closer (a curated outcome often sums up several results; leading with one counts)."""
    first, k = lead_block(sents)
    if not first:
        return {"leads": False, "first": "", "sim_first": 0.0, "sim_rest": 0.0}
    rest = list(sents[k:])
    vecs = embed([outcome, first, *rest])
    sims = vecs[1:] @ vecs[0]
    s_first = float(sims[0])
    s_rest = float(sims[1:].max()) if rest else 0.0
    ok = s_first >= LEAD_STRONG or (s_first >= LEAD_FLOOR and s_first >= s_rest - LEAD_MARGIN)
    return {
        "leads": bool(ok),
        "first": first[:300],
        "sim_first": round(s_first, 3),
        "sim_rest": round(s_rest, 3),
        "overlap_first": round(overlap(outcome, first), 3),
    }


def _norm_fact(s: str) -> str:
    # Markdown link targets are not text the reader sees; the link's text is ("[6 items](url)
    # still" reads "6 items still", as the dataset's curators checked their facts).
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\]\([^)]*\)", "]", s)
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(s.lower().split())


_REF_DEF = re.compile(r"(?m)^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$")  # "[label]: url" lines


def _reader_text(source: str) -> str:
    """What a reader of the rendered update sees: link targets and link definitions dropped,
    and what coach.reader_text.unread drops (reference labels, heading numbers): the same rule the
    code fact check reads a source by (the eval's view of a rewrite, applied to the source)."""
    return _norm_fact(unread(_REF_DEF.sub(" ", reader_view(source))))  # HTML: href is a target


def _raw(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(s.lower().split())


def facts_kept(facts: Sequence[str], rewrite: str, source: str | None = None) -> list[str]:
    """Curated facts missing from the rewrite (case-, space- and quote-insensitive), read as
    the reader sees it. A fact that the `source` itself shows only inside a link target or
    reference label ("v3.0.5" in "[Cosign v3](.../tag/v3.0.5)") is kept where the author put
    it: when the rewrite carries it in a link target too (the author's own source, read as
    text, would otherwise lose it)."""
    hay = _norm_fact(rewrite)
    seen = _reader_text(source) if source is not None else None
    raw = _raw(rewrite)
    out = []
    for f in facts:
        nf = _norm_fact(f)
        if nf in hay:
            continue
        if seen is not None and nf not in seen and _raw(f) in raw:
            continue  # only in the source's link targets, and the rewrite keeps that target
        out.append(f)
    return out


def asks_for_outcome(result: Any) -> bool:
    qs = list(result.questions) + [s for s in sentences(result.text) if s.endswith("?")]
    return any(_ASKS_OUTCOME.search(q) for q in qs)


def invented_outcome(result: Any, source: str) -> list[str]:
    """Rewrite sentences the eye reads as outcomes that are not the author's words (less than
    70% of their content words occur in the source): an outcome the coach made up."""
    from coach.analysis import analyze

    src = _toks(source)
    out = []
    for s in content_sentences(result.text):
        if _NOT_STATED.search(s) or s.endswith("?"):
            continue
        unit_labels = {u.label for u in analyze(s).units}
        toks = _toks(s)
        if unit_labels & {"outcome", "mixed"} and toks and len(toks & src) / len(toks) < 0.7:
            out.append(s)
    return out


def strategy_collections(coach: Any, ds: RealDataset) -> dict[str | None, str]:
    """One collection per organisation with readable strategy documents; the rest share an
    empty one. A document that fails to ingest is skipped (grounding names it)."""
    names: dict[str | None, str] = {}
    for org in sorted({u.org for u in ds.updates if u.org}):
        folder = strategy_folder(ds, org)
        if folder is not None:
            name = collection_name(org)
            if coach.store.count(name) == 0:
                index_strategy(coach, folder, name)
            if coach.store.count(name):
                names[org] = name
    return names


def rewrite_all(
    ds: RealDataset,
    *,
    engine: str = engines.FALLBACK,  # the deterministic engine
    home: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[dict[str, Any]]:
    """Rewrite each update (its org's strategy as the corpus) and score it; one row each."""
    from coach.core import Coach
    from coach.errors import CoachError
    from coach.evals.eye import unit_vectors

    tmp = None
    if home is None:
        tmp = tempfile.TemporaryDirectory(prefix="coach-eval-real-")
        home = tmp.name
    coach = Coach(home=Path(home), cache=False)
    cols = strategy_collections(coach, ds)
    offline = engines.build(engines.FALLBACK, coach.settings)  # the every-choice sweep's engine

    def embed(texts: list[str]) -> np.ndarray:
        return unit_vectors(texts, cache=None)

    rows = []
    for n, upd in enumerate(ds.updates, 1):
        try:
            result = coach.rewrite(
                upd.text, engine=engine, collection=cols.get(upd.org, "real-none")
            )
        except CoachError as exc:
            rows.append({"id": upd.id, "org": upd.org, "error": str(exc)})
            continue
        except Exception as exc:
            rows.append({"id": upd.id, "org": upd.org, "error": f"{type(exc).__name__}: {exc}"})
            continue
        row = score_rewrite(upd, result, embed)
        row["orphans_every_choice"] = every_choice(offline, result.analysis, result.citations)
        rows.append(row)
        if progress:
            progress(n, len(ds.updates), upd.id)
    if tmp is not None:
        coach.store.close()
        tmp.cleanup()
    return rows


def score_rewrite(
    upd: RealUpdate, result: Any, embed: Callable[[list[str]], np.ndarray]
) -> dict[str, Any]:
    from coach.analysis import analyze

    text = result.text
    sents = content_sentences(text)
    garbles = find_garbles(text, upd.text)
    before = analyze(upd.text).process_density
    after = analyze("\n".join(sents)).process_density
    row: dict[str, Any] = {
        "id": upd.id,
        "org": upd.org,
        "label": upd.label,
        "rewrite": text,
        "questions": list(result.questions),
        "garbles": [g.__dict__ for g in garbles],
        "orphans": [o.__dict__ for o in orphans(text, upd.text)],
        "fragments": sum(1 for g in garbles if g.kind == "fragment"),
        "markup": sum(1 for g in garbles if g.kind == "markup"),
        "facts_total": len(upd.facts),
        "facts_missing": facts_kept(upd.facts, text, upd.text),
        "invented_facts": list(result.facts.added),
        "density_before": round(before, 4),
        "density_after": round(after, 4),
        "citations": len(result.citations),
    }
    if upd.outcome:
        row["outcome"] = upd.outcome
        row["lead"] = leads_with(upd.outcome, sents, embed)
    if upd.label == "process-heavy" and not upd.outcome:
        row["asks_outcome"] = asks_for_outcome(result)
        row["invented_outcome"] = invented_outcome(result, upd.text)
    return row


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The headline figures over all rewrites."""
    ok = [r for r in rows if "error" not in r]
    led = [r for r in ok if "lead" in r]
    heavy = [r for r in ok if r["label"] == "process-heavy" and r["density_before"] > 0]
    ask = [r for r in ok if "asks_outcome" in r]
    facts_total = sum(r["facts_total"] for r in ok)
    facts_missing = sum(len(r["facts_missing"]) for r in ok)
    ratios = [r["density_after"] / r["density_before"] for r in heavy]
    return {
        "updates": len(rows),
        "errors": len(rows) - len(ok),
        "outcome_updates": len(led),
        "leads_with_outcome": _pct(sum(r["lead"]["leads"] for r in led), len(led)),
        "garbled_fragments": sum(r["fragments"] for r in ok),
        "updates_with_fragments": sum(1 for r in ok if r["fragments"]),
        "leaked_markup": sum(r["markup"] for r in ok),
        "orphaned_sentences": sum(len(r.get("orphans", ())) for r in ok),
        "orphaned_every_choice": sum(len(r.get("orphans_every_choice", ())) for r in ok),
        "rewrites_every_choice": len(ok) * len(CHOICES),
        "updates_with_markup": sum(1 for r in ok if r["markup"]),
        "facts_total": facts_total,
        "facts_kept": _pct(facts_total - facts_missing, facts_total),
        "invented_facts": sum(len(r["invented_facts"]) for r in ok),
        "process_heavy_updates": len(heavy),
        "process_density_ratio": round(float(np.mean(ratios)), 4) if ratios else None,
        "process_density_before": _mean([r["density_before"] for r in heavy]),
        "process_density_after": _mean([r["density_after"] for r in heavy]),
        "no_outcome_process_heavy": len(ask),
        "asks_for_outcome": _pct(
            sum(1 for r in ask if r["asks_outcome"] and not r["invented_outcome"]), len(ask)
        ),
        "invented_outcomes": sum(len(r["invented_outcome"]) for r in ask),
    }


def _pct(a: float, b: float) -> float | None:
    return round(100 * a / b, 1) if b else None


def _mean(xs: Sequence[float]) -> float | None:
    return round(float(np.mean(xs)), 4) if xs else None


__all__ = [
    "content_sentences",
    "leads_with",
    "rewrite_all",
    "score_rewrite",
    "strategy_collections",
    "summarise",
]
