"""Rewrite a real dataset through each surface transform and measure what must not move.

For the original and each transform (coach/evals/surface.py) every update is rewritten offline
against its own organisation's strategy, as `coach eval real` does, and scored with the same
functions (coach.evals.rewrites.score_rewrite, summarise). The eye is scored on the units coach
cut from the transformed text, each gold unit matched to the unit holding its words (exact
text first, else the one sharing most words), so a segmentation that breaks on the new surface
costs eye figures and shows in "units matched exactly". A transform that changes a number, a
link or a curated fact of any update is refused (SurfaceError), never scored.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from coach import engines
from coach.errors import CoachError
from coach.evals.eye import binary, unit_vectors
from coach.evals.real import RealDataset
from coach.evals.rewrites import content_sentences, score_rewrite, strategy_collections, summarise
from coach.evals.surface import STRAIGHT, TRANSFORMS
from coach.markup import is_link_definition

ORIGINAL = "original"


class SurfaceError(CoachError):
    """A transform changed what an update says (a number, a link, a curated fact)."""


_URL = re.compile(r"https?://[^\s<>\"'()\[\]`]+")
_TAGS = re.compile(r"<[^<>\n]*>")
# An image, alt text and target: not prose (HTML keeps both in attributes).
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\))?")
_ITEMS = re.compile(r"(?m)^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
_MARKS = re.compile(r"[*_`]+|[=-]{3,}")


def _urls(text: str) -> set[str]:
    return {u.rstrip(".,;:") for u in _URL.findall(html.unescape(text))}


def visible(text: str) -> str:
    """The words and numbers a reader sees, whatever the surface: list markers, tags, URLs,
    reference labels and emphasis gone, entities decoded, quotes straightened, space
    collapsed, lower case."""
    t = text.replace("\r\n", "\n")
    t = "\n".join(ln for ln in t.split("\n") if not is_link_definition(ln))
    t = _TAGS.sub(" ", _URL.sub(" ", html.unescape(_IMAGE.sub(" ", _ITEMS.sub(" ", t)))))
    t = re.sub(r"\]\([^)]*\)|\]\[[^\]]*\]", "]", _MARKS.sub(" ", t))
    return " ".join(t.replace("[", " ").replace("]", " ").translate(STRAIGHT).lower().split())


def same_facts(original: str, changed: str, facts: Sequence[str] = ()) -> list[str]:
    """What a transform changed that it must not: a number, a link or a curated fact. Empty
    when the two texts carry the same facts.

    >>> same_facts("Closed [#12](https://x.org/12)", TRANSFORMS["HTML (CMS)"]("Closed [#12](https://x.org/12)"))
    []
    >>> same_facts("Closed 12 tickets", "Closed 13 tickets")
    ['numbers differ: 12 -> 13']
    """
    problems = []
    a, b = visible(original), visible(changed)
    na, nb = Counter(re.findall(r"\d+", a)), Counter(re.findall(r"\d+", b))
    if na != nb:
        gone, new = sorted((na - nb).elements()), sorted((nb - na).elements())
        problems.append(f"numbers differ: {' '.join(gone)} -> {' '.join(new)}")
    ua, ub = _urls(original), _urls(changed)
    if ua != ub:
        problems.append(f"links differ: {sorted(ua ^ ub)[:3]}")
    for f in facts:
        nf = visible(f)
        if nf in a and nf not in b:
            problems.append(f"fact lost: {f}")
    return problems


def key(text: str) -> str:
    """A unit's words, whatever its surface: what matching by text compares.

    >>> key("* **Shipped** [v2](https://x.org) — it’s live") == key("<li>Shipped v2 - it's live</li>")
    True
    """
    return " ".join(re.findall(r"\w+", visible(text)))


def _match(gold: str, units: Sequence[tuple[str, str]]) -> tuple[str, bool]:
    """The label of the unit holding the gold unit's words, and whether its text is the same."""
    g = key(gold)
    for k, label in units:
        if k == g:
            return label, True
    words = set(g.split())
    best, label = 0.0, "other"
    for k, lab in units:
        ws = set(k.split())
        score = len(words & ws) / len(words | ws) if words | ws else 0.0
        if score > best:
            best, label = score, lab
    return label, False


