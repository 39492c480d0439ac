"""Arrange the offline rewrite from sorted items: outcomes first, the earned strategic link,
then risks, asks and next steps, then the supporting activity; and record what each unit became.

Every sentence is an author's whole sentence or bullet (markup cleaned) or a fixed label from
prompts/offline.yaml. Audience and length decide what is shown and how:

- executive: outcomes, the link, risks and asks, next steps, and the activity folded into one
  line of evidence at the end (routine with no fact in it is set aside);
- client: like executive, with next steps before risks and asks;
- team: everything with content: activity and next steps as lists, thanks that name people;
- brief: the shortest honest version: outcomes, risks and asks, then one "Also:" line with the
  other items that carry a fact; nothing without a fact, a result or an ask is kept.

A fold joins whole units with semicolons: "Supporting work: held 4 standups; migrated the
board to GitHub Projects." Only a unit's final stop goes and, mid-line, the capital of a first
word that the update also writes in lower case; nothing inside a unit is cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import cast

from coach.engines import lead, lead_join
from coach.engines.lead_block import VERB_FORM as _VERB_FORM
from coach.engines.lead_block import join_clauses, lean_block, leans_as_lead, lowered
from coach.engines.lead_form import as_lead as as_lead
from coach.engines.leaning import additive_opening, refers_back
from coach.engines.render import (
    BARE_URL_END,
    bare,
    join_lead,
    rendered,
    sentence,
    short_members,
    vocab,
)
from coach.engines.render import render_item as render_item
from coach.engines.sections import Item, invitation, template
from coach.engines.vocab import starts
from coach.facts import extract_facts
from coach.types import Citation, UnitChange

_TITLE_WORD = re.compile(r"([A-Z][a-z]+)\b")
# A unit that stops, with no stop, on a preposition is a title over what follows it.
_LABEL_END = re.compile(r"\b(?:to|on|about|for|with|of)$", re.I)


def fold(items: list[Item], lower_ok: set[str], budget: int | None = None) -> str:
    """Whole units joined with semicolons, in lines of at most `fold_words` words (a line
    that long stays readable). Mid-line, a first word loses its capital only when it is a common
    word or the update also writes it in lower case (so names keep theirs)."""
    pieces: list[str] = []
    for it in items:
        parts = list(it.parts or (it.text,))
        if it.members:
            parts[-1] = join_lead(parts[-1], ", ".join(bare(m) for m in it.members))
        # a title with no stop and no fact over what follows ("What I've been up to") is no
        # clause of a fold: "What I've been up to; the focus of the week was ..." read as cut
        pieces.extend(
            bare(p)
            for p in parts
            if bare(p) and not (_LABEL_END.search(p.strip()) and not extract_facts(p))
        )
    budget = int(template()["fold_words"]) if budget is None else budget
    lines: list[list[str]] = []
    size = budget
    for p in pieces:
        n = len(p.split())
        if size + n > budget:
            lines.append([])
            size = 0
        m = _TITLE_WORD.match(p)
        if lines[-1] and m and (m.group(1).lower() in lower_ok or _VERB_FORM.fullmatch(m.group(1))):
            p = p[0].lower() + p[1:]
        lines[-1].append(p)
        size = budget if p.endswith("?") else size + n  # a question ends its line ("?;" never)
    return " ".join(sentence(join_clauses(line, lower_ok)) for line in lines if line)


def _foldable(it: Item) -> bool:
    """A lead-in with long bullets reads better as its own sentences than inside a fold; a unit
    that ends on a bare URL cannot take a semicolon after it (the URL would swallow it)."""
    ends = [*(it.parts or (it.text,)), *it.members]
    if it.headed:
        return False  # "Signing RFC: Walter is working on ...": a colon inside a fold misleads
    if not it.members and re.search(r"(?:\.\.\.|…|:)\s*$", it.text):
        return False  # a lead-in without its list: its own sentence, never a dangling clause
    if any(BARE_URL_END.search(bare(p)) for p in ends):
        return False
    return not it.members or short_members(it, words=8)


_NAMED = re.compile(
    r"([A-Z][a-z]{1,7})(?:['’]s)? (?:has|have|had|is|was|been|and [A-Z][a-z]+|continues|[a-z]{2,}ed|ran|held|met|led|made|wrote|took|gave|spent|began)\b"
)


def names(item: Item, lower_ok: set[str]) -> bool:
    """The item opens on a person's name: 'James has been working on ...', "Sophie's been
    reviewing ...", 'Adam continues to work on ...'. The fact extractor cannot read a name at
    the start of a sentence (any first word is capitalised), so brief keeps it this way: a
    short Title-case first word the update never writes in lower case, no common first word
    (prompts/offline.yaml `not_names`), followed by a verb."""
    m = _NAMED.match(item.text.lstrip("*_ "))
    word = m.group(1) if m else ""
    return bool(word) and word.lower() not in lower_ok | vocab("not_names")


def lower_case_words(source: str) -> set[str]:
    """Words that may lose their capital mid-line: common first words (prompts/offline.yaml)
    and words the update itself writes in lower case somewhere (so they are not names)."""
    common = {str(w) for w in template()["sections"]["lower_mid_line"]}
    return common | set(re.findall(r"(?<![\w.'’-])([a-z]+)\b", source))


_BARE_ADDRESS = re.compile(r"<?https?://[^\s<>]+>?")


def context_lines(context: list[str], labels: Mapping[str, object]) -> list[str]:
    """The context line: headings and facts no kept unit carries, as a sentence. Bare
    addresses (a link in a code sample: no words to read) go on a line of their own,
    "Links: a, b", with no full stop glued to the last address; nothing is dropped.

    >>> labels = {"context": "Context:", "links": "Links:"}
    >>> context_lines(["Update 2024-10", "https://x.org/a.svg"], labels)
    ['Context: Update 2024-10.', 'Links: https://x.org/a.svg']
    """
    words = [c for c in context if _BARE_ADDRESS.sub("", c).strip(" ;,.")]
    links = [c.strip().strip("<>") for c in context if c not in words]
    out = []
    if words:
        out.append(f"{labels['context']} " + sentence("; ".join(words)))
    if links:
        out.append(f"{labels['links']} " + ", ".join(links))
    return out


def compose(
    items: list[Item],
    citations: tuple[Citation, ...],
    audience: str,
    length: str,
    context: list[str],
    source: str,
    lead: int | None = None,
    join: Sequence[tuple[int, tuple[str, int]]] | None = None,
) -> tuple[str, tuple[str, ...], list[tuple[int, str, str]]]:
    """(text, cited ids, [(item index, how, became)]) for one update. `lead` forces which
    item leads (eval/train_lead.py replays every candidate through this); None = the ranker's.
    `join` forces the pieces of a joined opening sentence ((item, where) as lead_join.Piece
    has them; eval/train_join.py); None = lead_join's choice when `lead` is None, else none."""
    labels = template()["labels"]
    lower_ok = lower_case_words(source)
    by_role: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_role.setdefault(it.role, []).append(i)
    outcomes = by_role.get("outcome", [])
    asks = sorted(by_role.get("risk", []) + by_role.get("ask", []))
    # an invitation that stays (it names the channel) closes the rewrite, unlabelled
    closing = [i for i in asks if not items[i].members and invitation(items[i].text)]
    asks = [i for i in asks if i not in closing]
    activity = by_role.get("activity", [])
    plans = by_role.get("plan", [])
    # Thanks that name someone stay: a fact (a name), or long enough to say whom and for what
    # ("Thanks to my mentor antarus, robbat2, and the infra team"); a bare "Thanks all!" goes.
    long_thanks = int(template()["thanks_min_words"])
    thanks = [
        i
        for i in by_role.get("thanks", [])
        if items[i].facts or len(items[i].text.split()) >= long_thanks
    ]

    blocks: list[str] = []
    fates: dict[int, tuple[str, str]] = {}
    order: list[int] = []  # item indexes in the order the rewrite shows them

    def prose(label: str, idx: list[int], view: list[Item] | None = None) -> None:
        if not idx:
            return
        texts = rendered(view or items, idx)
        blocks.append(f"{label} " + " ".join(texts))
        for i, text in zip(idx, texts, strict=True):
            fates[i] = ("kept", text)
        order.extend(idx)

    def listed(label: str, idx: list[int]) -> None:
        if len(idx) < 2:
            return prose(label, idx)
        lines = rendered(items, idx, as_list=True)
        blocks.append(label + "\n" + "\n".join(f"- {line}" for line in lines))
        for i, line in zip(idx, lines, strict=True):
            fates[i] = ("kept", line)
        order.extend(idx)

    def folded(label: str, idx: list[int]) -> None:
        """Foldable units joined into one line; the others follow it as whole sentences.
        Many units stay a list, in the author's order: one fold of 20 read as a wall."""
        if not idx:
            return
        if len(idx) >= int(template()["fold_list_min"]):
            return listed(label, idx)
        fold_idx = [i for i in idx if _foldable(items[i])]
        if len(fold_idx) < 2:
            fold_idx = []
        whole = [i for i in idx if i not in fold_idx]
        line = fold([items[i] for i in fold_idx], lower_ok)
        rest = rendered(items, whole)
        blocks.append(f"{label} " + " ".join(x for x in (line, *rest) if x))
        for i in fold_idx:
            fates[i] = ("folded", line)
        for i, text in zip(whole, rest, strict=True):
            fates[i] = ("kept", text)
        order.extend(fold_idx + whole)

    ranked = lead_first(items, outcomes, activity, lead)
    pieces = _pieces(items, ranked, outcomes, activity, lead, join)
    activity = [i for i in activity if i not in ranked[:1]]  # a result filed as activity leads
    if not pieces:
        view = list(items)  # the caller's items stay as the author wrote them (changes())
        if ranked:
            view[ranked[0]] = lean_block(items[ranked[0]], lower_ok)
        prose(labels["outcomes"], ranked, view)
    else:  # two or three results open the rewrite as one sentence, each whole
        joined, line, took = _joined(items, pieces, lower_ok)
        gone = {i for i in took if joined[i] is None}
        items = cast(list[Item], joined)  # a gone item (None) is never read again
        rest_idx = [i for i in ranked if i not in gone]
        activity = [i for i in activity if i not in gone]
        rest = rendered(items, rest_idx)
        blocks.append(f"{labels['outcomes']} " + " ".join([line, *rest]))
        for i in gone:
            fates[i] = ("folded", line)
        for i, text in zip(rest_idx, rest, strict=True):
            fates[i] = ("kept", f"{line} {text}" if i in took else text)
        order.extend([*sorted(gone), *rest_idx])
    link = _earned(citations)
    routine = {i for i in activity if items[i].routine}
    if length == "brief":
        prose(labels["risks"], asks)
        kept = [i for i in activity + plans + thanks if items[i].facts or names(items[i], lower_ok)]
        folded(labels["also"], sorted(kept))
    elif audience == "team":
        listed(labels["activity"]["team"], activity)
        listed(labels["plans"], plans)
        prose(labels["risks"], asks)
        prose(labels["thanks"], thanks)
    else:
        if audience == "client":
            prose(labels["plans"], plans)
        prose(labels["risks"], asks)
        if audience != "client":
            prose(labels["plans"], plans)
        folded(labels["activity"][audience], [i for i in activity if i not in routine])
        prose(labels["thanks"], thanks)
    if link is not None:  # after the outcomes; never the first thing a reader sees
        blocks.insert(1 if blocks else 0, f"{labels['link']} {_link_line(link)}")
    blocks.extend(context_lines(context, labels))
    if closing:
        texts = rendered(items, closing)
        blocks.append(" ".join(texts))
        for i, text in zip(closing, texts, strict=True):
            fates[i] = ("kept", text)
        order.extend(closing)

    shown = sorted(order)
    out: list[tuple[int, str, str]] = []
    for i in range(len(items)):
        if i not in fates:
            out.append((i, "set aside", ""))
            continue
        how, became = fates[i]
        if how == "kept" and order.index(i) != shown.index(i):
            how = "moved"
        out.append((i, how, became))
    return "\n\n".join(blocks), ((link.id,) if link else ()), out


