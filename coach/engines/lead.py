"""Which item the offline rewrite leads with: a small learned ranker over what the pipeline
already knows about each candidate (the eye's label probabilities and outcome-finder signals,
where the author put it, its facts and length), trained by eval/train_lead.py on real updates
and validated leave-one-organisation-out; the weights ship as data (coach/data/lead_ranker.json).

Candidates are the items the sorting filed as outcomes and, so the eye's misses can still
lead, activity items that state a result (the outcome finder's `result` signal, or a learned
outcome probability above `min_p`): what leads is a result, never plain activity. A weak lead
(a plan, a sentence about the post, one leaning on a sentence the reader has not seen) never
leads while a sound candidate exists. No embedding: the ranker reads no vectors, so it adds
no model call to a rewrite (docs/quality.md, fifth round, says what vectors added held out).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from coach.engines.sections import Item
from coach.facts import extract_facts

WEIGHTS = "data/lead_ranker.json"
FEATURES = (
    "filed_outcome",  # the sorting filed it as an outcome (the eye said outcome/mixed)
    "p_result",  # the learned layer's P(outcome or mixed), best unit of the item
    "p_first",  # the same for the item's first unit (what the reader reads first)
    "pure_outcome",  # some unit is outcome, not mixed
    "sig_result",  # the outcome finder's signals, any unit
    "sig_measure",
    "sig_change",
    "sig_beneficiary",
    "facts",  # checkable facts, capped at 5, / 5
    "figure",  # an amount: a percentage, money or a number that is no year, version or title
    "date",
    "rank",  # its place among the candidates, 0 = first, 1 = last
    "first_candidate",
    "last_candidate",
    "place",  # its place among all the update's items
    "heading_first",  # the first item under its heading
    "bullet",
    "lead_in",  # a lead-in with bullets
    "words",  # log length
    "short",  # under 8 words
    "heading_result",  # led in by a heading that states a result ("X is now a static website")
    "stated",  # a result stated in a form of its own (a summary line, a status, a headline)
)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Ranker:
    """A linear scorer over the named FEATURES it was trained on (LOGO selection keeps only a
    few), each standardised with the training set's mean and scale."""

    names: tuple[str, ...]
    w: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    min_p: float = 0.5  # an activity item needs this P(result), or the `result` signal

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Scores of rows of all FEATURES (as `features` returns them), rounded: candidates
        with the same features tie exactly, so the author's order breaks the tie (a matrix
        product may differ in the last bit from row to row, which broke ties at random)."""
        cols = [FEATURES.index(n) for n in self.names]
        return np.round(((x[:, cols] - self.mean) / self.scale) @ self.w, 9)


_override: list[Ranker] = []


@lru_cache(maxsize=1)
def _load() -> Ranker:
    data = json.loads(resources.files("coach").joinpath(WEIGHTS).read_text("utf-8"))
    names = tuple(data["features"])
    if not set(names) <= set(FEATURES) or len(data["w"]) != len(names):
        raise ValueError("coach/data/lead_ranker.json does not match these features: retrain it")
    return Ranker(
        names,
        np.asarray(data["w"], float),
        np.asarray(data["mean"], float),
        np.asarray(data["scale"], float),
        float(data.get("min_p", 0.5)),
    )


_cap_override: list[int | None] = []


def block_cap() -> int | None:
    """At most this many words of a lead block whose result leans on the sentences before it
    (lead_form.result_block_words); None: no cap. Chosen by nested leave-one-organisation-out
    (eval/train_join.py); ships in coach/data/lead_ranker.json as "lean_block_words"."""
    return _cap_override[-1] if _cap_override else _shipped_cap()


@lru_cache(maxsize=1)
def _shipped_cap() -> int | None:
    data = json.loads(resources.files("coach").joinpath(WEIGHTS).read_text("utf-8"))
    cap = data.get("lean_block_words")
    return None if cap is None else int(cap)


def use_cap(cap: int | None, active: bool = True) -> None:
    """Cap lean blocks at `cap` from now on; active False: back to the shipped cap. For eval."""
    _cap_override.clear()
    if active:
        _cap_override.append(cap)


@contextmanager
def capped(cap: int | None) -> Iterator[None]:
    """Cap lean blocks at `cap` inside the block, then back to what was in force (the replay
    trains the ranker with no cap whatever ships; eval/train_join.py scores each cap)."""
    saved = list(_cap_override)
    use_cap(cap)
    try:
        yield
    finally:
        _cap_override[:] = saved


def shipped() -> Ranker:
    """The shipped ranker, or the one `use` installed (the held-out replay of eval.lead_logo)."""
    return _override[-1] if _override else _load()


def use(ranker: Ranker | None) -> None:
    """Rank with `ranker` from now on (None: back to the shipped weights). For evaluation."""
    _override.clear()
    if ranker is not None:
        _override.append(ranker)


def result_probability(it: Item) -> tuple[float, float]:
    """(best, first) P(outcome or mixed) of the item's units, by the eye's learned layer."""
    from coach.classifier import probabilities

    if not it.units:
        return 0.0, 0.0
    p = probabilities(it.units)
    pos = p[:, 1] + p[:, 2]
    return float(pos.max()), float(pos[0])


def candidates(
    items: Sequence[Item],
    outcomes: Sequence[int],
    activity: Sequence[int],
    min_p: float | None = None,
) -> list[int]:
    """The items that may lead, in the author's order: outcomes, and activity that states a
    result (by the outcome finder's signal or the learned layer's probability >= min_p)."""
    floor = shipped().min_p if min_p is None else min_p
    extra = []
    for i in activity:
        it = items[i]
        if it.awaited:  # "This is waiting for ... to be approved": no result stated yet
            continue
        if (
            any("result" in u.signals for u in it.units)
            or _heading_result(it)
            or (floor <= 1.0 and result_probability(it)[0] >= floor)
        ):
            extra.append(i)
    return sorted({*outcomes, *extra})


def _heading_result(it: Item) -> bool:
    """The item is led in by its heading, and the heading states a result ("`rust-lang.org`
    is now a static website: We converted ..."): the item, as shown, states it."""
    from coach.analysis import states_result

    return it.headed and states_result(it.heading)


def _stated(it: Item) -> bool:
    from coach.analysis import stated_result
    from coach.rules import load_rules

    rules = load_rules()
    return any(stated_result(u.text, rules, u.spans) for u in it.units)


_NEEDS_P = ("p_result", "p_first")
_LINK_LABEL = re.compile(r"\[[^\]]*\]\([^)]*\)|https?://\S+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_VERSION = re.compile(r"(?:version|v|release)\s*$", re.I)


def _amount(text: str) -> bool:
    """A figure that counts or measures something: a percentage, money, or a number that is
    not a year, not a version and not inside a link or its label (a title's "2024-2025")."""
    shown = _LINK_LABEL.sub(" ", text)
    for f in extract_facts(shown):
        if f.kind in ("percent", "money"):
            return True
        if f.kind != "number" or len(f.text) < 2 or _YEAR.fullmatch(f.text):
            continue
        at = shown.find(f.text)
        if at >= 0 and _VERSION.search(shown[max(0, at - 10) : at]):
            continue
        return True
    return False


def features(
    items: Sequence[Item], cands: Sequence[int], names: Sequence[str] = FEATURES
) -> np.ndarray:
    """One row of FEATURES per candidate. The learned layer's probabilities are computed only
    when `names` (the ranker's features) reads them; otherwise those columns are 0."""
    need_p = any(n in names for n in _NEEDS_P)
    rows = []
    n, m = max(len(items) - 1, 1), max(len(cands) - 1, 1)
    seen_heading: dict[str, int] = {}
    for k, it in enumerate(items):
        seen_heading.setdefault(it.heading, k)
    for r, i in enumerate(cands):
        it = items[i]
        sig = {s for u in it.units for s in u.signals}
        best, first = result_probability(it) if need_p else (0.0, 0.0)
        facts = extract_facts(" ".join((it.text, *it.members)))
        kinds = {f.kind for f in facts}
        figure = _amount(" ".join((it.text, *it.members)))
        words = len(it.text.split()) + sum(len(x.split()) for x in it.members)
        rows.append(
            [
                float(it.role == "outcome"),
                best,
                first,
                float(any(u.label == "outcome" for u in it.units)),
                float("result" in sig),
                float("measure" in sig),
                float("change" in sig),
                float("beneficiary" in sig),
                min(len(facts), 5) / 5,
                float(figure),
                float("date" in kinds),
                r / m,
                float(r == 0),
                float(r == len(cands) - 1 and len(cands) > 1),
                i / n,
                float(seen_heading[it.heading] == i),
                float(it.kind == "bullet"),
                float(bool(it.members)),
                math.log1p(words) / 5,
                float(words < 8 and not _DIGIT.search(it.text)),
                float(_heading_result(it)),
                float(_stated(it)),
            ]
        )
    return np.asarray(rows, float).reshape(len(cands), len(FEATURES))


def choose(
    items: Sequence[Item],
    outcomes: Sequence[int],
    activity: Sequence[int],
    is_weak: Callable[[Item], bool],
    ranker: Ranker | None = None,
) -> int | None:
    """The index of the item that leads, or None when nothing states a result. A weak lead
    leads only when every outcome is weak (then the ranker picks among the outcomes)."""
    cands = candidates(items, outcomes, activity)
    if not cands:
        return None
    sound = [i for i in cands if not is_weak(items[i])]
    pool = sound or list(outcomes)
    if not pool:
        return None
    rk = ranker or shipped()
    score = rk.scores(features(items, cands, rk.names))
    by = dict(zip(cands, score.tolist(), strict=True))
    return max(pool, key=lambda i: (by[i], -i))
