"""A headline that sums the results: when an update states two or three results about as
strongly as each other, the rewrite opens on all of them as one plain sentence, each the
author's own whole sentence (or a heading that states the result), joined with semicolons:
"The board approved the budget; Project Director Ryan Levick was elected Vice Chair of the
Board." A curated headline, like a good report writer's, often sums two or three results the
author wrote apart; leading with one of them undersells the update.

Which results join: the lead and the sound lead candidates (coach/engines/lead.py) whose
ranker score is within `margin` of the lead's, at most `most` pieces and `words` words in all
(settings chosen by nested leave-one-organisation-out on a replay that composes joined leads,
eval/train_join.py; they ship in coach/data/lead_ranker.json under "join"). A piece is one
sentence labelled outcome or mixed (or a result stated in a form of its own), standing on its
own (no plan, no pointer to a sentence before it), ending on no "!", "?", ":" or bare URL, and
holding no semicolon of its own, with the sentences after it that lean on it ("Sophie
published the registers. She also ..."): they travel as one piece. Taken from a longer item, it leaves the rest of the item
whole, where it was: a bullet's other sentences stay that bullet, a lead-in keeps its other
bullets (a piece that would leave a lead-in with none is not taken).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from coach.engines import lead
from coach.engines.lead_form import as_lead
from coach.engines.leaning import (
    leans_on_previous,
    opening_words,
    points_back,
    praise_alone,
    refers_back,
)
from coach.engines.render import BARE_URL_END, bare
from coach.engines.sections import Item
from coach.engines.vocab import starts
from coach.facts import extract_facts
from coach.types import Unit
from coach.wording import title_case

Where = tuple[str, int]  # ("heading", 0) | ("part", k) | ("member", m)


@dataclass(frozen=True)
class Settings:
    margin: float  # a partner's ranker score is at least the lead's minus this
    most: int  # pieces in the joined sentence, the lead's included
    words: int  # words in the joined sentence
    strict: bool = True  # a partner needs the outcome finder's `result` signal (or a stated form)
    restate: float | None = None  # a piece this much of whose words a taken piece has: dropped


@dataclass(frozen=True)
class Piece:
    item: int
    where: Where
    text: str
    closes: bool = False  # more than one sentence ("... Board. Congrats, Ryan!"): it ends the line


_override: list[Settings | None] = []


@lru_cache(maxsize=1)
def _load() -> Settings | None:
    data = json.loads(resources.files("coach").joinpath(lead.WEIGHTS).read_text("utf-8"))
    j = data.get("join")
    if not j:
        return None
    cut = j.get("restate")
    return Settings(
        float(j["margin"]),
        int(j["most"]),
        int(j["words"]),
        bool(j["strict"]),
        None if cut is None else float(cut),
    )


def shipped() -> Settings | None:
    """The shipped settings (None: no join), or those `use` installed (the held-out replay)."""
    return _override[-1] if _override else _load()


def use(settings: Settings | None, active: bool = True) -> None:
    """Join with `settings` from now on (None with active: never join); active False: back to
    the shipped settings. For evaluation."""
    _override.clear()
    if active:
        _override.append(settings)


def _result_unit(u: Unit, strict: bool = False) -> bool:
    """Outcome or mixed (with strict: and the `result` signal), or a stated result form."""
    from coach.analysis import stated_result
    from coach.rules import load_rules

    if stated_result(u.text, load_rules(), u.spans):
        return True
    return u.label in ("outcome", "mixed") and (not strict or "result" in u.signals)


def _praise_tail(parts: Sequence[str]) -> int:
    """How many sentences at the end of a piece's block are only praise ("Congrats, Ryan!"):
    they travel with the result they praise, and the result's own ending is what is read."""
    n = 0
    while n < len(parts) - 1 and praise_alone(parts[len(parts) - 1 - n]):
        n += 1
    return n


def _piece(
    i: int, where: Where, ps: Sequence[str], is_weak: Callable[[Item], bool], it: Item
) -> Piece | None:
    """The piece of a block of sentences `ps` (`_block`), or None when it is not sound: read
    without the praise that closes it, which then ends the joined line with it."""
    n = len(ps) - _praise_tail(ps)
    if not _sound(" ".join(ps[:n]), is_weak, it) or any(";" in p for p in ps):
        return None
    return Piece(i, where, " ".join(ps), closes=len(ps) > 1)


def _sound(text: str, is_weak: Callable[[Item], bool], it: Item) -> bool:
    """One plain clause that can sit in a semicolon list and stands on its own."""
    t = text.strip()
    opening = opening_words(t)
    return (
        len(t.split()) >= 3
        and ";" not in t
        and not re.search(r"[!?:]['\"’”)\]*_]*\s*$", t)
        and not BARE_URL_END.search(bare(t))
        and bool(opening)
        and not points_back(opening)
        and not refers_back(t)  # "As a result, ...", "Because of this, ...": points back
        and not starts(t, "needs_host")  # "Like the trac sites, ...": compared to what?
        and not is_weak(replace(it, text=t, parts=(t,), members=()))
    )


