"""How well the eye sees process talk and outcomes on a real dataset, by organisation.

The score is binary, on units whose (overlaid) label is not `other`: does the eye call a unit
outcome-or-mixed (positive) or not (process, or `other`, negative)? Balanced accuracy is the mean
of outcome+mixed recall and process specificity. Anything learned is scored leave-one-
organisation-out (coach.evals.real.assign_folds); a naive 20-word lexicon runs beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.evals.real import ROOT, RealDataset

POSITIVE = ("outcome", "mixed")
# The naive baseline: a unit with any of these words is process, any other is an outcome.
NAIVE_LEXICON = [
    "meeting",
    "meetings",
    "call",
    "calls",
    "sync",
    "review",
    "reviewed",
    "pr",
    "prs",
    "merged",
    "ticket",
    "tickets",
    "issue",
    "issues",
    "worked",
    "working",
    "discussed",
    "attended",
    "updated",
    "started",
]
CACHE = ROOT / ".cache" / "eval-real"


def naive_label(text: str) -> str:
    """process when the unit has one of the 20 words, else outcome: the floor to beat."""
    import re

    ws = set(re.findall(r"[a-z]+", text.lower()))
    return "process" if ws & set(NAIVE_LEXICON) else "outcome"


def binary(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Balanced accuracy, outcome+mixed recall and process specificity over non-other gold."""
    pairs = [(g in POSITIVE, p in POSITIVE) for g, p in zip(gold, pred, strict=True)]
    pairs = [(g, p) for (g, p), lab in zip(pairs, gold, strict=True) if lab != "other"]
    pos = [p for g, p in pairs if g]
    neg = [p for g, p in pairs if not g]
    recall = sum(pos) / len(pos) if pos else None
    spec = sum(not p for p in neg) / len(neg) if neg else None
    ba = (recall + spec) / 2 if recall is not None and spec is not None else None
    return {
        "balanced_accuracy": _r(ba),
        "outcome_recall": _r(recall),
        "process_specificity": _r(spec),
        "n_outcome_mixed": len(pos),
        "n_process": len(neg),
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def unit_vectors(texts: Sequence[str], cache: Path | None = CACHE) -> np.ndarray:
    """MiniLM vectors of the units, cached on disk by a hash of all texts (one pass per set)."""
    key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    path = cache / f"units-{key}.npy" if cache else None
    if path and path.is_file():
        vecs = np.load(path)
        if vecs.shape[0] == len(texts):
            return vecs
    from coach.embeddings import get_embedder

    vecs = get_embedder().embed(list(texts))
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
    return vecs


RULES = "rules alone"
SHIPPED = "shipped eye (rules + learned layer)"
LOGO = "rules + learned layer, leave-one-org-out"


def predictions(ds: RealDataset, vectors: np.ndarray | None) -> dict[str, list[str]]:
    """Each eye's label for every unit: naive baseline, rules, shipped learned layer, and the
    learned recipe (shipped settings) retrained leave-one-organisation-out."""
    from coach import classifier
    from coach.analysis import label_unit

    texts = [u.text for u in ds.units]
    lexical = [label_unit(t) for t in texts]
    out: dict[str, list[str]] = {
        "naive 20-word lexicon": [naive_label(t) for t in texts],
        RULES: [u.label for u in lexical],
    }
    with contextlib.suppress(ValueError):  # weights of an older feature set: not scored
        out[SHIPPED] = classifier.predict(lexical, vectors)
    params = classifier.shipped_info().get("params", {})
    folds = np.array([ds.folds[u.update_id] for u in ds.units])
    if len(set(folds)) < 2:
        return out
    gold = [u.label for u in ds.units]
    logo = [""] * len(texts)
    for f in sorted(set(folds)):
        test = folds == f
        train_idx, test_idx = np.flatnonzero(~test), np.flatnonzero(test)
        model = classifier.train(
            [lexical[i] for i in train_idx],
            None if vectors is None else vectors[train_idx],
            [gold[i] for i in train_idx],
            **params,
        )
        got = model.predict(
            [lexical[i] for i in test_idx], None if vectors is None else vectors[test_idx]
        )
        for i, lab in zip(test_idx, got, strict=True):
            logo[i] = lab
    out[LOGO] = logo
    return out


def eye_section(ds: RealDataset, *, learned: bool = True) -> dict[str, Any]:
    """Scores per eye, overall and per held-out organisation, plus the worst misses."""
    if not ds.units:
        return {"skipped": "no units.jsonl"}
    from coach.classifier import needs_vectors

    vectors = unit_vectors([u.text for u in ds.units]) if learned and needs_vectors() else None
    preds = predictions(ds, vectors)
    gold = [u.label for u in ds.units]
    folds = [ds.folds[u.update_id] for u in ds.units]
    eyes: dict[str, Any] = {}
    for name, pred in preds.items():
        per_fold = {}
        for f in sorted(set(folds)):
            idx = [i for i, x in enumerate(folds) if x == f]
            per_fold[f] = binary([gold[i] for i in idx], [pred[i] for i in idx])
        eyes[name] = {"all": binary(gold, pred), "by_org": per_fold}
    best = LOGO if LOGO in preds else RULES  # misses of the held-out eye
    misses = [
        {"update_id": u.update_id, "gold": u.label, "eye": p, "unit": u.text[:240]}
        for u, p in zip(ds.units, preds[best], strict=True)
        if u.label != "other" and (u.label in POSITIVE) != (p in POSITIVE)
    ]
    from coach.classifier import shipped_info

    info = shipped_info()
    return {
        "eyes": eyes,
        "scored_eye": best,
        "folds": {f: folds.count(f) for f in sorted(set(folds))},
        "label_fixes_applied": ds.fixes_applied,
        "shipped_trained_on_this_set": info.get("dataset") == ds.fingerprint(),
        "misses": misses[:12],
        "n_misses": len(misses),
    }


__all__ = ["NAIVE_LEXICON", "binary", "eye_section", "naive_label", "unit_vectors"]