def measure(
    ds: RealDataset,
    transforms: Mapping[str, Callable[[str], str]] | None = None,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Figures per surface: {"original": {...}, "<transform>": {...}}, each with `rows`."""
    from coach.core import Coach

    chosen = {ORIGINAL: lambda t: t, **(TRANSFORMS if transforms is None else transforms)}
    gold_units: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u in ds.units:
        gold_units[u.update_id].append((u.text, u.label))
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="coach-surface-") as home:
        coach = Coach(home=Path(home), cache=False)
        cols = strategy_collections(coach, ds)

        def embed(texts: list[str]) -> Any:
            return unit_vectors(texts, cache=None)

        for name, fn in chosen.items():
            rows, gold, pred, exact = [], [], [], 0
            for n, upd in enumerate(ds.updates, 1):
                text = fn(upd.text)
                if problems := same_facts(upd.text, text, upd.facts):
                    raise SurfaceError(f"{name} changes update {upd.id}: {problems[0]}.")
                result = coach.rewrite(
                    text, engine=engines.FALLBACK, collection=cols.get(upd.org, "real-none")
                )
                row = score_rewrite(replace(upd, text=text), result, embed)
                sents = content_sentences(result.text)
                row["lead_key"] = key(sents[0]) if sents else ""
                row["code_missing"] = list(result.facts.missing)
                rows.append(row)
                mine = [(key(u.text), u.label) for u in result.analysis.units]
                for unit, label in gold_units.get(upd.id, ()):
                    got, same = _match(unit, mine)
                    gold.append(label)
                    pred.append(got)
                    exact += same
                if progress:
                    progress(name, n, len(ds.updates))
            s = summarise(rows)
            eye = binary(gold, pred)
            s["eye_ba"], s["eye_recall"] = eye["balanced_accuracy"], eye["outcome_recall"]
            s["units_exact"] = round(100 * exact / len(gold), 1) if gold else None
            s["code_missing"] = sum(len(r["code_missing"]) for r in rows)
            out[name] = {"summary": s, "rows": rows}
        coach.store.close()
    base = out[ORIGINAL]["rows"]
    for res in out.values():
        leads = sum(a["lead_key"] == b["lead_key"] for a, b in zip(base, res["rows"], strict=True))
        res["summary"]["same_lead"] = round(100 * leads / len(base), 1) if base else None
    return out


# (summary key, column, higher is better): the figures that should not move with the surface.
FIGURES: tuple[tuple[str, str, bool], ...] = (
    ("eye_ba", "eye BA", True),
    ("eye_recall", "eye recall", True),
    ("units_exact", "units same %", True),
    ("leads_with_outcome", "leads %", True),
    ("same_lead", "same lead %", True),
    ("facts_kept", "facts kept %", True),
    ("invented_facts", "invented", False),
    ("code_missing", "code check lost", False),
    ("garbled_fragments", "garbled", False),
    ("leaked_markup", "markup", False),
    ("orphaned_sentences", "orphans", False),
    ("asks_for_outcome", "asks %", True),
    ("process_density_ratio", "density", False),
)


def _cell(value: Any, base: Any) -> str:
    if value is None:
        return "n/a"
    fine = isinstance(value, float) and abs(value) < 1.5  # a share, not a percentage
    text = f"{value:.3f}" if fine else f"{value}"
    if base is None or value == base:
        return text
    if isinstance(value, int) and isinstance(base, int):
        return f"{text} ({value - base:+d})"
    return f"{text} ({value - base:+.3f})" if fine else f"{text} ({value - base:+.1f})"


def table(results: Mapping[str, Mapping[str, Any]]) -> str:
    """Markdown: a row per surface, a column per figure, each transform's delta from the
    original in brackets."""
    base = results[ORIGINAL]["summary"]
    head = "| surface | " + " | ".join(c for _, c, _ in FIGURES) + " |"
    lines = [head, "|---" * (len(FIGURES) + 1) + "|"]
    for name, res in results.items():
        s = res["summary"]
        cells = [_cell(s.get(k), None if name == ORIGINAL else base.get(k)) for k, _, _ in FIGURES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def worse(results: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Each (transform, figure) that moved the wrong way, with a few updates it moved on."""
    base = results[ORIGINAL]
    out = []
    for name, res in results.items():
        if name == ORIGINAL:
            continue
        for k, col, up in FIGURES:
            a, b = base["summary"].get(k), res["summary"].get(k)
            if a is not None and b is not None and (b < a if up else b > a):
                out.append(f"{name}: {col} {a} -> {b}")
        moved = [
            r["id"]
            for r, o in zip(res["rows"], base["rows"], strict=True)
            if r["lead_key"] != o["lead_key"]
            or len(r["facts_missing"]) > len(o["facts_missing"])
            or r["fragments"] + r["markup"] > o["fragments"] + o["markup"]
        ]
        if moved:
            out.append(f"{name}: {len(moved)} update(s) moved, e.g. {', '.join(moved[:4])}")
    return out


__all__ = [
    "FIGURES",
    "ORIGINAL",
    "SurfaceError",
    "key",
    "measure",
    "same_facts",
    "table",
    "visible",
    "worse",
]
