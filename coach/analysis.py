"""The coach's eye: label each unit of an update and flag tool-and-process talk.

Lexical and deterministic: rules come from YAML (see coach/rules/default.yaml). A unit is
`process` when it reports activity with no stated result, `outcome` when it states a result for
someone or a measured effect, `mixed` when it does both, `other` for plans, risks, asks, thanks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from coach.htmltext import TAG
from coach.markup import plain
from coach.rules import Rules, load_rules, word_offsets, words
from coach.segment import segment
from coach.types import Analysis, Label, Span, Unit

_DIGIT = re.compile(r"\d")


def _has_measure(low: str, words: set[str], rules: Rules) -> bool:
    """A measured quantity; the number patterns run only on units with a digit, the word
    patterns only when a trigger word is present: this is the analyzer's hot path."""
    p = rules.patterns
    if _DIGIT.search(low) and "measure_number" in p and p["measure_number"].search(low):
        return True
    if "measure_words" not in p:
        return False
    triggers = rules.triggers.get("measure_words")
    if triggers is not None and not words & triggers:
        return False
    return bool(p["measure_words"].search(low))


_NEGATED = re.compile(
    r"\b(?:not|n't|never|no|nothing|none|yet to|without|nor)\b(?:\W+\w+){0,2}\W*$"
)


def _found(rules: Rules, name: str, low: str) -> bool:
    """A hit of the outcome finder that is not negated: "has not yet reached stable" and
    "no decision was made" state no result."""
    pat = rules.patterns.get(name)
    if pat is None:
        return False
    return any(
        not _NEGATED.search(low[max(0, m.start() - 30) : m.start()]) for m in pat.finditer(low)
    )


_UNDONE = re.compile(
    r"\b(?:no|not|nothing|none|never|yet to|without|blocked|stalled|delayed)\b|n't\b"
)
_CLAUSE = re.compile(r"\b(?:is|are|was|were|has|have|had|been)\b")
_STATED = ("summary_line", "status_line", "headline_result", "state_result")


def stated_result(piece: str, rules: Rules, spans: Sequence[Span] = ()) -> bool:
    """A result stated in a form of its own: the author's summary line ("tl;dr: Strong
    membership trends and two new projects"), a status after a label ("Threat model:
    Published"), or headline grammar ("Package deletion policy published, completing #414").
    These are writing conventions, not one organisation's wording; the learned layer, trained
    on few of them, does not overrule them (see `_learned`). A summary of activity alone
    ("Summary: we spent the week in meetings") states none."""
    if not any(n in rules.patterns for n in _STATED):
        return False
    low = plain(piece).lower()
    if _found(rules, "status_line", low):
        return True
    if _UNDONE.search(low):
        return False  # "Nothing released this week", "tl;dr: no progress, still blocked"
    if _found(rules, "headline_result", low) or _found(rules, "state_result", low):
        return True
    return _found(rules, "summary_line", low) and not any(
        s.category in _ACTIVITY_CATS for s in spans
    )


def states_result(text: str, rules: Rules | None = None) -> bool:
    """A title that is itself a result sentence ("`rust-lang.org` is now a static website",
    "The following goals have been completed"): the outcome finder's result verbs or a stated
    result form. Not the benefit finder, which also reads noun phrases ("Improving security
    processes") that name a topic, and a result verb only in a clause."""
    rules = rules or load_rules()
    low = plain(text).lower()
    if stated_result(text, rules):
        return True
    # a result verb in a clause ("have been completed"), not a participle used as an
    # adjective in a name ("12 digital designed, created and launched things")
    return _found(rules, "outcome", low) and _CLAUSE.search(low) is not None


def _search(rules: Rules, name: str, text: str) -> re.Match[str] | None:
    pat = rules.patterns.get(name)
    return pat.search(text) if pat is not None else None


_SPACE_RUN = re.compile(r"[ \t]*\n\s*")

_PROCESS_CATS = (
    "tool",
    "ceremony",
    "artifact",
    "activity",
    "methodology",
    "effort",
    "filler",
    "banned",
)
_ACTIVITY_CATS = {"tool", "ceremony", "activity", "banned"}


def analyze(text: str, rules: Rules | None = None, *, learned: bool = True) -> Analysis:
    """Analyse an update: units in order, each with a label, spans and outcome signals.

    `learned` (default) lets the learned layer (coach/classifier.py, trained on real units,
    chosen by leave-one-organisation-out CV) decide process vs outcome/mixed from what the
    rules saw; what the rules call `other` (plans, asks, thanks) stays `other` unless the layer
    finds an outcome. Spans and signals, which explain why, are always the rules'."""
    rules = rules or load_rules()
    units = [_unit(text, seg.start, seg.end, seg.kind, rules) for seg in segment(text)]
    if learned and units:
        units = _learned(units, rules)
    return Analysis(text=text, units=tuple(units))


def _learned(units: list[Unit], rules: Rules) -> list[Unit]:
    """The learned layer's labels on the rules' units (no embedding when the shipped model is
    lexical-only, as LOGO-CV chose); a unit that becomes process gets its coaching question."""
    from dataclasses import replace

    from coach.classifier import needs_vectors, predict

    vectors = None
    if needs_vectors():
        from coach.embeddings import get_embedder

        vectors = get_embedder().embed([u.text for u in units])
    out = []
    for u, lab in zip(units, predict(units, vectors), strict=True):
        if u.label == "other" and lab == "process":
            lab = "other"  # plans, asks and greetings stay where the rules put them
        stated = u.label in ("outcome", "mixed") and stated_result(u.text, rules, u.spans)
        if stated and lab not in ("outcome", "mixed"):
            lab = u.label  # a stated result, in a form the layer saw too few of to learn
        if lab != u.label:
            u = replace(
                u,
                label=cast(Label, lab),
                question=_question(u.spans, rules) if lab == "process" else "",
            )
        out.append(u)
    return out