def lead_first(
    items: list[Item], idx: list[int], activity: Sequence[int] = (), pick: int | None = None
) -> list[int]:
    """The outcomes in the order they are shown: the lead first, the others in the author's
    order. The lead is the learned ranker's choice (coach/engines/lead.py: trained on real
    updates, validated leave-one-organisation-out, docs/quality.md) among the outcome items
    and the activity items that state a result; a weak lead (a plan, a sentence about the
    post, one leaning on a sentence the reader has not seen) never leads while a sound one
    exists. `pick` forces the lead (the training replay). The chosen item is replaced in
    `items` by its lead form (`as_lead`), which the caller renders."""
    if pick is None:
        pick = lead.choose(items, idx, activity, weak_opening)
    if pick is None:
        return idx
    items[pick] = as_lead(items[pick])  # the lead's own order: its result first
    return [pick, *[i for i in idx if i != pick]]


def _pieces(
    items: list[Item],
    ranked: list[int],
    outcomes: list[int],
    activity: list[int],
    lead: int | None,
    join: Sequence[tuple[int, tuple[str, int]]] | None,
) -> list[lead_join.Piece]:
    """The pieces of the joined opening sentence (lead_join.pick), or those `join` forces."""
    if not ranked:
        return []
    if join is None:
        if lead is not None:
            return []
        return lead_join.pick(items, ranked[0], outcomes, activity, weak_lead)
    offered = {
        (p.item, p.where): p
        for i in {i for i, _ in join}
        for p in lead_join.pieces_of(items[i], i, weak_lead)
    }
    return [offered[k] for k in join if k in offered]


