"""Questions that coach: at most three, each about something the update does not say.

Never repeated; never about an outcome the update states; never anchored on a fragment: when a
question points at a unit it quotes the whole unit (short ones only), never a word cut out of
it. The wording is in prompts/offline.yaml.
"""

from __future__ import annotations

import re

from coach.engines.sections import Item, template
from coach.facts import extract_facts
from coach.markup import plain


def questions(items: list[Item], earned_link: bool, words: int, length: str) -> tuple[str, ...]:
    """The questions for one update, most important first."""
    q = template()["questions"]
    roles = {it.role for it in items}
    outcomes = [it for it in items if it.role == "outcome"]
    work = [it for it in items if it.role in ("activity", "outcome", "plan")]
    out: list[str] = []
    if work and not outcomes:
        out.append(q["outcome"])
    if work and not earned_link:
        out.append(q["goal"])
    measured = (
        any("measure" in u.signals for it in outcomes for u in it.units)
        or any(
            # A bare number is often a version, a release or a count of meetings ("the 1.48
            # release", "Airflow 3"): only a percentage or money says how much by itself, or a
            # count of things the result is made of ("647 (net) new homes were completed").
            f.kind in ("percent", "money")
            for it in outcomes
            for f in _facts(it)
        )
        or any(_counts(plain(it.text)) for it in outcomes)
    )
    if outcomes and not measured:
        out.append(q["measure"])  # asks how much, and for whom
    elif outcomes and not any("beneficiary" in u.signals for it in outcomes for u in it.units):
        # How much is said ("3 have been fixed (5%)"), for whom is not: ask that alone.
        out.append(q["whom"])
    activity = [
        it
        for it in items
        if it.role == "activity"
        and it.units[0].label == "process"
        and any(s.category in _WORK for s in it.units[0].spans)
    ]
    activity.sort(key=lambda it: -max(u.score for u in it.units))  # the most process-heavy first
    quote = _quotable(activity, q["quote_max_words"])
    if quote and outcomes:
        out.append(q["activity_quoted"].format(quote=quote))
    plans = [it for it in items if it.role == "plan" and not _dated(it)]
    # Only a unit that itself says it is a plan ("We will ...") is asked when; a sentence that
    # merely sits under a "Next" heading may be a standing fact ("Our meetings are open").
    plans = [it for it in plans if not any(c.isdigit() for c in it.text) and _says_plan(it)]
    quote = _quotable(plans, q["quote_max_words"])
    if quote:
        out.append(q["plan_quoted"].format(quote=quote))
    if "risk" in roles and "ask" not in roles:
        out.append(q["risk_ask"])
    seen: set[str] = set()
    unique = []
    for one in out:
        key = " ".join(one.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(one)
    short = length == "brief" or words < q["short_words"]
    return tuple(unique[: q["max_short"] if short else q["max"]])


def _facts(it: Item) -> list:  # type: ignore[type-arg]
    return extract_facts(" ".join((it.text, *it.members)))


def _says_plan(it: Item) -> bool:
    low = " " + it.text.lower() + " "
    return any(w in low for w in template()["sections"]["plan_any"])


def _dated(it: Item) -> bool:
    return any(f.kind == "date" for f in _facts(it))


# A number and, within two words, what it counts: "4.8 million people", "2,600 borrowers".
_COUNT = re.compile(
    r"(?:\b([A-Z][\w-]*|v|version|release)\s+)?(?<![\w.])(\d[\d,]*(?:\.\d+)?)"
    r"(\s?(?:k|million|thousand|billion))?\s+(?:\(\w+\)\s+)?(?:[a-z-]+\s+){0,2}"
    r"(?:[a-z]{2,}s|people|staff|children)\b"
)


def _counts(text: str) -> bool:
    """A count of things ("647 (net) new homes were completed"), not a version ("Plasma 5.24
    ships", "release 2 works") or a year ("in 2019 sessions")."""
    for m in _COUNT.finditer(text):
        name, number, scale = m.group(1), m.group(2), m.group(3)
        if name or re.fullmatch(r"(?:19|20)\d\d", number) or ("." in number and not scale):
            continue
        return True
    return False


_WORK = {"tool", "activity", "ceremony", "artifact", "methodology"}  # a unit that reports work
_ANAPHORA = {"this", "that", "these", "those", "it", "they", "he", "she", "which", "also", "both"}


def _quotable(candidates: list[Item], max_words: int) -> str:
    """The first whole unit short enough to quote, without its final stop."""
    for it in candidates:
        if it.members:
            continue
        text = plain(it.text).rstrip(".!;:, ")
        first = text.split()[0].lower() if text.split() else ""
        if first in _ANAPHORA:  # "This will be done ...": the quote would need its context
            continue
        if 5 <= len(text.split()) <= max_words and '"' not in text:
            return text
    return ""
