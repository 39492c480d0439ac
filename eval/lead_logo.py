"""Which item leads, held out for real: the lead ranker trained leave-one-organisation-out.

    OMP_WAIT_POLICY=passive .venv/bin/python -m eval.lead_logo [--data DIR]

For each organisation (openssf, rust-lang, nrw; the small ones pooled as "other"), the lead
ranker's recipe (eval/train_lead.py: feature selection and fit on the replay, with the shipped
settings `min_p` and `l2`) runs on the OTHER organisations' updates only, and the real offline
rewrite of the held-out organisation's updates (coach.evals.rewrites.rewrite_all, each against
its own strategy, as `make eval-real` runs it) is scored with that ranker and with the joined
opening's setting chosen without that organisation (eval/train_join.py). Prints each fold's
features and figure and the held-out total, the headline figure of docs/quality.md (~3 minutes
on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from coach.engines import lead, lead_join
from coach.errors import CoachError
from coach.evals.real import assign_folds, load_real
from coach.evals.rewrites import rewrite_all, summarise
from eval.train_join import nested_choice


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--cache", default=None, help="the replay pickle of eval.train_lead")
    args = ap.parse_args()
    try:
        ds = load_real(args.data)
    except CoachError as e:  # no dataset, a bad row: one sentence, as the CLI says it
        print(f"lead_logo: {e}", file=sys.stderr)
        return 2
    folds = assign_folds(ds.updates)
    held, n = 0, 0
    try:
        _, chosen = nested_choice(ds, args.cache)
        chosen.pop("plain")
        for fold, v in sorted(chosen.items()):
            ranker = v["ranker"]
            lead.use(ranker)
            lead_join.use(v["setting"].join)  # chosen on the other organisations (eval.train_join)
            lead.use_cap(v["setting"].cap)
            sub = [u for u in ds.updates if folds[u.id] == fold]
            rows = rewrite_all(dataclasses.replace(ds, updates=tuple(sub)))
            s = summarise(rows)
            k = sum(1 for r in rows if r.get("lead", {}).get("leads"))
            held, n = held + k, n + s["outcome_updates"]
            weights = dict(zip(ranker.names, [round(float(w), 3) for w in ranker.w], strict=True))
            print(
                f"held out {fold}: ranker {weights}, {v['setting']}, "
                f"leads {k}/{s['outcome_updates']}"
            )
            for r in rows:
                if "lead" in r and not r["lead"]["leads"]:
                    print(f"    miss {r['id']}: {r['lead']['first'][:90]!r}")
    finally:
        lead.use(None)
        lead.use_cap(None, active=False)
        lead_join.use(None, active=False)
    print(f"leave-one-organisation-out, real rewrites: {held}/{n} = {100 * held / max(n, 1):.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
