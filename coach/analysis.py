"""The coach's eye: label each unit of an update and flag tool-and-process talk.

Lexical and deterministic: rules come from YAML (see coach/rules/default.yaml). A unit is
`process` when it reports activity with no stated result, `outcome` when it states a result for
someone or a measured effect, `mixed` when it does both, `other` for plans, risks, asks, thanks.
"""

from __future__ import annotations

import re

from coach.rules import Rules, load_rules, word_offsets, words
from coach.segment import segment
from coach.types import Analysis, Span, Unit

# Measured quantities. Patterns run on the lower-cased unit (IGNORECASE costs ~3x in `re`), and
# the number patterns only when the unit has a digit: this is the analyzer's hot path.
_MEASURE_NUM = re.compile(
    r"\d(?:\.\d+)?\s?(?:%|percent\b|pp\b|points\b)|[£$€]\d|"
    r"\d[\d,.]*\s*(?:hours?|days?|weeks?|months?|minutes?|mins?|seconds?|x faster|times)\b|"
    r"\b(?:from|up|down|by|to|under|below|within|against|compared with|versus|vs\.?|instead of|"
    r"rather than)\s+(?:the\s+|an?\s+)?[£$€]?\d"
)
_MEASURE_WORDS = re.compile(
    r"\bby (?:a|one|two|three) (?:week|day|month|hour)s?\b|without a single|"
    r"\b(?:against|compared with|instead of|rather than|from) (?:the |an? )?"
    r"(?:one|two|three|four|five|six|ten)\b|"
    r"\b(?:doubled|halved|tripled|by (?:roughly |about |around )?(?:half|a third|a quarter)|zero|"
    r"no (?:\w+\s+){0,3}(?:complaints?|incidents?|outages?|claims?|diversions?|adjustments?|"
    r"delays?|interruptions?|restrictions?|clashes?|evictions?)|(?:highest|lowest|best|fastest) "
    r"(?:\w+\s+){0,3}(?:since|so far|yet|ever|recorded|in))\b"
)
_DIGIT = re.compile(r"\d")
_MEASURE_TRIGGERS = frozenset(
    [
        "by",
        "without",
        "against",
        "compared",
        "instead",
        "rather",
        "from",
        "doubled",
        "halved",
        "tripled",
        "zero",
        "no",
        "highest",
        "lowest",
        "best",
        "fastest",
    ]
)


def _has_measure(low: str, words: set[str]) -> bool:
    if _DIGIT.search(low) and _MEASURE_NUM.search(low):
        return True
    return bool(words & _MEASURE_TRIGGERS) and bool(_MEASURE_WORDS.search(low))


