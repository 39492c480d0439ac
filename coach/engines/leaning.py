"""Which units lean on the sentence before them ("That's the majority of adults", "She also
...", "So by June ..."), and so travel with it: the sorting (coach/engines/sections.py) keeps
such a unit in its antecedent's item, the lead's form and the joined opening
(coach/engines/lead_form.py, lead_join.py) never move one away from it, and the eval counts
the rewrites that do (coach/evals/orphans.py). One test, one vocabulary
(prompts/offline.yaml `leans_on_previous`, `opens_alone`, `time_nouns`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from coach.engines.vocab import starts, template, words
from coach.htmltext import BLOCK_TAGS
from coach.markup import clean_unit, plain
from coach.types import Unit

_NEW_BULLET = re.compile(r"\n[ \t]*(?:[-*+•▪◦‣]|\d{1,3}[.)]|[a-z][.)])[ \t]|<li|\n[ \t]*\n|\|")
# A paragraph break: a blank line, or the end of an HTML block (a CMS writes "</p>\n<p>", or
# "</p><p>" on one line, where Markdown leaves a blank line between paragraphs)
_BLANK = re.compile(rf"\n[ \t]*\n|</(?:{BLOCK_TAGS})\s*>", re.I)


def continues(source: str, a: Unit, b: Unit, refs: dict[str, str], starts: list[int]) -> bool:
    """b goes with a: the next sentence of the same bullet, or a unit that leans on the one
    before it ("She also ...", "This means ...", "That's the majority of adults"), in the same
    paragraph or the next, prose or bullet, under the same heading (`starts`: the headings'
    offsets, sorted). Moved away from its antecedent, a leaning unit points at the wrong thing
    or at nothing: the meaning changes (coach/evals/orphans.py counts that in the eval)."""
    gap = source[a.end : b.start]
    if a.kind in ("bullet", "checkbox") and b.kind == a.kind and not _NEW_BULLET.search(gap):
        return True
    at = bisect_left(starts, a.end)
    if "row" in (a.kind, b.kind) or (at < len(starts) and starts[at] < b.start):
        return False
    a_text = clean_unit(a.text, refs)
    if a.kind == b.kind == "sentence" and introduces(a_text, clean_unit(b.text, refs)):
        return True  # "I've published the final update:" + a line with only its address
    if b.kind != "sentence" and a_text.rstrip().endswith(":"):
        return False  # a lead-in owns the bullets under it already (items(): members)
    # inside a paragraph any opening word of the list keeps the run together, as before;
    # across a paragraph or bullet break only a sentence that truly points back goes along
    if a.kind == b.kind == "sentence" and not _BLANK.search(gap):
        b_text = clean_unit(b.text, refs)
        return leans_on_previous(b_text, strict=False) or early_pointer(b_text)
    return leans_on_previous(clean_unit(b.text, refs)) and not no_antecedent(a_text)


_STOPPED = re.compile(r"[.!?…:;]['\"’”)\]*_]*$")
_ADDRESS = re.compile(r"<?https?://[^\s<>]+>?")


def lone_address(text: str) -> bool:
    """The unit is only a web address ("<https://x.org/a/>" on a line of its own)."""
    return _ADDRESS.fullmatch(text.strip()) is not None


def introduces(a: str, b: str) -> bool:
    """`a` is a lead-in ending on a colon and `b`, the line after it, only an address: the
    address is what the lead-in introduces, and goes with it (`stopped` writes them as one)."""
    return a.rstrip().endswith(":") and lone_address(b)


def stopped(source: str, chunk: list[Unit], refs: dict[str, str]) -> list[str]:
    """The chunk's units cleaned, and a full stop after one that ends its bullet or paragraph
    without one when a leaning unit joined it from the next ("held mock-up user interviews"
    + "This helped us ..." reads "... interviews. This helped us ..."). Units of one bullet
    or paragraph are joined as the author wrote them (one may end mid-sentence)."""
    out = [clean_unit(u.text, refs) for u in chunk]
    for k in range(len(out) - 1, 0, -1):  # a lead-in and its address: one sentence, whole
        if introduces(out[k - 1], out[k]):
            out[k - 1] = f"{out[k - 1].rstrip()[:-1].rstrip()} ({out[k].strip().strip('<>')})"
            out[k] = ""
    for k in range(len(chunk) - 1):
        gap = source[chunk[k].end : chunk[k + 1].start]
        stops = out[k] and not _STOPPED.search(out[k])
        if stops and (_NEW_BULLET.search(gap) or _BLANK.search(gap)):
            out[k] = out[k].rstrip() + "."
    return out


def no_antecedent(text: str) -> bool:
    """A greeting ("Hi everyone,") is nothing a next sentence points back at: "This is my
    third weekly report" is about the post."""
    return starts(text, "greeting_start")


_OPENING = re.compile(r"[A-Za-z]+")
_DEMONSTRATIVE = ("this", "that", "these", "those")


