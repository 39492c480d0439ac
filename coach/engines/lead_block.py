"""The lead as one block with what it points at: a lead whose first words point back at a
sentence the reader does not see is weak, and a result that leans on the sentences before it
in its paragraph opens the rewrite with them as ONE sentence when that block is short
(lead.block_cap(), chosen by nested leave-one-organisation-out in eval/train_join.py).
Only the stops between the author's sentences change; no word is cut or added.
"""

from __future__ import annotations

import re
from dataclasses import replace

from coach.engines import lead
from coach.engines.lead_form import as_lead, result_block_words
from coach.engines.leaning import demonstrative_back, early_pointer, leans_on_previous
from coach.engines.render import BARE_URL_END, bare, vocab
from coach.engines.sections import Item, template
from coach.types import Unit

VERB_FORM = re.compile(r"[A-Z][a-z]{2,}(?:ed|ing)")  # "Created", "Reviewing": verbs, not names


def lowered(text: str, lower_ok: set[str]) -> str:
    """A piece after a semicolon: its first word loses the capital when it is a common word, or
    a word the update writes in lower case followed by a lower-case word ("Like the trac
    sites"); "Project Director Ryan Levick" keeps it (a title, not a sentence opening)."""
    m = re.match(r"([A-Z][a-z’']+)(\s+\S)?", text)
    if not m:
        return text
    common = {str(w) for w in template()["sections"]["lower_mid_line"]}
    word, nxt = re.split(r"[’']", m.group(1).lower())[0], (m.group(2) or "").strip()
    verb = VERB_FORM.fullmatch(m.group(1)) is not None  # "Approved RFC 2872", "Completed ..."
    if word in common or ((verb or word in lower_ok) and (nxt[:1].islower() or verb)):
        return text[0].lower() + text[1:]
    return text


# A sentence's opening after a semicolon: a capitalised word, then a lower-case word (or "I")
_OPENING = re.compile(r"([A-Z][a-z’']*)(?:,\s+|\s+)(?:[a-z]|I\b)")
# what follows a name that opens a sentence ("Heledd spent ...", "Marty's been ...")
NAME_VERB = re.compile(
    r"(?:['’]s\s|\s+(?:has|have|had|is|was|been|and [A-Z][a-z]+|continues|[a-z]{2,}ed|ran|held|"
    r"met|led|made|wrote|took|gave|spent|began)\b)"
)


def join_clauses(texts: list[str], lower_ok: set[str]) -> str:
    """Pieces joined after semicolons as prose: a piece that opens as a sentence does (a
    capitalised word, then a lower-case word: "Sometimes I feel ...", "Attendance at programs
    rose ...", "Overall, ...") loses its capital, as `lowered` does for common words; "...;
    Sometimes I feel" reads as a cut. A name keeps it: a word the update never writes in lower
    case followed by a verb ("Heledd spent ..."), as do "I", a title ("Project Director Ryan")
    and a word with a capital inside ("GitHub"). No word changes but that one letter.

    >>> join_clauses(["We met twice", "Sometimes I feel lost", "Priya wrote notes"], set())
    'We met twice; sometimes I feel lost; Priya wrote notes'
    """
    out = texts[0] if texts else ""
    for t in texts[1:]:
        m = _OPENING.match(t)
        word = m.group(1) if m else "I"
        name = word.lower() not in lower_ok and NAME_VERB.match(t, len(word))
        if not (word == "I" or word.startswith(("I'", "I’")) or name):
            t = t[0].lower() + t[1:]
        out = f"{out}; {t}"
    return out


def leans_as_lead(it: Item) -> bool:
    """The lead would point at a sentence the reader does not see: its first sentence as it
    leads has a pointer in its first words ("We achieved this by analyzing ...": the sorting
    keeps a paragraph's antecedent in the item, so this one's is elsewhere), or its result
    leans on sentences before it and that block is longer than lead.block_cap() words."""
    cap = lead.block_cap()
    if cap is None:
        return False
    shown = as_lead(it)
    first = (shown.parts or (shown.text,))[0]
    if shown.headed and ": " in first:
        first = first.split(": ", 1)[1]  # the heading's lead-in is no pointer
    return early_pointer(first) or result_block_words(it) > cap


_BLOCK_END = re.compile(r"[!?:;]['\"’”)\]*_]*\s*$")


def lean_block(it: Item, lower_ok: set[str]) -> Item:
    """The lead whose result leans on the sentences before it ("By planning ... every three
    months, we can dedicate a substantial team ...; overall this helps us finish and deliver
    work faster."): that block, at most lead.block_cap() words, reads as ONE sentence, its
    sentences joined with semicolons (only the stops between them change, as in `fold`), so
    the reader meets the result in the opening sentence, with what it points at."""
    cap, n = lead.block_cap(), result_block_words(it) or completed_block_words(it)
    if cap is None or not 0 < n <= cap:
        return it
    parts = list(it.parts)
    k = next(j for j in range(1, len(parts) + 1) if sum(len(p.split()) for p in parts[:j]) == n)
    block = parts[:k]
    if any(";" in p or _bare_url_end(bare(p)) for p in block) or any(
        _BLOCK_END.search(p) for p in block[:-1]
    ):
        return it
    line = "; ".join([bare(block[0]), *(lowered_pointer(bare(p), lower_ok) for p in block[1:])])
    joined = line + block[-1].rstrip()[len(bare(block[-1])) :]
    parts[:k] = [joined]
    # one part now stands for k units: the item is only rendered from here on
    return replace(it, parts=tuple(parts), text=" ".join(parts))


_LINK_END = re.compile(r"\]\(<?https?://[^\s)]*>?\)$")


def _bare_url_end(text: str) -> bool:
    """The text ends on an address a semicolon after it would run into: a bare one, not a
    Markdown link's target, which its ")" closes ("... releasing [version 0.23.0](https://...)")."""
    return BARE_URL_END.search(text) is not None and _LINK_END.search(text) is None


def completed_block_words(it: Item) -> int:
    """The words of the lead's first two sentences when the first states a result and the
    second points back at it and states one too ("We accomplished a major milestone by
    releasing version 0.23.0. It makes AWS's Libcrypto the default for Rustls ..."): what the
    result does is in the pointer, which cannot open alone, so the block reads as one sentence
    (`lean_block`, at most lead.block_cap() words). 0 otherwise."""
    lead_units = it.units[: len(it.units) - sum(len(us) for us in it.member_units)]
    parts = it.parts
    if it.headed or len(parts) < 2 or len(lead_units) != len(parts):
        return 0
    if not all(_result(u) for u in lead_units[:2]) or not leans_on_previous(parts[1]):
        return 0
    if parts[1].rstrip().endswith(":"):
        return 0  # "This enables several use cases:" leads in its list: its own sentence
    return sum(len(p.split()) for p in parts[:2])


def _result(u: Unit) -> bool:
    return u.label in ("outcome", "mixed") or "result" in u.signals


def lowered_pointer(text: str, lower_ok: set[str]) -> str:
    """A leaning sentence after a semicolon: as `lowered`, and its first word loses the capital
    too when it is itself a pointer ("They've now ...") or the pointer follows it ("Overall
    this helps ...", "Following this change ..."): an opening word, not a name."""
    out = lowered(text, lower_ok)
    m = re.match(r"([A-Z][a-z]+)(?:['’][a-z]+)?\W+([a-z]+)\W*([a-z]*)", out)
    if m is None:
        return out
    first, second, third = m.group(1).lower(), m.group(2), m.group(3)
    if first in vocab("leans_on_previous") or demonstrative_back([first, second, third], 1):
        return out[0].lower() + out[1:]
    return out
