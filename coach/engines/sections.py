"""Which section each unit of an update belongs in: outcome, activity, plan, risk, ask,
greeting, thanks or chatter, decided from the analysis label, the heading the unit sits under
and a small vocabulary (prompts/offline.yaml). Label-agnostic where it can be: the analysis
says outcome or not; layout and a few function words say plan, risk, ask, greeting, thanks.

Units are also grouped: a lead-in sentence that ends with a colon owns the bullets under it
("We used it to:" + "- create pages"), so neither is ever shown without the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from coach.analysis import states_result
from coach.engines.answered import answered
from coach.engines.headings import NUMBERING as _NUMBERING
from coach.engines.headings import bare_titles, heading_shown, heading_text, versions
from coach.engines.headings import headings_with_facts as headings_with_facts
from coach.engines.leaning import continues as _continues
from coach.engines.leaning import leans_on_previous as leans_on_previous
from coach.engines.leaning import no_antecedent as no_antecedent
from coach.engines.leaning import stopped
from coach.engines.vocab import no_ask
from coach.engines.vocab import starts as _starts
from coach.engines.vocab import template as template
from coach.engines.vocab import template_digest as template_digest
from coach.engines.vocab import template_text as template_text
from coach.engines.vocab import words as _words
from coach.facts import extract_facts
from coach.markup import clean_unit, link_definitions, plain
from coach.segment import indent as _indent
from coach.segment import parse
from coach.types import Unit
from coach.wording import title_case

ROLES = ("outcome", "activity", "plan", "risk", "ask", "greeting", "thanks", "chatter")


@dataclass(frozen=True)
class Item:
    """One thing the rewrite may say: a unit (or a lead-in with its bullets), cleaned."""

    units: tuple[Unit, ...]
    text: str  # the lead-in or unit, markup cleaned, in the author's words
    members: tuple[str, ...]  # a lead-in's bullets, cleaned
    role: str
    heading: str  # the heading it sits under, cleaned ("" when none)
    facts: int  # how many checkable facts it carries
    kind: str = "sentence"
    routine: bool = False  # only ceremony, filler or effort talk, no fact, no result
    parts: tuple[str, ...] = ()  # the sentences of `text`, each cleaned
    member_units: tuple[tuple[Unit, ...], ...] = ()  # the units of each of `members`
    member_parts: tuple[tuple[str, ...], ...] = ()  # each member's units, cleaned
    headed: bool = False  # its heading leads it in ("Signing RFC: Walter is working on ...")
    awaited: bool = False  # the result the eye read in it is still to come: it never leads


_FORMS = {
    "has": r"(?<![\w])(?:{})",
    "word": r"(?<!\w)(?:{})(?!\w)",
    "opens": r"(?:{})(?!\w)",
    "closes": r"(?<!\w)(?:{})$",
}


@cache
def _pattern(key: str, form: str) -> re.Pattern[str]:
    """One compiled alternation per word list and form: the same matches as trying each word's
    pattern in turn, without building (and, past re's cache of 512, recompiling) a pattern per
    word per unit, which made a 4,000-line paste spend seconds here."""
    words = _words(key)
    if not words:
        return re.compile(r"(?!)")  # no word: nothing matches, as any() over none
    return re.compile(_FORMS[form].format("|".join(re.escape(w) for w in words)))


def _has(text: str, key: str) -> bool:
    """A word of the list, in lower case, outside addresses ("Flood Risk Team": no risk)."""
    if "://" in text:  # addresses: "risk" in a webinar's link is no risk
        text = _ADDRESS.sub(" ", text)
    low = " " + text[:1].lower() + text[1:] + " "
    return _pattern(key, "has").search(low) is not None


_LABEL_WORDS = 6  # the most words of a heading that closes on its section word ("Known issues")
_ADDRESS = re.compile(r"(?<=\])\(<?https?://[^\s)]*>?\)|<?https?://[^\s>]+>?")  # see _has


def _heading_is(heading: str, key: str, edge: bool = False) -> bool:
    """The heading names that section. With `edge`, a word of the list must open or close it
    ("Risks and blockers", "Known issues", "Questions/Issues for the TAC"), so a project whose
    name has it inside is not one ("Ecosystem Risk Audit", "Flood Risk Management Plan");
    plan words mark a plan anywhere ("Goals for next week"). Only a short heading closes on its
    section word: a long one is a title ("The new service is used to merge pull requests")."""
    low = re.sub(r"^[\d.)\s]+", "", heading.lower())
    if not edge:
        return _pattern(key, "word").search(low) is not None
    low = re.sub(r"[/&+,]", " ", low).strip(" :*_#")
    closes = len(low.split()) <= _LABEL_WORDS and _pattern(key, "closes").search(low)
    return bool(_pattern(key, "opens").match(low) or closes)


def invitation(text: str) -> bool:
    """An open invitation to get in touch ("If you have any questions, please let us know on
    #edition"). With a fact it stays, as the closing line: no news, no ask, opens no section."""
    return _has(text, "invite_any")


def role_of(unit: Unit, text: str, heading: str) -> str:
    """The section one unit belongs in."""
    facts = bool(extract_facts(text))
    if _starts(text, "none_start") and len(text.split()) <= 6 and not facts:
        return "chatter"  # "None at this time." under "Risks": the author names no risk
    if _starts(text, "greeting_start") and not facts and unit.label not in ("outcome", "mixed"):
        return "greeting"
    if _starts(text, "thanks_start"):
        return "thanks"
    if not facts and _has(text, "invite_any") and unit.label not in ("outcome", "mixed"):
        return "chatter"  # "If you have any feedback, please let us know!": no ask, no news
    if (
        (_starts(text, "ask_start") and not no_ask(text))
        or text.rstrip().endswith("?")
        or _heading_is(heading, "ask_headings", edge=True)
    ):
        return "ask"
    if _heading_is(heading, "plan_headings") or _starts(text, "plan_start") or plans(text):
        return "plan"
    if _heading_is(heading, "risk_headings", edge=True):
        return "risk"
    if unit.label in ("outcome", "mixed") and not pending(text):
        return "outcome"
    if _has(text, "risk_any"):
        return "risk"
    if _has(text, "plan_any"):
        return "plan"
    if unit.label == "process":
        return "activity"
    if not facts and not unit.signals and _is_chatter(text):
        return "chatter"
    return "activity"  # background and context: supporting material, in the author's words


_OPENING_CLAUSE = re.compile(r"^[^,;:.!?]{1,60},\s+")


def plans(text: str) -> bool:
    """The main clause says what the author will do (prompts/offline.yaml `plan_opening`), at
    the start or after one opening clause: "Once all the reviewers are chosen, we'll meet the
    leads and pick the goals" is a plan, though the eye reads a result in "pick"; "We shipped
    it, and we'll ..." is not (its main clause is the result).

    >>> plans("Once the reviewers are chosen, we'll meet the leads"), plans("We will ship it")
    (True, True)
    >>> plans("We shipped it, and we'll tell users"), plans("You will now get an e-mail")
    (False, False)
    """
    low = " ".join(plain(text).split())
    return _starts(low, "plan_opening") or _starts(
        _OPENING_CLAUSE.sub("", low, count=1), "plan_opening"
    )


_DONE_BEFORE = re.compile(r"\b(?:\w{3,}ed|now|done|shipped|built|won|made)\b", re.I)


def pending(text: str) -> bool:
    """The result is still to come: a word of `pending_any` before any word of completion.
    "This is waiting for the implementation to be approved" (rust-edition-2024-tracking) and
    "Development is underway to have the instance deployed" state no result yet; "funding
    approved, contractors identified, awaiting ..." and "2 are accepted and pending review" do
    (the completion comes first)."""
    low = " " + " ".join(plain(text).lower().split()) + " "
    hits = [low.find(" " + w) for w in _words("pending_any") if " " + w in low]
    if not hits:
        return False
    return _DONE_BEFORE.search(low[: min(hits)]) is None


# A lead-in whose list did not come with it ("Over the last six months, we..."): with no fact
# of its own it says nothing, and in a fold it would read as a dangling clause.
_LEAD_IN_END = re.compile(r"(?:\.\.\.|…|:)\s*$")
_TRAILING_DOTS = re.compile(r"\s*(?:\.\.\.|…)\s*$")
# an item that opens on its own label ("Total funds received so far: 80.9 ETH"): a heading led
# in before it would read "Title: Label: value", two labels in a row (a garble)
_OWN_LABEL = re.compile(r"^[^.:;!?\n]{1,60}:\s")


def _is_chatter(text: str) -> bool:
    """A few words with nothing to hold on to: 'Work in progress!', 'Ummmm... that's it'. Any
    digit or capitalised word after the first may be a fact the curator wants: not chatter."""
    words = plain(text).split()
    return (
        len(words) <= 5
        and not any(c.isdigit() for c in text)
        and not any(w[:1].isupper() for w in words[1:])
    )


def items(source: str, units: tuple[Unit, ...]) -> list[Item]:
    """The update's units as items in source order, each with its role and heading."""
    refs = link_definitions(source)
    asked = answered(source, units)
    segs = [s for s in parse(source) if s.kind == "heading"]
    dotted = versions(source, segs)
    shown = {s.start: heading_shown(s.text, refs, s.start in dotted) for s in segs}
    titles = bare_titles(source, units)  # "December 2020" over its paragraph: a heading too
    shown.update({at: title for at, (title, _) in titles.items()})
    headings = sorted([(s.start, heading_text(s.text, refs)) for s in segs] + [(at, t) for at, (t, _) in titles.items()])  # fmt: skip
    units = tuple(u for u in units if u.start not in titles)
    starts = [h for h, _ in headings]
    led: set[int] = set()  # headings already leading an item in
    chunks: list[list[Unit]] = []
    for u in units:
        if chunks and _continues(source, chunks[-1][-1], u, refs, starts):
            chunks[-1].append(u)
        else:
            chunks.append([u])
    out: list[Item] = []
    i = 0
    while i < len(chunks):
        chunk = chunks[i]
        u = chunk[0]
        at, heading = next(((st, h) for st, h in reversed(headings) if st < u.start), (-1, ""))
        parts = tuple(p for p in stopped(source, chunk, refs) if plain(p))
        text = " ".join(parts)
        members: list[str] = []
        member_units: list[tuple[Unit, ...]] = []
        member_parts: list[tuple[str, ...]] = []
        group = list(chunk)
        j = i + 1
        # A sentence lead-in owns the bullets after it; a bullet lead-in ("* Triagged HackerOne
        # reports:") owns the bullets indented under it, whatever their marker ("  1) 1646638",
        # "  - ...", "  * ..."), and none of its siblings.
        depth = -1 if u.kind == "sentence" else _indent(source, u.start)
        trailed = _TRAILING_DOTS.search(text)
        if (
            trailed
            and parts
            and i + 1 < len(chunks)
            and chunks[i + 1][0].kind == "bullet"
            and _pattern("shortfall_end", "closes").search(text[: trailed.start()].lower())
        ):
            # "This week I didn't…" over its bullets is their lead-in as much as a colon is:
            # alone, "Manage to agree the policy" would say the opposite of what was meant.
            # ("This week I…" over what was done can leave its bullets to say it themselves.)
            text = text[: trailed.start()] + ":"
            parts = (*parts[:-1], _TRAILING_DOTS.sub(":", parts[-1]))
        if text.endswith(":") and u.kind in ("sentence", "bullet", "checkbox"):
            while (
                j < len(chunks)
                and chunks[j][0].kind in ("bullet", "checkbox")
                and _indent(source, chunks[j][0].start) > depth
                and not any(group[-1].end <= h < chunks[j][0].start for h in starts)
            ):
                member = " ".join(stopped(source, chunks[j], refs))
                if plain(member):
                    members.append(member)
                    member_units.append(tuple(chunks[j]))
                    member_parts.append(tuple(stopped(source, chunks[j], refs)))
                group.extend(chunks[j])
                j += 1
        i = j
        if not plain(text) and not members:
            continue
        roles = [role_of(x, clean_unit(x.text, refs), heading) for x in group]
        if not _heading_is(heading, "ask_headings", edge=True):  # a question it answers: no ask
            roles = [
                ("activity" if extract_facts(x.text) else "chatter")
                if r == "ask" and x.start in asked
                else r
                for r, x in zip(roles, group, strict=True)
            ]
        role = roles[0]
        if "outcome" in roles and role in ("activity", "greeting", "chatter", "plan"):
            role = "outcome" if role != "plan" or roles.count("outcome") > len(roles) / 2 else role
        elif role in ("greeting", "chatter") and len(group) > 1:
            role = "activity"
        if members and _pattern("shortfall_end", "closes").search(text[:-1].rstrip().lower()):
            role = "risk"  # "This week I didn't: ..." lists what did not happen
        # a result the eye reads that the author says is still to come ("waiting for ... to be
        # approved"): the item states no result, so it never leads (coach/engines/lead.py)
        awaited = any(
            x.label in ("outcome", "mixed") and pending(clean_unit(x.text, refs)) for x in group
        ) and not any(r == "outcome" for r in roles)
        count = len(extract_facts(" ".join((text, *members))))
        kind = "row" if u.kind == "row" else ("bullet" if u.kind != "sentence" else "sentence")
        routine = count == 0 and (
            (len(text.split()) <= 10 and all(_routine(m) for m in group))
            or (not members and _LEAD_IN_END.search(text) is not None)
        )
        headed = False
        if at >= 0 and at not in led and role not in _SET_ASIDE and not routine and parts:
            led.add(at)  # the first item shown under a heading may take it as its lead-in
            end = next((st for st in starts if st > at), len(source))
            said = " ".join(x.text for c in chunks for x in c if at < x.start < end)
            lead_in = shown[at] if heading_lead_in(heading, said) else ""
            if at in titles:  # a bare title leads work in, with a fact said nowhere else; over
                # a result it is context (offline._unplaced), so the lead stays the result's own
                lead_in = shown[at] if role != "outcome" and (titles[at][1] or lead_in) else ""
            if lead_in and not _OWN_LABEL.match(parts[0]):
                parts = (f"{lead_in}: {parts[0]}", *parts[1:])
                text = f"{lead_in}: {text}"
                count = len(extract_facts(" ".join((text, *members))))
                headed = True
        out.append(
            Item(
                tuple(group),
                text,
                tuple(members),
                role,
                heading,
                count,
                kind,
                routine,
                parts,
                tuple(member_units),
                tuple(member_parts),
                headed,
                awaited,
            )
        )
    return _greetings_with_known_facts(out)


_SUBJECT = ("we", "i", "our", "they")
_SET_ASIDE = ("chatter", "greeting", "thanks")
_TITLE_RUN = re.compile(r"[\w.+’'-]*[A-Z0-9][\w.+’'-]*(?: [\w.+’'-]*[A-Z0-9][\w.+’'-]*)*")
_CONTENT = re.compile(r"[a-z][a-z’'-]{3,}")
_STRONG = re.compile(
    r"\b[A-Z]{2,}\b|\b[a-z]+[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*|\d"
)  # MFA, iOS, GitHub, 1.0


def heading_lead_in(heading: str, said: str) -> str:
    """The heading as its first item's lead-in, or "". A heading leads in when it says what the
    items under it do not, and is no section label: it names a thing with a fact in it
    ("### Signing RFC" over "Walter is working on an ancillary RFC around signing"), or it is a
    sentence of its own ("## 5. We carried out a desktop walkthrough" over what the groups
    did). Generic titles ("What we did", "Updates") and section labels ("Next steps",
    "Risks") say nothing the reader misses."""
    text = _NUMBERING.sub("", heading).strip(" *_#:.;,")
    words = text.split()
    if len(words) < 2 or len(words) > 12 or "?" in text or ":" in text or "/" in text:
        return ""
    if _starts(text, "greeting_start"):
        return ""  # "Here's what the team has been up to": a greeting, not a title
    if any(
        _heading_is(text, key, edge=key != "plan_headings")
        for key in ("plan_headings", "risk_headings", "ask_headings")
    ):
        return ""
    hay = " ".join(plain(said).lower().split())
    if " ".join(text.lower().split()) in hay:
        return ""
    if states_result(text):  # "`rust-lang.org` is now a static website": the result itself
        return text
    if words[0].lower() in _SUBJECT and len(words) >= 3:  # a sentence: says something new
        return text if any(w not in hay for w in _CONTENT.findall(text.lower())) else ""
    # A name with a fact in it, said nowhere below as a whole ("Signing RFC" over "an RFC
    # around signing"); a heading that only restates its item ("Crates.io index served via
    # Fastly" over "The crates.io index ... served by the Fastly CDN") adds nothing.
    # In a Title Case heading every word looks like a name ("Team Updates", "Security
    # Enhancements"): there only a figure, an id or an acronym/CamelCase word is a fact.
    titled = title_case(text)
    for f in extract_facts(text):
        if f.kind == "number" and len(f.text) < 2:
            continue
        if titled and f.kind == "name" and not _STRONG.search(f.text):
            continue
        run = next((m.group(0) for m in _TITLE_RUN.finditer(text) if f.text in m.group(0)), "")
        if " ".join((run or f.text).lower().split()) not in hay:
            return text
    return ""


def _greetings_with_known_facts(found: list[Item]) -> list[Item]:
    """ "Here's what the Digital Team did this week" names a team the rest of the update names
    too: a greeting whose facts are all said elsewhere goes like any greeting."""
    out = []
    for k, it in enumerate(found):
        if it.role != "outcome" and not it.members and _starts(it.text, "greeting_start"):
            rest = " ".join(
                o.text + " " + " ".join(o.members) for j, o in enumerate(found) if j != k
            )
            hay = " ".join(rest.lower().split())
            if all(f.text.lower() in hay for f in extract_facts(it.text)):
                it = replace(it, role="greeting")
        out.append(it)
    return out


_ROUTINE = {"ceremony", "filler", "effort"}


def _routine(u: Unit) -> bool:
    """'Attended the weekly sync', 'Lots of meetings this week': routine with nothing in it."""
    cats = {s.category for s in u.spans}
    return bool(cats & _ROUTINE) and cats <= _ROUTINE | {"activity"} and not u.signals