def pieces_of(
    it: Item, i: int, is_weak: Callable[[Item], bool], strict: bool = False
) -> list[Piece]:
    """The result sentences item `i` offers, in the order it would show them as the lead:
    its result heading (not over a list: that heading leads the list in); or its first
    sentence; or, for a lead-in that states no result
    itself, the first sentence of each result bullet (keeping at least one bullet)."""
    it = as_lead(it)
    parts = it.parts or (it.text,)
    if it.headed:
        from coach.analysis import states_result

        head = parts[0].split(": ", 1)[0]
        if it.kind == "bullet":  # "The following items have been approved:" leads in a list
            return []
        if title_case(head, most=True):  # "Audit Preparation Completed": a title, not a sentence
            return []
        return [Piece(i, ("heading", 0), head)] if states_result(head) else []
    n_lead = len(it.units) - sum(len(us) for us in it.member_units)
    lead_units = it.units[:n_lead]
    if not it.members:
        ok = len(lead_units) == len(parts) and _result_unit(lead_units[0], strict)
        piece = _piece(i, ("part", 0), parts[: _block(parts)], is_weak, it) if ok else None
        return [piece] if piece else []
    if any(_result_unit(u) and "result" in u.signals for u in lead_units):
        return []  # "The following items have been approved:": the lead-in is the result
    if len(it.member_parts) != len(it.members) or len(it.member_units) != len(it.members):
        return []
    out = []
    for m, (ps, us) in enumerate(zip(it.member_parts, it.member_units, strict=True)):
        result = ps and len(ps) == len(us) and _result_unit(us[0]) and "result" in us[0].signals
        piece = _piece(i, ("member", m), ps[: _block(ps)], is_weak, it) if result else None
        if piece:
            out.append(piece)
    whole = {
        m
        for m in (p.where[1] for p in out)
        if _block(it.member_parts[m]) == len(it.member_parts[m])
    }
    if len(whole) == len(it.members):
        out = out[:-1]  # a lead-in keeps at least one bullet
    return out


def _block(parts: Sequence[str]) -> int:
    """How many sentences from the first travel as one piece: the first and those after it that
    lean on it ("Sophie published the registers. She also ..."); taking the first alone would
    leave "She" pointing at nothing (coach/evals/orphans.py)."""
    n = 1
    while n < len(parts) and leans_on_previous(parts[n]):
        n += 1
    return n


def without(it: Item, wheres: Sequence[Where]) -> Item | None:
    """The item as `as_lead` shows it, without the sentences `wheres` took; None when nothing
    is left. What is left is whole and in the author's order."""
    it = as_lead(it)
    parts = list(it.parts or (it.text,))
    n_lead = len(it.units) - sum(len(us) for us in it.member_units)
    lead_units = list(it.units[:n_lead])
    members, m_parts, m_units = list(it.members), list(it.member_parts), list(it.member_units)
    headed = it.headed
    for kind, k in sorted(wheres, key=lambda w: -w[1]):
        if kind == "heading":
            parts[0] = parts[0].split(": ", 1)[1] if ": " in parts[0] else parts[0]
            headed = False
        elif kind == "part":
            n = _block(parts[k:])
            del parts[k : k + n]
            del lead_units[k : k + n]
        else:
            n = _block(m_parts[k])
            rest_p, rest_u = m_parts[k][n:], m_units[k][n:]
            if rest_p:
                members[k], m_parts[k], m_units[k] = " ".join(rest_p), rest_p, rest_u
            else:
                del members[k], m_parts[k], m_units[k]
    if not parts:
        return None
    text = " ".join(parts)
    return replace(
        it,
        text=text,
        parts=tuple(parts),
        members=tuple(members),
        member_parts=tuple(m_parts),
        member_units=tuple(m_units),
        units=(*lead_units, *(u for us in m_units for u in us)),
        headed=headed,
        facts=len(extract_facts(" ".join((text, *members)))),
    )


def pick(
    items: Sequence[Item],
    first: int,
    outcomes: Sequence[int],
    activity: Sequence[int],
    is_weak: Callable[[Item], bool],
    settings: Settings | None = None,
    ranker: lead.Ranker | None = None,
) -> list[Piece]:
    """The pieces of the joined opening sentence, the lead's first; [] when fewer than two
    results qualify (then the lead opens alone, as before)."""
    st = settings if settings is not None else shipped()
    if st is None or st.most < 2:
        return []
    cands = lead.candidates(items, outcomes, activity)
    if first not in cands:
        return []
    rk = ranker or lead.shipped()
    score = dict(zip(cands, rk.scores(lead.features(items, cands, rk.names)).tolist(), strict=True))
    own = pieces_of(items[first], first, is_weak)
    if not own:
        return []
    order = sorted(
        (i for i in cands if i != first and not is_weak(items[i]) and not items[i].awaited),
        key=lambda i: (-score[i], i),
    )
    offered = own + [
        p
        for i in order
        if score[i] >= score[first] - st.margin
        for p in pieces_of(items[i], i, is_weak, st.strict)[:1]
    ]
    chosen: list[Piece] = [offered[0]]
    size = len(bare(offered[0].text).split())
    for p in offered[1:]:
        n = len(bare(p.text).split())
        if len(chosen) >= st.most or chosen[-1].closes:
            break  # a piece of more than one sentence ends the line
        if st.restate is not None and restates(p.text, chosen) >= st.restate:
            continue  # "...; rustc-perf benchmarks are now executed in parallel" said it already
        if size + n <= st.words:
            chosen.append(p)
            size += n
    return chosen if len(chosen) >= 2 else []


_ADDRESS = re.compile(r"https?://\S+|`[^`]*`")


def content_words(text: str) -> set[str]:
    """The words a reader reads, stop words out (coach/lexical.py `tokens`): link targets and
    bare addresses out ("rust-lang", "github" in a link are no shared content), code spans
    kept as the words they hold."""
    from coach.lexical import tokens
    from coach.markup import plain

    shown = _ADDRESS.sub(
        lambda m: m.group(0).strip("`") if m.group(0)[0] == "`" else " ", plain(text)
    )
    return set(tokens(shown))


def restates(text: str, taken: Sequence[Piece]) -> float:
    """The share of the piece's content words that the pieces already taken hold: a result
    heading over the same work restates the sentence before it."""
    own = content_words(text)
    if not own:
        return 0.0
    seen = set().union(*(content_words(p.text) for p in taken))
    return len(own & seen) / len(own)
