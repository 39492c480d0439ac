"""Choose how the rewrite's opening sums results (coach/engines/lead_join.py), held out.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.train_join --cache FILE [--write]

The replay of eval/train_lead.py forces one lead; this one composes the offline rewrite with
the lead the ranker picks AND the joined opening sentence each setting (margin, most pieces,
word cap) gives, and scores it by the lead metric itself (coach.evals.rewrites.leads_with).
Nested leave-one-organisation-out: for each organisation F, the lead ranker is the recipe of
eval/train_lead.py on the other organisations; the setting is the one that wins most on the
other organisations, each of them scored with a ranker trained without it and without F; F
is then scored once with its ranker and that setting. Ties go to the setting that joins less
(no join first). Prints, per organisation, the wins and losses against no join. `--write`
stores the setting that wins plain LOGO (each organisation with its own held-out ranker, as
eval.lead_logo runs) in coach/data/lead_ranker.json under "join".
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from coach.embeddings import get_embedder
from coach.engines import lead, lead_join
from coach.engines.arrange import compose, weak_lead, weak_opening
from coach.engines.lead_form import as_lead
from coach.engines.sections import headings_with_facts
from coach.errors import CoachError
from coach.evals.real import RealDataset, assign_folds, load_real
from coach.evals.rewrites import content_sentences, leads_with
from eval.train_lead import OUT, _cached_replay, groups, prepare, recipe

MARGINS = (0.0, 0.3, 0.65, 1.0, 99.0)
MOST = (2, 3)
# At most a fold line (prompts/offline.yaml fold_words: 40, "a line that long stays readable"):
# 45 and 60 won one or two more updates on this set (docs/quality.md) and read as run-ons.
WORDS = (25, 32, 40)
JOINS: tuple[lead_join.Settings | None, ...] = (
    None,
    *(
        lead_join.Settings(m, n, w, strict)
        for strict, n, m, w in product((True, False), MOST, MARGINS, WORDS)
    ),
)
# The lean cap (lead.block_cap): None = no lean test on the lead (the eighth round); else a
# lead whose first words point back, or whose result leans on a longer block, is weak, and
# a shorter block reads as one sentence. At most a fold line, as WORDS (60 was measured: it
# won one update with a 47-word run-on, docs/quality.md); ties go to the fold line first.
CAPS: tuple[int | None, ...] = (None, 40, 32, 25)


@dataclass(frozen=True)
class Setting:
    """One point of the grid: the lean cap and the joined opening's settings."""

    cap: int | None
    join: lead_join.Settings | None

    def __str__(self) -> str:
        return f"cap {self.cap}, join {self.join}"


# The join grid beside the caps: the 40-word strict settings (each fold chose one of them in
# rounds seven and eight) and no join; with the caps, the whole join grid is 244 settings.
GRID_NO_RESTATE: tuple[Setting, ...] = tuple(
    Setting(c, j)
    for c in CAPS
    for j in JOINS
    if j is None or (j.words == 40 and j.strict and c is not None) or c is None
)
# A piece that restates one taken (lead_join.restates: the share of its content words, links
# out, a taken piece holds) is dropped at these cuts; beside every 40-word strict join.
RESTATE = (0.5, 0.67)
GRID: tuple[Setting, ...] = GRID_NO_RESTATE + tuple(
    Setting(c, dataclasses.replace(j, restate=r))
    for r in RESTATE
    for c in CAPS
    for j in JOINS
    if j is not None and j.words == 40 and j.strict
)


class Judge:
    """Composes and scores rewrites, each (update, lead, pieces) once; embeddings cached."""

    def __init__(self, ds: RealDataset) -> None:
        self.emb = get_embedder()
        self.vecs: dict[str, np.ndarray] = {}
        self.seen: dict[tuple[Any, ...], bool] = {}
        self.upd = {}
        for u in ds.updates:
            if u.outcome:
                data, found = prepare(u.text)
                kept = " ".join(it.text + " " + " ".join(it.members) for it in found)
                self.upd[u.id] = (u.outcome, data, found, headings_with_facts(data, kept))
        self.texts: dict[tuple[Any, ...], str] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vecs]
        if missing:
            for t, v in zip(missing, self.emb.embed(missing), strict=True):
                self.vecs[t] = v
        return np.stack([self.vecs[t] for t in texts])

    def keys(self, uid: str, rk: lead.Ranker, setting: Setting) -> tuple[Any, ...]:
        """(lead, pieces, cap) the ranker and the setting give for this update."""
        _, _, found, _ = self.upd[uid]
        items = list(found)
        outcomes = [k for k, it in enumerate(items) if it.role == "outcome"]
        activity = [k for k, it in enumerate(items) if it.role == "activity"]
        st = setting.join
        with lead.capped(setting.cap):
            k = lead.choose(items, outcomes, activity, weak_opening, rk)
            if k is None:
                return (None, (), setting.cap)
            items[k] = as_lead(items[k])
            got = lead_join.pick(items, k, outcomes, activity, weak_lead, st, rk) if st else []
        return (k, tuple((p.item, p.where) for p in got), setting.cap)

    def passes(self, uid: str, key: tuple[Any, ...]) -> bool:
        if (uid, key) not in self.seen:
            outcome, data, found, context = self.upd[uid]
            k, join, cap = key
            with lead.capped(cap):
                text, _, _ = compose(
                    list(found), (), "executive", "standard", context, data, lead=k, join=join
                )
            self.texts[(uid, key)] = text
            sents = content_sentences(text)
            self.embed([outcome, *sents])
            self.seen[(uid, key)] = bool(leads_with(outcome, sents, self.embed)["leads"])
        return self.seen[(uid, key)]


