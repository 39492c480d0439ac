"""Render sorted items as the reader's sentences: the author's whole sentence or bullet with a
full stop, a lead-in with its bullets (joined with semicolons when short), and a block of
items in which a lead-in keeps its colon only when what it introduces follows it.

Split from arrange.py (which decides what goes where) so each stays under the house limit.
"""

from __future__ import annotations

import re
from functools import cache

from coach.engines.sections import Item, template
from coach.wording import open_word

_END = re.compile(r"[.!?…:;]['\"’”)\]*_]*$")
_STOP = re.compile(r"\s*(?:\.{3}|…|[.!;:,])+$")
_FIRST_WORD = re.compile(r"[a-z]+\b")
BARE_URL_END = re.compile(r"https?://\S+$")


def sentence(text: str) -> str:
    """The author's text as a sentence: a full stop added when it has none ("..." when the
    author's text trails off on "of the"); a plain lower-case first word capitalised ("our
    ideal way to learn" -> "Our ideal way to learn."), never an address."""
    text = text.strip().rstrip(",;")
    if not text:
        return text
    m = _FIRST_WORD.match(text)
    # An address is written as it is: "https://x.org" never becomes "Https://x.org".
    if m and (m.end() >= len(text) or text[m.end()] in " ,;:") and text[m.end() :][:3] != "://":
        text = text[0].upper() + text[1:]
    if _END.search(text):
        return text
    if BARE_URL_END.search(text):  # an address ending in "/a" does not trail off
        return text + "."
    last = re.findall(r"[A-Za-z]+", text[-12:])
    return text + ("..." if last and open_word(last[-1]) else ".")


@cache
def vocab(key: str) -> frozenset[str]:
    """A word list of prompts/offline.yaml's sections, built once per key: it is asked per word
    and per item (the template itself is loaded once, so the set cannot go stale); frozen, as
    every caller shares it."""
    return frozenset(str(w) for w in template()["sections"][key])


def join_lead(lead: str, body: str) -> str:
    """A lead-in and its joined bullets. 'We used it to:' runs on without its colon ('We used it
    to create bios, ...'); 'Three documents were published:' keeps it."""
    lead = bare(lead) if lead.rstrip().endswith(":") else lead.rstrip()
    words = re.findall(r"[A-Za-z]+", lead)
    # a bullet that opens on a capital is its own sentence: "include: The board approved ..."
    # keeps the colon ("include The board" reads as a broken sentence)
    if words and words[-1].lower() in vocab("runs_on_after") and not body[:1].isupper():
        return f"{lead} {body}"
    return f"{lead}: {body}"


def render_item(item: Item, as_list: bool = False) -> str:
    """One item in the author's words. A lead-in and its bullets: short bullets join the lead-in
    as one sentence ("We used it to: create pages; publish notes."); longer ones follow it as
    their own sentences, or as a nested list in a list section."""
    parts = [sentence(p) for p in (item.parts or (item.text,))]
    # a lead-in inside the item whose list is not what follows it (an image) ends as a
    # sentence: "... to delete the crate. These requirements ..." (a leaning sentence came along)
    parts = [*(_closed(p) for p in parts[:-1]), *parts[-1:]]
    if not item.members:
        return " ".join(parts)
    lead = " ".join(parts).rstrip()
    if short_members(item):
        return sentence(join_lead(lead, "; ".join(bare(m) for m in item.members)))
    lead = lead if lead.endswith(":") else lead.rstrip(".") + ":"
    if as_list:
        return lead + "".join(f"\n  - {sentence(m)}" for m in item.members)
    return lead + " " + " ".join(sentence(m) for m in item.members)


def _closed(text: str) -> str:
    """'We did this:' -> 'We did this.'; any other ending unchanged."""
    return text[:-1] + "." if text.endswith(":") and not text.endswith("::") else text


def rendered(items: list[Item], idx: list[int], as_list: bool = False) -> list[str]:
    """The items `idx` as one block shows them. A lead-in ending on a colon keeps it only when
    what it introduces follows it in the block (the next item of the source, itself no
    lead-in); otherwise its list is not shown (an image, a list set aside or shown
    elsewhere) and it ends as a sentence, not on a bare colon ('... to delete the crate:')."""
    out = [render_item(items[i], as_list) for i in idx]
    for k, i in enumerate(idx):
        nxt = idx[k + 1] if k + 1 < len(idx) else None
        if nxt != i + 1 or out[k + 1].endswith(":"):
            out[k] = _closed(out[k])
    return out


def short_members(item: Item, words: int = 15) -> bool:
    """Bullets short enough to join their lead-in with semicolons: one clause each, no URL at
    the end (a URL would swallow the semicolon)."""
    return all(
        len(m.split()) <= words
        and not re.search(r"[.!?]\s+\S", m)
        and not BARE_URL_END.search(bare(m))
        for m in item.members
    )


def bare(text: str) -> str:
    """A unit without its final stop, for joining: 'Closed 40 tickets.' -> 'Closed 40 tickets'."""
    return _STOP.sub("", text.strip())