def _joined(
    items: list[Item], pieces: list[lead_join.Piece], lower_ok: set[str]
) -> tuple[list[Item | None], str, set[int]]:
    """(the items with what the pieces took removed (None: nothing left), the joined sentence,
    the items that gave a piece). Only the stops between the pieces change (as in `fold`)."""
    # a piece of more than one sentence ends the line with its own stop ("... Congrats, Ryan!")
    texts = [p.text.strip() if p.closes else bare(p.text) for p in pieces]
    line = join_clauses(texts[:1] + [lowered(t, lower_ok) for t in texts[1:]], lower_ok)
    line = sentence(line)
    view: list[Item | None] = list(items)
    took = {p.item for p in pieces}
    for i in took:
        view[i] = lead_join.without(items[i], [p.where for p in pieces if p.item == i])
    return view, line, took


def lead_strength(it: Item, position: int) -> float:
    """How strongly one outcome item states a result, by the eye's own evidence."""
    w = template()["lead_rank"]
    signals = {s for u in it.units for s in u.signals}
    score = sum(float(w[name]) for name in ("result", "measure", "change") if name in signals)
    score += float(w["facts"]) * min(it.facts, int(w["facts_cap"])) / int(w["facts_cap"])
    return score - float(w["position"]) * position


def weak_lead(it: Item) -> bool:
    """A plan in its opening words ("We will ...", "Two milestones to be completed"), a sentence
    about the post itself ("In this update ...") or an opening that leans on a sentence the
    reader has not seen ("As part of this transfer")."""
    opening = " " + " ".join(it.text.lower().split()[:5]) + " "
    if any(w in opening for w in template()["sections"]["plan_any"]):
        return True
    head = " " + " ".join(it.text.lower().split()[:8]) + " "
    if any(f" {w} " in head or f" {w}" + "," in head for w in vocab("about_itself")):
        return True  # about the post itself ("This is the fourth post ..."): it frames, not states
    if refers_back(it.text) or starts(it.text, "if_start"):
        return True  # "Because of this, ...", "If you own a crate, you can ...": not a result
    first = re.match(r"[A-Za-z’']+", it.text)
    if first and first.group(0).lower() in vocab("leans_on_previous"):
        return True
    return leans_as_lead(it)


