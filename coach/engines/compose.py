"""The llm engine's composer: the text is built in code from the model's extraction.

A small model sorts well and writes badly (it drops figures, invents "a 12% reduction" and keeps
the process-first order), so the model only says which units are outcomes, activity, risks and
asks, who benefits, and which strategy passage fits; this module writes the rewrite from the
author's own units, outcome first. Every sentence is an author's unit or a fixed template
phrase, and a unit the model left out that carries a fact is kept as evidence, so facts are
kept by construction and the guard still checks them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coach.engines.arrange import lead_strength, weak_lead
from coach.engines.base import Request
from coach.engines.sections import Item, items
from coach.facts import check_facts, extract_facts
from coach.markup import clean_unit, is_link_definition, link_definitions
from coach.types import Citation, Unit

_END = re.compile(r"[\s.;,:]+$")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://")  # a unit that opens on an address
_LABEL = {
    "risk": re.compile(r"^\W*(?:risks?|issues?|blockers?)\s*[:–-]\s*", re.I),
    "ask": re.compile(r"^\W*(?:asks?|next steps?|requests?)\s*[:–-]\s*", re.I),
}
_THANKS = re.compile(r"^\W*(?:thanks|thank you|kudos|shout-?out|cheers)\b", re.I)
# The template words of the composed text: the guard's support check does not count them.
SCAFFOLD = (
    "what changed why it matters this work serves how we got there risks asks and "
    "next steps context also in the update"
)
NO_OUTCOME_Q = (
    "What changed for users, customers or the organisation because of this work? "
    "A number or a before-and-after is best."
)
NO_LINK_Q = "Which strategic goal or key result does this work move?"


@dataclass(frozen=True)
class Extraction:
    """The model's sorting of the units (0-based unit indexes), already validated."""

    outcomes: tuple[tuple[int, str], ...] = ()  # (unit, who benefits: a quote or "")
    headline: int | None = None  # v2: the unit that best states what changed
    activity: tuple[int, ...] = ()
    risks: tuple[int, ...] = ()
    asks: tuple[int, ...] = ()
    passage: str = ""  # p1.. or ""


@dataclass
class Composed:
    text: str
    cited: list[str] = field(default_factory=list)  # citation ids the text relies on
    questions: list[str] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # (source unit, became)


def sentence(text: str, refs: Mapping[str, str] | None = None) -> str:
    """A unit as a sentence of the rewrite: markup off by coach/markup.py (the cleaner the
    offline engine uses too; links kept as [text](url), reference links resolved by `refs`),
    one line, trailing punctuation off, a capital and a full stop.
    '- closed 40 tickets;' -> 'Closed 40 tickets.'"""
    s = _END.sub("", clean_unit(text, refs))
    if not s:
        return ""
    # A unit ending in a link or an aside, "... (#1588)", still needs its full stop: without
    # it the next unit's first word reads as a name inside a sentence.
    # An address is written as the author wrote it: "https://x.org" never "Https://x.org".
    first = s if _SCHEME.match(s) else s[0].upper() + s[1:]
    if s[-1] in "!?\"'”" or s.endswith((".)", "!)", "?)")):
        return first
    return first + "."


def _link(c: Citation, index: int) -> str:
    name = c.section.split(" > ")[-1] if c.section else c.title
    where = c.title or c.source
    return f'this work serves "{name}" ({where}) [{index}].' if name else f"see {where} [{index}]."


def _uncovered(request: Request) -> list[str]:
    """Lines outside every unit (headings, labels) that carry facts: '## Week 38: East Wing'.
    Link definitions ('[1]: https://...') are not text: their targets are resolved into the
    units that use them."""
    text = request.text
    refs = link_definitions(text)
    covered = bytearray(len(text))
    for u in request.analysis.units:
        covered[u.start : u.end] = b"\x01" * max(0, min(u.end, len(text)) - u.start)
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        if any(covered[start:pos]) or is_link_definition(line):
            continue
        clean = re.sub(r"[\s:]+$", "", clean_unit(line, refs)).strip()
        if clean and extract_facts(clean):
            out.append(clean)
    return out


