"""The real-updates dataset as an eval dataset: load any directory of that schema.

A directory holds `updates.jsonl` and `units.jsonl` (required) and, optionally, `strategy/`
and `grounding*.jsonl`; a missing optional file only skips the section that needs it. Nothing
here assumes which organisations exist: hidden sets from other organisations run through the
same code. Silver unit labels are corrected by an overlay kept in this repo
(eval/real/label_fixes.jsonl, keyed by update id + a hash of the unit text), never by editing
or copying the dataset, whose texts may carry unknown licences.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError, InputError
from coach.evals.dataset import json_object
from coach.evals.real_gold import as_id, as_org, gold_rows

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "real-updates"
LABEL_FIXES = ROOT / "eval" / "real" / "label_fixes.jsonl"
UNIT_LABELS = ("process", "outcome", "mixed", "other")
UPDATE_LABELS = ("process-heavy", "mixed", "outcome-already")
OTHER_FOLD = "other"
# An organisation with fewer updates than this is pooled into the "other" fold with org null.
MIN_FOLD_UPDATES = 8


@dataclass(frozen=True)
class RealUpdate:
    id: str
    org: str | None
    text: str
    label: str
    facts: tuple[str, ...] = ()
    outcome: str | None = None
    licence: str = "unknown"


@dataclass(frozen=True)
class RealUnit:
    update_id: str
    text: str
    label: str  # after the overlay
    silver: str  # as the dataset has it
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RealDataset:
    path: Path
    updates: tuple[RealUpdate, ...]
    units: tuple[RealUnit, ...]
    fixes_applied: int = 0
    fixes_unmatched: int = 0
    strategy_dir: Path | None = None
    grounding: tuple[dict[str, Any], ...] = ()
    grounding_updates: tuple[dict[str, Any], ...] = ()
    folds: dict[str, str] = field(default_factory=dict)  # update id -> fold name
    units_orphaned: int = 0  # units whose update_id is not in updates.jsonl (set aside)

    @property
    def orgs(self) -> Counter[str]:
        return Counter(u.org or "(none)" for u in self.updates)

    def update(self, update_id: str) -> RealUpdate:
        for u in self.updates:
            if u.id == update_id:
                return u
        raise KeyError(update_id)

    def fingerprint(self) -> str:
        """A short hash of the unit texts: says whether a shipped model was trained on this set."""
        h = hashlib.sha256()
        for u in self.units:
            h.update(f"{u.update_id}\0{u.text}\n".encode())
        return h.hexdigest()[:16]


def unit_hash(text: str) -> str:
    """The overlay's key for a unit: whitespace-normalised text, sha256, 12 hex digits."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def resolve_path(data: str | os.PathLike[str] | None = None) -> Path:
    """--data, else COACH_REAL_DATA, else ../shared/datasets/real-updates beside the repo."""
    chosen = data or os.environ.get("COACH_REAL_DATA") or DEFAULT_DATA
    return Path(chosen).expanduser()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """JSON objects, one a line; a BOM, CRLF line ends and blank lines are accepted."""
    rows = []
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text (byte {exc.start}).") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        rows.append(json_object(line, f"{path.name} line {n}"))
    return rows


def _update(row: dict[str, Any], where: str) -> RealUpdate:
    uid = as_id(row.get("id"))
    if uid is None:
        raise InputError(f"{where}: 'id' must be a non-empty string.")
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        raise InputError(f"{where}: 'text' must be a non-empty string.")
    label = str(row.get("label") or "").strip().lower()
    if label and label not in UPDATE_LABELS:
        raise InputError(f"{where}: unknown label {label!r}; use {', '.join(UPDATE_LABELS)}.")
    facts = row.get("facts") or []
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise InputError(f"{where}: 'facts' must be a list of strings.")
    outcome = row.get("outcome")
    if outcome is not None and not isinstance(outcome, str):
        raise InputError(f"{where}: 'outcome' must be a string or null.")
    return RealUpdate(
        id=uid,
        org=as_org(row.get("org")),
        text=row["text"],
        label=label,
        facts=tuple(f for f in facts if f.strip()),
        outcome=outcome.strip() if outcome and outcome.strip() else None,
        licence=str(row.get("licence") or "unknown"),
    )


def load_fixes(path: Path = LABEL_FIXES) -> dict[tuple[str, str], str]:
    """(update id, unit hash) -> corrected label, from the overlay file (absent = no fixes)."""
    if not path.is_file():
        return {}
    out = {}
    for row in read_jsonl(path):
        if row.get("label") not in UNIT_LABELS:
            raise InputError(f"{path.name}: label must be one of {', '.join(UNIT_LABELS)}.")
        out[(str(row["update_id"]), str(row["unit_sha"]))] = str(row["label"])
    return out


def assign_folds(updates: tuple[RealUpdate, ...], min_updates: int = MIN_FOLD_UPDATES) -> dict:
    """Leave-one-organisation-out folds: each org with >= min_updates updates is its own fold,
    the rest (and org null) are pooled into one "other" fold, so no fold is a handful of units."""
    counts = Counter(u.org for u in updates if u.org)
    for floor in (min_updates, 3, 1):  # a hidden set of small orgs still gets >= 3 folds
        big = {o for o, n in counts.items() if n >= floor}
        if len(big) + (len(big) < len(counts) or any(not u.org for u in updates)) >= 3:
            break
    return {u.id: (u.org if u.org in big else OTHER_FOLD) for u in updates}