_RESULT_LINK = re.compile(
    r"\b(?:so that|so\s+(?:\w+\s+){0,4}(?:can|now|no longer|will|is|are|was|were|do|does)|"
    r"which means|meaning that|resulting in|as a result|enabling|which (?:cut|cuts|saved|saves|"
    r"reduced|reduces|lets|allows|means|freed|frees|gives|gave|keeps|kept|protects)|"
    r"can now|now (?:able|can|get|gets|have|has|see|takes?|finish(?:es)?|reach(?:es)?|spend|"
    r"spends|arrives?|is|are)|no longer|instead of|for the first time|have stopped|has stopped|"
    r"(?:have|has) (?:almost )?(?:stopped|disappeared|fallen|dropped|risen|doubled|halved)|"
    r"\b(?:is|are) (?:down|up)\b|fewer|less time|faster|sooner|earlier|meant|means(?! of))\b",
)
# A named change that produced the result: "Switching to...", "since X went live", "after the
# auto-suspend changes", "By adding...". With a stated result, the unit is `mixed`.
_INTERVENTION = re.compile(
    r"^\W*(?:[Bb]y\s+)?[A-Z]?[a-z]+ing\b(?<!during)(?<!morning)(?<!evening)(?<!spending)|"
    r"^\W*[A-Z][a-z]+ed\s+(?:the|a|an|our|all|\d)\b|"
    r"(?i:\b(?:since|after|through|via|thanks to|following|because)\s+(?:the\s+|we\s+|our\s+)?"
    r"(?:\w+\s+){0,4}(?:went live|go-live|launch(?:ed)?|changes?|switch|rollout|new\b|landed|"
    r"rewrite|introduc\w+|reallocation|cleanup|install\w*|now\b))|"
    r"(?i:\b(?:the new|we (?:\w+ed|opened|built|ran|made|set up|put|got)))\b|"
    r"\b(?:went live|went in|introduced|switched|replaced|moved|automated|enabled|deployed|"
    r"installed|launched|rolled out|added|migrated|rewrote|retrofitted|consolidated)\b",
)
_OTHER = re.compile(
    r"^(?:next(?:\s+week|\s+steps?|\s+sprint|\s+month|\s+phase)?\b|plan(?:ning)?\s+to\b|"
    r"we\s+(?:will|plan|aim|intend|expect|are still|still)\b|will\b|upcoming\b|to do\b|todo\b|"
    r"still to do|blocked\b|blocker|(?:key\s+)?risks?\b|issue:|asks?\b|request\b|concern\b|"
    r"decision\b|outstanding\b|call for help|looking for\b|"
    r"need(?:s|ed)?\b|waiting\s+(?:on|for)\b|pending\b|thanks?\b|thank you\b|many thanks|kudos\b|"
    r"shout-?out\b|please\b|fyi\b|reminder\b|any questions|questions?:|help needed|"
    r"dependency\b|dependencies\b|going to\b|aim(?:ing)? to\b|hoping to\b|expect(?:ing)? to\b|"
    r"we'?re going\b|hi\b|hello\b|good (?:morning|afternoon|evening)\b|morning all\b|"
    r"quick (?:one|update)\b|status for\b|summary\b|here is\b|team,?$)",
)
_FUTURE = re.compile(
    r"\b(?:will|next week|next month|next sprint|planned for|is planned|are planned|due on|"
    r"due \d|by end of|is booked|are booked|scheduled for|targeted for|expected (?:at|on|by|in)|"
    r"still (?:waiting|needs?|to)|waiting (?:on|for|at)|subject to|pending|opens \d|arrives on|"
    r"if (?:the|no|we)\b|not (?:yet )?(?:stated|known|measured|reported)\b)",
)
# A before-and-after comparison is a measured effect on its own.
_BEFORE_AFTER = re.compile(
    r"\bfrom\s+[£$€]?\d[\d,.]*%?\s*(?:\w+\s+){0,2}to\s+(?:under\s+|below\s+)?[£$€]?\d|"
    r"\b(?:against|compared with|instead of|rather than)\s+(?:the\s+|an?\s+)?[£$€]?\d",
)
_PAST_VERB = re.compile(
    r"\b(?:[a-z]{3,}ed|ran|held|met|led|built|made|set up|kept|began|wrote|sent|did|got|took|"
    r"gave|spent|done|rebuilt|cut|issued|agreed|underway|complete|went)\b",
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
_ACTIVITY_CATS = {"tool", "ceremony", "activity", "banned"}


def analyze(text: str, rules: Rules | None = None) -> Analysis:
    """Analyse an update: units in order, each with a label, spans and outcome signals."""
    rules = rules or load_rules()
    units = tuple(_unit(text, seg.start, seg.end, seg.kind, rules) for seg in segment(text))
    return Analysis(text=text, units=units)


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
        suggestion = rules.preferred.get(" ".join(term.lower().split()), "")
        found.append(
            Span(
                start=start + s,
                end=start + e,
                category=name,
                explanation=cat.explanation,
                text=term,
                suggestion=suggestion or cat.question,
            )
        )
    return found


def signals_of(piece: str, rules: Rules, ws: list[str] | None = None) -> tuple[str, ...]:
    """Outcome signals in a piece of text: beneficiary, change, measure, strategy."""
    return _signals(piece.lower(), rules, words(piece) if ws is None else ws)[0]


def _signals(low: str, rules: Rules, ws: list[str]) -> tuple[tuple[str, ...], bool]:
    names = {n for _, _, n in rules.signal_lexicon.match(ws)}
    link = bool(_RESULT_LINK.search(low))
    out = []
    if "beneficiary" in names:
        out.append("beneficiary")
    if "change" in names or link:
        out.append("change")
    if _has_measure(low, set(ws)):
        out.append("measure")
    if "strategy" in names:
        out.append("strategy")
    return tuple(out), link


def _label(
    piece: str, low: str, spans: list[Span], signals: tuple[str, ...], link: bool
) -> tuple[str, float]:
    """The strict label and the process evidence behind it."""
    activity = sum(1 for s in spans if s.category in _ACTIVITY_CATS)
    score = float(sum(1 for s in spans if s.category in _PROCESS_CATS))
    if _PAST_VERB.search(low):
        score += 0.5
    result = (
        link
        or ("measure" in signals and ("change" in signals or "beneficiary" in signals))
        or ("change" in signals and "beneficiary" in signals)
        or bool(_BEFORE_AFTER.search(low))
    )
    stripped = low.strip().lstrip("-*•[]x ").strip()
    future = _FUTURE.search(low)
    if _OTHER.match(stripped) or stripped.endswith("?") or (future and not (result and link)):
        return "other", score
    if result:
        mixed = activity or _INTERVENTION.search(piece)
        return ("mixed" if mixed else "outcome"), score
    if score > 0 or spans or _INTERVENTION.search(piece):
        return "process", score
    return "other", score


def _unit(text: str, start: int, end: int, kind: str, rules: Rules) -> Unit:
    piece = text[start:end]
    ws = words(piece)
    low = piece.lower()
    spans = _spans(piece, start, rules, ws)
    signals, link = _signals(low, rules, ws)
    label, score = _label(piece, low, spans, signals, link)
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
        score=score,
    )


def label_unit(text: str, rules: Rules | None = None, semantic: bool = False) -> Unit:
    """Label one unit of text as a whole (no segmentation): what the eval set scores.

    `semantic=True` relabels with the MiniLM classifier (coach/classifier.py), an experiment
    that scores below the rules on this dataset (see the README); kept for measuring it."""
    unit = _unit(text, 0, len(text), "sentence", rules or load_rules())
    if semantic:
        from coach.classifier import relabel

        unit = relabel([unit])[0]
    return unit
