"""The offline coach: a deterministic rewrite that keeps every fact and invents none.

It reorders rather than rephrases: outcomes first (results pulled ahead of the activity that
produced them), the strategic link with a citation, the activity condensed into one line of
supporting evidence, then risks and asks, then questions where the update states no outcome.
Every sentence of the rewrite is either the author's own words or a fixed template phrase with
no facts in it, which is how it keeps facts by construction.
"""

from __future__ import annotations

import re

from coach.engines.base import Draft, Request
from coach.facts import extract_facts
from coach.types import Citation, Unit

PROMPT_VERSION = "offline-4"  # bump whenever the output changes: batch journals key on it
_LINK = re.compile(
    r"[,;]?\s*(?:which|that|and this|this|so that|so|resulting in|as a result,?|meaning(?: that)?|"
    r"enabling|cutting|reducing|saving|freeing|letting|allowing)\s+"
    r"(?=(?:\w+\s+){0,2}?(?:cut|cuts|reduced|reduces|saved|saves|lets|let|allows|allowed|means|"
    r"freed|frees|gives|gave|can|now|no longer|patients|customers|users|staff|clinicians|"
    r"nurses|residents|the|our|we|time|waits?|costs?|page|load|\w+s\b))",
    re.I,
)
_TRAILING = re.compile(r"[\s.;,:]+$")
_FACTY = re.compile(r"\d|[A-Z]{2,}|\b[A-Z][a-z]+[A-Z]|#|@|[£$€%]")
_NOISE_CATS = {"ceremony", "filler", "effort"}


def _sentence(s: str) -> str:
    s = _TRAILING.sub("", s.strip())
    if not s:
        return s
    return s[0].upper() + s[1:] + "."


def _lower_first(s: str) -> str:
    """Lower-case a sentence's first word for use mid-line, unless it may be a name."""
    m = re.match(r"[A-Z][a-z]+\b", s)
    if m and (m.group(0).lower() in _COMMON or re.fullmatch(r"[A-Z][a-z]+(?:ed|ing)", m.group(0))):
        return s[0].lower() + s[1:]
    return s


_COMMON = frozenset(
    [
        "this",
        "last",
        "the",
        "a",
        "an",
        "our",
        "we",
        "all",
        "both",
        "each",
        "every",
        "some",
        "several",
        "various",
        "most",
        "new",
        "weekly",
        "monthly",
        "daily",
        "today",
        "yesterday",
        "also",
        "then",
        "after",
        "before",
        "during",
        "over",
        "on",
        "in",
        "at",
        "for",
        "with",
        "to",
        "and",
        "but",
        "so",
        "team",
        "teams",
    ]
)
# Condensing: activity verbs, filler and effort wording go; the facts around them stay.
_DROP = {"activity", "filler", "effort"}
_GAP = "\x00"
_NUM_END = re.compile(r"\d[%a-z]*\s*$")  # "9 closed": the verb is part of the figure
_SUBJECT = re.compile(
    r"\b(?:we|i|they|the team|our team|the \w+ team|the squad|the group)\s+(?:have\s+|has\s+)?"
    + _GAP,
    re.I,
)
_LEAD = re.compile(r"^(?:(?:this|last) (?:week|sprint|month)|today|yesterday)\b[,\s]*", re.I)
_AUX = re.compile(r"\b(?:was|were|has been|have been|is|are|been)\s+" + _GAP, re.I)


def _clean(u: Unit) -> str:
    return _TRAILING.sub("", u.text.strip().lstrip("-*• ").strip())


def result_first(u: Unit) -> str:
    """'Did X, which cut Y for Z.' -> 'Cut Y for Z (did X).'; otherwise the unit as written."""
    text = _clean(u)
    m = _LINK.search(text)
    if not m or m.start() < 8 or len(text) - m.end() < 8:
        return _sentence(text)
    activity = _TRAILING.sub("", text[: m.start()])
    result = text[m.end() :]
    return _sentence(f"{result} ({_lower_first(activity)})")


def _is_noise(u: Unit) -> bool:
    """Pure ceremony or filler with no fact in it: 'attended the weekly sync', 'various meetings'."""
    if _FACTY.search(u.text) or extract_facts(u.text):
        return False
    cats = {s.category for s in u.spans}
    return bool(cats) and bool(cats & _NOISE_CATS) and not (cats & {"tool", "artifact"})


# Below this cosine similarity of update and passage, the link is named as weak and the author is
# asked which goal the work serves (about the lowest decile of the 138 eval cases' best matches).
LINK_MIN = 0.34
SHORT_WORDS = 60


def _link_line(citation: Citation, index: int) -> str:
    name = citation.section.split(" > ")[-1] if citation.section else citation.title
    where = citation.title or citation.source
    return f'This work serves "{name}" ({where}) [{index}].'