def weak_opening(it: Item) -> bool:
    """A weak lead (`weak_lead`), or an opening that adds to what came before and states no
    result of its own ("The community is also growing rapidly ...": leaning.additive_opening,
    and no `result` signal in its first unit; "We've also managed to get the webapp running"
    states one): it may follow a result and join the opening sentence after one (lead_join
    reads `weak_lead`), but it does not open the rewrite while a sound candidate exists."""
    if weak_lead(it):
        return True
    first = it.units[0].signals if it.units else ()
    return additive_opening(it.text) and "result" not in first


def _earned(citations: tuple[Citation, ...]) -> Citation | None:
    """The best earned citation: retrieval hands over only passages above its threshold."""
    if not citations:
        return None
    return sorted(citations, key=lambda c: (not c.pillar, -c.score))[0]


def _link_line(c: Citation) -> str:
    name = c.section.split(" > ")[-1] if c.section else (c.title or c.source)
    name = re.sub(r"^\s*\d{1,3}[.)]\s+", "", name)  # "3. Using capacity better": layout
    where = c.title or c.source
    key = "link_line" if where != name else "link_line_same"
    return str(template()[key]).format(name=name, where=where, n=1)


def changes(items: list[Item], fates: list[tuple[int, str, str]]) -> tuple[UnitChange, ...]:
    """Each source unit beside what it became; a lead-in's bullets go where it goes."""
    out: list[UnitChange] = []
    for i, how, became in fates:
        it = items[i]
        for part in it.parts or (it.text,):
            out.append(UnitChange(source=part, became=became, how=how))
        for m in it.members:
            out.append(UnitChange(source=m, became=became, how="folded" if became else how))
    return tuple(out)
