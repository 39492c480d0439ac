"""Analyzer throughput on a ~120-word update, one core, beside two references in the same run.

References: a naive scan (one compiled regex per lexicon term, the obvious way to flag terms) and
a plain `str.split` tokenisation pass over the same text (a floor no analyzer can beat). The
semantic layer's cost is stated separately: MiniLM embedding of the update's units.
"""

from __future__ import annotations

import re

from bench.common import SYNTHETIC_UPDATE as UPDATE
from bench.common import cpu_rate


def run() -> list[dict]:
    from coach.analysis import analyze
    from coach.rules import load_rules

    rules = load_rules()
    words = len(UPDATE.split())
    naive = [
        re.compile(rf"(?<![\w-]){re.escape(t)}(?![\w-])", re.I)
        for c in rules.categories
        for t in c.terms
    ]

    def naive_scan() -> None:
        for p in naive:
            p.findall(UPDATE)

    ours = cpu_rate(lambda: analyze(UPDATE, rules), seconds=1.5)
    ref = cpu_rate(naive_scan, seconds=1.5)
    floor = cpu_rate(lambda: UPDATE.lower().split(), seconds=1.5)
    rows = [
        {
            "metric": f"analyze() lexical, {words}-word update",
            "value": ours,
            "unit": "updates/s",
            "reference": f"naive regex-per-term scan ({len(naive)} terms)",
            "reference_value": ref,
            "higher_is_better": True,
        },
        {
            "metric": f"analyze() lexical, {words}-word update",
            "value": ours,
            "unit": "updates/s",
            "reference": "str.lower().split() alone",
            "reference_value": floor,
            "higher_is_better": True,
        },
    ]
    try:
        from coach.embeddings import get_embedder

        emb = get_embedder()
        texts = [u.text for u in analyze(UPDATE, rules).units]
        sem = cpu_rate(lambda: emb.embed_uncached(texts), seconds=3.0)  # the cache would hide it
        rows.append(
            {
                "metric": f"semantic layer cost: MiniLM on the {len(texts)} units, uncached",
                "value": 1000 / sem,
                "unit": "ms/update",
                "reference": "analyze() lexical",
                "reference_value": 1000 / ours,
                "higher_is_better": False,
            }
        )
    except Exception as exc:  # the model may be absent on a bare checkout; the lexical rows stand
        print(f"semantic layer not measured: {exc}")
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
