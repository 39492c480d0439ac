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
import json
from itertools import product
from typing import Any

import numpy as np

from coach.embeddings import get_embedder
from coach.engines import lead, lead_join
from coach.engines.arrange import compose, weak_lead
from coach.engines.lead_form import as_lead
from coach.engines.sections import headings_with_facts
from coach.evals.real import RealDataset, assign_folds, load_real
from coach.evals.rewrites import content_sentences, leads_with
from eval.train_lead import OUT, _cached_replay, groups, prepare, recipe

MARGINS = (0.0, 0.3, 0.65, 1.0, 99.0)
MOST = (2, 3)
# At most a fold line (prompts/offline.yaml fold_words: 40, "a line that long stays readable"):
# 45 and 60 won one or two more updates on this set (docs/quality.md) and read as run-ons.
WORDS = (25, 32, 40)
GRID: tuple[lead_join.Settings | None, ...] = (
    None,
    *(
        lead_join.Settings(m, n, w, strict)
        for strict, n, m, w in product((True, False), MOST, MARGINS, WORDS)
    ),
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

    def keys(self, uid: str, rk: lead.Ranker, st: lead_join.Settings | None) -> tuple[Any, ...]:
        """(lead, pieces) the ranker and the setting give for this update."""
        _, _, found, _ = self.upd[uid]
        items = list(found)
        outcomes = [k for k, it in enumerate(items) if it.role == "outcome"]
        activity = [k for k, it in enumerate(items) if it.role == "activity"]
        k = lead.choose(items, outcomes, activity, weak_lead, rk)
        if k is None:
            return (None, ())
        items[k] = as_lead(items[k])
        got = lead_join.pick(items, k, outcomes, activity, weak_lead, st, rk) if st else []
        return (k, tuple((p.item, p.where) for p in got))

    def passes(self, uid: str, key: tuple[Any, ...]) -> bool:
        if (uid, key) not in self.seen:
            outcome, data, found, context = self.upd[uid]
            k, join = key
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

    def score(uids: list[str], rk: lead.Ranker, st: lead_join.Settings | None) -> int:
        return sum(judge.passes(u, judge.keys(u, rk, st)) for u in uids)

    out: dict[str, Any] = {}
    for f in folds:
        inner_scores = [
            sum(score(ids[h], inner[(f, h)], st) for h in folds if h != f) for st in GRID
        ]
        st = GRID[int(np.argmax(inner_scores))]
        got = [judge.passes(u, judge.keys(u, outer[f], st)) for u in ids[f]]
        base = [judge.passes(u, judge.keys(u, outer[f], None)) for u in ids[f]]
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
    ds = load_real(args.data)
    judge, out = nested_choice(ds, args.cache)
    plain = out.pop("plain")
    total, base_total = 0, 0
    for f, v in out.items():
        pairs = list(zip(v["ids"], v["got"], v["base"], strict=True))
        wins = [u for u, a, b in pairs if a and not b]
        losses = [u for u, a, b in pairs if b and not a]
        total, base_total = total + sum(v["got"]), base_total + sum(v["base"])
        print(
            f"held out {f}: setting {v['setting']} (inner {v['inner'][0]} vs no join "
            f"{v['inner'][1]}); leads {sum(v['got'])}/{len(v['ids'])} (no join "
            f"{sum(v['base'])}); won {wins} lost {losses}"
        )
    n = len(judge.upd)
    print(f"nested LOGO with joins {total}/{n} = {100 * total / n:.1f}% (no join {base_total})")
    best = GRID[int(np.argmax(plain))]
    print(f"plain LOGO: no join {plain[0]}, best {max(plain)} with {best}")
    for st, s in sorted(zip(GRID, plain, strict=True), key=lambda t: -t[1])[:12]:
        print(f"    {s} {st}")
    fold_of = assign_folds(ds.updates)
    shown = 0
    for (uid, (k, join)), text in judge.texts.items():
        if not join or shown >= args.show:
            continue
        if judge.keys(uid, out[fold_of[uid]]["ranker"], best) == (k, join):
            print(f"--- {uid} ({'leads' if judge.seen[(uid, (k, join))] else 'miss'})")
            print(text.split("\n\n")[0][:600])
            shown += 1
    if args.write and best is not None:
        info = json.loads(OUT.read_text("utf-8"))
        info["join"] = {
            "margin": best.margin,
            "most": best.most,
            "words": best.words,
            "strict": best.strict,
        }
        info["join_logo"] = {"nested": [total, n], "plain": [max(plain), n], "none": plain[0]}
        OUT.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
