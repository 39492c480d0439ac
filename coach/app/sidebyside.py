"""The side-by-side view: each sentence or bullet of the update beside what it became.

A reordering rewrite makes a word diff unreadable; naming what happened to each unit (kept,
moved, condensed, folded, set aside) does not. Engines report `changes`; for one that does not,
the page matches units to the rewrite's sentences itself. Every piece of text is escaped.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any

from coach.app.render import empty, reader_text
from coach.types import RewriteResult, UnitChange

_CLASS = re.compile(r"[^a-z0-9-]")


def _multiline(text: str) -> str:
    return escape(str(text), quote=True).replace("\n", "<br>")


KINDS = ("kept", "moved", "condensed", "folded", "set aside", "reworded")
# "folded into the outcome line", "set aside: a greeting": an engine that says what it did.
_STATED = {k: re.compile(rf"{k}\b\s*(?:[:(\-–]|(?:into|as|in|to|under)\b|$)") for k in KINDS}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", text.lower()).split())


def change_kinds(changes: tuple[Any, ...] | list[Any], rewrite: str) -> list[str]:
    """kept / moved / condensed / folded / set aside / reworded for each change, in order.

    An engine may say it (`UnitChange.how`, or `became` starting with the word); otherwise it is
    read from the texts: nothing became of it (set aside), several units became one (folded),
    the same words in another order (moved), shorter (condensed), the same (kept).
    """
    target = _norm(rewrite)
    found = [target.find(_norm(c.became)) if _norm(c.became) else -1 for c in changes]
    placed = sorted((pos, i) for i, pos in enumerate(found) if pos >= 0)
    rank = {i: r for r, (_, i) in enumerate(placed)}
    order = {i: r for r, i in enumerate(sorted(rank))}
    shared: dict[str, int] = {}
    for c in changes:
        shared[_norm(c.became)] = shared.get(_norm(c.became), 0) + 1
    kinds = []
    for i, c in enumerate(changes):
        explicit = str(getattr(c, "how", "") or getattr(c, "kind", "") or "").strip().lower()
        became = _norm(c.became)
        raw = c.became.strip().lower()
        stated = next((k for k in KINDS if _STATED[k].match(raw)), "")
        if explicit in KINDS:
            kinds.append(explicit)
        elif not became or stated == "set aside":
            kinds.append("set aside")
        elif stated:
            kinds.append(stated)
        elif shared[became] > 1:
            kinds.append("folded")
        elif i in rank and rank[i] != order[i]:
            kinds.append("moved")
        elif len(became) < 0.9 * len(_norm(c.source)):
            kinds.append("condensed")
        elif became == _norm(c.source):
            kinds.append("kept")
        else:
            kinds.append("reworded")
    return kinds


_WORD = re.compile(r"[\w%$£€.,/-]*\w")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2 or w[0].isdigit()}


def matched_changes(result: RewriteResult) -> tuple[UnitChange, ...]:
    """For an engine that does not report `changes`: each source unit beside the sentence of the
    rewrite that carries most of its words (half of them at least), or nothing (set aside).

    Words found in more than 50 sentences say nothing about where a unit went and are skipped,
    which keeps thousands of one-word bullets linear rather than quadratic."""
    sentences = [x.strip() for x in _SENTENCE.split(reader_text(result)) if x and x.strip()]
    postings: dict[str, list[int]] = {}
    for i, sentence in enumerate(sentences):
        for w in _words(sentence):
            postings.setdefault(w, []).append(i)
    out = []
    for unit in result.analysis.units:
        words = _words(unit.text)
        hits: Counter[int] = Counter()
        for w in words:
            where = postings.get(w, ())
            if len(where) <= 50:
                hits.update(where)
        best = hits.most_common(1)
        keep = best and words and best[0][1] / len(words) >= 0.5
        out.append(UnitChange(source=unit.text, became=sentences[best[0][0]] if keep else ""))
    return tuple(out)


def changes(result: RewriteResult) -> str:
    """Each source sentence or bullet beside what it became, one row each, lit up on hover."""
    items = tuple(result.changes)
    caption = ""
    if not items:
        items = matched_changes(result)
        caption = (
            f" The {result.engine} engine does not report this: the page matched each part "
            "to the sentence that carries most of its words."
        )
    if not items:
        return empty("Nothing to compare yet.")
    kinds = change_kinds(items, reader_text(result))
    groups: dict[str, int] = {}
    rows = []
    for c, kind in zip(items, kinds, strict=True):
        group = groups.setdefault(_norm(c.became) or f"aside-{len(groups)}", len(groups))
        became = _multiline(c.became) if c.became.strip() else '<span class="coach-empty">-</span>'
        rows.append(
            f'<tr tabindex="0" data-group="g{group}" class="kind-{_CLASS.sub("-", kind)}">'
            f'<td class="src">{_multiline(c.source)}</td>'
            f'<td class="kind"><span class="badge">{escape(kind)}</span></td>'
            f'<td class="became">{became}</td></tr>'
        )
    counts = ", ".join(f"{kinds.count(k)} {k}" for k in KINDS if k in kinds)
    return (
        '<table class="coach-changes" aria-label="Your update beside the rewrite">'
        "<thead><tr><th>Your update</th><th>Became</th><th>In the rewrite</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="coach-caption">{escape(counts)}.{escape(caption)}</p>'
    )