def compose(request: Request, ext: Extraction) -> Composed:
    """The rewrite: what changed (the outcomes, most important first), why it matters (the
    chosen passage, cited), how we got there (the activity), risks, asks, then context."""
    units: tuple[Unit, ...] = request.analysis.units
    refs = link_definitions(request.text)
    brief = request.length == "brief"
    role: dict[int, str] = {}
    if ext.headline is not None:
        role[ext.headline] = "outcome"
    for i, _who in ext.outcomes:
        role.setdefault(i, "outcome")
    for name, idxs in (("risk", ext.risks), ("ask", ext.asks), ("activity", ext.activity)):
        for i in idxs:
            role.setdefault(i, name)
    sorted_items = items(request.text, units)  # the offline engine's sorting, reused
    sorts = {units.index(u): it.role for it in sorted_items for u in it.units if u in units}
    for i, u in enumerate(units):
        # Left out by the model: kept if it carries a fact, or if the offline sorting sees
        # content in it (a 1.5B model left out "Wrote a setup.py script to install the
        # client"); a greeting, filler or thanks stays out of the evidence.
        # A line with no end stop that is no bullet ("What I've been up to") is a label.
        said = u.kind != "sentence" or u.text.rstrip().endswith((".", "!", "?"))
        content = said and sorts.get(i) not in (*_NEVER_LEADS, None)
        if i not in role and (extract_facts(clean_unit(u.text, refs)) or content):
            role[i] = "kept"
    chunk = {units.index(u): k for k, it in enumerate(sorted_items) for u in it.units if u in units}

    def say(idxs: list[int], label: str = "") -> str:
        """Units as sentences; a unit the segmenter split off mid-sentence (a line break after
        "the") runs on with the next one of its chunk instead of ending in a full stop."""
        groups: list[list[int]] = []
        for i in idxs:
            if groups and groups[-1][-1] == i - 1 and chunk.get(i, -1) == chunk.get(i - 1, -2):
                groups[-1].append(i)
            else:
                groups.append([i])
        joined = [" ".join(units[i].text.strip() for i in g) for g in groups]
        return " ".join(_unlabel(label, t, refs) if label else sentence(t, refs) for t in joined)

    who = {i: w for i, w in ext.outcomes if w}
    out = Composed(text="")
    lines: list[str] = []

    movable = [i for i, r in role.items() if r in ("activity", "kept")]
    lead = lead_order(ext, units, movable, sorted_items)
    promoted = {i for i in lead if role.get(i) != "outcome"}
    for i in [i for i, r in role.items() if r == "outcome" and i not in lead]:
        # the model's outcome vetoed as a greeting or filler: kept only if it carries a fact
        if extract_facts(clean_unit(units[i].text, refs)):
            role[i] = "kept"
        else:
            del role[i]
    for i in lead:
        role[i] = "outcome"
    if lead:
        lines.append("What changed: " + say(lead))
    cite = next((c for c in request.citations if c.id == _citation_id(request, ext.passage)), None)
    if cite is not None and (lead or ext.activity):
        out.cited.append(cite.id)
        lines.append("Why it matters: " + _link(cite, 1))

    evidence = [i for i in range(len(units)) if role.get(i) in ("activity", "kept")]
    condensed = []
    if brief:  # brief: activity that states no fact is condensed away
        condensed = [i for i in evidence if not extract_facts(clean_unit(units[i].text, refs))]
        evidence = [i for i in evidence if i not in condensed]
    if evidence:
        lines.append("How we got there: " + say(evidence))
    risks = [i for i in range(len(units)) if role.get(i) == "risk"]
    if risks:
        lines.append("Risks: " + say(risks, "risk"))
    asks = [i for i in range(len(units)) if role.get(i) == "ask"]
    if asks:
        lines.append("Asks and next steps: " + say(asks, "ask"))
    context = _uncovered(request)
    if context:
        lines.append("Context: " + " ".join(sentence(c, refs) for c in context))
    thanks = [
        i
        for i, u in enumerate(units)
        if i not in role and (_THANKS.match(u.text) or sorts.get(i) == "thanks")
    ]
    if thanks:
        lines.append(say(thanks))
    # The safety net: a fact the composition could not place (say a number inside an HTML
    # attribute, `<progress value="2">`) is listed as written, never lost.
    cited = [c.context for c in request.citations if c.id in out.cited]
    missing = check_facts(request.text, "\n\n".join(lines), cited).missing
    if missing:
        lines.append("Also in the update: " + "; ".join(" ".join(m.split()) for m in missing) + ".")
    out.text = "\n\n".join(lines)

    # Ask for the outcome when none is stated, and also when only the model reads one (the
    # classifier sees no result in any lead unit): a 1.5B model calls work "outcomes" freely.
    seen = any(units[i].label in ("outcome", "mixed") for i in lead)
    if (not lead and evidence) or (lead and not seen):
        out.questions.append(NO_OUTCOME_Q)
    if cite is None and (lead or evidence):
        out.questions.append(NO_LINK_Q)
    became = {
        "outcome": "moved: leads the update as what changed",
        "activity": "kept as evidence (how we got there)",
        "kept": "kept as evidence: the model did not place it, and it carries a fact or content",
        "risk": "moved to risks",
        "ask": "moved to asks and next steps",
    }
    for i, u in enumerate(units):
        r = role.get(i)
        if i in condensed:
            what = "condensed away: brief length, and it states no fact"
        elif r is None:
            what = "kept as thanks" if i in thanks else "set aside: a greeting, heading or filler"
        else:
            what = became[r] + (f" (for {who[i]})" if i in who else "")
            if i in promoted:
                what += " (the model filed it as activity; the analysis reads it as a result)"
        out.changes.append((u.text, what))
    return out


def _unlabel(kind: str, text: str, refs: Mapping[str, str]) -> str:
    """'Risk: the contract ends' under "Risks:" -> 'The contract ends.' (no double label)."""
    return sentence(_LABEL[kind].sub("", clean_unit(text, refs), count=1))


