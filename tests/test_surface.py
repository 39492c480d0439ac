"""Surface invariance: the coach's figures must not move when an update changes only its
surface (hard-wrapped, "1)" bullets, HTML from a CMS, ...). The transforms are pure functions
(coach/evals/surface.py); the full table over the dev set is `python -m eval.surface`. Here: the
transforms keep every number, link and curated fact of all dev updates (fast, no model), and a
few real updates rewritten through two transforms keep their lead and their facts."""

from __future__ import annotations

import doctest
from dataclasses import replace

import pytest

from coach.evals import surface, surface_run
from coach.evals.real import load_real, resolve_path
from coach.evals.surface import TRANSFORMS
from coach.evals.surface_run import same_facts

DATA = resolve_path()
needs_data = pytest.mark.skipif(
    not (DATA / "updates.jsonl").is_file(), reason=f"no real-updates dataset at {DATA}"
)


def test_doctests() -> None:
    assert doctest.testmod(surface).failed == 0
    assert doctest.testmod(surface_run).failed == 0


def test_the_invariant_sees_a_changed_number_link_or_fact() -> None:
    text = "Closed [40 tickets](https://x.org/q) for Cardiff Council."
    assert same_facts(text, text.replace("40", "41"))
    assert same_facts(text, text.replace("x.org/q", "x.org/r"))
    assert same_facts(text, text.replace("Cardiff ", ""), ["Cardiff Council"])
    assert not same_facts(text, TRANSFORMS["HTML (CMS)"](text), ["Cardiff Council"])


@needs_data
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_each_transform_keeps_every_fact_of_every_dev_update(name: str) -> None:
    ds = load_real(DATA)
    changed = 0
    for upd in ds.updates:
        new = TRANSFORMS[name](upd.text)
        assert same_facts(upd.text, new, upd.facts) == [], upd.id
        changed += new != upd.text
    assert changed >= 10  # the transform does something on this set


# A few real updates with a curated outcome, from three organisations.
FEW = ("crates-io-2024-07-cargo-install-dark-mode", "ao-jquery-2023-02", "nrw-weeknotes-2022-11-24")


@pytest.mark.slow
@needs_data
def test_a_few_real_updates_keep_their_lead_and_facts_through_three_surfaces() -> None:
    ds = load_real(DATA)
    few = replace(ds, updates=tuple(u for u in ds.updates if u.id in FEW))
    assert len(few.updates) == len(FEW)
    chosen = {k: TRANSFORMS[k] for k in ("hard-wrap 72", '"1)" numbered', "HTML one line")}
    results = surface_run.measure(few, chosen)
    base = results[surface_run.ORIGINAL]["rows"]
    for name in chosen:
        for before, after in zip(base, results[name]["rows"], strict=True):
            assert after["lead_key"] == before["lead_key"], (name, after["id"])
            assert after["facts_missing"] == before["facts_missing"], (name, after["id"])
            assert after["fragments"] + after["markup"] == 0, (name, after["id"])
