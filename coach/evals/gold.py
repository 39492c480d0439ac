"""Which indexed passages hold a gold strategy item: the bridge from item ids to chunks.

Item ids are `<file>#<heading slug>[/<first words>]` (the real-updates README, "Item ids"). A
passage holds an item when (1) it comes from the item's file; (2) its heading's GitHub slug is
the item's heading slug, when the file has such a heading (the NRW file has none: then the slug
is the item's own words and every passage of the file is a candidate); (3) for an item with
first words, its text starts with them, else contains them, and in that last case the candidate
sharing most words with the item's summary also holds it (an item named only mid-paragraph is
usually spelt out in the next one). An item that is a heading of its own is held by every
passage under that heading. Tested in tests/test_grounding_eval.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any, Protocol


class Passage(Protocol):
    id: str
    text: str
    metadata: Mapping[str, Any]


def github_slug(heading: str) -> str:
    """GitHub's anchor: 'Objectives & Key Results' -> 'objectives--key-results'."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return s.replace(" ", "-")


def words(text: str) -> list[str]:
    """Lower-case alphanumeric runs, with `KR 1.2` written `KR1.2` first (as item ids are)."""
    text = re.sub(r"\bkr\s+(\d)", r"kr\1", text.lower())
    return re.findall(r"[a-z0-9]+", text)


def _contains(hay: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def heading_of(p: Passage) -> str:
    m = p.metadata
    return str(m.get("heading") or str(m.get("section", "")).split(" > ")[-1])


def item_passages(item: Mapping[str, Any], passages: Iterable[Passage]) -> set[str]:
    """Ids of the passages that hold `item` ({"file", "item_id", "summary", ...})."""
    passages = list(passages)
    mine = [
        p for p in passages if PurePosixPath(str(p.metadata.get("source"))).name == item["file"]
    ]
    if not mine:  # the same document in another format (plan.md listed, plan.docx indexed)
        stem = PurePosixPath(str(item["file"])).stem
        mine = [p for p in passages if PurePosixPath(str(p.metadata.get("source"))).stem == stem]
    frag = str(item["item_id"]).split("#", 1)[-1]
    head, _, first = frag.partition("/")
    under = [p for p in mine if github_slug(heading_of(p)) == head]
    candidates = under or mine
    if not under:
        first = first or head
    if not first:
        return {p.id for p in candidates}
    lead = [w for w in first.split("-") if w]
    held = {p.id for p in candidates if words(p.text)[: len(lead)] == lead}
    if held:
        return held
    held = {p.id for p in candidates if _contains(words(p.text), lead)}
    summary = set(words(str(item.get("summary", ""))))
    if candidates and summary:
        best = max(candidates, key=lambda p: len(summary & set(words(p.text))))
        held.add(best.id)
    return held
