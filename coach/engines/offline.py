"""The offline coach: a deterministic rewrite that keeps every fact and invents none.

It reorders rather than rephrases. Each unit of the update (sentence or bullet, cleaned of
markup) is sorted into a section (coach/engines/sections.py) and the rewrite is composed from
whole units plus fixed labels (coach/engines/arrange.py): outcomes first, the strategic link
only where retrieval earned one, supporting activity, then risks, asks and next steps.
Greetings, chatter and thanks without a name go. Questions (coach/engines/questions.py) are
coaching notes for the author and never part of the text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from coach.engines.arrange import changes, compose, render_item
from coach.engines.base import Draft, Request
from coach.engines.questions import questions
from coach.engines.sections import Item, headings_with_facts, items, template, template_digest
from coach.facts import check_facts


def _version() -> str:
    """A hash of the wording file and of the code that turns an update into a rewrite, so the
    version changes whenever the output can (batch journals and caches key on it)."""
    here = Path(__file__).resolve().parent
    parts = [template_digest()]
    for path in (
        here / "offline.py",
        here / "sections.py",
        here / "vocab.py",
        here / "leaning.py",
        here / "lead_form.py",
        here / "lead_join.py",
        here / "render.py",
        here / "arrange.py",
        here / "lead.py",
        here.parent / "data" / "lead_ranker.json",
        here / "questions.py",
        here.parent / "markup.py",
        here.parent / "segment.py",
        here.parent / "htmltext.py",
        here.parent / "wording.py",
        here.parent / "data" / "open_ends.txt",
    ):
        parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
    return "offline-" + hashlib.sha256("".join(parts).encode()).hexdigest()[:10]


PROMPT_VERSION = _version()


class OfflineEngine:
    """Deterministic, model-free coach. Same input, same rewrite."""

    name = "offline"
    prompt_version = PROMPT_VERSION
    model_name = ""

    def __init__(self, settings: object = None) -> None:
        """Settings are accepted like every engine's (the registry passes them) and unused."""

    def rewrite(self, request: Request) -> Draft:
        found = items(request.text, request.analysis.units)
        kept = " ".join(it.text + " " + " ".join(it.members) for it in found)
        context = headings_with_facts(request.text, kept)
        text, cited, fates = compose(
            found, request.citations, request.audience, request.length, context, request.text
        )
        more = _unplaced(request.text, text, context)
        if more:  # said once more, with what the first arrangement could not place
            context = [*context, *more]
            text, cited, fates = compose(
                found, request.citations, request.audience, request.length, context, request.text
            )
        if not text.strip():
            text, fates = _own_words(found, request.text)
        asked = questions(found, bool(cited), len(request.text.split()), request.length)
        return Draft(
            text=text,
            questions=asked,
            cited=cited,
            prompt_version=PROMPT_VERSION,
            engine=self.name,
            changes=changes(found, fates),
        )


def _unplaced(source: str, text: str, context: list[str]) -> list[str]:
    """What the composed `text` leaves out that the reader of `source` sees, for the context
    line: a heading whose fact only a condensed unit said (a brief rewrite set aside the unit
    under "### Tabletop Exercises"), then any fact no unit holds at all, as written (a link
    in a fenced code sample, which the segmenter leaves out as not prose). Facts in = facts
    out: the arrangement's own net, before the core's check would have to report a loss."""
    heads = [h for h in headings_with_facts(source, text) if h not in context]
    said = "\n".join((text, *heads))
    return heads + list(check_facts(source, said).missing)


def _own_words(found: list[Item], source: str) -> tuple[str, list[tuple[int, str, str]]]:
    """A rewrite is never empty. When the arrangement keeps nothing (only chatter, one long
    word, punctuation), the author's own cleaned units are the text, in their order; with no
    unit, the update's own characters; when everything was set aside as an instruction, a
    fixed label says so (the set-aside text never reaches the reader). Nothing is invented."""
    rendered = [render_item(it) for it in found]
    fates = [(i, "kept", line) for i, line in enumerate(rendered) if line.strip()]
    if fates:
        return " ".join(line for _, _, line in fates), fates
    own = " ".join(source.split())
    return (own or str(template()["nothing_kept"])), []