def leans_on_previous(text: str, strict: bool = True) -> bool:
    """The unit opens on a word that points back at the sentence before it (prompts/offline.yaml
    `leans_on_previous`: "That's the majority of adults", "It went live", "So by June ..."),
    read word by word so "That's" and "It’s" are "that" and "it". A demonstrative before a time
    noun dates the sentence instead ("This year we reached 50 councils"): it stands alone. One
    test for the engine (which keeps such a unit with its antecedent) and the eval (which
    counts the ones a rewrite orphaned, coach/evals/orphans.py). Not `strict`: any first word
    of the list, the engine's wider net inside one paragraph."""
    if refers_back(text):
        return True
    opening = _OPENING.findall(plain(text)[:80].lower())
    if not opening or opening[0] not in words("leans_on_previous"):
        return False
    if not strict:  # any word of the list: inside a paragraph the author's run stays together
        return True
    if " ".join(opening[:2]) in words("opens_alone"):
        return False  # "There are now 100 sites", "Here's what we did": they point ahead
    return not _dates(opening, 0)


_CASED = re.compile(r"[A-Za-z]+")


def early_pointer(text: str) -> bool:
    """A pronoun or demonstrative among the first `pointer_words` words whose antecedent is
    not in the sentence (prompts/offline.yaml `early_pointers`): "We achieved this by
    analyzing ...", "Overall this helps us ...", "Following this change, he also ...". Not a
    demonstrative that dates ("Last month this year ..."), not "it" after a verb that points
    ahead ("We made it possible to ..."), not a personal pronoun after a name in the same
    words ("When Sophie finished, she ..."). A sentence that opens so stays with the sentence
    before it in its paragraph, and cannot open the rewrite without it (coach/engines/arrange.py
    `weak_lead`)."""
    cased = _CASED.findall(plain(text))[: _pointer_words()]
    low = [w.lower() for w in cased]
    personal = words("early_pointers_personal")
    for j, w in enumerate(low):
        if demonstrative_back(low, j):
            return True
        if w not in personal:
            continue
        if j and low[j - 1] in words("points_ahead_verbs"):
            continue  # "made it possible to ...": "it" points at what follows
        if any(c[:1].isupper() for c in cased[1:j]):
            continue  # "When Sophie finished, she ...": the antecedent is in the sentence
        return True
    return False


def additive_opening(text: str) -> bool:
    """An additive word among the first `pointer_words` words (prompts/offline.yaml
    `early_pointers_additive`): "The community is also growing rapidly ...", "Sponsorship
    opportunities are also live ...". The sentence adds to one before it: when it states no
    result of its own it may follow one, not open the rewrite while a sound one exists
    (coach/engines/arrange.py `weak_opening`)."""
    low = [w.lower() for w in _CASED.findall(plain(text))[: _pointer_words()]]
    return any(w in words("early_pointers_additive") for w in low)


@cache
def _pointer_words() -> int:
    return int(template()["sections"]["pointer_words"])


def refers_back(text: str) -> bool:
    """The unit opens on a discourse phrase that points back beyond its first word (prompts/
    offline.yaml `refers_back`: "As you can see, most of our income ...", "Because of this,
    ...", "As part of that, ..."), or it is only praise for someone ("Congrats, Ryan!",
    `praise_alone`, at most `praise_words` words): both say nothing without the sentence
    before them."""
    return starts(" ".join(plain(text).split()), "refers_back") or praise_alone(text)


def praise_alone(text: str) -> bool:
    """The unit is only praise for someone ("Congrats, Ryan!": `praise_alone`, at most
    `praise_words` words): it travels with the result it praises."""
    low = " ".join(plain(text).split())
    cap = int(template()["sections"]["praise_words"])
    return starts(low, "praise_alone") and len(low.split()) <= cap


def opening_words(text: str, n: int = 6) -> list[str]:
    """The text's first `n` words, lower-case, letters only ("They've" reads "they")."""
    return [w.lower() for w in _OPENING.findall(text)[:n]]


def points_back(opening: list[str]) -> bool:
    """A word of `leans_on_previous` anywhere among the opening words (`opening_words`), the
    lead's test of a sentence that cannot open the rewrite ("The SMEs agreed that this approach
    ..."), except a demonstrative that dates the sentence ("This year, we reached 50 councils",
    "That week ..."): a time, not a pointer to the sentence before."""
    pointers = words("leans_on_previous")
    return any(w in pointers and not _dates(opening, j) for j, w in enumerate(opening))


def demonstrative_back(low: list[str], j: int) -> bool:
    """The lower-cased word at j is a demonstrative that points back ("this helps"), not one
    that dates ("this year"): the test `early_pointer` and lead_block.lowered_pointer share."""
    return low[j] in words("early_pointers_demonstrative") and not _dates(low, j)


def _dates(opening: list[str], j: int) -> bool:
    """The word at j is a demonstrative before a time noun: "this year", "that week"."""
    nxt = opening[j + 1] if j + 1 < len(opening) else ""
    return opening[j] in _DEMONSTRATIVE and nxt in words("time_nouns")
