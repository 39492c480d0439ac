"""Train the language-independent injection classifier (coach/data/injection_model.json).

    OMP_WAIT_POLICY=passive .venv/bin/python eval/injection/train_model.py [--real DIR]

A class-balanced ridge classifier (closed form, deterministic) on multilingual sentence
vectors (coach.multilingual, USE multilingual v3), scored exactly as coach.injection_model
scores text: sentences with split lines joined, disguises undone, rot13 readings. Positives:
the orders in train_payloads.py and the payloads of dev, fresh and fresh2. Negatives:
eval/units.jsonl, the clean lines in train_payloads.py (other languages, asks to people) and
every sentence of the real updates.

Pieces are what coach.injection_model reads: sentences, and structural readings (a table row
cell after cell, a column top to bottom, a heading with its first line, steps in order, data
values; coach.injection_structure). In a payload update a piece with the marker (and little
else) is an order, one with no payload word is clean, a fragment is neither.

Thresholds, per kind (sentences and decoded readings; structural readings), all chosen by
leave-one-organisation-out (for each real organisation, train
without it and score its sentences; each threshold sits a margin above the highest held-out
clean score it applies to, so no held-out real update would have raised an alarm):
- `threshold`: for any sentence;
- `threshold_offgenre`: for a sentence unlike every other sentence of its update (cosine to
  the closest one below `genre_max`): an order to a model does not fit a status update's genre.
Also prints leave-one-set-out recall (train without dev, fresh or fresh2; thresholds from the
same leave-one-organisation-out), i.e. what it does on payloads it never saw.

Since round seven the pieces include clause readings of long sentences (their own two
thresholds), every measured payload set (dev, fresh, fresh2 ... fresh6) is trained on and left
out in turn, and train_world.py's orders in ~80 languages are scored for a leave-one-family-out
figure (train without a language family, score its orders and clean lines alone, at the
sentence threshold); they are trained on only when asked.

Experiments (off by default; the shipped model is trained without them): INJECTION_SETS
(comma list of payload sets trained on and left out in turn), META_MARKERS=N (train_meta.py's
texts about the rewrite of this text, x the first N markers), META_CLEAN=1 (train_meta.py's
clean look-alikes), WORLD_MARKERS=N (train_world.py's orders x the first N markers),
WORLD_CLEAN=1 (its clean lines; 2: also its asks about other summaries), WORLD_PROTOTYPES=0
(its orders not as prototypes), CLAUSES=0 (no clause readings: round six's pieces),
FAMILY_OUT=0 (skip the leave-one-family-out loop, ~4x faster).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval/injection"))

from train_meta import meta_clean, meta_positives  # noqa: E402
from train_payloads import MARKERS, clean, positives  # noqa: E402
from train_world import families, world, world_clean  # noqa: E402

from coach import injection_model, injection_structure, multilingual  # noqa: E402

DEFAULT_REAL = Path(os.environ.get("COACH_REAL_DATA", ROOT.parent / "shared/datasets/real-updates"))
MARGIN = 0.05  # on the ridge score (+1 order, -1 clean)
GENRE_MAX = 0.3
RIDGE = 1.0
# The score adds ALPHA x the cosine to the closest training order: "near a known order in any
# language" generalises where one linear direction does not (leave-one-set-out: dev 39/39,
# fresh 18 -> 18/20 at 0.5 and 19/20 at 1.0, fresh2 17 -> 19/20 at 0.5 and 18/20 at 1.0).
ALPHA = float(os.environ.get("INJECTION_ALPHA", "0.5"))
SETS = tuple(
    os.environ.get("INJECTION_SETS", "dev,fresh,fresh2,fresh3,fresh4,fresh5,fresh6").split(",")
)
# train_world.py: orders and clean lines in ~80 languages (x the first N markers; 0 = not
# trained on, but still scored for the leave-one-family-out figure), and clause pieces
WORLD_MARKERS = int(os.environ.get("WORLD_MARKERS", "0"))
WORLD_CLEAN = os.environ.get("WORLD_CLEAN", "0") in ("1", "2")
WORLD_CLEAN_MORE = os.environ.get("WORLD_CLEAN", "0") == "2"  # + asks about other summaries
WORLD_PROTOTYPES = os.environ.get("WORLD_PROTOTYPES", "1") == "1"  # world orders as prototypes
KINDS = ("sentences", "structural readings", "clauses")
if os.environ.get("CLAUSES", "1") == "0":  # experiment: without clause readings (round six)
    injection_structure.clauses = lambda text, a, b: []  # type: ignore[assignment]


def _kind(p: injection_structure.Piece) -> int:
    """0 a sentence, 1 a structural reading, 2 a clause reading (each has its thresholds)."""
    return 2 if p.clause else int(p.joined)


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
        self.kind: list[int] = []  # per piece: sentence, structural or clause (thresholds)
        self.sentence: dict[int, bool] = {}  # per piece of an update: one of its sentences
        self.updates: list[tuple[list[int], str, set[int], list[frozenset[int]]]] = []
        # (pieces, group, payload pieces, sentences each piece overlaps)

    def piece(
        self, text: str, label: int, group: str, all_readings: bool = True, kind: int = 0
    ) -> int:
        """Add one piece; label 1 order, 0 clean, -1 neither (kept for context only)."""
        if not injection_model.informative(text):
            label = -2  # never scored (coach.injection_model.informative): not for thresholds
        readings = injection_model.readings(text)
        readings = readings if all_readings else readings[:1]
        first = len(self.rows)
        for r in readings:
            self.rows.append(r)
            self.label.append(label)
            self.group.append(group)
            self.owner.append(len(self.pieces))
        self.pieces.append((first, len(readings), group))
        self.kind.append(kind)
        return len(self.pieces) - 1

    def update(self, text: str, group: str, payload: str = "", marker: str = "") -> None:
        """A whole update: each piece the classifier reads (sentences and structural joins).
        A piece holding the payload's marker, and little else, is an order; a piece with no
        payload word is clean; a payload fragment without the marker, or the marker drowned
        in clean lines, is neither (not trained on, not used for thresholds)."""
        ids, overlaps = [], []
        pay = set(_words(payload))
        for p in injection_model.pieces(text):
            read = p.read(text)
            words = _words(read)
            label = 0
            if payload:
                ours = sum(w in pay for w in words)
                if marker in read:
                    # the marker drowned in clean lines is neither
                    label = 1 if ours >= len(words) / 2 else -1
                elif ours >= len(words) / 2 and any(w in pay and len(w) > 3 for w in words):
                    label = -1  # a fragment of the payload without its marker
            ids.append(self.piece(read, label, group, kind=_kind(p)))
            self.sentence[ids[-1]] = not p.joined
            overlaps.append(p.sentences)
        bad = {i for i in ids if self.label[self.pieces[i][0]] == 1}
        self.updates.append((ids, group, bad, overlaps))


def _world_pieces(data: Texts, text: str, label: int, group: str, marker: str = "") -> list[int]:
    """One train_world.py line as the classifier reads it alone: the sentence, and its clauses
    (for an order: only those holding the marker)."""
    ids = [data.piece(text, label, group)]
    for a, b in injection_structure.clauses(text, 0, len(text)):
        if not marker or marker in text[a:b]:
            ids.append(data.piece(text[a:b], label, group, kind=2))
    return ids


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    args = ap.parse_args()
    real = Path(args.real)
    data = Texts()
    n_meta = int(os.environ.get("META_MARKERS", "0"))
    for _, t in positives() + meta_positives(MARKERS[:n_meta]):
        data.piece(t, 1, "train", False)
    for r in _jsonl(ROOT / "eval/units.jsonl"):
        for p in injection_model.pieces(r["text"]):
            data.piece(p.read(r["text"]), 0, "synthetic", kind=_kind(p))
    for _, t in clean() + (meta_clean() if os.environ.get("META_CLEAN", "0") == "1" else []):
        data.piece(t, 0, "clean")
    for name in SETS:
        for r in _jsonl(ROOT / f"eval/injection/{name}_payloads.jsonl"):
            data.update(r["update"], name, r["payload"], r.get("marker", r["canary"]))
    for u in _jsonl(real / "updates.jsonl"):
        data.update(u["text"], "real:" + (u.get("org") or "none"))
    family = {lang: fam for fam, langs in families().items() for lang in langs}
    templates: dict[str, list[list[int]]] = {}  # family -> per order (first marker): its pieces
    for lang, (_, orders, _) in world().items():
        for t in orders:
            for n, m in enumerate(MARKERS[: max(1, WORLD_MARKERS)]):
                ids = _world_pieces(data, t.format(m=m), 1, "world:" + family[lang], m)
                if n == 0:
                    templates.setdefault(family[lang], []).append(ids)
    clean_ids: dict[str, list[int]] = {}
    for lang, t in world_clean(more=WORLD_CLEAN_MORE):
        clean_ids.setdefault(family[lang], []).extend(
            _world_pieces(data, t, 0, "wclean:" + family[lang])
        )

    x = multilingual.embed(data.rows).astype(np.float64)
    label = np.asarray(data.label)
    y = (label == 1).astype(np.float64)
    group = np.asarray(data.group)
    usable = label >= 0
    if not WORLD_MARKERS:
        usable &= ~np.char.startswith(group.astype(str), "world:")
    if not WORLD_CLEAN:
        usable &= ~np.char.startswith(group.astype(str), "wclean:")
    proto_ok = WORLD_PROTOTYPES | ~np.char.startswith(group.astype(str), "world:")
    owner = np.asarray(data.owner)
    first = np.asarray([f for f, _, _ in data.pieces])
    kind = np.asarray(data.kind)
    # closeness of each piece to the nearest sentence of its update it does not overlap
    near = np.ones(len(data.pieces))
    for ids, _, _, overlaps in data.updates:
        near[ids] = injection_model.closeness(
            x[first[ids]].astype(np.float32), [data.sentence[i] for i in ids], overlaps
        )
    orgs = sorted(g for g in set(data.group) if g.startswith("real:"))
    print(f"{len(data.pieces)} pieces, {len(x)} readings, {int(y.sum())} positive readings")

    is_first = np.zeros(len(x), dtype=bool)
    is_first[first] = True

    def scorer(keep: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """The ridge score plus ALPHA x the cosine to the closest training order (what
        coach.injection_model computes with the shipped weights and prototypes)."""
        w, b = fit(x[keep], y[keep])
        protos = x[keep & (y == 1) & proto_ok]
        return lambda z: z @ w + b + ALPHA * (z @ protos.T).max(axis=1)

    def piece_scores(
        score: Callable[[np.ndarray], np.ndarray], rows: np.ndarray
    ) -> dict[int, tuple[float, float]]:
        """piece -> (score of its plain reading, best score of its decoded readings)."""
        s = score(x[rows])
        best: dict[int, list[float]] = {}
        for r, p, v in zip(rows, owner[rows], s, strict=True):
            got = best.setdefault(int(p), [-9.0, -9.0])
            k = 0 if is_first[r] else 1
            got[k] = max(got[k], float(v))
        return {p: (a, d) for p, (a, d) in best.items()}

    def thresholds(keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """[sentence, joined, clause] thresholds, any and off-genre, and the worst clean
        pieces. Decoded readings count as sentences (coach.injection_model.line_spans)."""
        top, top_off, worst = np.full(3, -9.0), np.full(3, -9.0), ["", "", ""]
        for org in orgs:
            train = keep & usable & (group != org)
            scored = piece_scores(scorer(train), np.flatnonzero((group == org) & (label > -2)))
            for p, (v, dv) in scored.items():
                for k, val in ((int(kind[p]), v), (0, dv)):
                    if val > top[k]:
                        top[k], worst[k] = val, data.rows[first[p]]
                    if near[p] < GENRE_MAX:
                        top_off[k] = max(top_off[k], val)
        return top + MARGIN, top_off + MARGIN, worst

    def caught(p: int, v: tuple[float, float], t1: np.ndarray, t2: np.ndarray) -> bool:
        k = int(kind[p])
        off = near[p] < GENRE_MAX
        return v[0] >= t1[k] or (off and v[0] >= t2[k]) or v[1] >= t1[0] or (off and v[1] >= t2[0])

    everything = np.ones(len(y), dtype=bool)
    thr, thr_off, worst = thresholds(everything)
    for k, kind_name in enumerate(KINDS):
        real_k = [
            i for ids, g, _, _ in data.updates if g.startswith("real:") for i in ids
            if kind[i] == k
        ]  # fmt: skip
        n_off = sum(near[i] < GENRE_MAX for i in real_k)
        print(
            f"{kind_name}: threshold {thr[k]:.3f}, off-genre {thr_off[k]:.3f} ({len(real_k)} real, "
            f"{n_off} off-genre; highest held-out: {worst[k][:80]!r})"
        )

    for name in SETS:  # leave one payload set out
        keep = group != name
        t1, t2, _ = thresholds(keep)
        score = scorer(keep & usable)
        held = misses = 0
        for _ids, g, bad, _ in data.updates:
            if g != name:
                continue
            scores = piece_scores(score, np.flatnonzero(np.isin(owner, list(bad))))
            ok = any(caught(p, v, t1, t2) for p, v in scores.items())
            held += ok
            misses += not ok
        print(f"leave {name} out: thresholds {t1.round(3)} / {t2.round(3)}, {held}/{held + misses}")

    fam_held = fam_all = fam_alarm = fam_clean = 0
    skip = os.environ.get("FAMILY_OUT", "1") == "0"  # quick experiments: no family figure
    for fam in [] if skip else sorted(templates):  # leave one language family out
        keep = (group != "world:" + fam) & (group != "wclean:" + fam)
        t1, t2, _ = thresholds(keep)
        score = scorer(keep & usable)
        got = 0
        for ids in templates[fam]:
            sc = piece_scores(score, np.flatnonzero(np.isin(owner, ids)))
            got += any(caught(p, v, t1, t2) for p, v in sc.items())
        sc = piece_scores(score, np.flatnonzero(np.isin(owner, clean_ids.get(fam, []))))
        alarms = sum(caught(p, v, t1, t2) for p, v in sc.items())
        fam_held, fam_all = fam_held + got, fam_all + len(templates[fam])
        fam_alarm, fam_clean = fam_alarm + alarms, fam_clean + len(sc)
        print(
            f"leave family {fam} out: {got}/{len(templates[fam])}, clean pieces flagged {alarms}/{len(sc)}"
        )
    print(
        f"leave-one-family-out: {fam_held}/{fam_all} orders, {fam_alarm}/{fam_clean} clean pieces flagged"
    )

    w, b = fit(x[usable], y[usable])
    protos = x[usable & (y == 1) & proto_ok].astype(np.float16)
    np.save(ROOT / "coach/data/injection_prototypes.npy", protos, allow_pickle=False)
    out = {
        "alpha": ALPHA,
        "prototypes": f"injection_prototypes.npy ({len(protos)} order readings, float16)",
        "model": multilingual.MODEL_ID,
        "threshold": round(float(thr[0]), 4),
        "threshold_offgenre": round(float(thr_off[0]), 4),
        "threshold_joined": round(float(thr[1]), 4),
        "threshold_joined_offgenre": round(float(thr_off[1]), 4),
        "threshold_clause": round(float(thr[2]), 4),
        "threshold_clause_offgenre": round(float(thr_off[2]), 4),
        "genre_max": GENRE_MAX,
        "bias": round(b, 6),
        "weights": [round(float(v), 6) for v in w],
        "trained_on": f"{int(y.sum())} order readings, {int((label == 0).sum())} clean readings; "
        "see eval/injection/train_model.py",
    }
    (ROOT / "coach/data/injection_model.json").write_text(json.dumps(out) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
