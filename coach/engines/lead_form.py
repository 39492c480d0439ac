"""The lead's own form: how the item the ranker picked reads when it opens the rewrite. Its
standalone result sentence first, its result bullet first, an author's summary label dropped.
Whole sentences and bullets move; none is cut or reworded (coach/engines/arrange.py renders
the result, eval/lead_logo.py replays leads through `as_lead`)."""

from __future__ import annotations

from dataclasses import replace

from coach.engines.leaning import leans_on_previous, opening_words, points_back, refers_back
from coach.engines.sections import Item
from coach.types import Unit


def as_lead(it: Item) -> Item:
    """An outcome item as it reads when it leads: its standalone result sentence first, then
    its result bullet first, an author's summary label dropped ("tl;dr:" under "What
    changed:"); eval/lead_logo.py replays leads through this too."""
    return summary_label_dropped(result_member_first(result_sentence_first(it)))


def summary_label_dropped(it: Item) -> Item:
    """ "tl;dr: Strong membership trends ..." leads as "Strong membership trends ...": the
    label is a fixed phrase with no fact in it, and "What changed:" already says it. Only a
    label the eye's `summary_line` rule reads, followed by a statement, goes."""
    from coach.rules import load_rules

    pat = load_rules().patterns.get("summary_line")
    first = it.parts[0] if it.parts else ""
    m = pat.match(first.lower()) if pat is not None else None
    if m is None or m.end() >= len(first):
        return it
    rest = first[m.end() :]
    parts = (rest[:1].upper() + rest[1:], *it.parts[1:])
    return replace(it, parts=parts, text=" ".join(parts))


def result_sentence_first(it: Item) -> Item:
    """A result that follows its cause in the same bullet or paragraph ("A, B and C met to
    investigate the 404 log. ... Each month we see the number of 404 errors reduce."): the
    first result sentence that stands on its own leads, the activity it came from follows in
    the author's order. Whole sentences move; none is cut or reworded."""
    lead_units = it.units[: len(it.units) - sum(len(us) for us in it.member_units)]
    order = _standalone_result_first(it.parts, lead_units)
    if order is None:
        return it
    parts = tuple(it.parts[j] for j in order)
    units = (*(lead_units[j] for j in order), *it.units[len(lead_units) :])
    return replace(it, parts=parts, text=" ".join(parts), units=units)


def _standalone_result_first(parts: tuple[str, ...], units: tuple[Unit, ...]) -> list[int] | None:
    """The order that puts the first standalone outcome/mixed sentence first, or None. Only
    when the text opens on activity, and only a sentence with no word of `leans_on_previous`
    in its first six ("The SMEs agreed that this approach ..." points back: it stays)."""
    if len(parts) < 2 or len(parts) != len(units) or not all(p.strip() for p in parts):
        return None
    if units[0].label in ("outcome", "mixed"):
        return None
    for k in range(1, len(parts)):
        opening = opening_words(parts[k])
        alone = opening and not points_back(opening) and not refers_back(parts[k])
        if units[k].label in ("outcome", "mixed") and alone:
            # the sentences that point back at it ("That's 46 million people") go with it
            end = k + 1
            while end < len(parts) and leans_on_previous(parts[end]):
                end += 1
            block = list(range(k, end))
            return [*block, *[j for j in range(len(parts)) if j not in block]]
    return None


def result_member_first(it: Item) -> Item:
    """A lead-in whose list holds a result ("Highlights include:" then a meeting, a
    retirement, "The board approved the budget."): the first bullet the outcome finder marks
    as a result moves to the top of the list, so the lead's first sentence states it. Bullets
    are whole and independent; none is cut or reworded. A lead-in that states the result
    itself keeps the author's order."""
    if len(it.member_units) != len(it.members) or len(it.members) < 2:
        return it
    lead_in = it.units[: len(it.units) - sum(len(us) for us in it.member_units)]
    if any("result" in u.signals for u in lead_in):
        return it  # "The following items have been approved:": every bullet is a result

    def result(k: int) -> bool:
        us = it.member_units[k]
        return any(u.label in ("outcome", "mixed") and "result" in u.signals for u in us)

    k = next((k for k in range(len(it.members)) if result(k)), 0)
    if k == 0:
        return it
    order = [k, *[j for j in range(len(it.members)) if j != k]]
    members = [it.members[j] for j in order]
    member_units = [it.member_units[j] for j in order]
    member_parts = [it.member_parts[j] for j in order] if it.member_parts else []
    if len(it.member_parts) == len(it.members):  # the bullet's own result sentence first, too
        parts = it.member_parts[k]
        inner = _standalone_result_first(parts, it.member_units[k])
        if inner is not None:
            members[0] = " ".join(parts[j] for j in inner)
            member_parts[0] = tuple(parts[j] for j in inner)
            member_units[0] = tuple(it.member_units[k][j] for j in inner)
    return replace(
        it,
        members=tuple(members),
        member_units=tuple(member_units),
        member_parts=tuple(member_parts),
        units=(*lead_in, *(u for us in member_units for u in us)),
    )


def result_block_words(it: Item) -> int:
    """How many words a reader reads, as the item leads (`as_lead`), before its first result
    sentence ends: 0 when it opens on one. A result that leans on the sentences before it
    ("They've now produced an initial draft ...") cannot move first, so it leads only as one
    block with them (coach/engines/arrange.py `weak_lead` caps the block, lead.block_cap)."""
    it = as_lead(it)
    lead_units = it.units[: len(it.units) - sum(len(us) for us in it.member_units)]
    if it.headed or len(lead_units) != len(it.parts) or len(it.parts) < 2:
        return 0
    for k, u in enumerate(lead_units):
        if u.label in ("outcome", "mixed") or "result" in u.signals:
            return 0 if k == 0 else sum(len(p.split()) for p in it.parts[: k + 1])
    return 0
