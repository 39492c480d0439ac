"""The coach's eye: label each unit of an update and flag tool-and-process talk.

Lexical and deterministic: rules come from YAML (see coach/rules/default.yaml). A unit is
`process` when it reports activity with no stated result, `outcome` when it states a result for
someone or a measured effect, `mixed` when it does both, `other` for plans, risks, asks, thanks.
"""

from __future__ import annotations

import re

from coach.rules import Rules, load_rules
from coach.segment import segment
from coach.types import Analysis, Span, Unit

_MEASURE = re.compile(
    r"\bfrom\s+[£$€]?\d[\d,.]*\s*\S*\s+to\s+[£$€]?\d|\d+(?:\.\d+)?\s?(?:%|percent|pp)\b|"
    r"[£$€]\d|\b\d+(?:\.\d+)?\s*(?:x|times)\s+(?:faster|more|fewer|less)\b|"
    r"\b(?:by|to|under|below|within)\s+[£$€]?\d[\d,.]*\s*(?:%|days?|hours?|minutes?|mins?|"
    r"weeks?|seconds?|s|ms|k|m)?\b",
    re.I,
)
_RESULT_LINK = re.compile(
    r"\b(?:so that|so\s+(?:\w+\s+){0,3}(?:can|now|no longer|will)|which means|meaning that|"
    r"resulting in|as a result|enabling|which (?:cut|cuts|saved|saves|reduced|reduces|lets|"
    r"allows|means|freed|frees|gives|gave)|can now|now (?:able|can|get|have|see|takes?)|"
    r"no longer|instead of|for the first time)\b",
    re.I,
)
_OTHER = re.compile(
    r"^(?:next(?:\s+week|\s+steps?|\s+sprint)?\b|plan(?:ning)?\s+to\b|we\s+(?:will|plan|aim|intend)\b|"
    r"will\b|upcoming\b|to do\b|todo\b|blocked\b|blocker|risk\b|risks?:|issue:|ask:|asks?\b|"
    r"need(?:s|ed)?\b|waiting\s+(?:on|for)\b|pending\b|thanks?\b|thank you\b|kudos\b|shout-?out\b|"
    r"please\b|fyi\b|reminder\b|any questions|questions?:|help needed|dependency\b|"
    r"dependencies\b|going to\b|aim(?:ing)? to\b|hoping to\b|expect(?:ing)? to\b|we'?re going\b|"
    r"hi\b|hello\b|team,?$)",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:will|next week|next month|next sprint|planned for|due on|by end of)\b", re.I
)
_PAST_VERB = re.compile(
    r"^\W*(?:we\s+|i\s+|the team\s+|team\s+)?[a-z]+ed\b|^\W*(?:ran|held|met|led|built|made|set up|kept|began|wrote|sent|did|got|took|gave)\b",
    re.I,
)
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


def analyze(text: str, rules: Rules | None = None) -> Analysis:
    """Analyse an update: units in order, each with a label, spans and outcome signals."""
    rules = rules or load_rules()
    units = tuple(_unit(text, seg.start, seg.end, seg.kind, rules) for seg in segment(text))
    return Analysis(text=text, units=units)


def _spans(text: str, start: int, end: int, rules: Rules) -> list[Span]:
    piece = text[start:end]
    found: list[Span] = []
    taken = [False] * len(piece)
    for cat in rules.categories:
        if cat.pattern is None:
            continue
        for m in cat.pattern.finditer(piece):
            if any(taken[m.start() : m.end()]):
                continue
            for k in range(m.start(), m.end()):
                taken[k] = True
            term = m.group(0)
            suggestion = rules.preferred.get(term.lower(), "")
            found.append(
                Span(
                    start=start + m.start(),
                    end=start + m.end(),
                    category=cat.name,
                    explanation=cat.explanation,
                    text=term,
                    suggestion=suggestion or cat.question,
                )
            )
    found.sort(key=lambda s: s.start)
    return found


def signals_of(piece: str, rules: Rules) -> tuple[str, ...]:
    out = []
    if (p := rules.signals.get("beneficiary")) and p.search(piece):
        out.append("beneficiary")
    if ((p := rules.signals.get("change")) and p.search(piece)) or _RESULT_LINK.search(piece):
        out.append("change")
    if _MEASURE.search(piece):
        out.append("measure")
    if (p := rules.signals.get("strategy")) and p.search(piece):
        out.append("strategy")
    return tuple(out)


def _unit(text: str, start: int, end: int, kind: str, rules: Rules) -> Unit:
    piece = text[start:end]
    spans = _spans(text, start, end, rules)
    signals = signals_of(piece, rules)
    process_score = float(sum(1 for s in spans if s.category in _PROCESS_CATS))
    if _PAST_VERB.search(piece):
        process_score += 0.5
    has_link = bool(_RESULT_LINK.search(piece))
    result = (
        has_link
        or ("change" in signals and ("beneficiary" in signals or "measure" in signals))
        or ("measure" in signals and "beneficiary" in signals)
    )
    stripped = piece.strip().lstrip("-*•[]xX ").strip()
    if _OTHER.match(stripped) or stripped.endswith("?") or (_FUTURE.search(piece) and not result):
        label = "other"
    elif result and process_score >= 1:
        label = "mixed"
    elif result:
        label = "outcome"
    elif process_score > 0 or spans:
        label = "process"
    else:
        label = "other"
    question = ""
    if label == "process":
        first = next((s for s in spans if s.category != "filler"), spans[0] if spans else None)
        question = (
            rules.category(first.category).question if first else "What changed, and for whom?"
        )
    return Unit(
        text=piece,
        start=start,
        end=end,
        label=label,  # type: ignore[arg-type]
        spans=tuple(spans),
        signals=signals,
        question=question,
        kind=kind,
        score=process_score,
    )
