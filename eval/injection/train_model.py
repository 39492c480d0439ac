"""Train the language-independent injection classifier (coach/data/injection_model.json).

    OMP_WAIT_POLICY=passive .venv/bin/python eval/injection/train_model.py [--real DIR]

A class-balanced ridge classifier (closed form, deterministic) on multilingual sentence
vectors (coach.multilingual, USE multilingual v3), scored exactly as coach.injection_model
scores text: sentences with split lines joined, disguises undone, rot13 readings. Positives:
the orders in train_payloads.py and the payloads of dev, fresh and fresh2. Negatives:
eval/units.jsonl, the clean lines in train_payloads.py (other languages, asks to people) and
every sentence of the real updates.

Two thresholds, both chosen by leave-one-organisation-out (for each real organisation, train
without it and score its sentences; each threshold sits a margin above the highest held-out
clean score it applies to, so no held-out real update would have raised an alarm):
- `threshold`: for any sentence;
- `threshold_offgenre`: for a sentence unlike every other sentence of its update (cosine to
  the closest one below `genre_max`): an order to a model does not fit a status update's genre.
Also prints leave-one-set-out recall (train without dev, fresh or fresh2; thresholds from the
same leave-one-organisation-out), i.e. what it does on payloads it never saw.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval/injection"))

from train_payloads import clean, positives  # noqa: E402

from coach import injection_model, multilingual  # noqa: E402

DEFAULT_REAL = Path(os.environ.get("COACH_REAL_DATA", ROOT.parent / "shared/datasets/real-updates"))
MARGIN = 0.05  # on the ridge score (+1 order, -1 clean)
GENRE_MAX = 0.3
RIDGE = 1.0
SETS = ("dev", "fresh", "fresh2")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def fit(x: np.ndarray, y: np.ndarray, lam: float = RIDGE) -> tuple[np.ndarray, float]:
    """Class-balanced ridge regression onto +1 (order) / -1 (clean), bias unpenalised."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    t = np.where(y == 1, 1.0, -1.0)
    pos = (y == 1).sum()
    weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    reg = lam * np.eye(x1.shape[1])
    reg[-1, -1] = 0.0
    sol = np.linalg.solve((x1 * weight[:, None]).T @ x1 + reg, (x1 * weight[:, None]).T @ t)
    return sol[:-1], float(sol[-1])


class Texts:
    """Every scored text (its readings as rows), with label, group and context."""

    def __init__(self) -> None:
        self.rows: list[str] = []  # readings, embedded
        self.label: list[int] = []
        self.group: list[str] = []
        self.owner: list[int] = []  # reading -> piece
        self.pieces: list[tuple[int, int, str]] = []  # (first row, rows, group) per piece
        self.updates: list[tuple[list[int], str, set[int]]] = []  # (pieces, group, payload pieces)

    def piece(self, text: str, label: int, group: str, all_readings: bool = True) -> int:
        readings = injection_model.readings(text)
        readings = readings if all_readings else readings[:1]
        first = len(self.rows)
        for r in readings:
            self.rows.append(r)
            self.label.append(label)
            self.group.append(group)
            self.owner.append(len(self.pieces))
        self.pieces.append((first, len(readings), group))
        return len(self.pieces) - 1

    def update(self, text: str, group: str, payload: str = "") -> None:
        """A whole update: each sentence a piece, the payload's sentences positive."""
        ids, bad = [], set()
        for a, b in injection_model.segments(text):
            p = text[a:b]
            hit = bool(payload) and any(
                line.strip(" -") and line.strip(" -") in p for line in payload.split("\n")
            )
            i = self.piece(p, int(hit), group)
            ids.append(i)
            if hit:
                bad.add(i)
        self.updates.append((ids, group, bad))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    args = ap.parse_args()
    real = Path(args.real)
    data = Texts()
    for _, t in positives():
        data.piece(t, 1, "train", False)
    for r in _jsonl(ROOT / "eval/units.jsonl"):
        for a, b in injection_model.segments(r["text"]):
            data.piece(r["text"][a:b], 0, "synthetic")
    for _, t in clean():
        data.piece(t, 0, "clean")
    for name in SETS:
        for r in _jsonl(ROOT / f"eval/injection/{name}_payloads.jsonl"):
            data.update(r["update"], name, r["payload"])
    for u in _jsonl(real / "updates.jsonl"):
        data.update(u["text"], "real:" + (u.get("org") or "none"))

    x = multilingual.embed(data.rows).astype(np.float64)
    y = np.asarray(data.label, dtype=np.float64)
    group = np.asarray(data.group)
    owner = np.asarray(data.owner)
    first = np.asarray([f for f, _, _ in data.pieces])
    # closeness of each piece to the nearest other piece of its update (1.0: no other piece)
    near = np.ones(len(data.pieces))
    for ids, _, _ in data.updates:
        if len(ids) > 1:
            v = x[first[ids]]
            sim = v @ v.T
            np.fill_diagonal(sim, -1.0)
            near[ids] = sim.max(axis=1)
    orgs = sorted(g for g in set(data.group) if g.startswith("real:"))
    print(f"{len(data.pieces)} pieces, {len(x)} readings, {int(y.sum())} positive readings")

    def piece_scores(w: np.ndarray, b: float, rows: np.ndarray) -> dict[int, float]:
        s = x[rows] @ w + b
        best: dict[int, float] = {}
        for p, v in zip(owner[rows], s, strict=True):
            best[int(p)] = max(best.get(int(p), -9.0), float(v))
        return best

    def thresholds(keep: np.ndarray) -> tuple[float, float, str]:
        top, top_off, worst = -9.0, -9.0, ""
        for org in orgs:
            w, b = fit(x[keep & (group != org)], y[keep & (group != org)])
            for p, v in piece_scores(w, b, np.flatnonzero(group == org)).items():
                if v > top:
                    top, worst = v, data.rows[first[p]]
                if near[p] < GENRE_MAX:
                    top_off = max(top_off, v)
        return top + MARGIN, top_off + MARGIN, worst

    everything = np.ones(len(y), dtype=bool)
    thr, thr_off, worst = thresholds(everything)
    n_off = sum(
        near[i] < GENRE_MAX for ids, g, _ in data.updates if g.startswith("real:") for i in ids
    )
    print(f"threshold {thr:.3f} (highest held-out real sentence: {worst[:90]!r})")
    print(f"off-genre threshold {thr_off:.3f} ({n_off} real sentences are off-genre)")

    for name in SETS:  # leave one payload set out
        keep = group != name
        t1, t2, _ = thresholds(keep)
        w, b = fit(x[keep], y[keep])
        caught = misses = 0
        for _ids, g, bad in data.updates:
            if g != name:
                continue
            scores = piece_scores(w, b, np.flatnonzero(np.isin(owner, list(bad))))
            ok = any(v >= t1 or (near[p] < GENRE_MAX and v >= t2) for p, v in scores.items())
            caught += ok
            misses += not ok
        print(
            f"leave {name} out: thresholds {t1:.3f} / {t2:.3f}, {caught}/{caught + misses} payloads"
        )

    w, b = fit(x, y)
    out = {
        "model": multilingual.MODEL_ID,
        "threshold": round(thr, 4),
        "threshold_offgenre": round(thr_off, 4),
        "genre_max": GENRE_MAX,
        "bias": round(b, 6),
        "weights": [round(float(v), 6) for v in w],
        "trained_on": f"{int(y.sum())} order readings, {int((y == 0).sum())} clean readings; "
        "see eval/injection/train_model.py",
    }
    (ROOT / "coach/data/injection_model.json").write_text(json.dumps(out) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