def _question(spans: tuple[Span, ...] | list[Span], rules: Rules) -> str:
    first = next((s for s in spans if s.category != "filler"), spans[0] if spans else None)
    return rules.category(first.category).question if first else "What changed, and for whom?"


def _spans(piece: str, start: int, rules: Rules, ws: list[str]) -> list[Span]:
    hits = rules.lexicon.match(ws)
    if not hits:
        return []
    offsets = word_offsets(piece)
    found: list[Span] = []
    by_name = rules.by_name
    for i, k, name in hits:
        cat = by_name[name]
        s, e = offsets[i][0], offsets[k - 1][1]
        term = piece[s:e]
        key = " ".join(term.lower().split())
        suggestion = rules.preferred.get(key, "")
        found.append(
            Span(
                start=start + s,
                end=start + e,
                category=name,
                explanation=rules.explain.get(key, cat.explanation),
                text=term,
                suggestion=suggestion or cat.question,
            )
        )
    return found


def signals_of(piece: str, rules: Rules, ws: list[str] | None = None) -> tuple[str, ...]:
    """Outcome signals in a piece of text: beneficiary, change, measure, strategy."""
    return _signals(piece.lower(), rules, words(piece) if ws is None else ws)[0]


def _signals(
    low: str, rules: Rules, ws: list[str], piece: str | None = None, spans: Sequence[Span] = ()
) -> tuple[tuple[str, ...], bool]:
    names = {n for _, _, n in rules.signal_lexicon.match(ws)}
    link = bool(_search(rules, "result_link", low))
    out = []
    if "beneficiary" in names:
        out.append("beneficiary")
    if "change" in names or link:
        out.append("change")
    if _has_measure(low, set(ws), rules):
        out.append("measure")
    if "strategy" in names:
        out.append("strategy")
    if (
        _found(rules, "outcome", low)
        or _found(rules, "benefit", low)
        or (piece is not None and stated_result(piece, rules, spans))
    ):
        out.append("result")  # the outcome finder: a decision, milestone, new ability, metric
    return tuple(out), link


def _label(
    piece: str,
    low: str,
    spans: list[Span],
    signals: tuple[str, ...],
    link: bool,
    rules: Rules,
) -> tuple[str, float]:
    """The strict label and the process evidence behind it."""
    activity = sum(1 for s in spans if s.category in _ACTIVITY_CATS)
    score = float(sum(1 for s in spans if s.category in _PROCESS_CATS))
    if _search(rules, "past_verb", low):
        score += 0.5
    found = "result" in signals
    result = (
        link
        or found
        or ("measure" in signals and ("change" in signals or "beneficiary" in signals))
        or ("change" in signals and "beneficiary" in signals)
        or bool(_search(rules, "before_after", low))
    )
    stripped = low.strip().lstrip("-*•+[]x \t").strip()
    # A plan is not a result, but an expected benefit stated as such is ("This will help ...").
    future = _search(rules, "future", low) and not _search(rules, "benefit", low)
    opener = rules.patterns.get("other_start")
    stated = found and stated_result(
        piece, rules, spans
    )  # "Summary: ..." opens as `other` otherwise
    if (
        (opener is not None and opener.match(stripped) and not stated)
        or stripped.endswith("?")
        or (future and not (result and link))
    ):
        return "other", score
    if result:
        mixed = activity or _search(rules, "intervention", piece)
        return ("mixed" if mixed else "outcome"), score
    if score > 0 or spans or _search(rules, "intervention", piece):
        return "process", score
    return "other", score


def untagged(piece: str) -> str:
    """The piece with its HTML tags blanked (same length, so spans keep their offsets): a
    tag's name is no word the eye reads ("of the</p>\n<p>Business plan" reads as the Markdown
    "of the\n\nBusiness plan" does, not with two words "p").

    >>> untagged("Done.</p><p>Next")
    'Done.       Next'
    """
    if "<" not in piece:
        return piece
    return TAG.sub(lambda m: " " * len(m.group(0)), piece)


def _unit(text: str, start: int, end: int, kind: str, rules: Rules) -> Unit:
    piece = text[start:end]
    # A hard-wrapped unit reads as its one line: the outcome finder's phrases ("have been
    # accepted") hold single spaces, and a line end must not hide them (eval.surface).
    read = untagged(piece)
    flat = _SPACE_RUN.sub(" ", read)
    ws = words(read)
    low = flat.lower()
    spans = _spans(read, start, rules, ws)
    signals, link = _signals(low, rules, ws, flat, spans)
    label, score = _label(flat, low, spans, signals, link, rules)
    question = _question(spans, rules) if label == "process" else ""
    return Unit(
        text=piece,
        start=start,
        end=end,
        label=label,  # type: ignore[arg-type]
        spans=tuple(spans),
        signals=signals,
        question=question,
        kind=kind,
        score=score,
    )


def label_unit(text: str, rules: Rules | None = None, semantic: bool = False) -> Unit:
    """Label one unit of text as a whole (no segmentation): what the eval sets score.

    The rules alone by default; `semantic=True` adds the learned layer, as `analyze()` does."""
    rules = rules or load_rules()
    unit = _unit(text, 0, len(text), "sentence", rules)
    return _learned([unit], rules)[0] if semantic else unit