def nested_choice(ds: RealDataset, cache: str | None) -> tuple[Judge, dict[str, Any]]:
    """Per organisation: its held-out ranker, the setting chosen without it, and its figures
    (with that setting and with no join); plus "plain", each setting's plain LOGO total."""
    info = json.loads(OUT.read_text("utf-8"))
    gs = groups(_cached_replay(ds, cache), float(info["min_p"]))
    l2, min_p = float(info["l2"]), float(info["min_p"])
    folds = sorted({g["fold"] for g in gs})
    fold_of = assign_folds(ds.updates)
    judge = Judge(ds)
    ids = {f: [uid for uid in judge.upd if fold_of[uid] == f] for f in folds}
    outer = {f: recipe([g for g in gs if g["fold"] != f], l2, min_p) for f in folds}
    inner = {
        (f, h): recipe([g for g in gs if g["fold"] not in (f, h)], l2, min_p)
        for f in folds
        for h in folds
        if h != f
    }

    def score(uids: list[str], rk: lead.Ranker, st: Setting) -> int:
        return sum(judge.passes(u, judge.keys(u, rk, st)) for u in uids)

    out: dict[str, Any] = {}
    for f in folds:
        inner_scores = [
            sum(score(ids[h], inner[(f, h)], st) for h in folds if h != f) for st in GRID
        ]
        st = GRID[int(np.argmax(inner_scores))]
        got = [judge.passes(u, judge.keys(u, outer[f], st)) for u in ids[f]]
        base = [judge.passes(u, judge.keys(u, outer[f], GRID[0])) for u in ids[f]]
        out[f] = {
            "ranker": outer[f],
            "setting": st,
            "inner": (max(inner_scores), inner_scores[0]),
            "ids": ids[f],
            "got": got,
            "base": base,
        }
    out["plain"] = [sum(score(ids[f], outer[f], st) for f in folds) for st in GRID]
    return judge, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--cache", default=None, help="the replay pickle of eval.train_lead")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print this many joined openings")
    args = ap.parse_args()
    try:
        ds = load_real(args.data)
    except CoachError as e:  # no dataset, a bad row: one sentence, as the CLI says it
        print(f"train_join: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    judge, out = nested_choice(ds, args.cache)
    plain = out.pop("plain")
    total, base_total = 0, 0
    for f, v in out.items():
        pairs = list(zip(v["ids"], v["got"], v["base"], strict=True))
        wins = [u for u, a, b in pairs if a and not b]
        losses = [u for u, a, b in pairs if b and not a]
        total, base_total = total + sum(v["got"]), base_total + sum(v["base"])
        print(
            f"held out {f}: {v['setting']} (inner {v['inner'][0]} vs no cap, no join "
            f"{v['inner'][1]}); leads {sum(v['got'])}/{len(v['ids'])} (no cap, no join "
            f"{sum(v['base'])}); won {wins} lost {losses}"
        )
    n = len(judge.upd)
    print(f"nested LOGO {total}/{n} = {100 * total / n:.1f}% (no cap, no join {base_total})")
    best = GRID[int(np.argmax(plain))]
    print(f"plain LOGO: no cap, no join {plain[0]}, best {max(plain)} with {best}")
    for st, s in sorted(zip(GRID, plain, strict=True), key=lambda t: -t[1])[:12]:
        print(f"    {s} {st}")
    fold_of = assign_folds(ds.updates)
    shown = 0
    for (uid, key), text in judge.texts.items():
        if not key[1] or shown >= args.show:
            continue
        if judge.keys(uid, out[fold_of[uid]]["ranker"], best) == key:
            print(f"--- {uid} ({'leads' if judge.seen[(uid, key)] else 'miss'})")
            print(text.split("\n\n")[0][:600])
            shown += 1
    if args.write:
        info = json.loads(OUT.read_text("utf-8"))
        j = best.join
        info["join"] = (
            {
                "margin": j.margin,
                "most": j.most,
                "words": j.words,
                "strict": j.strict,
                "restate": j.restate,
            }
            if j is not None
            else None
        )
        info["lean_block_words"] = best.cap
        info["join_logo"] = {"nested": [total, n], "plain": [max(plain), n], "none": plain[0]}
        OUT.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