def load_real(
    data: str | os.PathLike[str] | None = None, fixes: Path | None = LABEL_FIXES
) -> RealDataset:
    """The dataset at `data` (see resolve_path) with the label overlay applied.

    Strict where a figure would be wrong (duplicate ids, unknown labels: one sentence each),
    lenient where nothing is lost: a unit of an update the set does not hold is set aside and
    counted (a filtered copy of a set), unknown fields are ignored, labels are read lower-case."""
    path = resolve_path(data)
    if not path.is_dir():
        raise InputError(
            f"No real-updates dataset at {path}: no such directory; "
            "pass --data DIR or set COACH_REAL_DATA."
        )
    if not (path / "updates.jsonl").is_file():
        raise InputError(
            f"No real-updates dataset at {path}: it needs updates.jsonl (and units.jsonl); "
            "pass --data DIR or set COACH_REAL_DATA."
        )
    updates = tuple(
        _update(r, f"updates.jsonl line {n}")
        for n, r in enumerate(read_jsonl(path / "updates.jsonl"), 1)
    )
    if not updates:
        raise InputError(f"{path / 'updates.jsonl'} holds no updates.")
    ids: set[str] = set()
    for u in updates:
        if u.id in ids:
            raise InputError(f"updates.jsonl: the id {u.id!r} is used twice; ids must be unique.")
        ids.add(u.id)
    overlay = load_fixes(fixes) if fixes else {}
    units: list[RealUnit] = []
    used: set[tuple[str, str]] = set()
    orphans = 0
    if (path / "units.jsonl").is_file():
        for n, r in enumerate(read_jsonl(path / "units.jsonl"), 1):
            text, silver = r.get("unit"), str(r.get("label") or "").strip().lower()
            if not isinstance(text, str) or silver not in UNIT_LABELS:
                raise InputError(
                    f"units.jsonl line {n}: needs a 'unit' text and a label "
                    f"({', '.join(UNIT_LABELS)})."
                )
            uid = as_id(r.get("update_id"))
            if uid not in ids:
                orphans += 1
                continue
            key = (uid, unit_hash(text))
            label = overlay.get(key, silver)
            if key in overlay:
                used.add(key)
            terms = tuple(str(t) for t in r.get("terms") or ())
            units.append(RealUnit(uid, text, label, silver, terms))
    strategy = path / "strategy"
    return RealDataset(
        path=path,
        updates=updates,
        units=tuple(units),
        fixes_applied=sum(1 for u in units if u.label != u.silver),
        fixes_unmatched=len(set(overlay) - used) if overlay else 0,
        strategy_dir=strategy if strategy.is_dir() else None,
        grounding=tuple(gold_rows(path / "grounding.jsonl", need_text=False)),
        grounding_updates=tuple(gold_rows(path / "grounding_updates.jsonl")),
        folds=assign_folds(updates),
        units_orphaned=orphans,
    )


SKIP_DOCS = {"sources.md", "readme.md"}  # provenance notes beside a strategy, not strategy


def org_key(name: str) -> str:
    """How an organisation's name is compared with its strategy folder's: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def strategy_folder(ds: RealDataset, org: str | None) -> Path | None:
    """strategy/<org>/, matched on the NFC, case-folded name (a folder written on macOS is NFD)."""
    if ds.strategy_dir is None or not org:
        return None
    exact = ds.strategy_dir / org
    if exact.is_dir():
        return exact
    want = org_key(org)
    for p in sorted(ds.strategy_dir.iterdir()):
        if p.is_dir() and org_key(p.name) == want:
            return p
    return None


def strategy_files(ds: RealDataset, org: str | None) -> list[Path]:
    """The organisation's own strategy documents (`strategy_documents` of its folder)."""
    folder = strategy_folder(ds, org)
    return [] if folder is None else strategy_documents(folder)


def strategy_documents(folder: Path) -> list[Path]:
    """Every file under a strategy folder in a format coach ingests (.md, .txt, .html, .pdf,
    .docx, ...), minus SOURCES.md and README.md: what rewrites and grounding both index."""
    from coach.ingest import SUPPORTED

    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED
        and p.name.lower() not in SKIP_DOCS
        and not p.name.startswith(".")
    )


def index_strategy(coach: Any, folder: Path, collection: str) -> list[str]:
    """Index a strategy folder's documents (`strategy_documents`) one by one into `collection`.
    A document that fails to ingest (a corrupt PDF, an empty .docx, a file gone since it was
    listed) is skipped and named, one sentence each, so the organisation is still scored on its
    other documents and no other organisation is touched."""
    failed: list[tuple[str, str]] = []
    for path in strategy_documents(folder):
        try:
            reasons = coach.ingest([str(path)], collection=collection).get("messages", [])
        except CoachError as exc:
            reasons = [str(exc)]
        name = path.relative_to(folder).as_posix()
        for why in reasons:
            why = why.strip().rstrip(".")
            failed.append((name, why.removeprefix(f"{path.name}: ")))
    org = folder.name
    rest = (
        f"{org} is scored on its other documents"
        if coach.store.count(collection)
        else f"{org} has no other readable document, so no update is scored against it"
    )
    return [f"strategy/{org}/{name} skipped ({why}); {rest}" for name, why in failed]


def collection_name(org: str) -> str:
    """A store collection name for any organisation name (spaces, unicode, any length): the
    ASCII letters of the name plus a hash, so two names never share a collection."""
    slug = re.sub(r"[^a-z0-9]+", "-", org.lower()).strip("-")[:40] or "org"
    digest = hashlib.sha256(org.encode("utf-8")).hexdigest()[:8]
    return f"real-{slug}-{digest}"


__all__ = [
    "DEFAULT_DATA",
    "RealDataset",
    "RealUnit",
    "RealUpdate",
    "assign_folds",
    "collection_name",
    "index_strategy",
    "load_real",
    "read_jsonl",
    "resolve_path",
    "strategy_files",
    "strategy_folder",
    "unit_hash",
]