_NEVER_LEADS = ("greeting", "chatter", "thanks")


def lead_order(
    ext: Extraction,
    units: tuple[Unit, ...],
    movable: Iterable[int] = (),
    sorted_items: list[Item] | None = None,
) -> list[int]:
    """What changed, in order: two independent readers vote. The model's headline counts 2
    and each of its outcomes 1; the analysis (coach/analysis.py, the learned classifier)
    adds 1 to a unit it reads as an outcome or mixed, among the model's outcomes or the
    `movable` units (activity the model filed or left out). The offline engine's sorting
    (`sorted_items`, coach/engines/sections.py and arrange.py: one place for those concerns)
    vetoes a greeting, chatter or thanks ("Here's what we've been up to" is no result), keeps
    a weak opening (a plan, "As part of this...") from the front, and breaks ties by its lead
    strength, then the author's order. The 1.5B model alone led with a lead-in and filed a
    real result under activity; the classifier alone misses results said in unusual words."""
    votes: dict[int, int] = {}
    if ext.headline is not None:
        votes[ext.headline] = 2
    for i, _ in dict.fromkeys(ext.outcomes):
        votes[i] = votes.get(i, 0) + 1
    movable = set(movable)
    for i, u in enumerate(units):
        if u.label in ("outcome", "mixed") and (i in votes or i in movable):
            votes[i] = votes.get(i, 0) + 1
    where: dict[int, tuple[Item, int]] = {}
    for k, it in enumerate(sorted_items or []):
        for u in it.units:
            if u in units:
                where.setdefault(units.index(u), (it, k))
    strength = {i: lead_strength(*where[i]) if i in where else 0.0 for i in votes}
    weak = {i for i in votes if i in where and weak_lead(where[i][0])}
    keep = [i for i in votes if i not in where or where[i][0].role not in _NEVER_LEADS]
    return sorted(
        keep, key=lambda i: (i in weak and len(weak) < len(keep), -votes[i], -strength[i], i)
    )


_ID = re.compile(r"\d{1,4}")


def index_of(value: Any, n: int) -> int | None:
    """'u3', '3', 3 or 'unit 3' -> 2 (0-based), if that unit exists."""
    m = _ID.search(str(value)) if not isinstance(value, int) else None
    k = value if isinstance(value, int) else int(m.group(0)) if m else 0
    return k - 1 if 1 <= k <= n else None


def read_extraction(data: dict[str, Any], request: Request) -> tuple[Extraction, list[str]]:
    """Validate the model's sorting: (extraction, problems). Unknown ids are dropped; a quote
    of who benefits that is not in the update is dropped (it would be invented)."""
    n = len(request.analysis.units)
    problems: list[str] = []
    bad: list[str] = []
    low = " ".join(request.text.split()).lower()

    def ids(key: str) -> tuple[int, ...]:
        raw = data.get(key) or []
        if not isinstance(raw, list):
            problems.append(f'"{key}" must be a list of unit ids')
            return ()
        out = []
        for v in raw:
            i = index_of(v.get("unit") if isinstance(v, dict) else v, n)
            if i is None:
                bad.append(str(v)[:20])
            else:
                out.append(i)
        return tuple(dict.fromkeys(out))

    outcomes: list[tuple[int, str]] = []
    raw_out = data.get("outcomes") or []
    for item in raw_out if isinstance(raw_out, list) else []:
        i = index_of(item.get("unit") if isinstance(item, dict) else item, n)
        if i is None:
            bad.append(str(item)[:30])
            continue
        who = str(item.get("for") or "").strip() if isinstance(item, dict) else ""
        who = who if who and " ".join(who.split()).lower() in low else ""
        outcomes.append((i, who))
    head = data.get("headline")
    headline = (
        index_of(head, n) if head not in (None, "") and not isinstance(head, (list, dict)) else None
    )
    ext = Extraction(
        headline=headline,
        outcomes=tuple(dict.fromkeys(outcomes)),
        activity=ids("activity"),
        risks=ids("risks"),
        asks=ids("asks"),
        passage=str(data.get("passage") or "").strip(),
    )
    if n and not (ext.outcomes or ext.activity or ext.risks or ext.asks):
        problems.append(
            "it placed no unit in any list"
            + (f" (it named unknown ids: {', '.join(bad[:5])})" if bad else "")
        )
    return ext, problems


def _citation_id(request: Request, passage: str) -> str:
    """p1.. (the prompt's ids, in retrieval order) -> the citation's own id."""
    m = re.fullmatch(r"p(\d{1,3})", passage or "")
    if not m or not 1 <= int(m.group(1)) <= len(request.citations):
        return ""
    return request.citations[int(m.group(1)) - 1].id


__all__ = [
    "SCAFFOLD",
    "Composed",
    "Extraction",
    "compose",
    "index_of",
    "lead_order",
    "read_extraction",
    "sentence",
]