class OfflineEngine:
    """Deterministic, model-free coach. Same input, same rewrite."""

    name = "offline"
    prompt_version = PROMPT_VERSION
    model_name = ""

    def __init__(self, settings: object = None) -> None:
        """Settings are accepted like every engine's (the registry passes them) and unused."""

    def rewrite(self, request: Request) -> Draft:
        units = request.analysis.units
        outcomes = [u for u in units if u.label in ("outcome", "mixed")]
        process = [u for u in units if u.label == "process"]
        other = [u for u in units if u.label == "other"]
        brief = request.length == "brief"

        lines: list[str] = []
        context = _uncovered_facts(request)
        if context:
            lines.append("Update: " + _sentence("; ".join(context)))
        if outcomes:
            lines.append("What changed: " + " ".join(result_first(u) for u in outcomes))
        else:
            lines.append("What changed: not stated yet; the questions at the end ask for it.")

        cited: list[str] = []
        linked = sorted((c for c in request.citations if c.pillar), key=lambda c: -c.score)
        weak_link = not linked or linked[0].score < LINK_MIN
        if linked and not weak_link:
            cited.append(linked[0].id)
            lines.append("Why it matters: " + _link_line(linked[0], 1))
        elif linked:  # name the closest passage, but do not claim the link
            cited.append(linked[0].id)
            lines.append(
                "Why it matters: no strategy passage clearly matches this work; the closest is "
                + _link_line(linked[0], 1).removeprefix("This work serves ")
            )

        noise = [u for u in process if _is_noise(u)]
        evidence = [u for u in process if not _is_noise(u)]
        if evidence or noise:
            parts = [p for u in evidence if (p := condense(u))]
            if brief and len(parts) > 3:
                parts = [*parts[:3], "more items in the full update"]
            line = "; ".join(parts)
            if noise:
                routine = "the usual team routines"
                line = f"{line}; plus {routine}" if line else routine
            lines.append("How we got there: " + _sentence(line))

        asks = [_sentence(_clean(u)) for u in other if not _is_thanks(u)]
        if asks:
            lines.append("Risks, asks and next steps: " + " ".join(asks))
        thanks = [_sentence(_clean(u)) for u in other if _is_thanks(u)]
        if thanks:
            lines.append(" ".join(thanks))

        questions = self._questions(outcomes, evidence)
        if weak_link and (outcomes or evidence):
            questions.insert(0, "Which strategic goal or key result does this work move?")
        # A short update gets the two questions that matter most, not a longer list than itself.
        questions = questions[: 2 if len(request.text.split()) < SHORT_WORDS else 4]
        if questions:
            lines.append("Questions for you:\n" + "\n".join(f"- {q}" for q in questions))

        return Draft(
            text="\n\n".join(lines),
            questions=tuple(questions),
            cited=tuple(cited),
            prompt_version=PROMPT_VERSION,
            engine=self.name,
        )

    @staticmethod
    def _questions(outcomes: list[Unit], evidence: list[Unit]) -> list[str]:
        if not evidence:
            return []
        qs: list[str] = []
        if not outcomes:
            qs.append(
                "What changed this week for users, customers or the organisation because of "
                "this work? A number or a before-and-after is best."
            )
        for u in evidence:
            q = u.question or "What changed, and for whom?"
            anchor = _anchor(u)
            q = f"About {anchor}: {q[0].lower()}{q[1:]}" if anchor else q
            if q not in qs:
                qs.append(q)
            if len(qs) >= 4:
                break
        return qs


def condense(u: Unit) -> str:
    """An activity unit cut down to its facts: "We held 4 standups and closed 40 tickets (JIRA-1)"
    becomes "4 standups and 40 tickets (JIRA-1)". Only lexicon verbs, filler and effort words go,
    and never a span that holds a fact, so the facts stay by construction."""
    out, pos = [], u.start
    for sp in u.spans:
        before = u.text[: sp.start - u.start]
        if sp.category in _DROP and not extract_facts(sp.text) and not _NUM_END.search(before):
            out.append(u.text[pos - u.start : sp.start - u.start])
            out.append(_GAP)
            pos = sp.end
    out.append(u.text[pos - u.start :])
    text = "".join(out).strip().lstrip("-*• ").strip()
    text = _LEAD.sub("", text)
    text = _SUBJECT.sub(_GAP, text)
    text = _AUX.sub(_GAP, text)
    text = re.sub(r"^(?:\W*\x00\W*?)+(?=\w|$)", "", text)  # clause-initial verbs
    text = re.sub(r"((?:[;,(:]|\band|\bthen|\bor)\s*)(?:\x00\s*)+", r"\1", text)
    text = re.sub(r"\s*(?:\x00\s*)+(?=[;,.)]|$)", "", text)  # clause-final verbs
    text = re.sub(r"\s*(?:\x00\s*)+(?=on |in |with |for |to |at |by |from )", " ", text)
    text = re.sub(
        r"\s*(?:\x00\s*)+", ": ", text
    )  # "Priya Shah ran the retro" -> "Priya Shah: the retro"
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,;:.)])", r"\1", text)
    text = re.sub(r"(?:\b(?:and|or|then)\b|[,;:])\s*$", "", text.strip())
    text = re.sub(r"^(?:and|or|then|the)\s+(?=and|or|then\b)", "", text).strip(" ,;:")
    if not re.search(r"\w", text) or len(text.split()) < 2:
        text = _clean(u)  # nothing worth keeping was left: keep the author's words
    return _TRAILING.sub("", _lower_first(text))


def _anchor(u: Unit) -> str:
    """A short handle for a question: the unit's first id, name or date that is not a tool."""
    flagged = {s.text.lower() for s in u.spans}
    for f in extract_facts(u.text):
        handle = f.kind in ("id", "name", "version") and f.text.lower() not in flagged
        if handle and (len(f.text) > 3 or f.kind == "id"):
            return re.sub(r"['’]s$", "", f.text)
    return ""


def _uncovered_facts(request: Request) -> list[str]:
    """Lines outside every unit (headings, labels) that carry facts, e.g. '## Week 38: East Wing'."""
    text = request.text
    covered = [False] * len(text)
    for u in request.analysis.units:
        for k in range(u.start, u.end):
            covered[k] = True
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        if any(covered[start:pos]):
            continue
        clean = re.sub(r"^[\s#>*_-]+|[\s*_:]+$", "", re.sub(r"<[^>]+>", "", line)).strip()
        if clean and extract_facts(clean):
            out.append(clean)
    return out


def _is_thanks(u: Unit) -> bool:
    return bool(re.match(r"^\W*(?:thanks|thank you|kudos|shout-?out|cheers)\b", u.text, re.I))
