"""How low can the process density of a fact-keeping rewrite go? Bounds on a real dataset.

The figure `coach eval real` reports is, over process-heavy updates, the mean of (share of
labelled units the eye calls process in the rewrite) / (the same share in the update). This
script computes, from the update's own units and the eye's labels, what whole-sentence rewrites
could reach at best:

- keep every outcome/mixed unit and only the process units that hold a curated fact (an oracle:
  it knows the curated facts, which a hidden set's rewrite does not);
- the same, with every kept process unit folded into ONE sentence (a fold counts as one unit);
- how many process units open on a process-framing clause ("During this meeting we ...") that
  holds every process term of the unit and no fact, i.e. what a clause rule that drops such
  framing could touch at most.

    python -m eval.density_bounds [--data DIR]
"""

from __future__ import annotations

import argparse
import re
import sys

import numpy as np

from coach.analysis import analyze
from coach.errors import CoachError
from coach.evals.real import load_real, resolve_path
from coach.evals.rewrites import _norm_fact
from coach.facts import extract_facts

_FRAME = re.compile(r"[^,;:.]{3,80},\s")  # a leading clause up to its comma


def bounds(data: str | None = None) -> dict[str, float]:
    ds = load_real(resolve_path(data))
    oracle, folded, frames, process_units = [], [], 0, 0
    for upd in ds.updates:
        if upd.label != "process-heavy":
            continue
        a = analyze(upd.text)
        if a.process_density <= 0:
            continue
        scored = [u for u in a.units if u.label != "other"]
        facts = [_norm_fact(f) for f in upd.facts]
        keep = [
            u for u in scored if u.label != "process" or any(f in _norm_fact(u.text) for f in facts)
        ]
        p = sum(u.label == "process" for u in keep)
        oracle.append((p / len(keep) if keep else 0.0) / a.process_density)
        rest = len(keep) - p
        one = min(p, 1)
        folded.append((one / (one + rest) if one + rest else 0.0) / a.process_density)
        for u in a.units:
            if u.label != "process":
                continue
            process_units += 1
            m = _FRAME.match(u.text)
            if m and u.spans and all(s.end <= u.start + m.end() for s in u.spans):
                frames += not extract_facts(m.group(0))
    return {
        "process_heavy_updates": len(oracle),
        "oracle_keep_only_fact_process_units": round(float(np.mean(oracle)), 3),
        "oracle_and_all_process_in_one_sentence": round(float(np.mean(folded)), 3),
        "process_units": process_units,
        "process_units_with_a_droppable_framing_clause": frames,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    try:
        figures = bounds(ap.parse_args().data)
    except CoachError as e:  # no dataset, a bad row: one sentence, as the CLI says it
        print(f"density_bounds: {e}", file=sys.stderr)
        return 2
    for k, v in figures.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
